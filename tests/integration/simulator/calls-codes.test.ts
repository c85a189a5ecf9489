// Contract: result codes per call-delete.md, call-transfer.md and resultinfo.md — PSTN hang-up 200/540000, the other
// party leaving 200/4521, the bot's DELETE terminating → 200/7000, transfer 0/7015 or 500/7000; numeric error codes
// (8522 call not found, 7505 tenant mismatch); keepAlive expiry 408/8537 and keepAlive on an ended call → 404.
import { call, eventually, sleep } from './helpers';
import {
  establishedCall,
  Fixture,
  graphError,
  isEnd,
  NUMBER,
  NUMBER2,
  notificationsFor,
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

test('the PSTN caller hangs up: deleted 200/540000', async () => {
  const id = await establishedCall(f);
  await call(f.t, 'POST', `/_sim/calls/${id}/hangup`);
  const ended = await waitFor(f, id, isEnd(id));
  expect(ended.resourceData).toMatchObject({ state: 'terminated', resultInfo: { code: 200, subcode: 540000 } });
});

test("the caller's patience runs out before an agent: 200/540000, endReason abandoned", async () => {
  const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255550020',
    to: NUMBER,
    patienceS: 0.3,
  });
  const id = placed.body.callId;
  const ended = await waitFor(f, id, isEnd(id));
  expect(ended.resourceData.resultInfo).toMatchObject({ code: 200, subcode: 540000 });
  expect((await view(f, id)).endReason).toBe('abandoned');
});

test('the other party of a two-party call leaves: 200/4521', async () => {
  const [agent] = f.agents;
  await call(f.t, 'POST', `/_sim/agents/${agent}/profile`, { hangsUpAfterS: 0.2 });
  try {
    const created = await f.g.api('/communications/calls').post({
      callbackUri: `${f.hookUrl}/out`,
      source: { identity: { applicationInstance: { id: f.instances[0].objectId } } },
      targets: [{ identity: { user: { id: agent } } }],
      requestedModalities: ['audio'],
      mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
      tenantId: TENANT,
    });
    const ended = await waitFor(f, created.id, isEnd(created.id));
    expect(ended.resourceData.resultInfo).toMatchObject({ code: 200, subcode: 4521 });
  } finally {
    await call(f.t, 'POST', `/_sim/agents/${agent}/profile`, { hangsUpAfterS: null });
  }
});

test("the bot's DELETE: terminating, then deleted 200/7000; the call is then 404 with code 8522", async () => {
  const id = await establishedCall(f);
  await f.g.api(`/communications/calls/${id}`).delete();
  await waitFor(f, id, isEnd(id));
  const states = notificationsFor(f, id, '/callback')
    .map((n) => n.resourceData.state)
    .filter(Boolean);
  expect(states.slice(-2)).toEqual(['terminating', 'terminated']);
  expect(notificationsFor(f, id).find(isEnd(id))!.resourceData.resultInfo).toMatchObject({ code: 200, subcode: 7000 });
  const gone = await graphError(f.g.api(`/communications/calls/${id}`).get());
  expect(gone).toMatchObject({ statusCode: 404, code: '8522' });
  const unknown = await graphError(
    f.g.api('/communications/calls/00000000-0000-4000-8000-000000000000/keepAlive').post({}),
  );
  expect(unknown).toMatchObject({ statusCode: 404, code: '8522' });
});

test('transfer completed: transferring, transferAccepted, deleted 0/7015', async () => {
  const [, agent] = f.agents;
  const id = await establishedCall(f, { handleTimeS: 30 });
  await f.g.api(`/communications/calls/${id}/transfer`).post({ transferTarget: { identity: { user: { id: agent } } } });
  const ended = await waitFor(f, id, isEnd(id));
  expect(ended.resourceData.resultInfo).toMatchObject({ code: 0, subcode: 7015 });
  const order = notificationsFor(f, id, '/callback')
    .map((n) => n.resourceData.state)
    .filter((s) => s === 'transferring' || s === 'transferAccepted' || s === 'terminated');
  expect(order).toEqual(['transferring', 'transferAccepted', 'terminated']);
  expect(await view(f, id)).toMatchObject({ state: 'connectedToAgent', agentId: agent, answeredBy: 'agent' });
  await call(f.t, 'POST', `/_sim/calls/${id}/hangup`);
});

