/**
 * The endpoints' index by application-instance object id (Azurite): kept by the repository's write path, read by the
 * call router with point reads — found after provisioning records the id, follows a changed id, gone after a delete,
 * and never trusted over the endpoint row.
 */
jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { EndpointsRepository } from '../../../shared/provisioning';
import { encodeKey } from '../../../shared/storage';
import { TableStorage, tableStorage } from '../../support/azurite-tables';

let storage: TableStorage;
let repo: EndpointsRepository;
const tenant = randomUUID();

beforeAll(async () => {
  storage = await tableStorage();
  repo = new EndpointsRepository(storage.connectionString, {
    tableName: `ep${randomUUID().replace(/-/g, '').slice(0, 12)}`,
  });
});
afterAll(async () => {
  await storage?.stop();
});

const desired = (upn: string) => ({ userPrincipalName: upn, displayName: 'CC', applicationId: 'bot' });

test('an endpoint is found by the object id provisioning recorded, in any case', async () => {
  const id = randomUUID();
  await repo.putDesired(tenant, desired('Sales@Contoso.com'));
  expect(await repo.findByApplicationInstance(tenant, id)).toBeUndefined();
  await repo.patch(tenant, 'sales@contoso.com', { status: 'Provisioned', objectId: id });
  const found = await repo.findByApplicationInstance(tenant.toUpperCase(), id.toUpperCase());
  expect(found?.upnKey).toBe('sales@contoso.com');
  expect(found?.status).toBe('Provisioned');
});

test('an object id seen only in the actual state is indexed too', async () => {
  const id = randomUUID();
  await repo.putDesired(tenant, desired('support@contoso.com'));
  await repo.patch(tenant, 'support@contoso.com', { actual: { objectId: id } });
  expect((await repo.findByApplicationInstance(tenant, id))?.upnKey).toBe('support@contoso.com');
});

test('a changed object id: the old id no longer leads to the endpoint, the new one does', async () => {
  const [oldId, newId] = [randomUUID(), randomUUID()];
  await repo.putDesired(tenant, desired('moved@contoso.com'));
  await repo.patch(tenant, 'moved@contoso.com', { objectId: oldId });
  await repo.patch(tenant, 'moved@contoso.com', { objectId: newId, actual: { objectId: newId } });
  expect(await repo.findByApplicationInstance(tenant, oldId)).toBeUndefined();
  expect((await repo.findByApplicationInstance(tenant, newId))?.upnKey).toBe('moved@contoso.com');
});

test('a deleted endpoint is not found, and its index row is gone', async () => {
  const id = randomUUID();
  await repo.putDesired(tenant, desired('gone@contoso.com'));
  await repo.patch(tenant, 'gone@contoso.com', { objectId: id });
  expect(await repo.delete(tenant, 'gone@contoso.com')).toBe(true);
  expect(await repo.findByApplicationInstance(tenant, id)).toBeUndefined();
  await expect(repo.byInstance.getEntity(encodeKey(tenant), encodeKey(id))).rejects.toMatchObject({ statusCode: 404 });
});

test('the lookup reads two rows, whatever the size of the tenant', async () => {
  const big = randomUUID();
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) {
    const id = randomUUID();
    ids.push(id);
    await repo.putDesired(big, desired(`cc${i}@contoso.com`));
    await repo.patch(big, `cc${i}@contoso.com`, { objectId: id });
  }
  const reads: string[] = [];
  const original = repo.client.listEntities.bind(repo.client);
  repo.client.listEntities = ((...args: Parameters<typeof original>) => {
    reads.push('list');
    return original(...args);
  }) as typeof original;
  try {
    expect((await repo.findByApplicationInstance(big, ids[37]))?.upnKey).toBe('cc37@contoso.com');
  } finally {
    repo.client.listEntities = original;
  }
  expect(reads).toEqual([]);
});

test('endpoints written before the index existed are found: the first miss backfills the tenant, once', async () => {
  const old = randomUUID();
  const ids = [randomUUID(), randomUUID()];
  await repo.putDesired(old, desired('legacy0@contoso.com'));
  await repo.patch(old, 'legacy0@contoso.com', { status: 'Provisioned', objectId: ids[0] });
  await repo.putDesired(old, desired('legacy1@contoso.com'));
  await repo.patch(old, 'legacy1@contoso.com', { actual: { objectId: ids[1].toUpperCase() } });
  // As before the index: the rows exist, their index rows do not.
  for (const id of ids) await repo.byInstance.deleteEntity(encodeKey(old), encodeKey(id));

  // A second repository (another process) that has never seen this tenant.
  const fresh = new EndpointsRepository(storage.connectionString, { tableName: repo.client.tableName });
  const scans: string[] = [];
  const original = fresh.client.listEntities.bind(fresh.client);
  fresh.client.listEntities = ((...args: Parameters<typeof original>) => {
    scans.push('list');
    return original(...args);
  }) as typeof original;
  expect((await fresh.findByApplicationInstance(old, ids[0]))?.upnKey).toBe('legacy0@contoso.com');
  expect(scans).toHaveLength(1);
  // The whole tenant was indexed by that one scan, and the index rows are written.
  expect((await fresh.findByApplicationInstance(old, ids[1]))?.upnKey).toBe('legacy1@contoso.com');
  expect((await repo.byInstance.getEntity(encodeKey(old), encodeKey(ids[1]))).upn).toBe('legacy1@contoso.com');
  // A miss after the backfill (a call to an account we do not serve) scans nothing, here or in another process.
  expect(await fresh.findByApplicationInstance(old, randomUUID())).toBeUndefined();
  expect(scans).toHaveLength(1);
  const third = new EndpointsRepository(storage.connectionString, { tableName: repo.client.tableName });
  const thirdScans: string[] = [];
  const thirdList = third.client.listEntities.bind(third.client);
  third.client.listEntities = ((...args: Parameters<typeof thirdList>) => {
    thirdScans.push('list');
    return thirdList(...args);
  }) as typeof thirdList;
  expect(await third.findByApplicationInstance(old, randomUUID())).toBeUndefined();
  expect(thirdScans).toEqual([]);
  // Idempotent: running it again changes nothing and says it had nothing to do.
  expect(await third.backfillIndex(old)).toBe(false);
  expect((await third.findByApplicationInstance(old, ids[0]))?.upnKey).toBe('legacy0@contoso.com');
});
