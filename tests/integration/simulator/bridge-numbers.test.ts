// Contract: the Teams admin bridge (replication delay, sync conflicts, domains) and the number-assignment LRO
// with its traps (licence not yet effective, user-only numbers, numbers assigned elsewhere).
import { Client } from '@microsoft/microsoft-graph-client';
import {
  apps,
  call,
  credential,
  eventually,
  graphClient,
  startTestSimulator,
  state,
  TestSim,
  tokenFor,
} from './helpers';

let t: TestSim;
let ids: Awaited<ReturnType<typeof apps>>;
let bridgeToken: string;
let g: Client;
const POOL_SKU = '440eaaa8-b3e0-484b-a8be-62870b9ba70a';

beforeAll(async () => {
  t = await startTestSimulator({
    faults: { replicationDelayMs: 400, licensePropagationMs: 0, numberOperationMs: 150 },
  });
  ids = await apps(t);
  bridgeToken = await tokenFor(
    t,
    ids.provisioning.appId,
    ids.provisioning.clientSecret,
    'api://teams-admin-bridge/.default',
  );
  g = graphClient(t, credential(t, ids.provisioning.appId, ids.provisioning.clientSecret));
});
afterAll(async () => t.stop());

const base = (): string => `/bridge/tenants/${t.sim.tenantId}/applicationInstances`;
type Instance = {
  objectId: string;
  tenantId: string;
  userPrincipalName: string;
  applicationId: string | null;
  displayName: string;
  phoneNumber: string | null;
};
type BridgeError = { error: { code: string; message: string; cmdlet: string } };

