// Contract: redirect (routingPolicies, forwarding to voicemail, its own callbackUri), outbound calls (required fields,
// callee profiles), /_sim/state listing outbound calls, and throttling of the calls API and presence.
import { call, credential, sleep, state } from './helpers';
import {
  BOT,
  Fixture,
  graphError,
  isEnd,
  notificationsFor,
  NUMBER,
  startFixture,
  TENANT,
  view,
  waitFor,
} from './calls-fixture';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ establishSwapProbability: 0 });
});
afterAll(() => f.stop());

async function incoming(from: string): Promise<string> {
  const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from,
    to: NUMBER,
    handleTimeS: 30,
  });
  await waitFor(f, placed.body.callId, (n) => n.changeType === 'created');
  return placed.body.callId;
}

const target = (id: string) => ({ identity: { user: { id } } });

test('redirect validates routingPolicies and its callbackUri gets the notifications', async () => {
  const [agent] = f.agents;
  const id = await incoming('+14255550030');
  const bad = await graphError(
    f.g
      .api(`/communications/calls/${id}/redirect`)
      .post({ targets: [target(agent)], timeout: 20, routingPolicies: ['sometimes'] }),
  );
  expect(bad.statusCode).toBe(400);
  await f.g.api(`/communications/calls/${id}/redirect`).post({
    targets: [target(agent)],
    timeout: 20,
    routingPolicies: ['noMissedCall'],
    callbackUri: `${f.hookUrl}/redirect-cb`,
  });
  const ended = await waitFor(f, id, isEnd(id));
  expect(ended.resourceData.resultInfo).toMatchObject({ code: 0, subcode: 7015 });
  const states = notificationsFor(f, id, '/redirect-cb').map((n) => n.resourceData.state);
  expect(states).toEqual(['redirecting', 'terminated']);
  expect(await view(f, id)).toMatchObject({ state: 'connectedToAgent', agentId: agent, answeredBy: 'agent' });
  await call(f.t, 'POST', `/_sim/calls/${id}/hangup`);
});

test('an agent who forwards to voicemail "answers" a redirect with voicemail; disableForwarding stops that', async () => {
  const [, agent] = f.agents;
  await call(f.t, 'POST', `/_sim/agents/${agent}/profile`, { answerProbability: 0, forwardToVoicemailAfterS: 0.2 });
  try {
    const id = await incoming('+14255550031');
    await f.g.api(`/communications/calls/${id}/redirect`).post({ targets: [target(agent)], timeout: 15 });
    const ended = await waitFor(f, id, isEnd(id));
    expect(ended.resourceData.resultInfo).toMatchObject({ code: 0, subcode: 7015 });
    const v = await view(f, id);
    expect(v.answeredBy).toBe('voicemail');
    expect(v.participants.map((p) => p.kind)).toEqual(['caller', 'voicemail']);
    await call(f.t, 'POST', `/_sim/calls/${id}/hangup`);

    await call(f.t, 'POST', `/_sim/agents/${agent}/profile`, { forwardToVoicemailAfterS: 0.2, answerProbability: 0 });
    const id2 = await incoming('+14255550032');
    await f.g
      .api(`/communications/calls/${id2}/redirect`)
      .post({ targets: [target(agent)], timeout: 15, routingPolicies: ['disableForwarding'] });
    await sleep(600);
    // still ringing: no voicemail took it
    expect((await view(f, id2)).state).toBe('redirecting');
    await call(f.t, 'POST', `/_sim/calls/${id2}/hangup`);
  } finally {
    await call(f.t, 'POST', `/_sim/agents/${agent}/profile`, { answerProbability: 1, forwardToVoicemailAfterS: null });
  }
});

const outbound = (extra: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.call',
  callbackUri: `${f.hookUrl}/outbound`,
  source: { identity: { applicationInstance: { id: f.instances[0].objectId } } },
  targets: [{ identity: { phone: { id: '+14255557777' } } }],
  requestedModalities: ['audio'],
  mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
  tenantId: TENANT,
  ...extra,
});

