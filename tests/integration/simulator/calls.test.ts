// Contract: an inbound PSTN call reaches the bot's webhook as a signed commsNotification; the bot drives it with the
// real Graph client (answer, tones, prompts, transfer to an agent) and sees the lifecycle notifications in order.
// The tenant, webhook and media server are calls-fixture.ts's, as for the other calls-*.test.ts suites.
import { Client } from '@microsoft/microsoft-graph-client';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import {
  BOT,
  Fixture,
  NUMBER,
  TENANT,
  notificationsFor as notificationsOf,
  startFixture,
  waitFor as waitOn,
} from './calls-fixture';
import { call, eventually, state, TestSim } from './helpers';

let f: Fixture;
let t: TestSim;
let hookUrl: string;
let g: Client;

beforeAll(async () => {
  // in order, and no prompt fetch (example.com): the hard defaults are covered by the calls-*.test.ts suites
  f = await startFixture({
    establishDelayMs: 20,
    dtmfIntervalMs: 30,
    promptDurationMs: 50,
    establishSwapProbability: 0,
    promptFetch: false,
  });
  ({ t, g, hookUrl } = f);
});
afterAll(async () => {
  await f.stop();
});

const notificationsFor = (callId: string, path?: string) => notificationsOf(f, callId, path);
const waitFor = (callId: string, pred: Parameters<typeof waitOn>[2]) => waitOn(f, callId, pred);
test('incoming call: signed notification, answer, established, DTMF, prompt, transfer to an agent who turns InACall', async () => {
  const agents = (await state(t)).tenants
    .find((x) => x.tenantId === TENANT)!
    .users.filter((u) => u.accountType === 'user');
  const agent = agents[0].id;
  await call(t, 'POST', `/_sim/agents/${agent}/profile`, { answerDelayMs: 50, answerProbability: 1 });

  const placed = await call<{ callId: string }>(t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255551234',
    to: NUMBER,
    dtmf: '12',
    patienceS: 60,
    handleTimeS: 0.3,
  });
  expect(placed.status).toBe(201);
  const callId = placed.body.callId;

  const incoming = await eventually(() =>
    f.posts.find((r) => r.body.value[0].resourceUrl === `/communications/calls/${callId}`),
  );
  expect(incoming.path).toBe('/api/calls/notifications');
  expect(incoming.body['@odata.type']).toBe('#microsoft.graph.commsNotifications');
  const created = incoming.body.value[0];
  expect(created.changeType).toBe('created');
  expect(created.resourceData).toMatchObject({
    '@odata.type': '#microsoft.graph.call',
    state: 'incoming',
    direction: 'incoming',
    id: callId,
    tenantId: TENANT,
  });
  const targets = created.resourceData.targets as { identity: { applicationInstance: { id: string } } }[];
  const instance = (await state(t)).tenants.find((x) => x.tenantId === TENANT)!.applicationInstances[0];
  expect(targets[0].identity.applicationInstance.id).toBe(instance.objectId);
  expect((created.resourceData.source as { identity: { phone: { id: string } } }).identity.phone.id).toBe(
    '+14255551234',
  );

  // the bot JWT verifies against the simulator's Bot Framework OIDC keys
  const oidc = await call<{ issuer: string; jwks_uri: string }>(
    t,
    'GET',
    '/botframework/v1/.well-known/OpenIdConfiguration',
  );
  // jose 6 fetches with global fetch (no https agent option): read the key set through the test's own client.
  const keySet = await call<JSONWebKeySet>(t, 'GET', new URL(oidc.body.jwks_uri).pathname);
  const jwks = createLocalJWKSet(keySet.body);
  const token = incoming.authorization.replace(/^Bearer /, '');
  const { payload } = await jwtVerify(token, jwks, { issuer: 'https://api.botframework.com', audience: BOT });
  expect(payload.tid).toBe(TENANT);
  await expect(
    jwtVerify(token, jwks, { issuer: 'https://api.botframework.com', audience: 'someone-else' }),
  ).rejects.toThrow();

  // answer with the real Graph client; lifecycle goes to the callbackUri
  await g.api(`/communications/calls/${callId}/answer`).post({
    callbackUri: `${hookUrl}/callback`,
    acceptedModalities: ['audio'],
    mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
  });
  await waitFor(callId, (n) => n.resourceData.state === 'established');
  const states = notificationsFor(callId, '/callback').map((n) => n.resourceData.state);
  expect(states.slice(0, 2)).toEqual(['establishing', 'established']);

  const sub = await g.api(`/communications/calls/${callId}/subscribeToTone`).post({ clientContext: 'menu' });
  expect(sub.status).toBe('completed');
  await waitFor(callId, (n) => (n.resourceData.toneInfo as { tone?: string } | undefined)?.tone === 'tone2');
  const tones = notificationsFor(callId)
    .map((n) => (n.resourceData.toneInfo as { tone: string } | undefined)?.tone)
    .filter(Boolean);
  expect(tones).toEqual(['tone1', 'tone2']);

  const prompt = await g.api(`/communications/calls/${callId}/playPrompt`).post({
    clientContext: 'welcome',
    prompts: [{ '@odata.type': '#microsoft.graph.mediaPrompt', mediaInfo: { uri: 'https://example.com/hello.wav' } }],
  });
  expect(prompt.status).toBe('running');
  const done = await waitFor(callId, (n) => n.resourceUrl.endsWith(`/operations/${prompt.id}`));
  expect(done.changeType).toBe('deleted');
  expect(done.resourceData).toMatchObject({ status: 'completed', clientContext: 'welcome' });

  await g
    .api(`/communications/calls/${callId}/transfer`)
    .post({ transferTarget: { endpointType: 'default', identity: { user: { id: agent } } } });
  const ended = await waitFor(
    callId,
    (n) => n.changeType === 'deleted' && n.resourceUrl === `/communications/calls/${callId}`,
  );
  expect(ended.resourceData.resultInfo).toMatchObject({ code: 0, subcode: 7015 });
  const order = notificationsFor(callId, '/callback')
    .map((n) => n.resourceData.state)
    .filter((s) => s === 'transferring' || s === 'transferAccepted' || s === 'terminated');
  expect(order).toEqual(['transferring', 'transferAccepted', 'terminated']);

  const busy = await g.api('/communications/getPresencesByUserId').post({ ids: [agent] });
  expect(busy.value[0]).toMatchObject({ id: agent, availability: 'Busy', activity: 'InACall' });
  // the caller hangs up after their handle time; the agent is Available again
  await eventually(async () => {
    const p = await g.api('/communications/getPresencesByUserId').post({ ids: [agent] });
    return p.value[0].availability === 'Available' ? true : undefined;
  });
  // actions on a call the bot no longer holds are 404
  await expect(g.api(`/communications/calls/${callId}/keepAlive`).post({})).rejects.toMatchObject({ statusCode: 404 });
});

