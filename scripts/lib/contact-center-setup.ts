/**
 * What `npm start` sets up so that a call to a printed number is answered and reaches an agent with no set-up: the
 * demo call queues and their agents (through the call queue API), the agents' skills, and the simulator's seeded
 * contact-center lines (`DEFAULT_CONTACT_CENTER_LINES`) registered as endpoints bound to those call queues (through
 * the endpoints API, so the provisioning chain adopts each account: it is bound to our bot already).
 *
 * Every step converges and may run any number of times — on every start, against storage that remembers the last
 * run: a call queue PUT replaces, a repeated endpoint request for the same UPN answers with the current state (no
 * second endpoint, no second run once Provisioned), skills are set, not added.
 */
import https from 'node:https';
import { AgentsRepository } from '../../shared/callqueues';
import { DEFAULT_CONTACT_CENTER_LINES } from '../../simulator/seed';

export interface DemoLine {
  userPrincipalName: string;
  displayName: string;
  phoneNumber: string;
  callQueueId: string;
}

/** The demo call queues: three routing methods, agents agent01–05@contoso.com (01–03 may sign in to the portal). */
export const DEMO_CALL_QUEUES: Record<string, Record<string, unknown>> = {
  sales: {
    name: 'Sales',
    routingMethod: 'longestIdle',
    agentAlertTimeS: 20,
    agents: ['agent01', 'agent02', 'agent03'].map((a) => ({ userPrincipalName: `${a}@contoso.com` })),
  },
  support: {
    name: 'Support',
    routingMethod: 'skillsBased',
    agentAlertTimeS: 20,
    requiredSkills: { support: 2 },
    relaxation: [{ afterS: 60, minLevelDelta: 1 }],
    agents: ['agent01', 'agent02', 'agent03', 'agent04', 'agent05'].map((a) => ({
      userPrincipalName: `${a}@contoso.com`,
    })),
  },
  billing: {
    name: 'Billing',
    routingMethod: 'serial',
    agentAlertTimeS: 15,
    agents: ['agent04', 'agent05', 'agent01'].map((a, order) => ({ userPrincipalName: `${a}@contoso.com`, order })),
  },
};

export const DEMO_SKILLS: Record<string, Record<string, number>> = {
  'agent01@contoso.com': { sales: 5, support: 2, billing: 1 },
  'agent02@contoso.com': { sales: 4, support: 3 },
  'agent03@contoso.com': { sales: 3, support: 5 },
  'agent04@contoso.com': { support: 4, billing: 5 },
  'agent05@contoso.com': { support: 1, billing: 3 },
};

/** The seeded lines and the call queue each is bound to (`cc-<callQueueId>@…`). */
export const DEMO_LINES: DemoLine[] = DEFAULT_CONTACT_CENTER_LINES.map((line) => ({
  ...line,
  callQueueId: /^cc-([a-z0-9-]+)@/.exec(line.userPrincipalName)![1],
}));

