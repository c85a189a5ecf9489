/**
 * The seed's remaining admin steps against the running system (issue 17 items 10–13): the web app's consent beside
 * the bot's, role assignments of users and groups (a group member's minted token carries the role), the Direct
 * Routing licensing check, and the organization's country as the default usage location. One fresh tenant whose
 * organization is in GB (the app's DEFAULT_USAGE_LOCATION stays US), with an E5 agent and an unlicensed one.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { defaultSeedTenant } from '../../../simulator/seed';
import { DIST } from '../../../scripts/lib/processes';
import { startSystem, type System } from '../../../scripts/lib/system';
import {
  FAST_FAULTS,
  FAST_WAITS,
  graphAs,
  graphToken,
  jwtClaims,
  postEndpoint,
  state,
  uniqueUpn,
  waitForStatus,
} from '../../support/endpoints-api';

jest.setTimeout(240_000);

const tenantId = randomUUID();
const base = `/api/tenants/${tenantId}`;
let system: System;
let admin: string;

const seedTenant = defaultSeedTenant();
beforeAll(async () => {
  system = await startSystem({
    faults: FAST_FAULTS,
    seed: {
      includeDefaultTenant: false,
      tenants: [
        {
          ...seedTenant,
          tenantId,
          countryLetterCode: 'GB',
          skus: { ...seedTenant.skus, SPE_E5: 5 },
          users: [
            ...(seedTenant.users ?? []),
            {
              userPrincipalName: 'agent-e5@contoso.com',
              displayName: 'Eve Five',
              usageLocation: 'US',
              licenses: ['SPE_E5'],
            },
            { userPrincipalName: 'agent-nolicence@contoso.com', displayName: 'Nola Cense', usageLocation: 'US' },
          ],
        },
      ],
    },
    env: { PROVISIONING_WAITS: FAST_WAITS },
  });
  admin = await system.token(['Switchboard.Admin']);
});
afterAll(async () => {
  await system?.stop();
});

const get = async <T>(p: string, token = admin): Promise<{ status: number; body: T }> => {
  const res = await system.api('GET', `${base}${p}`, { token });
  return { status: res.status, body: (await res.json()) as T };
};

interface ConsentApp {
  appId: string;
  name: string;
  servicePrincipalId?: string;
  adminConsentUrl: string;
  adminConsentUrlV2: string;
  granted: string[];
  missing: string[];
  excess: string[];
}

describe('consent: the web app beside the bot', () => {
  it('reports each app with both admin-consent URLs, keeps the bot at the top, and flags excess and missing', async () => {
    const { status, body } = await get<{
      appId: string;
      adminConsentUrl: string;
      granted: string[];
      missing: string[];
      excess: string[];
      apps: ConsentApp[];
    }>('/consent');
    expect(status).toBe(200);
    const [bot, web] = body.apps;
    expect(bot).toMatchObject({
      name: 'bot',
      appId: body.appId,
      granted: body.granted,
      missing: [],
      excess: body.excess,
    });
    expect(body.adminConsentUrl).toBe(bot.adminConsentUrlV2); // the top-level field keeps its meaning
    expect(web).toMatchObject({
      name: 'webApp',
      appId: system.simulator.settings.webApp.appId,
      granted: ['User.Read.All', 'User.Read (delegated)', 'User.Read.All (delegated)'],
      missing: [],
      excess: [],
    });
    const common = new URL(web.adminConsentUrl);
    expect(common.pathname).toBe('/common/adminconsent');
    expect(common.searchParams.get('client_id')).toBe(web.appId);
    const v2 = new URL(web.adminConsentUrlV2);
    expect(v2.pathname).toBe(`/${tenantId}/v2.0/adminconsent`);
    expect(v2.searchParams.get('client_id')).toBe(web.appId);
    expect(v2.searchParams.get('scope')).toBe('https://graph.microsoft.com/.default');

    // An admin narrows the web app's delegated grant to User.Read and adds Mail.Read: one missing, one excess.
    const graph = graphAs(
      system,
      await graphToken(system, ['Application.Read.All', 'DelegatedPermissionGrant.ReadWrite.All']),
    );
    const grants = (await graph('GET', `/oauth2PermissionGrants?$filter=clientId eq '${web.servicePrincipalId}'`))
      .value as { id: string }[];
    await graph('PATCH', `/oauth2PermissionGrants/${grants[0].id}`, { scope: 'User.Read Mail.Read' });
    const after = (await get<{ apps: ConsentApp[] }>('/consent')).body.apps[1];
    expect(after.missing).toEqual(['User.Read.All (delegated)']);
    expect(after.excess).toEqual(['Mail.Read (delegated)']);
  });
});

describe('role assignments', () => {
  const rolePath = (role: string, principal?: string) =>
    `${base}/roles/${role}/members${principal ? `/${encodeURIComponent(principal)}` : ''}`;
  const call = (method: string, p: string, token = admin) => system.api(method, p, { token });
  const members = async (role: string) =>
    (
      (await (await call('GET', rolePath(role))).json()) as {
        members: { principalId: string; principalType: string }[];
      }
    ).members;
  const userId = async (upn: string) => (await state(system)).users.find((u) => u.userPrincipalName === upn)!.id;
  const mintedRoles = async (user: string) =>
    jwtClaims((await system.sim<{ access_token: string }>('POST', '/_sim/tokens', { tenantId, user })).access_token)
      .roles as string[];

  it('assigns a user (by UPN) idempotently, and a group whose direct members then get the role in their tokens', async () => {
    expect((await members('Switchboard.Admin')).map((m) => m.principalId)).toContain(await userId('admin@contoso.com'));

    const first = await call('PUT', rolePath('Switchboard.Supervisor', 'agent05@contoso.com'));
    expect(first.status).toBe(201);
    const assigned = (await first.json()) as { principalId: string; principalType: string; assignmentId: string };
    expect(assigned).toMatchObject({ principalId: await userId('agent05@contoso.com'), principalType: 'User' });
    const again = await call('PUT', rolePath('switchboard.supervisor', assigned.principalId));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { assignmentId: string }).assignmentId).toBe(assigned.assignmentId);
    expect(await mintedRoles('agent05@contoso.com')).toEqual(['Switchboard.Supervisor']);

    // Agents group: agent06 directly, agent07 through a nested group (Entra: direct members only).
    const nested = await system.sim<{ id: string }>('POST', '/_sim/groups', {
      tenantId,
      displayName: 'Night shift',
      members: ['agent07@contoso.com'],
    });
    const group = await system.sim<{ id: string }>('POST', '/_sim/groups', {
      tenantId,
      displayName: 'Contact center agents',
      members: ['agent06@contoso.com', nested.id],
    });
    const put = await call('PUT', rolePath('Switchboard.Agent', group.id));
    expect(put.status).toBe(201);
    expect(await put.json()).toMatchObject({
      principalId: group.id,
      principalType: 'Group',
      displayName: 'Contact center agents',
    });
    expect(await mintedRoles('agent06@contoso.com')).toEqual(['Switchboard.Agent']);
    expect(await mintedRoles('agent07@contoso.com')).toEqual([]);
    // The role works on the API: agent06's own token reads agent06.
    const agentToken = (
      await system.sim<{ access_token: string }>('POST', '/_sim/tokens', { tenantId, user: 'agent06@contoso.com' })
    ).access_token;
    expect((await call('GET', `${base}/agents/licensing`, agentToken)).status).toBe(403); // an Agent may not

    // Removing the group's assignment removes only it.
    const before = await members('Switchboard.Agent');
    expect((await call('DELETE', rolePath('Switchboard.Agent', group.id))).status).toBe(204);
    expect(await members('Switchboard.Agent')).toEqual(before.filter((m) => m.principalId !== group.id));
    expect(await mintedRoles('agent06@contoso.com')).toEqual([]);
    expect((await call('DELETE', rolePath('Switchboard.Agent', group.id))).status).toBe(404);
    expect((await call('DELETE', rolePath('Switchboard.Supervisor', 'agent05@contoso.com'))).status).toBe(204);
    expect(await mintedRoles('agent05@contoso.com')).toEqual([]);
  });

  it('refuses what is not a user or group, a role it does not manage, a missing assignment and a non-admin', async () => {
    const snapshot = async () =>
      Promise.all(['Switchboard.Admin', 'Switchboard.Supervisor', 'Switchboard.Agent'].map(members));
    const before = await snapshot();
    const problem = async (res: Response) => (await res.json()) as { errors?: { field: string }[] };

    const bad = await call('PUT', rolePath('Switchboard.Agent', 'not-an-id'));
    expect(bad.status).toBe(400);
    expect((await problem(bad)).errors?.map((e) => e.field)).toEqual(['principalId']);
    const stranger = await call('PUT', rolePath('Switchboard.Agent', randomUUID()));
    expect(stranger.status).toBe(404);
    expect((await problem(stranger)).errors?.map((e) => e.field)).toEqual(['principalId']);
    // The bot's service principal is a directory object of the tenant, but neither a user nor a group.
    const botSp = (await state(system)).apps.find((a) => a.appId === system.simulator.settings.botApp.appId)!;
    expect((await call('PUT', rolePath('Switchboard.Agent', botSp.servicePrincipalId))).status).toBe(404);
    const operator = await call('PUT', rolePath('Switchboard.Operator', 'agent08@contoso.com'));
    expect(operator.status).toBe(400);
    expect((await problem(operator)).errors?.map((e) => e.field)).toEqual(['role']);
    // agent08 holds no Agent role: nothing to remove, and nothing else is touched.
    expect((await call('DELETE', rolePath('Switchboard.Agent', 'agent08@contoso.com'))).status).toBe(404);
    expect((await call('DELETE', rolePath('Switchboard.Supervisor', 'admin@contoso.com'))).status).toBe(404);
    const supervisor = await system.token(['Switchboard.Supervisor'], { tenantId, queues: ['sales'] });
    expect((await call('PUT', rolePath('Switchboard.Admin', 'agent08@contoso.com'), supervisor)).status).toBe(403);
    expect((await call('GET', rolePath('Switchboard.Admin'), supervisor)).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('switchboard roles add|list|remove', async () => {
    const cli = async (...args: string[]) => {
      const run = promisify(execFile);
      return run(process.execPath, [path.join(DIST, 'cli', 'main.js'), ...args], {
        env: {
          ...process.env,
          SWITCHBOARD_API: `${system.origin}/api`,
          SWITCHBOARD_TENANT: tenantId,
          SWITCHBOARD_TOKEN: admin,
        },
      });
    };
    expect((await cli('roles', 'add', '--role', 'supervisor', '--user', 'agent09@contoso.com')).stdout).toContain(
      'assigned: ',
    );
    const listed = JSON.parse((await cli('--json', 'roles', 'list', '--role', 'Supervisor')).stdout) as {
      principalId: string;
    }[];
    expect(listed.map((m) => m.principalId)).toContain(await userId('agent09@contoso.com'));
    expect((await cli('roles', 'remove', '--role', 'Supervisor', '--user', 'agent09@contoso.com')).stdout).toContain(
      'removed: ',
    );
    expect((await members('Switchboard.Supervisor')).map((m) => m.principalId)).not.toContain(
      await userId('agent09@contoso.com'),
    );
  });
});

describe('agents licensing (Direct Routing)', () => {
  interface Report {
    model: string;
    agents: { userPrincipalName: string; licensed: boolean; skus: string[] }[];
    unlicensed: number;
  }
  it('reports the call queues agents without Teams Phone, scoped for a supervisor, read live', async () => {
    for (const [queueId, agents] of [
      ['sales', ['agent01@contoso.com', 'agent-e5@contoso.com', 'agent-nolicence@contoso.com']],
      ['support', ['agent02@contoso.com']],
    ] as const) {
      const res = await system.api('PUT', `${base}/callQueues/${queueId}`, {
        token: admin,
        body: { name: queueId, agents: agents.map((userPrincipalName) => ({ userPrincipalName })) },
      });
      expect([200, 201]).toContain(res.status);
    }
    const all = await get<Report>('/agents/licensing');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      model: 'directRouting',
      agents: [
        { userPrincipalName: 'agent-e5@contoso.com', licensed: true, skus: ['SPE_E5'] },
        { userPrincipalName: 'agent-nolicence@contoso.com', licensed: false, skus: [] },
        { userPrincipalName: 'agent01@contoso.com', licensed: true, skus: ['MCOEV'] },
        { userPrincipalName: 'agent02@contoso.com', licensed: true, skus: ['MCOEV'] },
      ],
      unlicensed: 1,
    });
    const support = await system.token(['Switchboard.Supervisor'], { tenantId, queues: ['support'] });
    expect((await get<Report>('/agents/licensing', support)).body.agents.map((a) => a.userPrincipalName)).toEqual([
      'agent02@contoso.com',
    ]);

    // Someone removes agent01's Teams Phone licence: the next check sees it.
    const graph = graphAs(system, await graphToken(system, ['LicenseAssignment.ReadWrite.All', 'User.Read.All']));
    await graph('POST', '/users/agent01@contoso.com/assignLicense', {
      addLicenses: [],
      removeLicenses: ['e43b5b99-8dfb-405f-9987-dc307f34bcbd'],
    });
    const after = (await get<Report>('/agents/licensing')).body;
    expect(after.unlicensed).toBe(2);
    expect(after.agents.find((a) => a.userPrincipalName === 'agent01@contoso.com')).toEqual({
      userPrincipalName: 'agent01@contoso.com',
      licensed: false,
      skus: [],
    });
  });
});

describe("usage location: the organization's country", () => {
  it('gives an endpoint requested without usage location and number the country of GET /organization', async () => {
    const upn = uniqueUpn(system, 'org-country');
    expect((await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'Org country' })).status).toBe(
      202,
    );
    await waitForStatus(system, admin, upn, ['Provisioned'], 120_000);
    const account = (await state(system)).users.find((u) => u.userPrincipalName.toLowerCase() === upn.toLowerCase());
    expect(account?.usageLocation).toBe('GB');
  });
});
