// Contract: Entra tokens carry the granted roles; Graph checks them; directory, licences and $batch behave like Graph.
import { GraphError } from '@microsoft/microsoft-graph-client';
import { apps, call, claimsOf, credential, graphClient, startTestSimulator, state, TestSim, tokenFor } from './helpers';

let t: TestSim;
let ids: Awaited<ReturnType<typeof apps>>;

beforeAll(async () => {
  t = await startTestSimulator({ faults: { replicationDelayMs: 0, licensePropagationMs: 0, numberOperationMs: 50 } });
  ids = await apps(t);
});
afterAll(async () => t.stop());

async function graphStatus(p: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await p;
    return { status: 200, code: '' };
  } catch (e) {
    const g = e as GraphError;
    return { status: g.statusCode, code: String(g.code) };
  }
}

async function newResourceAccount(upn: string): Promise<string> {
  const bridgeToken = await tokenFor(
    t,
    ids.provisioning.appId,
    ids.provisioning.clientSecret,
    'api://teams-admin-bridge/.default',
  );
  const res = await call<{ objectId: string }>(
    t,
    'POST',
    `/bridge/tenants/${t.sim.tenantId}/applicationInstances`,
    {
      userPrincipalName: upn,
      displayName: upn.split('@')[0],
      applicationId: ids.bot.appId,
    },
    bridgeToken,
  );
  expect(res.status).toBe(201);
  return res.body.objectId;
}

test('ClientSecretCredential gets a Graph token whose roles are the app permissions granted in the tenant', async () => {
  const token = await tokenFor(
    t,
    ids.provisioning.appId,
    ids.provisioning.clientSecret,
    'https://graph.microsoft.com/.default',
  );
  const c = claimsOf(token);
  expect(c.aud).toBe('https://graph.microsoft.com');
  expect(c.tid).toBe(t.sim.tenantId);
  expect(c.iss).toBe(`${t.sim.url}/${t.sim.tenantId}/v2.0`);
  expect(c.appid).toBe(ids.provisioning.appId);
  expect([...(c.roles as string[])].sort()).toEqual([...ids.provisioning.applicationPermissions].sort());
  expect(c.roles).toContain('TeamsTelephoneNumber.ReadWrite.All');

  const bot = claimsOf(await tokenFor(t, ids.bot.appId, ids.bot.clientSecret, 'https://graph.microsoft.com/.default'));
  expect(bot.roles).toEqual(
    expect.arrayContaining(['Calls.AccessMedia.All', 'Calls.JoinGroupCallAsGuest.All', 'Presence.Read.All']),
  );

  const bridge = claimsOf(
    await tokenFor(t, ids.provisioning.appId, ids.provisioning.clientSecret, 'api://teams-admin-bridge/.default'),
  );
  expect(bridge.aud).toBe('api://teams-admin-bridge');
  expect(bridge.roles).toEqual(['TeamsAdmin.Bridge']);
});

test('a wrong secret is refused by the token endpoint', async () => {
  await expect(
    credential(t, ids.provisioning.appId, 'not-the-secret').getToken('https://graph.microsoft.com/.default'),
  ).rejects.toThrow(/7000215/);
});

test('Switchboard API tokens from /_sim/tokens carry roles, queues and the configured audience', async () => {
  const res = await call<{ access_token: string; expires_in: number }>(t, 'POST', '/_sim/tokens', {
    tenantId: t.sim.tenantId,
    roles: ['Switchboard.Supervisor'],
    queues: ['sales'],
    oid: 'a0a0a0a0-0000-4000-8000-000000000001',
  });
  expect(res.status).toBe(200);
  const c = claimsOf(res.body.access_token);
  expect(c).toMatchObject({
    aud: 'api://switchboard',
    tid: t.sim.tenantId,
    oid: 'a0a0a0a0-0000-4000-8000-000000000001',
    roles: ['Switchboard.Supervisor'],
    queues: ['sales'],
  });
  expect(c.iss).toBe(t.sim.settings.api.issuer);
});

