// Contract: the bridge's batch read of APS mappings, `POST …/applicationInstances/sync:batchGet` (drift scans):
// ≤ 100 identities, one request (one throttling unit), per-account state + notFound, the same guard as every route.
import { randomUUID } from 'node:crypto';
import { apps, call, eventually, startTestSimulator, state, TestSim, tokenFor } from './helpers';

let t: TestSim;
let ids: Awaited<ReturnType<typeof apps>>;
let bridgeToken: string;

beforeAll(async () => {
  t = await startTestSimulator({ faults: { replicationDelayMs: 200 } });
  ids = await apps(t);
  bridgeToken = await tokenFor(
    t,
    ids.provisioning.appId,
    ids.provisioning.clientSecret,
    'api://teams-admin-bridge/.default',
  );
});
afterAll(async () => t.stop());
afterEach(async () => {
  await call(t, 'POST', '/_sim/faults', { throttleProbability: 0, errorProbability: 0 });
});

const base = (): string => `/bridge/tenants/${t.sim.tenantId}/applicationInstances`;
type Sync = { objectId: string; applicationId: string | null; synced: boolean };
type SyncBatch = { value: Sync[]; notFound: string[] };
type BridgeError = { error: { code: string; message: string; cmdlet: string | null } };

async function createVisible(upn: string): Promise<string> {
  const res = await call<{ objectId: string }>(
    t,
    'POST',
    base(),
    { userPrincipalName: upn, displayName: upn, applicationId: ids.bot.appId },
    bridgeToken,
  );
  expect(res.status).toBe(201);
  await eventually(async () =>
    (await call(t, 'GET', `${base()}/${res.body.objectId}`, undefined, bridgeToken)).status === 200 ? true : undefined,
  );
  return res.body.objectId;
}

test('answers each account’s APS mapping and the identities it cannot see, in one request', async () => {
  const synced = await createVisible(`sync-a-${randomUUID().slice(0, 8)}@contoso.com`);
  const unsynced = await createVisible(`sync-b-${randomUUID().slice(0, 8)}@contoso.com`);
  expect((await call(t, 'POST', `${base()}/${synced}/sync`, {}, bridgeToken)).status).toBe(200);
  const missing = randomUUID();

  const before = (await state(t)).stats.requests;
  const res = await call<SyncBatch>(
    t,
    'POST',
    `${base()}/sync:batchGet`,
    { identities: [synced, unsynced, missing] },
    bridgeToken,
  );
  const after = (await state(t)).stats.requests;
  expect(res.status).toBe(200);
  expect(res.body.value).toEqual([
    { objectId: synced, applicationId: ids.bot.appId, synced: true },
    { objectId: unsynced, applicationId: null, synced: false },
  ]);
  expect(res.body.notFound).toEqual([missing]);
  // The same answer as the single read, for each account.
  for (const entry of res.body.value) {
    const single = await call<Sync>(t, 'GET', `${base()}/${entry.objectId}/sync`, undefined, bridgeToken);
    expect(single.body).toEqual(entry);
  }
  expect(after - before).toBe(1);
});

test('takes at most 100 identities and a well-formed body', async () => {
  const tooMany = await call<BridgeError>(
    t,
    'POST',
    `${base()}/sync:batchGet`,
    { identities: Array.from({ length: 101 }, () => randomUUID()) },
    bridgeToken,
  );
  expect(tooMany.status).toBe(400);
  expect(tooMany.body.error).toMatchObject({ code: 'BadRequest', cmdlet: 'Sync-CsOnlineApplicationInstance' });
  const full = await call<SyncBatch>(
    t,
    'POST',
    `${base()}/sync:batchGet`,
    { identities: Array.from({ length: 100 }, () => randomUUID()) },
    bridgeToken,
  );
  expect(full.status).toBe(200);
  expect(full.body.notFound).toHaveLength(100);
  const malformed = await call<BridgeError>(t, 'POST', `${base()}/sync:batchGet`, { identities: 'x' }, bridgeToken);
  expect(malformed.status).toBe(400);
});

test('is guarded, throttled and faulted like every bridge route', async () => {
  const body = { identities: [randomUUID()] };
  expect((await call(t, 'POST', `${base()}/sync:batchGet`, body)).status).toBe(401);
  const botBridge = await tokenFor(t, ids.bot.appId, ids.bot.clientSecret, 'api://teams-admin-bridge/.default');
  expect((await call(t, 'POST', `${base()}/sync:batchGet`, body, botBridge)).status).toBe(403);

  await call(t, 'POST', '/_sim/faults', { throttleProbability: 1 });
  const throttled = await call<BridgeError>(t, 'POST', `${base()}/sync:batchGet`, body, bridgeToken);
  expect(throttled.status).toBe(429);
  expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(throttled.body.error.code).toBe('Throttled');

  await call(t, 'POST', '/_sim/faults', { throttleProbability: 0, errorProbability: 1 });
  // Wait out the throttle's Retry-After first (a request before it is throttled again).
  const faulted = await eventually(
    async () => {
      const r = await call<BridgeError>(t, 'POST', `${base()}/sync:batchGet`, body, bridgeToken);
      return r.status === 429 ? undefined : r;
    },
    20_000,
    500,
  );
  expect(faulted.status).toBe(503);
  expect(faulted.body.error.code).toBe('ServiceUnavailable');
});
