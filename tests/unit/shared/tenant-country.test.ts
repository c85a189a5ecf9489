/**
 * The tenant's default usage location (issue 17 item 13): the organization's country, read once per tenant; the
 * DEFAULT_USAGE_LOCATION setting when the organization names none or cannot be read — and then only briefly.
 */
import { TenantCountry } from '../../../shared/provisioning';

function gateway(answers: Record<string, () => Promise<{ id: string; countryLetterCode?: string | null }>>) {
  const reads: string[] = [];
  return {
    reads,
    gateway: (tenantId: string) => ({
      getOrganization: () => {
        reads.push(tenantId);
        return answers[tenantId]();
      },
    }),
  };
}

it('answers the organization country, cached per tenant; the setting when there is none or the read fails', async () => {
  let failing = true;
  const g = gateway({
    gb: async () => ({ id: 'gb', countryLetterCode: 'gb' }),
    none: async () => ({ id: 'none', countryLetterCode: null }),
    flaky: async () => {
      if (failing) throw new Error('503');
      return { id: 'flaky', countryLetterCode: 'DE' };
    },
  });
  const country = new TenantCountry({ gateway: g.gateway, fallback: 'US', fallbackTtlMs: 1000 });
  expect(await country.of('GB')).toBe('GB');
  expect(await country.of('gb')).toBe('GB');
  expect(g.reads).toEqual(['gb']);
  expect(await country.of('none')).toBe('US');
  expect(await country.of('flaky')).toBe('US');
  failing = false;
  expect(await country.of('flaky')).toBe('US'); // the fallback is remembered, briefly
  await new Promise((r) => setTimeout(r, 1100));
  expect(await country.of('flaky')).toBe('DE');
  expect(g.reads).toEqual(['gb', 'none', 'flaky', 'flaky']);
});