test('Graph answers 401 without a token and 403 Authorization_RequestDenied without the permission', async () => {
  const anon = await call<{ error: { code: string; innerError: Record<string, string> } }>(t, 'GET', '/v1.0/users');
  expect(anon.status).toBe(401);
  expect(anon.body.error.code).toBe('InvalidAuthenticationToken');
  expect(anon.body.error.innerError['request-id']).toBeTruthy();

  // the vendor bot has Calls.* and Presence but no directory permission
  const bot = graphClient(t, credential(t, ids.bot.appId, ids.bot.clientSecret));
  expect(await graphStatus(bot.api('/users').get())).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
  expect(await graphStatus(bot.api('/subscribedSkus').get())).toEqual({
    status: 403,
    code: 'Authorization_RequestDenied',
  });
  // the partially consented vendor app lacks Calls.InitiateGroupCall.All
  const partial = graphClient(t, credential(t, ids.partial.appId, ids.partial.clientSecret));
  expect(
    await graphStatus(partial.api('/communications/calls/x/participants/invite').post({ participants: [] })),
  ).toEqual({
    status: 403,
    code: 'Authorization_RequestDenied',
  });
});

test('users: get by UPN with $select, $filter eq and startswith, PATCH usageLocation', async () => {
  const g = graphClient(t, credential(t, ids.provisioning.appId, ids.provisioning.clientSecret));
  const u = await g
    .api('/users/agent07@contoso.com')
    .select('id,userPrincipalName,usageLocation,assignedLicenses')
    .get();
  expect(u.userPrincipalName).toBe('agent07@contoso.com');
  expect(u.usageLocation).toBe('US');
  expect(u.assignedLicenses).toHaveLength(1);
  const plain = await g.api(`/users/${u.id}`).get();
  expect(plain).not.toHaveProperty('usageLocation'); // not in Graph's default property set

  const byUpn = await g.api('/users').filter("userPrincipalName eq 'agent07@contoso.com'").get();
  expect(byUpn.value.map((x: { id: string }) => x.id)).toEqual([u.id]);
  const prefixed = await g.api('/users').filter("startswith(userPrincipalName,'agent1')").top(5).get();
  expect(prefixed.value).toHaveLength(5);
  expect(prefixed['@odata.nextLink']).toContain('$skiptoken=');
  const next = await g.api(prefixed['@odata.nextLink']).get();
  expect(next.value.length).toBeGreaterThan(0);
  expect(next.value.every((x: { userPrincipalName: string }) => x.userPrincipalName.startsWith('agent1'))).toBe(true);

  await g.api(`/users/${u.id}`).patch({ usageLocation: 'GB' });
  expect((await g.api(`/users/${u.id}`).select('usageLocation').get()).usageLocation).toBe('GB');
  expect(await graphStatus(g.api(`/users/${u.id}`).patch({ usageLocation: 'Great Britain' }))).toEqual({
    status: 400,
    code: 'Request_BadRequest',
  });
  expect(await graphStatus(g.api('/users/nobody@contoso.com').get())).toEqual({
    status: 404,
    code: 'Request_ResourceNotFound',
  });
});

