/**
 * The generated authorization walk (issue 15 item 4): every HTTP route the running app registers (its start-up
 * banner) × every kind of caller — the tenant's Admin, the Supervisor assigned to call queue A, a Supervisor of call
 * queue B, an Agent of A, an Agent of B, another (onboarded) tenant's Admin, no token, a token for another audience — gets the status
 * its declared access policy implies. The policy is read from the app too: each route declares it where it is
 * registered (functions/lib/route-access.ts) and the OpenAPI document publishes it as `x-access`; no route and no
 * policy is listed here. Request bodies are the OpenAPI document's examples (so a refusal cannot come from a bad
 * body), destructive routes aim at throwaway resources made in set-up, and a Supervisor of B who is let into a list
 * must find nothing of call queue A in it. Every 2xx JSON reply must validate against the document's schema.
 */
import { randomUUID } from 'node:crypto';
import { connectPresence } from '../../support/presence-connect';
import { startSystem, type System } from '../../../scripts/lib/system';
import { defaultSeedTenant } from '../../../simulator/seed';
import { readDefaultPrompt } from '../../../shared/menus';
import { calls, callsTenant, eventually, placeCall, provisionedEndpoint } from '../../support/calls-system';
import { uniqueUpn } from '../../support/endpoints-api';
import { openApiPath, registeredRoutesOf, replyProblems, type OpenApiDocument } from '../../support/openapi';

jest.setTimeout(300_000);

const CALLER_KINDS = [
  'admin',
  'supervisorA',
  'supervisorB',
  'agent',
  'otherAgent',
  'foreignAdmin',
  'noToken',
  'wrongAudience',
] as const;
type Caller = (typeof CALLER_KINDS)[number];
type Access =
  | 'anonymous'
  | 'bot'
  | 'operator'
  | 'admin'
  | 'supervisor'
  | 'supervisorFiltered'
  | 'supervisorOfCallQueue'
  | 'agentSelf'
  | 'agentSelfFiltered'
  | 'callAgent'
  | 'subscription'
  | 'signInRedirect';

/** What the policy means for each caller: '2xx', or the refusal. The test's only rule table. */
function expected(access: Access, caller: Caller): '2xx' | 400 | 401 | 403 | 404 {
  if (access === 'anonymous') return '2xx';
  if (access === 'bot') return 403; // none of these callers holds the Bot Framework's token
  if (access === 'subscription') return 403; // the example names no subscription of ours (no clientState)
  if (access === 'signInRedirect') return 400; // the example's state was never handed out
  if (caller === 'noToken' || caller === 'wrongAudience') return 401;
  if (caller === 'foreignAdmin' || access === 'operator') return 403;
  if (caller === 'admin') return '2xx';
  const supervisors = access !== 'admin';
  if (caller === 'supervisorA') return supervisors ? '2xx' : 403;
  if (caller === 'supervisorB') {
    if (access === 'supervisorOfCallQueue' || access === 'agentSelf' || access === 'callAgent') return 404;
    return supervisors ? '2xx' : 403;
  }
  if (caller === 'otherAgent') return access === 'agentSelfFiltered' ? '2xx' : 403; // an agent of B, not the target
  // The agent of A: themself, and the agent on the walk's call.
  return access === 'agentSelf' || access === 'agentSelfFiltered' || access === 'callAgent' ? '2xx' : 403;
}

/** The call queue the walk's resources belong to (the documented examples' call queue), and the other one. */
const A = 'sales';
const B = 'support';
const NUMBERS = ['+14255550150', '+14255550151', '+14255550152'];
const tenant = callsTenant(NUMBERS);
const T = tenant.tenantId;
const foreignTenantId = randomUUID();
tenant.seed.tenants.push({ ...defaultSeedTenant(), tenantId: foreignTenantId, applicationInstances: [] });

let system: System;
let doc: OpenApiDocument;
const tokens = {} as Record<Caller, string | undefined>;
/** Values for the routes' path parameters; per route+method where a destructive route needs a throwaway. */
const params: Record<string, string> = {};
const throwaway: Record<string, Record<string, string>> = {};

async function token(body: Record<string, unknown>): Promise<string> {
  return (await system.sim<{ access_token: string }>('POST', '/_sim/tokens', { tenantId: T, ...body })).access_token;
}