test('outbound calls need source applicationInstance, tenantId, mediaConfig and requestedModalities', async () => {
  for (const missing of ['source', 'tenantId', 'mediaConfig', 'requestedModalities']) {
    const body = outbound();
    delete (body as Record<string, unknown>)[missing];
    expect((await graphError(f.g.api('/communications/calls').post(body))).statusCode).toBe(400);
  }
  const mismatch = await graphError(
    f.g.api('/communications/calls').post(outbound({ tenantId: '0f0f0f0f-0000-4000-8000-000000000001' })),
  );
  expect(mismatch).toMatchObject({ statusCode: 403, code: '7505' });
});

test('callee profiles: answer delay, busy, no answer; /_sim/state lists outbound calls', async () => {
  const r = await call(f.t, 'POST', '/_sim/callees/+14255557001', {
    answerDelayMs: 100,
    answerProbability: 1,
    busy: false,
  });
  expect(r.body).toMatchObject({ number: '+14255557001', answerDelayMs: 100, answerProbability: 1, busy: false });
  await call(f.t, 'POST', '/_sim/callees/+14255557002', { busy: true });
  await call(f.t, 'POST', '/_sim/callees/+14255557003', { answerProbability: 0 });
  await call(f.t, 'POST', '/_sim/faults', { incomingCallTimeoutMs: 300 });
  try {
    const answered = await f.g
      .api('/communications/calls')
      .post(outbound({ targets: [{ identity: { phone: { id: '+14255557001' } } }] }));
    expect(answered.state).toBe('establishing');
    await waitFor(f, answered.id, (n) => n.resourceData.state === 'established');
    const listed = (await state(f.t)).tenants
      .find((x) => x.tenantId === TENANT)!
      .calls.find((c) => c.id === answered.id);
    expect(listed).toMatchObject({ direction: 'outgoing', to: '+14255557001', state: 'established' });
    await f.g.api(`/communications/calls/${answered.id}`).delete();

    const busy = await f.g
      .api('/communications/calls')
      .post(outbound({ targets: [{ identity: { phone: { id: '+14255557002' } } }] }));
    expect((await waitFor(f, busy.id, isEnd(busy.id))).resourceData.resultInfo).toMatchObject({ code: 486 });
    const silent = await f.g
      .api('/communications/calls')
      .post(outbound({ targets: [{ identity: { phone: { id: '+14255557003' } } }] }));
    expect((await waitFor(f, silent.id, isEnd(silent.id))).resourceData.resultInfo).toMatchObject({ code: 408 });
    expect((await view(f, silent.id)).endReason).toBe('unanswered');
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { incomingCallTimeoutMs: 3000 });
  }
});

test('the calls API and presence are throttled per app and tenant at their knobs, with Retry-After (raw HTTPS)', async () => {
  await call(f.t, 'POST', '/_sim/faults', { callsRequestsPer15s: 15, presenceRequestsPer30s: 30 });
  try {
    const token = (await credential(f.t, BOT, 'bot-secret', TENANT).getToken('https://graph.microsoft.com/.default'))
      .token;
    const presence = () =>
      call(f.t, 'POST', '/v1.0/communications/getPresencesByUserId', { ids: [f.agents[0]] }, token);
    const calls = () =>
      call(f.t, 'GET', '/v1.0/communications/calls/00000000-0000-4000-8000-000000000000', undefined, token);
    // the bucket refills at limit/window per second, so count until the first 429 (generous cap)
    const until429 = async (send: () => Promise<{ status: number; headers: Headers }>, cap: number) => {
      for (let i = 0; i < cap; i++) {
        const r = await send();
        if (r.status === 429) return { ok: i, res: r };
      }
      throw new Error('never throttled');
    };
    const p = await until429(presence, 80);
    expect(p.ok).toBeGreaterThanOrEqual(30);
    const c = await until429(calls, 60);
    expect(c.ok).toBeGreaterThanOrEqual(15);
    const last = c.res;
    const retryAfter = Number(last.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const s = (
      await call<{ stats: { throttled: number; requestsByService: Record<string, number> } }>(f.t, 'GET', '/_sim/state')
    ).body.stats;
    expect(s.throttled).toBeGreaterThanOrEqual(2);
    expect(s.requestsByService).toMatchObject({ calls: expect.any(Number), presence: expect.any(Number) });
    await sleep(retryAfter * 1000 + 50);
    expect((await calls()).status).toBe(404);
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { callsRequestsPer15s: 50000, presenceRequestsPer30s: 1500 });
  }
});