test('licences: usage location first, pool 25 + 1 per 10 Teams Phone licences, consumed on assignment, no seats when the pool is not acquired', async () => {
  const g = graphClient(t, credential(t, ids.provisioning.appId, ids.provisioning.clientSecret));
  const skus = await g.api('/subscribedSkus').get();
  const pool = skus.value.find((s: { skuPartNumber: string }) => s.skuPartNumber === 'PHONESYSTEM_VIRTUALUSER');
  expect(pool.prepaidUnits.enabled).toBe(30);
  const consumedBefore = pool.consumedUnits;

  const objectId = await newResourceAccount('ra-licence@contoso.com');
  const body = { addLicenses: [{ skuId: pool.skuId, disabledPlans: [] }], removeLicenses: [] };
  const noLocation = await graphStatus(g.api(`/users/${objectId}/assignLicense`).post(body));
  expect(noLocation).toEqual({ status: 400, code: 'Request_BadRequest' });
  try {
    await g.api(`/users/${objectId}/assignLicense`).post(body);
  } catch (e) {
    expect((e as GraphError).message).toBe('License assignment cannot be done for user with invalid usage location.');
  }
  await g.api(`/users/${objectId}`).patch({ usageLocation: 'US' });
  const user = await g.api(`/users/${objectId}/assignLicense`).post(body);
  expect(user.id).toBe(objectId);
  const after = (await g.api('/subscribedSkus').get()).value.find((s: { skuId: string }) => s.skuId === pool.skuId);
  expect(after.consumedUnits).toBe(consumedBefore + 1);

  // the free licences not yet "purchased": pool 0 → no seats
  await call(t, 'POST', '/_sim/faults', { resourceAccountPoolAcquired: false });
  try {
    const other = await newResourceAccount('ra-nopool@contoso.com');
    await g.api(`/users/${other}`).patch({ usageLocation: 'US' });
    const zero = (await g.api('/subscribedSkus').get()).value.find((s: { skuId: string }) => s.skuId === pool.skuId);
    expect(zero.prepaidUnits.enabled).toBe(0);
    let message = '';
    try {
      await g.api(`/users/${other}/assignLicense`).post(body);
    } catch (e) {
      message = (e as GraphError).message;
    }
    expect(message).toBe(`Subscription with SKU ${pool.skuId} does not have any available licenses.`);
  } finally {
    await call(t, 'POST', '/_sim/faults', { resourceAccountPoolAcquired: true });
  }
});

test('consent reads: servicePrincipals(appId=…), appRoleAssignments, oauth2PermissionGrants; appRoleAssignedTo POST', async () => {
  const g = graphClient(t, credential(t, ids.provisioning.appId, ids.provisioning.clientSecret));
  const sp = await g.api(`/servicePrincipals(appId='${ids.bot.appId}')`).get();
  expect(sp.appId).toBe(ids.bot.appId);
  const graphSp = await g
    .api("/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')")
    .select('id,appRoles,oauth2PermissionScopes')
    .get();
  const roleName = new Map<string, string>(graphSp.appRoles.map((r: { id: string; value: string }) => [r.id, r.value]));
  const granted = await g.api(`/servicePrincipals/${sp.id}/appRoleAssignments`).get();
  expect(granted.value.map((a: { appRoleId: string }) => roleName.get(a.appRoleId)).sort()).toEqual(
    [...ids.bot.applicationPermissions].sort(),
  );
  const grants = await g.api('/oauth2PermissionGrants').filter(`clientId eq '${sp.id}'`).get();
  expect(grants.value[0].scope.split(' ')).toContain('Presence.Read.All');

  const api = await g.api('/servicePrincipals').filter("displayName eq 'Switchboard API'").get();
  const apiSp = api.value[0];
  const supervisorRole = apiSp.appRoles.find((r: { value: string }) => r.value === 'Switchboard.Supervisor');
  const agent = await g.api('/users/agent02@contoso.com').get();
  const created = await g
    .api(`/servicePrincipals/${apiSp.id}/appRoleAssignedTo`)
    .post({ principalId: agent.id, resourceId: apiSp.id, appRoleId: supervisorRole.id });
  expect(created.principalType).toBe('User');
  const dup = await graphStatus(
    g
      .api(`/servicePrincipals/${apiSp.id}/appRoleAssignedTo`)
      .post({ principalId: agent.id, resourceId: apiSp.id, appRoleId: supervisorRole.id }),
  );
  expect(dup.status).toBe(400);
  const listed = await g.api(`/servicePrincipals/${apiSp.id}/appRoleAssignedTo`).get();
  expect(listed.value.some((a: { id: string }) => a.id === created.id)).toBe(true);
});