async function send(method: string, path: string, o: { token?: string; body?: unknown; type?: string } = {}) {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | Uint8Array | undefined;
  if (o.body !== undefined) {
    headers['content-type'] = o.type ?? 'application/json';
    body = typeof o.body === 'string' || o.body instanceof Uint8Array ? o.body : JSON.stringify(o.body);
  }
  // Redirects are not followed: a 302 (the presence connect route's, to Entra) is the route's own answer.
  return fetch(`${system.origin}${path}`, { method, headers, body: body as RequestInit['body'], redirect: 'manual' });
}

async function ok(method: string, path: string, body?: unknown, type?: string): Promise<unknown> {
  const res = await send(method, path, { token: tokens.admin, body, type });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed, faults: { incomingCallTimeoutMs: 4000 } });
  doc = (await (await send('GET', '/api/openapi.json')).json()) as OpenApiDocument;
  tokens.admin = await token({ roles: ['Switchboard.Admin'] });
  const operator = await token({ roles: ['Switchboard.Operator'] });
  // The other tenant is onboarded, so its admin is refused for being of another tenant, not for being unknown.
  const onboard = await send('PUT', `/api/admin/tenants/${foreignTenantId}`, { token: operator, body: {} });
  expect([200, 201]).toContain(onboard.status);

  // Call queue A with one agent and an assigned supervisor; B with another agent; a throwaway call queue.
  const example = (path: string, method: string) =>
    doc.paths[path][method].requestBody!.content['application/json'].example as Record<string, unknown>;
  await ok('PUT', `/api/tenants/${T}/callQueues/${A}`, example('/api/tenants/{tenantId}/callQueues/{queueId}', 'put'));
  await ok('PUT', `/api/tenants/${T}/callQueues/${B}`, {
    name: 'B',
    agents: [{ userPrincipalName: 'agent02@contoso.com' }],
  });
  await ok('PUT', `/api/tenants/${T}/callQueues/walk-gone`, { name: 'Throwaway', agents: [] });
  const assigned = (await ok('PUT', `/api/tenants/${T}/callQueues/${A}/supervisors/supervisor@contoso.com`)) as {
    supervisorId: string;
  };
  // A second supervisor of A, whose assignment the DELETE route removes.
  await ok('PUT', `/api/tenants/${T}/callQueues/${A}/supervisors/agent05@contoso.com`);
  const agents = (await ok('GET', `/api/tenants/${T}/agents?callQueueId=${A}`)) as {
    items: { agentId: string; userPrincipalName: string }[];
  };
  const agent = agents.items[0];
  tokens.supervisorA = await token({ roles: ['Switchboard.Supervisor'], oid: assigned.supervisorId });
  tokens.supervisorB = await token({ roles: ['Switchboard.Supervisor'], queues: [B] });
  tokens.agent = await token({ roles: ['Switchboard.Agent'], oid: agent.agentId });
  const agentsOfB = (await ok('GET', `/api/tenants/${T}/agents?callQueueId=${B}`)) as { items: { agentId: string }[] };
  tokens.otherAgent = await token({ roles: ['Switchboard.Agent'], oid: agentsOfB.items[0].agentId });
  tokens.foreignAdmin = await token({ roles: ['Switchboard.Admin'], tenantId: foreignTenantId });
  tokens.noToken = undefined;
  tokens.wrongAudience = await token({ roles: ['Switchboard.Admin'], audience: 'api://not-switchboard' });

  // Menus and a prompt (the documented examples' names), and throwaways to delete.
  await ok('PUT', `/api/tenants/${T}/menus/main`, example('/api/tenants/{tenantId}/menus/{menuId}', 'put'));
  await ok('PUT', `/api/tenants/${T}/menus/walk-gone`, {
    greeting: { text: 'Bye' },
    options: [],
    noInputAction: { kind: 'disconnect' },
  });
  await ok('PUT', `/api/tenants/${T}/prompts/welcome`, readDefaultPrompt('closed'), 'audio/wav');
  // A self-service (the documented example's id) and a throwaway; a role held by a user, whose DELETE removes it.
  await ok(
    'PUT',
    `/api/tenants/${T}/selfServices/balance`,
    example('/api/tenants/{tenantId}/selfServices/{serviceId}', 'put'),
  );
  await ok('PUT', `/api/tenants/${T}/selfServices/walk-gone`, {
    ...example('/api/tenants/{tenantId}/selfServices/{serviceId}', 'put'),
  });
  await ok('PUT', `/api/tenants/${T}/roles/Switchboard.Supervisor/members/agent08@contoso.com`);

  // Endpoints of call queue A: one to read, one to re-bind, one to deprovision; a bulk batch with a row of A.
  const [readUpn, patchUpn, deleteUpn] = await Promise.all(
    NUMBERS.map((n) => provisionedEndpoint(tenant, n, { callQueueId: A })),
  );
  const batch = (await ok('POST', `/api/tenants/${T}/bulk`, [
    {
      ...example('/api/tenants/{tenantId}/endpoints', 'post'),
      userPrincipalName: uniqueUpn(system, 'walk-bulk'),
      phoneNumber: undefined,
      numberType: undefined,
      queueId: A,
    },
  ])) as { batchId: string };

  // Presence connected (as an Admin's browser does), so its DELETE has a connection to remove.
  expect((await connectPresence(system, T, tokens.admin!)).callback.status).toBe(200);

  // A call of call queue A (below: connected to its agent).
  // A call of call queue A connected to its agent, for the whole walk: monitor / barge then really invite, and the
  // agent is the one on the call (recording pause / resume lets them in; the agent of B is refused).
  const { callId } = await placeCall(system, T, NUMBERS[0], { handleTimeS: 900, patienceS: 900 });
  await eventually(async () => {
    const r = (await calls.get(T, callId))?.record;
    return r?.callQueueId === A && r.connected?.userId.toLowerCase() === agent.agentId.toLowerCase() ? true : undefined;
  }, 90_000);

  Object.assign(params, {
    tenantId: T,
    queueId: A,
    upn: readUpn,
    batchId: batch.batchId,
    menuId: 'main',
    name: 'welcome',
    callId,
    path: 'index.html',
    owner: 'default',
    rest: 'closed.wav',
    serviceId: 'balance',
    role: 'Switchboard.Supervisor',
    principalId: 'agent07@contoso.com',
  });
  const agentRoutes = [
    '/api/tenants/{tenantId}/agents/{upn}',
    '/api/tenants/{tenantId}/callQueues/{queueId}/agents/{upn}/optIn',
    '/api/tenants/{tenantId}/callQueues/{queueId}/agents/{upn}/optOut',
  ];
  for (const path of agentRoutes)
    for (const m of ['get', 'put', 'post']) throwaway[`${m} ${path}`] = { upn: agent.userPrincipalName };
  Object.assign(throwaway, {
    'patch /api/tenants/{tenantId}/endpoints/{upn}': { upn: patchUpn },
    'delete /api/tenants/{tenantId}/endpoints/{upn}': { upn: deleteUpn },
    'delete /api/tenants/{tenantId}/callQueues/{queueId}': { queueId: 'walk-gone' },
    'put /api/tenants/{tenantId}/callQueues/{queueId}/supervisors/{upn}': { upn: 'agent06@contoso.com' },
    'delete /api/tenants/{tenantId}/callQueues/{queueId}/supervisors/{upn}': { upn: 'agent05@contoso.com' },
    'delete /api/tenants/{tenantId}/menus/{menuId}': { menuId: 'walk-gone' },
    'delete /api/tenants/{tenantId}/selfServices/{serviceId}': { serviceId: 'walk-gone' },
    'delete /api/tenants/{tenantId}/roles/{role}/members/{principalId}': { principalId: 'agent08@contoso.com' },
    'put /api/admin/tenants/{tenantId}': { tenantId: foreignTenantId },
    'get /api/admin/tenants/{tenantId}': { tenantId: foreignTenantId },
  });
}, 240_000);