async function createVisible(upn: string): Promise<Instance> {
  const res = await call<Instance>(
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
  return res.body;
}

async function license(objectId: string): Promise<void> {
  await g.api(`/users/${objectId}`).patch({ usageLocation: 'US' });
  await g
    .api(`/users/${objectId}/assignLicense`)
    .post({ addLicenses: [{ skuId: POOL_SKU, disabledPlans: [] }], removeLicenses: [] });
}

async function assign(
  telephoneNumber: string,
  targetId: string,
  numberType: string,
): Promise<{ status: string; numbers: { status: string; statusDetail: string | null }[] }> {
  const res = await call(
    t,
    'POST',
    '/v1.0/admin/teams/telephoneNumberManagement/numberAssignments/assignNumber',
    { telephoneNumber, assignmentTargetId: targetId, numberType, assignmentCategory: 'primary' },
    await tokenFor(t, ids.provisioning.appId, ids.provisioning.clientSecret, 'https://graph.microsoft.com/.default'),
  );
  expect(res.status).toBe(202);
  const location = res.headers.get('location')!;
  expect(location).toMatch(/\/telephoneNumberManagement\/operations\('[^']+'\)$/);
  // poll the operation through the Graph client, as an adapter would
  return eventually(async () => {
    const op = await g.api(location).get();
    return op.status === 'succeeded' || op.status === 'failed' ? op : undefined;
  });
}

test('bridge auth: a Graph token or an app without TeamsAdmin.Bridge is refused', async () => {
  const graphToken = await tokenFor(
    t,
    ids.provisioning.appId,
    ids.provisioning.clientSecret,
    'https://graph.microsoft.com/.default',
  );
  expect((await call(t, 'GET', `${base()}/x@contoso.com`, undefined, graphToken)).status).toBe(401);
  const botBridge = await tokenFor(t, ids.bot.appId, ids.bot.clientSecret, 'api://teams-admin-bridge/.default');
  const denied = await call<BridgeError>(t, 'GET', `${base()}/x@contoso.com`, undefined, botBridge);
  expect(denied.status).toBe(403);
});

test('create → not found until replicated → get/batchGet → sync once (second sync: already added) → PATCH app id clears sync', async () => {
  const created = await call<Instance>(
    t,
    'POST',
    base(),
    { userPrincipalName: 'cc-sales@contoso.com', displayName: 'Sales line', applicationId: ids.bot.appId },
    bridgeToken,
  );
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    tenantId: t.sim.tenantId,
    userPrincipalName: 'cc-sales@contoso.com',
    applicationId: ids.bot.appId,
    displayName: 'Sales line',
    phoneNumber: null,
  });
  const id = created.body.objectId;

  const early = await call<BridgeError>(t, 'GET', `${base()}/cc-sales@contoso.com`, undefined, bridgeToken);
  expect(early.status).toBe(404);
  expect(early.body.error).toMatchObject({ code: 'NotFound', cmdlet: 'Get-CsOnlineApplicationInstance' });
  const earlySync = await call<BridgeError>(t, 'POST', `${base()}/${id}/sync`, {}, bridgeToken);
  expect(earlySync.status).toBe(404);

  const got = await eventually(async () => {
    const r = await call<Instance>(t, 'GET', `${base()}/cc-sales@contoso.com`, undefined, bridgeToken);
    return r.status === 200 ? r.body : undefined;
  });
  expect(got.objectId).toBe(id);

  const batch = await call<{ value: Instance[]; notFound: string[] }>(
    t,
    'POST',
    `${base()}:batchGet`,
    { identities: [id, 'nobody@contoso.com'] },
    bridgeToken,
  );
  expect(batch.status).toBe(200);
  expect(batch.body.value.map((i) => i.objectId)).toEqual([id]);
  expect(batch.body.notFound).toEqual(['nobody@contoso.com']);

  const sync = await call(t, 'POST', `${base()}/${id}/sync`, {}, bridgeToken);
  expect(sync.body).toEqual({ objectId: id, applicationId: ids.bot.appId, synced: true });
  const again = await call<BridgeError>(t, 'POST', `${base()}/${id}/sync`, {}, bridgeToken);
  expect(again.status).toBe(409);
  expect(again.body.error).toEqual({
    code: 'AlreadyExists',
    message: 'An item with the same key has already been added.',
    cmdlet: 'Sync-CsOnlineApplicationInstance',
  });
  expect((await call(t, 'GET', `${base()}/${id}/sync`, undefined, bridgeToken)).body).toEqual({
    objectId: id,
    applicationId: ids.bot.appId,
    synced: true,
  });

  const patched = await call<Instance>(
    t,
    'PATCH',
    `${base()}/${id}`,
    { applicationId: ids.partial.appId, displayName: 'Sales' },
    bridgeToken,
  );
  expect(patched.body).toMatchObject({ applicationId: ids.partial.appId, displayName: 'Sales' });
  expect((await call<{ synced: boolean }>(t, 'GET', `${base()}/${id}/sync`, undefined, bridgeToken)).body.synced).toBe(
    false,
  );
  expect((await call(t, 'POST', `${base()}/${id}/sync`, {}, bridgeToken)).status).toBe(200);

  const s = await state(t);
  expect(s.tenants[0].applicationInstances.find((i) => i.objectId === id)).toMatchObject({
    syncedToAps: true,
    applicationId: ids.partial.appId,
  });
});

test('create refuses an unverified domain and a UPN that exists', async () => {
  const bad = await call<BridgeError>(
    t,
    'POST',
    base(),
    { userPrincipalName: 'x@fabrikam.com', displayName: 'x', applicationId: ids.bot.appId },
    bridgeToken,
  );
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('InvalidDomain');
  const dup = await call<BridgeError>(
    t,
    'POST',
    base(),
    { userPrincipalName: 'agent01@contoso.com', displayName: 'x', applicationId: ids.bot.appId },
    bridgeToken,
  );
  expect(dup.status).toBe(409);
  expect(dup.body.error).toMatchObject({ code: 'AlreadyExists', cmdlet: 'New-CsOnlineApplicationInstance' });
});

test('blankApplicationIdProbability=1 reproduces the module 4.0.0 bug', async () => {
  await call(t, 'POST', '/_sim/faults', { blankApplicationIdProbability: 1 });
  try {
    const r = await call<Instance>(
      t,
      'POST',
      base(),
      { userPrincipalName: 'cc-blank@contoso.com', displayName: 'b', applicationId: ids.bot.appId },
      bridgeToken,
    );
    expect(r.status).toBe(201);
    expect(r.body.applicationId).toBeNull();
  } finally {
    await call(t, 'POST', '/_sim/faults', { blankApplicationIdProbability: 0 });
  }
});