test('PATCH oauth2PermissionGrants/{id} updates the delegated scope: 204; bad body 400; unknown 404; role 403', async () => {
  const provisioning = await tokenFor(
    t,
    ids.provisioning.appId,
    ids.provisioning.clientSecret,
    'https://graph.microsoft.com/.default',
  );
  const sp = (
    await call<{ id: string }>(
      t,
      'GET',
      `/v1.0/servicePrincipals(appId='${ids.partial.appId}')`,
      undefined,
      provisioning,
    )
  ).body;
  const list = await call<{ value: { id: string; scope: string }[] }>(
    t,
    'GET',
    `/v1.0/oauth2PermissionGrants?$filter=clientId eq '${sp.id}'`,
    undefined,
    provisioning,
  );
  const [grant] = list.body.value;
  expect(grant.scope).toBe('User.Read');
  const path = `/v1.0/oauth2PermissionGrants/${grant.id}`;
  // The provisioning app may read grants, not change them.
  expect((await call(t, 'PATCH', path, { scope: 'User.Read Presence.Read.All' }, provisioning)).status).toBe(403);
  const { access_token: admin } = (
    await call<{ access_token: string }>(t, 'POST', '/_sim/tokens', {
      tenantId: t.sim.tenantId,
      audience: 'https://graph.microsoft.com',
      roles: ['DelegatedPermissionGrant.ReadWrite.All'],
    })
  ).body;
  expect((await call(t, 'PATCH', path, { scope: 'User.Read', clientId: 'x' }, admin)).status).toBe(400);
  expect((await call(t, 'PATCH', '/v1.0/oauth2PermissionGrants/nope', { scope: 'User.Read' }, admin)).status).toBe(404);
  expect((await call(t, 'PATCH', path, { scope: 'User.Read  Presence.Read.All' }, admin)).status).toBe(204);
  const after = await call<{ value: { scope: string }[] }>(
    t,
    'GET',
    `/v1.0/oauth2PermissionGrants?$filter=clientId eq '${sp.id}'`,
    undefined,
    provisioning,
  );
  expect(after.body.value[0].scope).toBe('User.Read Presence.Read.All');
});

test('$batch runs each sub-request through the handlers and permission checks; > 20 is refused', async () => {
  const g = graphClient(t, credential(t, ids.provisioning.appId, ids.provisioning.clientSecret));
  const res = await g.api('/$batch').post({
    requests: [
      { id: '1', method: 'GET', url: '/users/agent01@contoso.com?$select=id,usageLocation' },
      { id: '2', method: 'GET', url: '/users/ghost@contoso.com' },
      {
        id: '3',
        method: 'POST',
        url: '/communications/getPresencesByUserId',
        body: { ids: [] },
        headers: { 'content-type': 'application/json' },
      },
      { id: '4', method: 'GET', url: '/subscribedSkus' },
    ],
  });
  const byId = new Map<string, { status: number; body: Record<string, unknown> }>(
    res.responses.map((r: { id: string }) => [r.id, r]),
  );
  expect(byId.get('1')!.status).toBe(200);
  expect(byId.get('1')!.body.usageLocation).toBe('US');
  expect(byId.get('2')!.status).toBe(404);
  expect(byId.get('3')!.status).toBe(403); // the provisioning app has no Presence.Read.All
  expect(byId.get('4')!.status).toBe(200);

  const tooMany = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/subscribedSkus' }));
  expect((await graphStatus(g.api('/$batch').post({ requests: tooMany }))).status).toBe(400);
});