afterAll(async () => {
  await system?.stop();
});

/** Bodies the documented example cannot be sent as is: a fresh UPN to provision, real audio to upload. */
const BODY_OVERRIDES: Record<string, (example: unknown) => unknown> = {
  'post /api/tenants/{tenantId}/endpoints': (e) => ({
    ...(e as object),
    userPrincipalName: uniqueUpn(system, 'walk-new'),
    phoneNumber: undefined,
    numberType: undefined,
  }),
  'put /api/tenants/{tenantId}/prompts/{name}': () => readDefaultPrompt('closed'),
};

interface Case {
  path: string;
  method: string;
  access: Access;
}

/** The request a case sends: path parameters filled in, required query parameters from their examples, the body. */
function request(c: Case): { url: string; body?: unknown; type?: string } {
  const key = `${c.method.toLowerCase()} ${c.path}`;
  const op = doc.paths[c.path][c.method.toLowerCase()];
  const values = { ...params, ...throwaway[key] };
  let url = c.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`${key}: no value for the path parameter ${name}`);
    return name === 'rest' ? values[name] : encodeURIComponent(values[name]);
  });
  const query = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required);
  if (query.length) url += `?${query.map((p) => `${p.name}=${encodeURIComponent(String(p.example))}`).join('&')}`;
  const content = op.requestBody?.content;
  if (!content) return { url };
  const [type, media] = Object.entries(content)[0];
  const override = BODY_OVERRIDES[key];
  return { url, type, body: override ? override(media.example) : media.example };
}

