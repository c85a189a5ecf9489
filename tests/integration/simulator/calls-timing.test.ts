// The control API's timing record of a call (the bot's requests as they arrived, each webhook POST's ack), a caller
// whose patience exceeds Node's longest timer, and a reset that ends live calls and tells the bot — on the default
// seed's contact-center line.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CONTACT_CENTER_LINES } from '../../../simulator/seed';
import { apps, call, eventually, startTestSimulator, tokenFor, type TestSim } from './helpers';

interface Notification {
  changeType: string;
  resourceUrl: string;
  resourceData: { state?: string; resultInfo?: { subcode: number } };
}

let t: TestSim;
let hook: http.Server;
const received: Notification[] = [];
const LINE = DEFAULT_CONTACT_CENTER_LINES[0].phoneNumber;

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(...(JSON.parse(body) as { value: Notification[] }).value);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  t = await startTestSimulator({
    webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/api/calls/notifications`,
    faults: { establishDelayMs: 10 },
  });
});

afterAll(async () => {
  await t?.stop();
  await new Promise((r) => hook.close(r));
});

const tenantId = () => t.sim.tenantId;
const notificationsOf = (id: string) => received.filter((n) => n.resourceUrl.endsWith(`/calls/${id}`));

test('a caller who would wait longer than 24.8 days is still waiting when the bot hears of the call', async () => {
  const placed = await call<{ callId: string }>(t, 'POST', '/_sim/calls', {
    tenantId: tenantId(),
    from: '+15557770001',
    to: LINE,
    patienceS: 3e6,
  });
  expect(placed.status).toBe(201);
  await eventually(() => (notificationsOf(placed.body.callId).length ? true : undefined));
  const view = await call<{ state: string; endReason?: string }>(t, 'GET', `/_sim/calls/${placed.body.callId}`);
  expect(view.body.state).toBe('incoming');
  expect(view.body.endReason).toBeUndefined();
});

test("a call's view records the bot's requests as they arrived and each webhook POST's ack; a reset ends it and tells the bot", async () => {
  const { bot } = await apps(t);
  const token = await tokenFor(t, bot.appId, bot.clientSecret, 'https://graph.microsoft.com/.default');
  const placed = await call<{ callId: string }>(t, 'POST', '/_sim/calls', {
    tenantId: tenantId(),
    from: '+15557770002',
    to: LINE,
  });
  const id = placed.body.callId;
  await eventually(() => (notificationsOf(id).length ? true : undefined));
  const before = Date.now();
  const answer = await call(
    t,
    'POST',
    `/v1.0/communications/calls/${id}/answer`,
    {
      callbackUri: 'https://bot.example/api/calls/notifications',
      mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
      acceptedModalities: ['audio'],
    },
    token,
  );
  expect(answer.status).toBe(202);

  const listed = await call<{ calls: { id: string }[] }>(t, 'GET', `/_sim/calls?tenantId=${tenantId()}`);
  expect(listed.body.calls.map((c) => c.id)).toContain(id);
  const view = await call<{
    createdAt: number;
    answeredAt?: number;
    requests: { at: number; method: string; path: string }[];
    deliveries: { at: number; ackMs: number; status?: number; notifications: number }[];
  }>(t, 'GET', `/_sim/calls/${id}`);
  const answered = view.body.requests.find((r) => r.path === '/answer');
  expect(answered).toMatchObject({ method: 'POST' });
  expect(answered!.at).toBeGreaterThanOrEqual(before);
  expect(view.body.answeredAt).toBeGreaterThanOrEqual(answered!.at);
  expect(view.body.deliveries[0]).toMatchObject({ status: 202, notifications: 1 });
  expect(view.body.deliveries[0].at).toBeGreaterThanOrEqual(view.body.createdAt);
  expect(view.body.deliveries[0].ackMs).toBeGreaterThanOrEqual(0);

  // The answer moved the call's notifications to the bot's callbackUri (unreachable here); point it back to check
  // the reset's news: the call is live, so the reset hangs it up and the bot hears `deleted` with 540000.
  await eventually(async () => {
    const v = await call<{ state: string }>(t, 'GET', `/_sim/calls/${id}`);
    return v.body.state === 'established' ? true : undefined;
  });
  const plain = await call<{ callId: string }>(t, 'POST', '/_sim/calls', {
    tenantId: tenantId(),
    from: '+15557770003',
    to: LINE,
  });
  await eventually(() => (notificationsOf(plain.body.callId).length ? true : undefined));
  expect((await call(t, 'POST', '/_sim/reset')).status).toBe(200);
  const ended = await eventually(() => notificationsOf(plain.body.callId).find((n) => n.changeType === 'deleted'));
  expect(ended.resourceData).toMatchObject({ state: 'terminated', resultInfo: { subcode: 540000 } });
  expect((await call(t, 'GET', `/_sim/calls/${plain.body.callId}`)).status).toBe(404);
});
