// Contract: notifications as Graph sends them — partial `updated` resources, several per POST, `resource`
// /app/calls/…, identities with tenantId, the source's participant id, establishing/established swapped, and failed
// deliveries retried with backoff (so the webhook sees duplicates and reordering).
import { call, eventually, sleep } from './helpers';
import {
  ANSWER,
  establishedCall,
  Fixture,
  isEnd,
  NUMBER,
  notificationsFor,
  startFixture,
  TENANT,
  waitFor,
} from './calls-fixture';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ establishSwapProbability: 0 });
});
afterAll(() => f.stop());

test('created carries the whole call: resource /app/calls/{id}, tenantId on identities, the caller participant id', async () => {
  const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255550001',
    to: NUMBER,
  });
  const id = placed.body.callId;
  const created = await waitFor(f, id, (n) => n.changeType === 'created');
  expect(created.resource).toBe(`/app/calls/${id}`);
  expect(created.resourceUrl).toBe(`/communications/calls/${id}`);
  const data = created.resourceData as {
    source: { participantId: string; identity: { phone: { id: string } } };
    targets: { identity: { applicationInstance: { id: string; tenantId: string } } }[];
    incomingContext: { sourceParticipantId: string };
    tenantId: string;
  };
  expect(data.tenantId).toBe(TENANT);
  expect(data.targets[0].identity.applicationInstance.tenantId).toBe(TENANT);
  expect(data.source.identity.phone.id).toBe('+14255550001');
  expect(data.source.participantId).toBe(data.incomingContext.sourceParticipantId);
  const roster = (await call<{ participants: { id: string; kind: string }[] }>(f.t, 'GET', `/_sim/calls/${id}`)).body
    .participants;
  expect(roster.find((p) => p.kind === 'caller')!.id).toBe(data.source.participantId);
  await call(f.t, 'POST', `/_sim/calls/${id}/hangup`);
});

test('updated notifications carry only what changed; the roster arrives whole with mediaStreams', async () => {
  const id = await establishedCall(f);
  const established = await waitFor(f, id, (n) => n.resourceData.state === 'established');
  expect(established.changeType).toBe('updated');
  expect(Object.keys(established.resourceData).sort()).toEqual(['@odata.type', 'state']);
  const roster = await waitFor(f, id, (n) => n.resourceUrl === `/communications/calls/${id}/participants`);
  expect(roster.resource).toBe(`/app/calls/${id}/participants`);
  const list = roster.resourceData as unknown as { id: string; mediaStreams: { mediaType: string }[] }[];
  expect(list).toHaveLength(2);
  for (const p of list) expect(p.mediaStreams[0].mediaType).toBe('audio');
  await f.g.api(`/communications/calls/${id}`).delete();
  const terminating = await waitFor(f, id, (n) => n.resourceData.state === 'terminating');
  expect(Object.keys(terminating.resourceData).sort()).toEqual(['@odata.type', 'state']);
  const ended = await waitFor(f, id, isEnd(id));
  expect(Object.keys(ended.resourceData).sort()).toEqual(['@odata.type', 'resultInfo', 'state']);
});

test('notifications raised together share one POST (value[] of several)', async () => {
  const id = await establishedCall(f);
  // the hang-up raises terminating and deleted at once: one POST carries both
  await call(f.t, 'POST', '/_sim/faults', { notificationBatchMs: 200 });
  try {
    await f.g.api(`/communications/calls/${id}`).delete();
    await waitFor(f, id, isEnd(id));
    const post = f.posts.find((p) => p.body.value.some(isEnd(id)))!;
    expect(post.body.value.length).toBeGreaterThanOrEqual(2);
    expect(post.body.value.map((n) => n.resourceData.state)).toEqual(['terminating', 'terminated']);
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { notificationBatchMs: 5 });
  }
});

test('establishing and established arrive swapped when the knob says so', async () => {
  await call(f.t, 'POST', '/_sim/faults', { establishSwapProbability: 1 });
  try {
    const id = await establishedCall(f);
    await waitFor(f, id, (n) => n.resourceData.state === 'establishing');
    const states = notificationsFor(f, id, '/callback')
      .map((n) => n.resourceData.state)
      .filter((s) => s === 'establishing' || s === 'established');
    expect(states).toEqual(['established', 'establishing']);
    await f.g.api(`/communications/calls/${id}`).delete();
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { establishSwapProbability: 0 });
  }
});

test('a failed delivery is retried with backoff: the webhook sees the same notification twice, later ones overtake it', async () => {
  const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255550002',
    to: NUMBER,
  });
  const id = placed.body.callId;
  await waitFor(f, id, (n) => n.changeType === 'created');
  f.failNext('/retry', 1);
  await call(f.t, 'POST', '/_sim/faults', { notificationRetryBaseMs: 400 });
  try {
    await f.g.api(`/communications/calls/${id}/answer`).post({ callbackUri: `${f.hookUrl}/retry`, ...ANSWER });
    // the first POST (establishing) fails, is retried ≥ 200 ms later; established (20 ms later) overtakes it
    const deliveries = await eventually(() => {
      const d = f.posts.filter(
        (p) => p.path === '/retry' && p.body.value.some((n) => n.resourceData.state === 'establishing'),
      );
      return d.length >= 2 ? d : undefined;
    });
    expect(deliveries[0].status).toBe(500);
    expect(deliveries[1].status).toBe(202);
    expect(deliveries[1].body).toEqual(deliveries[0].body);
    const order = f.posts
      .filter((p) => p.path === '/retry' && p.status === 202)
      .flatMap((p) => p.body.value.map((n) => n.resourceData.state))
      .filter((s) => s === 'establishing' || s === 'established');
    expect(order).toEqual(['established', 'establishing']);
    const stats = (
      await call<{ stats: { notificationsRetried: number; notificationsFailed: number } }>(f.t, 'GET', '/_sim/state')
    ).body.stats;
    expect(stats.notificationsRetried).toBeGreaterThanOrEqual(1);
    expect(stats.notificationsFailed).toBeGreaterThanOrEqual(1);
    await f.g.api(`/communications/calls/${id}`).delete();
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { notificationRetryBaseMs: 50 });
  }
});

test('a delivery that keeps failing is given up after notificationMaxAttempts', async () => {
  const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255550003',
    to: NUMBER,
  });
  const id = placed.body.callId;
  await waitFor(f, id, (n) => n.changeType === 'created');
  f.failNext('/dead', 100);
  await call(f.t, 'POST', '/_sim/faults', { notificationMaxAttempts: 3 });
  try {
    await f.g.api(`/communications/calls/${id}/answer`).post({ callbackUri: `${f.hookUrl}/dead`, ...ANSWER });
    const tries = () =>
      f.posts.filter((p) => p.path === '/dead' && p.body.value.some((n) => n.resourceData.state === 'establishing'));
    await eventually(() => (tries().length >= 3 ? true : undefined));
    await sleep(800); // a fourth try would come ≤ 400 ms after the third
    expect(tries()).toHaveLength(3);
    expect(tries().every((p) => p.status === 500)).toBe(true);
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { notificationMaxAttempts: 4 });
    f.failNext('/dead', 0);
  }
});