/** Whether a reply mentions call queue A where a call queue is named (what a Supervisor of B must not see). */
function mentionsA(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(mentionsA);
  if (!value || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) =>
    /^(queueId|callQueueId|callQueues|queues)$/.test(k)
      ? v === A || (Array.isArray(v) && v.includes(A)) || mentionsA(v)
      : mentionsA(v),
  );
}

it("every registered route × caller gets what the route's declared access implies (and replies fit the document)", async () => {
  const routes = registeredRoutesOf(system.host.output());
  const cases: Case[] = [];
  const undeclared: string[] = [];
  for (const route of routes) {
    for (const method of route.methods) {
      const path = openApiPath(route.template);
      const access = doc.paths[path]?.[method.toLowerCase()]?.['x-access'] as Access | undefined;
      if (access) cases.push({ path, method, access });
      else undeclared.push(`${route.name}: ${method} ${path}`);
    }
  }
  expect(undeclared).toEqual([]);
  expect(cases.length).toBeGreaterThan(40);

  const seen: string[] = [];
  const wanted: string[] = [];
  const leaks: string[] = [];
  const misfits: string[] = [];
  const walkOne = async (c: Case) => {
    const { url, body, type } = request(c);
    // Refusals first, so a destructive route's throwaway is still there for the callers it lets in.
    const order = [...CALLER_KINDS].sort(
      (x, y) => Number(expected(c.access, x) === '2xx') - Number(expected(c.access, y) === '2xx'),
    );
    for (const caller of order) {
      const res = await send(c.method, url, { token: tokens[caller], body, type });
      const contentType = res.headers.get('content-type');
      let reply: unknown;
      if (contentType?.startsWith('text/event-stream')) await res.body?.cancel();
      else {
        const text = await res.text();
        reply = /json/.test(contentType ?? '') && text ? (JSON.parse(text) as unknown) : text;
      }
      // A 3xx is the route's answer (let in). A documented 409 comes after the caller was let in: the resource's state refuses the effect (monitor a call
      // that waits, pause a call that is not recorded), so for authorization it counts as a 2xx.
      const conflict = res.status === 409 && doc.paths[c.path][c.method.toLowerCase()].responses['409'] !== undefined;
      const status = (res.status >= 200 && res.status < 400) || conflict ? '2xx' : res.status;
      const label = `${c.method} ${c.path} as ${caller} (${c.access})`;
      seen.push(`${label} → ${status}${status === 500 ? ` ${JSON.stringify(reply)}` : ''}`);
      wanted.push(`${label} → ${expected(c.access, caller)}`);
      const filtered = c.access === 'supervisorFiltered' || c.access === 'agentSelfFiltered';
      if (filtered && (caller === 'supervisorB' || caller === 'otherAgent') && status === '2xx' && mentionsA(reply))
        leaks.push(label);
      misfits.push(
        ...replyProblems(doc, c.path, c.method, res.status, contentType, reply).map((p) => `${p} as ${caller}`),
      );
    }
  };
  // Routes concurrently, a few at a time; each route's callers in order.
  const queue = [...cases];
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await walkOne(c);
    }),
  );
  process.stdout.write(
    `rbac walk: ${cases.length} routes × ${CALLER_KINDS.length} callers = ${seen.length} requests\n`,
  );
  expect(seen.sort()).toEqual(wanted.sort());
  expect(leaks).toEqual([]);
  expect(misfits).toEqual([]);
});
