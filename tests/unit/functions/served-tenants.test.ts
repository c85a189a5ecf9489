/**
 * The calling webhook's served-tenants memory (composition root `endpointDirectory`) is bounded: a flood of tenant
 * ids (each answered "serving" by the endpoints table) evicts the least recently asked, so memory stays at the bound;
 * a tenant asked again within the bound is answered from memory, one evicted is read from the table again.
 */
import { endpointDirectory } from '../../../functions/composition-root';

function fakeEndpoints() {
  const reads: string[] = [];
  return {
    reads,
    endpoints: {
      list: async (tenantId: string) => {
        reads.push(tenantId);
        // Tenants whose id starts with "none" have no endpoints.
        return { items: tenantId.startsWith('none') ? [] : [{}] } as never;
      },
      findByApplicationInstance: async () => undefined,
    },
  };
}

it('remembers at most maxTenants served tenants, evicting the least recently asked', async () => {
  const { reads, endpoints } = fakeEndpoints();
  const directory = endpointDirectory(endpoints, [], { maxTenants: 3 });
  for (const t of ['a', 'b', 'c']) expect(await directory.servesTenant(t)).toBe(true);
  expect(await directory.servesTenant('a')).toBe(true); // from memory; now the most recent
  expect(reads).toEqual(['a', 'b', 'c']);
  expect(await directory.servesTenant('d')).toBe(true); // evicts b, the least recently asked
  expect(await directory.servesTenant('a')).toBe(true);
  expect(await directory.servesTenant('c')).toBe(true);
  expect(reads).toEqual(['a', 'b', 'c', 'd']);
  expect(await directory.servesTenant('b')).toBe(true); // read again: it was evicted
  expect(reads).toEqual(['a', 'b', 'c', 'd', 'b']);
});

it('never remembers a refusal, nor the configured extra tenants', async () => {
  const { reads, endpoints } = fakeEndpoints();
  const directory = endpointDirectory(endpoints, ['extra'], { maxTenants: 2 });
  expect(await directory.servesTenant('EXTRA')).toBe(true);
  expect(await directory.servesTenant('none-1')).toBe(false);
  expect(await directory.servesTenant('none-1')).toBe(false);
  expect(reads).toEqual(['none-1', 'none-1']);
});