test('an unanswered call is terminated after the ring timeout with a deleted notification', async () => {
  await call(t, 'POST', '/_sim/faults', { incomingCallTimeoutMs: 300 });
  const placed = await call<{ callId: string }>(t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255559999',
    to: NUMBER,
  });
  const callId = placed.body.callId;
  const ended = await waitFor(callId, (n) => n.changeType === 'deleted');
  expect(ended.resourceData.state).toBe('terminated');
  expect(ended.resourceData.resultInfo).toMatchObject({ code: 408 });
  const s = await state(t);
  expect(s.tenants.find((x) => x.tenantId === TENANT)!.calls.find((c) => c.id === callId)!.state).toBe('terminated');
});

test('a call to a number that is not on a synced resource account is refused by /_sim/calls', async () => {
  const r = await call<{ error: string }>(t, 'POST', '/_sim/calls', {
    tenantId: t.sim.tenantId,
    from: '+14255550000',
    to: '+14255550101',
  });
  expect(r.status).toBe(409);
});

test('load generator: reproducible expectedCalls for a seed, progress in state', async () => {
  const body = {
    tenantId: TENANT,
    to: NUMBER,
    arrivalsPerMinute: 600,
    durationS: 1,
    patienceMeanS: 0.2,
    handleTimeMeanS: 1,
    seed: 7,
  };
  const a = await call<{ loadId: string; expectedCalls: number }>(t, 'POST', '/_sim/load', body);
  expect(a.status).toBe(202);
  const b = await call<{ loadId: string; expectedCalls: number }>(t, 'POST', '/_sim/load', body);
  expect(b.body.expectedCalls).toBe(a.body.expectedCalls);
  expect(a.body.loadId).not.toBe(b.body.loadId);
  const progress = await eventually(async () => {
    const p = await call<{
      done: boolean;
      placed: number;
      expectedCalls: number;
      abandoned: number;
      unanswered: number;
    }>(t, 'GET', `/_sim/load/${a.body.loadId}`);
    return p.body.done ? p.body : undefined;
  });
  expect(progress.placed).toBe(a.body.expectedCalls);
  expect(progress.abandoned + progress.unanswered).toBe(progress.placed);
});