test('number list pages with $filter/$top/$skip and @odata.nextLink', async () => {
  const first = await g
    .api('/admin/teams/telephoneNumberManagement/numberAssignments')
    .filter("numberType eq 'callingPlan' and assignmentStatus eq 'unassigned'")
    .top(25)
    .get();
  expect(first.value).toHaveLength(25);
  expect(first['@odata.nextLink']).toContain('$skip=25');
  const seen = [...first.value];
  let next = first['@odata.nextLink'];
  while (next) {
    const p = await g.api(next).get();
    seen.push(...p.value);
    next = p['@odata.nextLink'];
  }
  // Every free calling-plan number of the seed, each once (the seed's contact-center lines hold three of them).
  const tenant = (await state(t)).tenants.find((x) => x.tenantId === t.sim.tenantId)!;
  const free = tenant.numbers.filter((n) => n.numberType === 'callingPlan' && n.assignmentStatus === 'unassigned');
  expect(free.length).toBeGreaterThan(25);
  expect(new Set(seen.map((n) => n.telephoneNumber))).toEqual(new Set(free.map((n) => n.telephoneNumber)));
  expect(seen).toHaveLength(free.length);
  expect(seen.every((n) => n.numberType === 'callingPlan')).toBe(true);
});

test('assignNumber LRO: succeeds on a licensed account; fails for a user-only number and for a number assigned elsewhere', async () => {
  const a = await createVisible('cc-support@contoso.com');
  await license(a.objectId);
  const ok = await assign('+14255550100', a.objectId, 'callingPlan');
  expect(ok.status).toBe('succeeded');
  expect((await call<Instance>(t, 'GET', `${base()}/${a.objectId}`, undefined, bridgeToken)).body.phoneNumber).toBe(
    'tel:+14255550100',
  );
  const listed = await g
    .api('/admin/teams/telephoneNumberManagement/numberAssignments')
    .filter("telephoneNumber eq '+14255550100'")
    .get();
  expect(listed.value[0]).toMatchObject({
    assignmentTargetId: a.objectId,
    assignmentStatus: 'voiceApplicationAssigned',
  });

  const b = await createVisible('cc-billing@contoso.com');
  await license(b.objectId);
  const userOnly = await assign('+14255550155', b.objectId, 'callingPlan');
  expect(userOnly.status).toBe('failed');
  expect(userOnly.numbers[0].statusDetail).toMatch(/userAssignment/);
  const taken = await assign('+14255550100', b.objectId, 'callingPlan');
  expect(taken.status).toBe('failed');
  expect(taken.numbers[0].statusDetail).toMatch(/already been assigned/);

  const un = await call(
    t,
    'POST',
    '/v1.0/admin/teams/telephoneNumberManagement/numberAssignments/unassignNumber',
    { telephoneNumber: '+14255550100', numberType: 'callingPlan' },
    await tokenFor(t, ids.provisioning.appId, ids.provisioning.clientSecret, 'https://graph.microsoft.com/.default'),
  );
  expect(un.status).toBe(202);
  await eventually(async () =>
    (await g.api(un.headers.get('location')!).get()).status === 'succeeded' ? true : undefined,
  );
  const freed = await g
    .api('/admin/teams/telephoneNumberManagement/numberAssignments')
    .filter("telephoneNumber eq '+14255550100'")
    .get();
  expect(freed.value[0].assignmentStatus).toBe('unassigned');
});

test('a number assigned right after licensing fails with "user not found" until the licence is effective', async () => {
  await call(t, 'POST', '/_sim/faults', { licensePropagationMs: 60000 });
  try {
    const c = await createVisible('cc-fresh@contoso.com');
    await license(c.objectId);
    const op = await assign('+12065550200', c.objectId, 'directRouting');
    expect(op.status).toBe('failed');
    expect(op.numbers[0].statusDetail).toBe(`The user '${c.objectId}' is not found.`);
  } finally {
    await call(t, 'POST', '/_sim/faults', { licensePropagationMs: 0 });
  }
});

test('deleting the user deletes its application instance', async () => {
  const d = await createVisible('cc-temp@contoso.com');
  await g.api(`/users/${d.objectId}`).delete();
  expect((await call(t, 'GET', `${base()}/${d.objectId}`, undefined, bridgeToken)).status).toBe(404);
  expect((await state(t)).tenants[0].applicationInstances.some((i) => i.objectId === d.objectId)).toBe(false);
});
