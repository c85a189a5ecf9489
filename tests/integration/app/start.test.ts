/**
 * `npm start` end to end (issue 13 item 10): the start script as a child process on free ports, with its own storage
 * and simulator data folder. What it prints is enough to place a call: the call is answered and reaches an agent with
 * no set-up; still after `POST /_sim/reset` (a call live at the reset ends, and its agent is free again); and a
 * second start on the same storage registers nothing twice and still routes.
 */
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, privateAzurite, type PrivateAzurite } from '../../../scripts/lib/private-azurite';
import { DIST, startNode, type Started } from '../../../scripts/lib/processes';
import { eventually } from '../../support/calls-system';

let storage: PrivateAzurite;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let running: Started | undefined;

interface Printed {
  origin: string;
  simulator: string;
  tenantId: string;
  numbers: { number: string; callQueueId: string }[];
  /** the body of the printed "place a call" curl */
  placeCall: { tenantId: string; from: string; to: string };
}

async function start(): Promise<Printed> {
  const { started } = await startNode({
    args: [path.join(DIST, 'scripts', 'start.js')],
    env,
    readyPattern: /^Ctrl-C stops everything\./,
    timeoutMs: 240_000,
  });
  running = started;
  const out = started.output();
  const grab = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) throw new Error(`npm start did not print ${re}:\n${out.slice(-3000)}`);
    return m[1];
  };
  return {
    origin: grab(/^\s+API\s+(http:\/\/\S+)\/api\s/m),
    simulator: grab(/^\s+simulator\s+(https:\/\/\S+)\s/m),
    tenantId: grab(/^\s+tenant\s+(\S+)$/m),
    numbers: [...out.matchAll(/^\s+(\+\d+)\s+call queue (\S+)/gm)].map((m) => ({ number: m[1], callQueueId: m[2] })),
    placeCall: JSON.parse(grab(/\/_sim\/calls -H 'content-type: application\/json' \\\n\s+-d '(\{[^']+\})'/)) as {
      tenantId: string;
      from: string;
      to: string;
    },
  };
}

function sim<T>(p: Printed, method: string, pathname: string, body?: unknown): Promise<T> {
  const ca = readFileSync(path.join(dataDir, 'ca.pem'), 'utf8');
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      `${p.simulator}${pathname}`,
      { method, ca, headers: payload ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          (res.statusCode ?? 500) < 300
            ? resolve((text ? JSON.parse(text) : undefined) as T)
            : reject(new Error(`${method} ${pathname} → ${res.statusCode}: ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function api<T>(p: Printed, pathname: string): Promise<T> {
  const { access_token } = await sim<{ access_token: string }>(p, 'POST', '/_sim/tokens', {
    tenantId: p.tenantId,
    roles: ['Switchboard.Admin'],
  });
  const res = await fetch(`${p.origin}/api/tenants/${p.tenantId}${pathname}`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  if (res.status !== 200) throw new Error(`GET ${pathname} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

interface SimCall {
  state: string;
  participants: { kind: string; userId?: string }[];
}

/** Places the printed call (with a handle time) and waits until an agent is in it; returns the call and the agent. */
async function callReachesAnAgent(p: Printed, handleTimeS: number): Promise<{ callId: string; agentId: string }> {
  const { callId } = await sim<{ callId: string }>(p, 'POST', '/_sim/calls', { ...p.placeCall, handleTimeS });
  const view = await eventually(async () => {
    const v = await sim<SimCall>(p, 'GET', `/_sim/calls/${callId}`);
    return v.participants.some((x) => x.kind === 'agent') ? v : undefined;
  }, 60_000);
  return { callId, agentId: view.participants.find((x) => x.kind === 'agent')!.userId!.toLowerCase() };
}

beforeAll(async () => {
  storage = await privateAzurite();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sb-start-'));
  env = {
    ...process.env,
    AzureWebJobsStorage: storage.connectionString,
    FUNCTIONS_HTTP_PORT: String(await freePort()),
    SIMULATOR_PORT: String(await freePort()),
    SIMULATOR_DATA_DIR: dataDir,
  };
});

afterAll(async () => {
  await running?.stop();
  await storage?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('npm start prints numbers that route to agents, before and after a simulator reset, and again after a restart', async () => {
  const first = await start();
  expect(first.numbers.map((n) => n.callQueueId)).toEqual(['sales', 'support', 'billing']);
  expect(first.placeCall).toMatchObject({ tenantId: first.tenantId, to: first.numbers[0].number });

  // A call to the printed number reaches an agent of the sales call queue, and stays with them (long handle time).
  const live = await callReachesAnAgent(first, 600);
  const sales = await api<{ items: { agentId: string; state: string }[] }>(first, '/agents?callQueueId=sales');
  expect(sales.items.map((a) => a.agentId)).toContain(live.agentId);
  await eventually(async () =>
    (await api<{ phase: string }>(first, `/calls/${live.callId}`)).phase === 'connected' ? true : undefined,
  );

  // The reset drops the live call: the app hears it end and frees the agent; the lines still route.
  await sim(first, 'POST', '/_sim/reset');
  const story = await eventually(async () => {
    const s = await api<{ phase: string; events: { kind: string }[] }>(first, `/calls/${live.callId}`);
    return s.phase === 'ended' ? s : undefined;
  });
  expect(story.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['connected', 'ended']));
  await eventually(async () => {
    const agents = await api<{ items: { agentId: string; state: string }[] }>(first, '/agents');
    return agents.items.find((a) => a.agentId === live.agentId)?.state === 'available' ? true : undefined;
  });
  await callReachesAnAgent(first, 5);
  // The skills-based call queue reaches its best-skilled agent (agent03, support 5) with no set-up either.
  const support = await sim<{ callId: string }>(first, 'POST', '/_sim/calls', {
    ...first.placeCall,
    to: first.numbers[1].number,
    handleTimeS: 5,
  });
  const supportView = await eventually(async () => {
    const v = await sim<SimCall>(first, 'GET', `/_sim/calls/${support.callId}`);
    return v.participants.some((x) => x.kind === 'agent') ? v : undefined;
  }, 60_000);
  const all = await api<{ items: { agentId: string; userPrincipalName: string }[] }>(first, '/agents');
  const agent03 = all.items.find((a) => a.userPrincipalName === 'agent03@contoso.com')!;
  expect(supportView.participants.find((x) => x.kind === 'agent')?.userId?.toLowerCase()).toBe(agent03.agentId);

  // A second start on the same storage: the same three endpoints, one each, Provisioned — and a call still routes.
  await running!.stop();
  running = undefined;
  const second = await start();
  const endpoints = await api<{ value: { userPrincipalName: string; status: string }[] }>(second, '/endpoints');
  expect(endpoints.value.map((e) => [e.userPrincipalName, e.status]).sort()).toEqual([
    ['cc-billing@contoso.onmicrosoft.com', 'Provisioned'],
    ['cc-sales@contoso.onmicrosoft.com', 'Provisioned'],
    ['cc-support@contoso.onmicrosoft.com', 'Provisioned'],
  ]);
  await callReachesAnAgent(second, 5);
}, 600_000);
