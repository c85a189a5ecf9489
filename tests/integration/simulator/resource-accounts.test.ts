// Contract: Graph beta `GET /beta/admin/teams/resourceAccounts` — the resource-account list Microsoft documents for
// Teams Phone extensibility ($filter on appId / acsResourceId, $top + @odata.nextLink), app permission
// TeamsResourceAccount.Read.All, v1.0 refused, replication delay honoured — through the Graph SDK.
import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { defaultSeedTenant } from '../../../simulator/seed';
import { apps, call, credential, graphClient, startTestSimulator, state, TestSim, tokenFor } from './helpers';

let t: TestSim;
let reader: Client;
let provisioning: Client;
let bridgeToken: string;
const SEEDED_NUMBER = '+12065550200';
const READER = { appId: '6a1f3c52-0f3e-4a55-9d7e-2b8c1e0a7f61', secret: 'sim-reader-secret' };

beforeAll(async () => {
  const tenant = defaultSeedTenant();
  tenant.applicationInstances = [
    {
      userPrincipalName: `ra-seeded@${tenant.domains[0]}`,
      displayName: 'Seeded line',
      applicationId: '0f6b1d7e-2c3a-4b5d-8e9f-a0b1c2d3e4f5',
      synced: true,
      licensed: true,
      usageLocation: 'US',
      phoneNumber: SEEDED_NUMBER,
    },
  ];
  tenant.apps = [
    ...(tenant.apps ?? []),
    {
      appId: READER.appId,
      displayName: 'Resource account reader',
      clientSecret: READER.secret,
      applicationPermissions: ['TeamsResourceAccount.Read.All'],
    },
  ];
  t = await startTestSimulator({
    seed: { tenants: [tenant] },
    faults: { replicationDelayMs: 600, licensePropagationMs: 0, numberOperationMs: 0 },
  });
  reader = graphClient(t, credential(t, READER.appId, READER.secret));
  const ids = await apps(t);
  provisioning = graphClient(t, credential(t, ids.provisioning.appId, ids.provisioning.clientSecret));
  bridgeToken = await tokenFor(
    t,
    ids.provisioning.appId,
    ids.provisioning.clientSecret,
    'api://teams-admin-bridge/.default',
  );
});
afterAll(async () => {
  await t?.stop();
});

async function createInstance(upn: string, applicationId: string): Promise<string> {
  const res = await call<{ objectId: string }>(
    t,
    'POST',
    `/bridge/tenants/${t.sim.tenantId}/applicationInstances`,
    { userPrincipalName: upn, displayName: `RA ${upn}`, applicationId },
    bridgeToken,
  );
  expect(res.status).toBe(201);
  return res.body.objectId;
}

describe('GET /beta/admin/teams/resourceAccounts', () => {
  const bot = () => t.sim.settings.botApp.appId;
  const other = '0f6b1d7e-2c3a-4b5d-8e9f-a0b1c2d3e4f5';

  it('lists visible accounts in the documented shape, filtered by appId, paged with nextLink', async () => {
    const upns = [1, 2, 3].map((i) => `ra-list-${i}@${t.sim.domain}`);
    const ids = [];
    for (const upn of upns) ids.push(await createInstance(upn, bot()));
    await createInstance(`ra-other@${t.sim.domain}`, other);

    // Not yet replicated: the list does not show them (as Get-CsOnlineApplicationInstance would not).
    const early = await reader.api('/admin/teams/resourceAccounts').version('beta').filter(`appId eq '${bot()}'`).get();
    expect(early.value.map((a: { id: string }) => a.id)).not.toContain(ids[0]);

    await new Promise((r) => setTimeout(r, 700));
    const seen: Record<string, unknown>[] = [];
    let page = await reader
      .api('/admin/teams/resourceAccounts')
      .version('beta')
      .filter(`appid eq '${bot()}'`)
      .top(2)
      .get();
    expect(page['@odata.context']).toBe('https://graph.microsoft.com/beta/$metadata#admin/teams/resourceAccounts');
    seen.push(...page.value);
    expect(page['@odata.nextLink']).toMatch(/\$skiptoken=/);
    while (page['@odata.nextLink']) {
      page = await reader.api(page['@odata.nextLink']).get();
      seen.push(...page.value);
    }
    expect(seen.every((a) => a.appId === bot())).toBe(true);
    const mine = seen.filter((a) => upns.includes(String(a.userPrincipalName)));
    expect(mine).toHaveLength(3);
    expect(mine[0]).toEqual({
      id: ids[0],
      userPrincipalName: upns[0],
      displayName: `RA ${upns[0]}`,
      appId: bot(),
      phoneNumber: null,
      acsResourceId: null,
    });
    const all = await reader.api('/admin/teams/resourceAccounts').version('beta').get();
    expect(all.value.some((a: { appId: string }) => a.appId === other)).toBe(true);
  });

  it('shows an assigned number as a tel: URI', async () => {
    const page = await reader
      .api('/admin/teams/resourceAccounts')
      .version('beta')
      .filter(`userPrincipalName eq 'ra-seeded@${t.sim.domain}'`)
      .get();
    expect(page.value).toEqual([
      expect.objectContaining({ userPrincipalName: `ra-seeded@${t.sim.domain}`, phoneNumber: `tel:${SEEDED_NUMBER}` }),
    ]);
  });

  it('needs TeamsResourceAccount.Read.All (403 without it) and is beta only (v1.0 has no such segment)', async () => {
    await expect(provisioning.api('/admin/teams/resourceAccounts').version('beta').get()).rejects.toMatchObject({
      statusCode: 403,
      code: 'Authorization_RequestDenied',
    });
    const v1 = await reader
      .api('/admin/teams/resourceAccounts')
      .get()
      .catch((e: GraphError) => e);
    expect((v1 as GraphError).statusCode).toBe(400);
  });

  it('rejects a page size above the limit with a Graph error', async () => {
    await expect(reader.api('/admin/teams/resourceAccounts').version('beta').top(5000).get()).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe('stats.requestsByService', () => {
  it('counts Graph, bridge and token requests apart', async () => {
    const before = (await state(t)).stats.requestsByService;
    await reader.api('/admin/teams/resourceAccounts').version('beta').get();
    await reader.api('/admin/teams/resourceAccounts').version('beta').get();
    await call(
      t,
      'GET',
      `/bridge/tenants/${t.sim.tenantId}/applicationInstances/nobody@${t.sim.domain}`,
      undefined,
      bridgeToken,
    );
    const after = (await state(t)).stats.requestsByService;
    expect(after.graph - before.graph).toBe(2);
    expect(after.bridge - before.bridge).toBe(1);
    expect(after.token - before.token).toBe(0); // both clients hold their tokens already
  });
});
