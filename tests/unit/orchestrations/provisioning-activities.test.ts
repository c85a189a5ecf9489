/** The provisioning activities over fakes: built from their dependencies, no module state, no network. */
import { createProvisioningActivities } from '../../../orchestrations/provisioning/provisioning.activities';
import type { ApplicationInstance, TenantGateway } from '../../../shared/tenant';

function fakeGateway(over: Partial<TenantGateway>): { gateway: TenantGateway; calls: string[] } {
  const calls: string[] = [];
  const gateway = new Proxy({ tenantId: 'tenant-1', ...over } as TenantGateway, {
    get(target, key) {
      const value = target[key as keyof TenantGateway];
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
  return { gateway, calls };
}

describe('provisioning activities from their dependencies', () => {
  test('missing consent fails with the admin-consent URL, and bad news is never cached', async () => {
    const { gateway, calls } = fakeGateway({ getServicePrincipal: async () => undefined });
    const act = createProvisioningActivities({
      gateway: () => gateway,
      consent: { authorityHost: 'https://login.example' },
    });
    const input = { tenantId: 'tenant-1', appId: 'app-1' };
    const first = await act.checkConsent(input);
    expect(first).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'ConsentMissing' } });
    expect(!first.ok && first.error.message).toMatch(/https:\/\/login\.example\/tenant-1\//);
    await act.checkConsent(input);
    expect(calls).toEqual(['getServicePrincipal', 'getServicePrincipal']);
  });

  test('an account not visible yet is retryLater, a visible one its ids', async () => {
    let visible = false;
    const { gateway } = fakeGateway({
      getApplicationInstance: async () =>
        visible ? ({ objectId: 'o-1', applicationId: 'app-1' } as ApplicationInstance) : undefined,
    });
    const act = createProvisioningActivities({ gateway: () => gateway, consent: { authorityHost: 'https://l' } });
    const input = { tenantId: 'tenant-1', identity: 'cc@x' };
    expect(await act.getApplicationInstance(input)).toMatchObject({
      ok: false,
      error: { kind: 'retryable', code: 'NotReplicated' },
    });
    visible = true;
    expect(await act.getApplicationInstance(input)).toEqual({
      ok: true,
      value: { objectId: 'o-1', applicationId: 'app-1' },
    });
  });
});
