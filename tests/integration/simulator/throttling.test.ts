// Contract: token bucket per app per tenant, Retry-After, violation counting, random 429/503 on Graph, $batch,
// bridge and token endpoint — never on /_sim.
import { apps, call, sleep, startTestSimulator, state, TestSim, tokenFor } from './helpers';
import { IN_FLIGHT_GRACE_MS } from '../../../simulator/guard';

let t: TestSim;
let ids: Awaited<ReturnType<typeof apps>>;
let token: string;

beforeAll(async () => {
  t = await startTestSimulator();
  ids = await apps(t);
  token = await tokenFor(
    t,
    ids.provisioning.appId,
    ids.provisioning.clientSecret,
    'https://graph.microsoft.com/.default',
  );
});
afterAll(async () => t.stop());
afterEach(async () => {
  await call(t, 'POST', '/_sim/reset');
});

type GraphErr = { error: { code: string; message: string } };

test('token bucket answers 429 + Retry-After; coming back early is a violation (and 429 again); waiting it out works', async () => {
  const faults = await call(t, 'POST', '/_sim/faults', { requestsPerSecond: 2, retryAfterSeconds: 1 });
  expect(faults.body).toMatchObject({ requestsPerSecond: 2, retryAfterSeconds: 1 });
  let throttled: Awaited<ReturnType<typeof call<GraphErr>>> | undefined;
  for (let i = 0; i < 10 && !throttled; i++) {
    const r = await call<GraphErr>(t, 'GET', '/v1.0/subscribedSkus', undefined, token);
    if (r.status === 429) throttled = r;
    else expect(r.status).toBe(200);
  }
  expect(throttled).toBeDefined();
  expect(throttled!.body.error.code).toBe('TooManyRequests');
  const retryAfter = Number(throttled!.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);

  // Past the in-flight grace (so this request cannot have been on the wire already), but before Retry-After.
  await sleep(IN_FLIGHT_GRACE_MS + 50);
  const early = await call(t, 'GET', '/v1.0/subscribedSkus', undefined, token);
  expect(early.status).toBe(429);
  const s1 = await state(t);
  expect(s1.stats.retryAfterViolations).toBe(1);
  expect(s1.stats.throttled).toBeGreaterThanOrEqual(2);

  await sleep(retryAfter * 1000 - IN_FLIGHT_GRACE_MS);
  const later = await call(t, 'GET', '/v1.0/subscribedSkus', undefined, token);
  expect(later.status).toBe(200);
  expect((await state(t)).stats.retryAfterViolations).toBe(1);
});

test('a throttled sub-request is a 429 with its Retry-After inside the $batch response', async () => {
  await call(t, 'POST', '/_sim/faults', { throttleProbability: 1, retryAfterSeconds: 3 });
  const res = await call<{
    responses: { id: string; status: number; headers: Record<string, string>; body: GraphErr }[];
  }>(t, 'POST', '/v1.0/$batch', { requests: [{ id: 'a', method: 'GET', url: '/subscribedSkus' }] }, token);
  expect(res.status).toBe(200);
  expect(res.body.responses[0].status).toBe(429);
  expect(Number(res.body.responses[0].headers['retry-after'])).toBe(3);
  expect(res.body.responses[0].body.error.code).toBe('TooManyRequests');
  // the control API is never throttled
  expect((await call(t, 'GET', '/_sim/state')).status).toBe(200);
});

test('random 503s on Graph and on the bridge carry Retry-After; the token endpoint can be throttled too', async () => {
  const bridgeToken = await tokenFor(
    t,
    ids.provisioning.appId,
    ids.provisioning.clientSecret,
    'api://teams-admin-bridge/.default',
  );
  await call(t, 'POST', '/_sim/faults', { errorProbability: 1, retryAfterSeconds: 2 });
  const graph = await call<GraphErr>(t, 'GET', '/v1.0/subscribedSkus', undefined, token);
  expect(graph.status).toBe(503);
  expect(graph.headers.get('retry-after')).toBe('2');
  const bridge = await call<{ error: { code: string; cmdlet: string } }>(
    t,
    'GET',
    `/bridge/tenants/${t.sim.tenantId}/applicationInstances/x@contoso.com`,
    undefined,
    bridgeToken,
  );
  expect(bridge.status).toBe(503);
  expect(bridge.body.error.code).toBe('ServiceUnavailable');
  expect(bridge.headers.get('retry-after')).toBe('2');
  expect((await state(t)).stats.faulted).toBeGreaterThanOrEqual(1);

  await call(t, 'POST', '/_sim/faults', { errorProbability: 0, throttleProbability: 1, retryAfterSeconds: 1 });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: ids.bot.appId,
    client_secret: ids.bot.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
  });
  const res = await fetch(`${t.sim.url}/${t.sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    dispatcher: t.dispatcher,
  } as RequestInit);
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe('1');
});

test('reset zeroes stats and clears faults', async () => {
  await call(t, 'POST', '/_sim/faults', { throttleProbability: 1 });
  await call(t, 'GET', '/v1.0/subscribedSkus', undefined, token);
  await call(t, 'POST', '/_sim/reset');
  const s = await state(t);
  expect(s.stats).toMatchObject({ requests: 0, throttled: 0, faulted: 0, retryAfterViolations: 0 });
  expect((await call(t, 'GET', '/v1.0/subscribedSkus', undefined, token)).status).toBe(200);
  expect((await call(t, 'POST', '/_sim/faults', { throttleProbability: 2 })).status).toBe(400);
});