export interface SetupTarget {
  /** http://localhost:<port> of the app */
  origin: string;
  /** https://localhost:<port> of the simulator, and its CA (PEM) */
  simulatorUrl: string;
  ca: string;
  tenantId: string;
  /** The app's storage: the skills fallback writes the agents table while `PUT …/agents/{upn}` is not deployed. */
  storageConnectionString: string;
  /** How long to wait for the endpoints to be Provisioned (default 180 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface SetupResult {
  lines: (DemoLine & { status: string })[];
}

export async function setUpContactCenter(t: SetupTarget): Promise<SetupResult> {
  const log = t.log ?? (() => undefined);
  const token = await adminToken(t);
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.origin}/api/tenants/${t.tenantId}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  };
  const must = (what: string, r: { status: number; body: unknown }, ok: number[]) => {
    if (!ok.includes(r.status)) throw new Error(`${what} → ${r.status}: ${JSON.stringify(r.body)}`);
  };

  for (const [queueId, body] of Object.entries(DEMO_CALL_QUEUES)) {
    must(`PUT call queue ${queueId}`, await api('PUT', `/callQueues/${queueId}`, body), [200, 201]);
  }
  await setSkills(t, api);

  for (const line of DEMO_LINES) {
    const r = await api('POST', '/endpoints', {
      userPrincipalName: line.userPrincipalName,
      displayName: line.displayName,
      phoneNumber: line.phoneNumber,
      numberType: 'callingPlan',
      usageLocation: 'US',
      queueId: line.callQueueId,
    });
    must(`POST endpoint ${line.userPrincipalName}`, r, [202]);
  }
  const deadline = Date.now() + (t.timeoutMs ?? 180_000);
  const lines: SetupResult['lines'] = [];
  for (const line of DEMO_LINES) {
    for (;;) {
      const r = await api('GET', `/endpoints/${encodeURIComponent(line.userPrincipalName)}`);
      const status = String(r.body?.status ?? r.status);
      if (status === 'Provisioned') {
        lines.push({ ...line, status });
        log(`${line.phoneNumber}  ${line.userPrincipalName} → call queue ${line.callQueueId}: Provisioned`);
        break;
      }
      if (status === 'Failed')
        throw new Error(
          `endpoint ${line.userPrincipalName} failed: ${String(r.body?.error ?? JSON.stringify(r.body))}`,
        );
      if (Date.now() > deadline)
        throw new Error(`endpoint ${line.userPrincipalName} is still ${status} after ${t.timeoutMs ?? 180_000} ms`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return { lines };
}

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

/**
 * Skills through `PUT /api/tenants/{t}/agents/{upn}` (issue 13 item 4). Where that route is not deployed yet (404
 * for the route, not for the agent: every demo agent is a user), the same change goes straight to the agents table
 * under the row's ETag, as the route's service does.
 */
async function setSkills(t: SetupTarget, api: Api): Promise<void> {
  let agentIds: Map<string, string> | undefined;
  for (const [upn, skills] of Object.entries(DEMO_SKILLS)) {
    const r = await api('PUT', `/agents/${encodeURIComponent(upn)}`, { skills });
    if (r.status === 200 || r.status === 201) continue;
    if (r.status !== 404 && r.status !== 405)
      throw new Error(`PUT agent ${upn} → ${r.status}: ${JSON.stringify(r.body)}`);
    if (!agentIds) {
      const list = await api('GET', '/agents');
      const items = (list.body?.items ?? []) as { agentId: string; userPrincipalName: string }[];
      agentIds = new Map(items.map((a) => [a.userPrincipalName.toLowerCase(), a.agentId]));
    }
    const agentId = agentIds.get(upn.toLowerCase());
    if (!agentId) throw new Error(`agent ${upn} has no agents row (is it in a demo call queue?)`);
    await new AgentsRepository(t.storageConnectionString).update(t.tenantId, agentId, (cur) =>
      cur && JSON.stringify(cur.skills) !== JSON.stringify(skills) ? { ...cur, skills } : undefined,
    );
  }
}

/** An Admin token for Switchboard's API, minted by the simulator's Entra. */
async function adminToken(t: SetupTarget): Promise<string> {
  const body = JSON.stringify({ tenantId: t.tenantId, roles: ['Switchboard.Admin'] });
  const text = await new Promise<string>((resolve, reject) => {
    const req = https.request(
      `${t.simulatorUrl}/_sim/tokens`,
      { method: 'POST', ca: t.ca, headers: { 'content-type': 'application/json' } },
      (res) => {
        let out = '';
        res.on('data', (d: Buffer) => (out += d.toString()));
        res.on('end', () =>
          (res.statusCode ?? 500) < 300 ? resolve(out) : reject(new Error(`token → ${res.statusCode}: ${out}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  return (JSON.parse(text) as { access_token: string }).access_token;
}
