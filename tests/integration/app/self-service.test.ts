/**
 * Self-service end to end (devhost + Azurite + simulator + a local line-of-business server): a menu option leads the
 * caller into a self-service that collects an account number and a PIN (typed ahead, as the simulator's callers do),
 * then POSTs them, signed, to a node http server on loopback that checks the signature with its own copy of the
 * secret. Right digits → the balance text is heard and the call goes on to the answer's action (a call queue); a
 * service whose secret differs from the server's (the server answers 401) and a server that never answers → the
 * failure prompt and the fallback. The PIN and the account number appear in no devhost output, no story, no call row.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySelfServiceSignature } from '../../../shared/menus';
import { startSystem, type System } from '../../../scripts/lib/system';
import { readEntity, tableClient } from '../../../shared/storage';
import { CONNECTION, calls, callsTenant, eventually, placeCall, provisionedEndpoint } from '../../support/calls-system';

const MAIN = '+14255550120';
const tenant = callsTenant([MAIN]);
const T = tenant.tenantId;
const LOB_SECRET = 'the-line-of-business-secret';
const ACCOUNT = '2468013579';
const PIN = '7391528640';
const BALANCE = 'Your balance is 42 dollars and 10 cents.';

let system: System;
let admin: string;
let lob: http.Server;
let lobUrl: string;
const received: { path: string; status: number; requestId?: string; body: string }[] = [];

interface Heard {
  kind: string;
  uri?: string;
}
interface View {
  state: string;
  endReason?: string;
  participants: { kind: string }[];
  heard: Heard[];
}
interface Story {
  phase: string;
  outcome?: string;
  events: { kind: string; detail?: string; callQueueId?: string }[];
}

const view = (id: string) => system.sim<View>('GET', `/_sim/calls/${id}`);
const story = async (id: string): Promise<Story> =>
  (await (await system.api('GET', `/api/tenants/${T}/calls/${id}`, { token: admin })).json()) as Story;
const names = (heard: Heard[]) =>
  heard
    .filter((h) => h.kind === 'prompt')
    .map((h) => /\/api\/media\/prompts\/(?:default\/([^/]+)\.wav|[^/]+\/([^/]+)\/[0-9a-f]{64}\.wav)$/.exec(h.uri ?? ''))
    .map((m) => (m ? (m[1] ?? m[2]) : 'unknown'));
const put = (path: string, body: unknown) => system.api('PUT', `/api/tenants/${T}${path}`, { token: admin, body });

/** The line-of-business system: `/balance` checks the signature and answers; `/hang` never answers. */
function startLob(): Promise<void> {
  lob = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const requestId = req.headers['x-switchboard-request-id'] as string | undefined;
      if (req.url === '/hang') {
        received.push({ path: '/hang', status: 0, requestId, body });
        return; // never answers
      }
      const check = verifySelfServiceSignature(
        LOB_SECRET,
        {
          timestamp: req.headers['x-switchboard-timestamp'] as string | undefined,
          signature: req.headers['x-switchboard-signature'] as string | undefined,
        },
        body,
        Date.now(),
      );
      const { collected } = JSON.parse(body) as { collected: Record<string, string> };
      const status = !check.ok ? 401 : collected.account === ACCOUNT && collected.pin === PIN ? 200 : 403;
      received.push({ path: req.url ?? '', status, requestId, body });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status === 200
          ? JSON.stringify({ say: [{ text: BALANCE }], then: { kind: 'callQueue', queueId: 'support', priority: 1 } })
          : JSON.stringify({ error: check.ok ? 'wrong PIN' : check.reason }),
      );
    });
  });
  return new Promise((resolve) =>
    lob.listen(0, '127.0.0.1', () => {
      lobUrl = `http://127.0.0.1:${(lob.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

const service = (url: string, secret: string, o: Record<string, unknown> = {}) => ({
  url,
  secret,
  collect: [
    { name: 'account', prompt: { text: 'Enter your account number, then hash.' }, digits: { min: 6, max: 10 } },
    { name: 'pin', prompt: { text: 'Enter your PIN, then hash.' }, digits: { min: 4, max: 12 } },
  ],
  fallback: { kind: 'disconnect' },
  ...o,
});

/**
 * Places a call that presses `key` after the greeting, waits for the account prompt to end, then types the account
 * and — ahead, during the PIN prompt — the PIN; waits until our story says `until`.
 */
async function selfServiceCall(key: string, until: (s: Story) => boolean) {
  const { callId } = await placeCall(system, T, MAIN, { dtmf: `w${key}w${ACCOUNT}#${PIN}#`, handleTimeS: 2 });
  const s = await eventually(async () => {
    const x = await story(callId);
    return until(x) ? x : undefined;
  }, 60_000);
  return { callId, story: s };
}

beforeAll(async () => {
  await startLob();
  system = await startSystem({
    seed: tenant.seed,
    faults: { incomingCallTimeoutMs: 4000, promptDurationMs: 400, dtmfIntervalMs: 150 },
    env: { SELF_SERVICE_ALLOW_HTTP_LOOPBACK: 'true', SELF_SERVICE_SECRET_KEY: 'a-key-only-this-test-knows' },
  });
  admin = await system.token(['Switchboard.Admin'], { tenantId: T });
  const cq = await put('/callQueues/support', {
    name: 'Support',
    agents: [{ userPrincipalName: 'agent01@contoso.com' }],
  });
  expect(cq.status).toBe(201);
  for (const [id, body] of [
    ['balance', service(`${lobUrl}/balance`, LOB_SECRET)],
    ['balance-other-secret', service(`${lobUrl}/balance`, 'not-the-line-of-business-secret')],
    ['balance-silent', service(`${lobUrl}/hang`, LOB_SECRET, { timeoutS: 2 })],
  ] as const) {
    const res = await put(`/selfServices/${id}`, body);
    expect(res.status).toBe(201);
  }
  const menu = await put('/menus/main', {
    greeting: { text: 'Welcome to the bank.' },
    options: [
      { key: '1', action: { kind: 'selfService', serviceId: 'balance' } },
      { key: '2', action: { kind: 'selfService', serviceId: 'balance-other-secret' } },
      { key: '3', action: { kind: 'selfService', serviceId: 'balance-silent' } },
    ],
    noInputAction: { kind: 'disconnect' },
  });
  expect(menu.status).toBe(201);
  const upn = await provisionedEndpoint(tenant, MAIN, { callQueueId: 'support' });
  expect(
    (await system.api('PATCH', `/api/tenants/${T}/endpoints/${upn}`, { token: admin, body: { menuId: 'main' } }))
      .status,
  ).toBe(200);
}, 120_000);

afterAll(async () => {
  // CALLS_HOST_LOG=<file> keeps the devhost's output for a failing run.
  if (process.env.CALLS_HOST_LOG) writeFileSync(process.env.CALLS_HOST_LOG, system?.host.output() ?? '');
  lob?.closeAllConnections();
  lob?.close();
  await system?.stop();
});

test('the API: every bad field named, https required, the secret never returned, a menu cannot name a missing one', async () => {
  const bad = await put('/selfServices/x', {
    url: 'http://lob.example.com/balance',
    secret: 'short',
    collect: [{ name: 'pin', prompt: { prompt: 'no-such-prompt' }, digits: { min: 4, max: 2 } }],
  });
  expect(bad.status).toBe(400);
  expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const fields = ((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
  expect(fields).toEqual(['collect[0].digits.max', 'secret']);
  const notHttps = await put('/selfServices/x', service('http://lob.example.com/balance', LOB_SECRET));
  expect(await notHttps.json()).toMatchObject({
    errors: [{ field: 'url', message: 'must be https (http only to a loopback host)' }],
  });

  const got = await system.api('GET', `/api/tenants/${T}/selfServices/balance`, { token: admin });
  const text = await got.text();
  expect(JSON.parse(text)).toMatchObject({ serviceId: 'balance', secretSet: true, timeoutS: 5 });
  expect(text).not.toContain(LOB_SECRET);
  // At rest the secret is sealed (SELF_SERVICE_SECRET_KEY is set for this host).
  const row = await readEntity(tableClient(CONNECTION, 'selfServices'), T, 'balance');
  expect(String(row?.secret)).toMatch(/^gcm:/);
  expect(JSON.stringify(row)).not.toContain(LOB_SECRET);
  const list = await (await system.api('GET', `/api/tenants/${T}/selfServices`, { token: admin })).text();
  expect(JSON.parse(list).items).toHaveLength(3);
  expect(list).not.toContain('"secret"');

  const dangling = await put('/menus/dangling', {
    greeting: { prompt: 'closed' },
    options: [{ key: '1', action: { kind: 'selfService', serviceId: 'nope' } }],
    noInputAction: { kind: 'disconnect' },
  });
  expect(await dangling.json()).toMatchObject({
    errors: [
      { field: 'options[0].action.serviceId', message: 'no self-service nope in this tenant (create it first)' },
    ],
  });
  expect((await system.api('DELETE', `/api/tenants/${T}/selfServices/balance`, { token: admin })).status).toBe(409);
}, 60_000);

test('right digits: the balance is heard, then the call goes on to the answer’s call queue', async () => {
  const { callId, story: s } = await selfServiceCall('1', (x) => x.events.some((e) => e.kind === 'enqueued'));
  const ss = s.events.filter((e) => e.kind === 'selfService').map((e) => e.detail);
  expect(ss).toEqual([
    'balance: collecting account, pin',
    'balance: collected account (10 digits), pin (10 digits); ok; then callQueue support',
  ]);
  const kinds = s.events.map((e) => e.kind);
  expect(kinds.lastIndexOf('selfService')).toBeLessThan(kinds.indexOf('enqueued'));
  // The answer's text was rendered once and played: it is in what the caller heard, before the call queue.
  const prompts = (await (await system.api('GET', `/api/tenants/${T}/prompts`, { token: admin })).json()) as {
    items: { name: string; text?: string }[];
  };
  const balance = prompts.items.find((p) => p.text === BALANCE)?.name;
  expect(balance).toMatch(/^tts-/);
  const v = await eventually(async () => {
    const x = await view(callId);
    return names(x.heard).includes(balance!) ? x : undefined;
  }, 30_000);
  expect(names(v.heard)[0]).toMatch(/^tts-/); // the greeting
  const ok = received.filter((r) => r.status === 200);
  expect(ok).toHaveLength(1); // one request for one collection, even with redelivered notifications
  expect(ok[0].requestId).toMatch(new RegExp(`^${callId}:\\d+$`));
  expect(JSON.parse(ok[0].body)).toEqual({ callId, from: '+15557770000', collected: { account: ACCOUNT, pin: PIN } });
}, 120_000);

test('a wrong signature (401) and a silent line-of-business system: the failure prompt, then the fallback', async () => {
  const ended = (x: Story) => x.phase === 'ended';
  const wrong = await selfServiceCall('2', ended);
  expect(wrong.story.events.filter((e) => e.kind === 'selfService').map((e) => e.detail)).toEqual([
    'balance-other-secret: collecting account, pin',
    'balance-other-secret: collected account (10 digits), pin (10 digits); failed: it answered 401; fallback disconnect',
  ]);
  expect(wrong.story.outcome).toBe('endedByMenu');
  const silent = await selfServiceCall('3', ended);
  expect(silent.story.events.filter((e) => e.kind === 'selfService').at(-1)?.detail).toBe(
    'balance-silent: collected account (10 digits), pin (10 digits); failed: no answer within 2 s; fallback disconnect',
  );
  for (const id of [wrong.callId, silent.callId]) {
    const v = await eventually(async () => {
      const x = await view(id);
      return x.state === 'terminated' ? x : undefined;
    }, 30_000);
    expect(names(v.heard).at(-1)).toBe('self-service-unavailable');
    expect(v.participants.some((p) => p.kind === 'agent')).toBe(false);
  }
  expect(received.filter((r) => r.status === 401)).toHaveLength(1);
  expect(received.filter((r) => r.path === '/hang')).toHaveLength(1);
}, 150_000);

test('the PIN and the account number are in no devhost output, no story, no call row', async () => {
  expect(received.length).toBeGreaterThanOrEqual(3); // the earlier cases ran
  const output = system.host.output();
  expect(output.length).toBeGreaterThan(1000);
  expect(output).not.toContain(PIN);
  expect(output).not.toContain(ACCOUNT);
  const callIds = received.map((r) => (JSON.parse(r.body) as { callId: string }).callId);
  for (const callId of callIds) {
    const events = JSON.stringify(await calls.listEvents(T, callId));
    expect(events).toContain('selfService');
    expect(events).not.toContain(PIN);
    expect(events).not.toContain(ACCOUNT);
    const row = await calls.get(T, callId);
    const json = JSON.stringify(row?.record);
    expect(json).not.toContain(PIN);
    expect(json).not.toContain(ACCOUNT);
    // The tones the self-service used are on the row, without their digit.
    const used = row!.record.tones.filter((t) => t.sequenceId <= (row!.record.menu?.toneCursor ?? 0));
    expect(used.length).toBeGreaterThanOrEqual(2);
    expect(used.slice(1).every((t) => t.tone === 'redacted')).toBe(true);
  }
}, 60_000);