test('transfer failed: back to established with resultInfo 500/7000', async () => {
  const [, , agent] = f.agents;
  await call(f.t, 'POST', `/_sim/agents/${agent}/profile`, { answerProbability: 0 });
  await call(f.t, 'POST', '/_sim/faults', { incomingCallTimeoutMs: 300 });
  try {
    const id = await establishedCall(f);
    await f.g
      .api(`/communications/calls/${id}/transfer`)
      .post({ transferTarget: { identity: { user: { id: agent } } } });
    const back = await waitFor(f, id, (n) => n.resourceData.state === 'established' && !!n.resourceData.resultInfo);
    expect(back.resourceData.resultInfo).toMatchObject({ code: 500, subcode: 7000 });
    expect((await view(f, id)).state).toBe('established');
    await f.g.api(`/communications/calls/${id}`).delete();
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { incomingCallTimeoutMs: 3000 });
    await call(f.t, 'POST', `/_sim/agents/${agent}/profile`, { answerProbability: 1 });
  }
});

test('transfer or redirect to a resource account of another tenant: 403 with code 7505', async () => {
  const foreign = { identity: { applicationInstance: { id: '0f0f0f0f-0000-4000-8000-000000000000' } } };
  const id = await establishedCall(f);
  expect(
    await graphError(f.g.api(`/communications/calls/${id}/transfer`).post({ transferTarget: foreign })),
  ).toMatchObject({
    statusCode: 403,
    code: '7505',
  });
  await f.g.api(`/communications/calls/${id}`).delete();
  const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255550021',
    to: NUMBER,
  });
  await waitFor(f, placed.body.callId, (n) => n.changeType === 'created');
  expect(
    await graphError(
      f.g.api(`/communications/calls/${placed.body.callId}/redirect`).post({ targets: [foreign], timeout: 20 }),
    ),
  ).toMatchObject({ statusCode: 403, code: '7505' });
  await call(f.t, 'POST', `/_sim/calls/${placed.body.callId}/hangup`);
});

test('redirect to another resource account of the tenant: the bot leg ends 0/7015, that account gets a new call', async () => {
  const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255550022',
    to: NUMBER,
  });
  const id = placed.body.callId;
  await waitFor(f, id, (n) => n.changeType === 'created');
  const second = f.instances.find((i) => i.phoneNumber === `tel:${NUMBER2}`)!;
  await f.g.api(`/communications/calls/${id}/redirect`).post({
    targets: [{ identity: { applicationInstance: { id: second.objectId } } }],
    timeout: 20,
  });
  const ended = await waitFor(f, id, isEnd(id));
  expect(ended.resourceData.resultInfo).toMatchObject({ code: 0, subcode: 7015 });
  const next = await eventually(() =>
    f.posts
      .flatMap((p) => p.body.value)
      .find(
        (n) =>
          n.changeType === 'created' &&
          (n.resourceData.targets as { identity: { applicationInstance: { id: string } } }[])[0].identity
            .applicationInstance.id === second.objectId &&
          (n.resourceData.source as { identity: { phone: { id: string } } }).identity.phone.id === '+14255550022',
      ),
  );
  await call(f.t, 'POST', `/_sim/calls/${String(next.resourceData.id)}/hangup`);
});

test('no keepAlive for keepAliveTimeoutMs: the call is dropped 408/8537; keepAlive keeps it; keepAlive on an ended call is 404', async () => {
  await call(f.t, 'POST', '/_sim/faults', { keepAliveTimeoutMs: 1000 });
  try {
    const kept = await establishedCall(f);
    const dropped = await establishedCall(f);
    for (let i = 0; i < 15; i++) {
      await f.g.api(`/communications/calls/${kept}/keepAlive`).post({});
      await sleep(100);
    }
    const ended = await waitFor(f, dropped, isEnd(dropped));
    expect(ended.resourceData.resultInfo).toMatchObject({ code: 408, subcode: 8537 });
    expect((await view(f, kept)).state).toBe('established');
    expect((await graphError(f.g.api(`/communications/calls/${dropped}/keepAlive`).post({}))).statusCode).toBe(404);
    await f.g.api(`/communications/calls/${kept}`).delete();
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { keepAliveTimeoutMs: 45 * 60 * 1000 });
  }
});