test('redirect rings several agents at once; the one who answers gets the call', async () => {
  const agents = (await state(t)).tenants
    .find((x) => x.tenantId === TENANT)!
    .users.filter((u) => u.accountType === 'user');
  const [never, answers] = [agents[1].id, agents[2].id];
  await call(t, 'POST', '/_sim/faults', { incomingCallTimeoutMs: 15000 });
  await call(t, 'POST', `/_sim/agents/${never}/profile`, { answerProbability: 0 });
  await call(t, 'POST', `/_sim/agents/${answers}/profile`, { answerDelayMs: 30, answerProbability: 1 });
  const placed = await call<{ callId: string }>(t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255550001',
    to: NUMBER,
    handleTimeS: 30,
  });
  const callId = placed.body.callId;
  await waitFor(callId, (n) => n.changeType === 'created');
  await g.api(`/communications/calls/${callId}/redirect`).post({
    targets: [never, answers].map((id) => ({ endpointType: 'default', identity: { user: { id } } })),
    timeout: 20,
  });
  const ended = await waitFor(callId, (n) => n.changeType === 'deleted');
  expect(ended.resourceData.resultInfo).toMatchObject({ code: 0, subcode: 7015 });
  const c = await call<{ state: string; agentId: string }>(t, 'GET', `/_sim/calls/${callId}`);
  expect(c.body).toMatchObject({ state: 'connectedToAgent', agentId: answers });
  const p = await g.api('/communications/getPresencesByUserId').post({ ids: [answers, never] });
  expect(p.value.map((x: { activity: string }) => x.activity)).toEqual(['InACall', 'Available']);
  await call(t, 'POST', `/_sim/calls/${callId}/hangup`);
});

test('outbound call from the resource account to a PSTN number: 201 establishing, then established', async () => {
  const instance = (await state(t)).tenants.find((x) => x.tenantId === TENANT)!.applicationInstances[0];
  await call(t, 'POST', '/_sim/faults', { outboundAnswerDelayMs: 30 });
  const created = await g.api('/communications/calls').post({
    '@odata.type': '#microsoft.graph.call',
    callbackUri: `${hookUrl}/outbound`,
    source: { identity: { applicationInstance: { id: instance.objectId } } },
    targets: [{ identity: { phone: { id: '+14255557777' } } }],
    requestedModalities: ['audio'],
    mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
    tenantId: TENANT,
  });
  expect(created.state).toBe('establishing');
  await waitFor(created.id, (n) => n.resourceData.state === 'established');
  await g.api(`/communications/calls/${created.id}`).delete();
  const ended = await waitFor(created.id, (n) => n.changeType === 'deleted');
  // call-delete.md: the bot's hang-up is 200/7000 "The conversation has ended by bot."
  expect(ended.resourceData.resultInfo).toMatchObject({ code: 200, subcode: 7000 });
});