test('state reports apps, users, skus and numbers of the seed', async () => {
  const s = await state(t);
  const tenant = s.tenants[0];
  expect(tenant.domain).toBe('contoso.onmicrosoft.com');
  // 50 agents, plus the portal's admin and supervisor (unlicensed).
  expect(tenant.users.filter((u) => u.accountType === 'user')).toHaveLength(52);
  expect(tenant.users.filter((u) => /^agent\d\d@/.test(u.userPrincipalName))).toHaveLength(50);
  expect(tenant.numbers).toHaveLength(100);
  const byType = (ty: string): number => tenant.numbers.filter((n) => n.numberType === ty).length;
  expect([byType('callingPlan'), byType('directRouting'), byType('operatorConnect')]).toEqual([60, 30, 10]);
  expect(
    tenant.apps
      .find((a) => a.appId === ids.partial.appId)!
      .applicationPermissions.filter((p) => p.startsWith('Calls.')),
  ).toHaveLength(3);
});

test('organization, groups (members, transitive), servicePrincipalNames filter; a group role reaches direct members', async () => {
  const g = graphClient(t, credential(t, ids.provisioning.appId, ids.provisioning.clientSecret));
  const org = await g.api('/organization').select('id,countryLetterCode').get();
  expect(org.value).toEqual([{ id: t.sim.tenantId, countryLetterCode: 'US' }]);

  const inner = await call<{ id: string }>(t, 'POST', '/_sim/groups', {
    tenantId: t.sim.tenantId,
    displayName: 'Inner',
    members: ['agent12@contoso.com'],
  });
  const outer = await call<{ id: string }>(t, 'POST', '/_sim/groups', {
    tenantId: t.sim.tenantId,
    displayName: 'Outer',
    members: ['agent11@contoso.com', inner.body.id],
  });
  expect(outer.status).toBe(201);
  const group = await g.api(`/groups/${outer.body.id}`).get();
  expect(group).toMatchObject({ id: outer.body.id, displayName: 'Outer', securityEnabled: true });
  const upnsOf = (r: { value: { userPrincipalName?: string; displayName: string }[] }) =>
    r.value.map((m) => m.userPrincipalName ?? m.displayName).sort();
  expect(upnsOf(await g.api(`/groups/${outer.body.id}/members`).get())).toEqual(['Inner', 'agent11@contoso.com']);
  expect(upnsOf(await g.api(`/groups/${outer.body.id}/transitiveMembers`).get())).toEqual([
    'Inner',
    'agent11@contoso.com',
    'agent12@contoso.com',
  ]);
  expect(upnsOf(await g.api('/users/agent12@contoso.com/memberOf').get())).toEqual(['Inner']);
  expect(upnsOf(await g.api('/users/agent12@contoso.com/transitiveMemberOf').get())).toEqual(['Inner', 'Outer']);
  expect((await graphStatus(g.api(`/groups/${ids.bot.servicePrincipalId}`).get())).status).toBe(404);

  const found = await g.api('/servicePrincipals').filter("servicePrincipalNames/any(n:n eq 'api://switchboard')").get();
  expect(found.value.map((s: { displayName: string }) => s.displayName)).toEqual(['Switchboard API']);
  const apiSp = found.value[0];
  const agentRole = apiSp.appRoles.find((r: { value: string }) => r.value === 'Switchboard.Agent');
  const assigned = await g
    .api(`/servicePrincipals/${apiSp.id}/appRoleAssignedTo`)
    .post({ principalId: outer.body.id, resourceId: apiSp.id, appRoleId: agentRole.id });
  expect(assigned).toMatchObject({ principalType: 'Group', principalDisplayName: 'Outer' });
  const rolesOf = async (user: string) =>
    claimsOf(
      (await call<{ access_token: string }>(t, 'POST', '/_sim/tokens', { tenantId: t.sim.tenantId, user })).body
        .access_token,
    ).roles;
  expect(await rolesOf('agent11@contoso.com')).toEqual(['Switchboard.Agent']); // a direct member
  expect(await rolesOf('agent12@contoso.com')).toEqual([]); // through the nested group: not assigned
  expect(await rolesOf('admin@contoso.com')).toEqual(['Switchboard.Admin']); // the seed's people are assignments
});
