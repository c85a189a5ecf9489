// Contract: invite, roster and barge — up to 5 invitees (users and PSTN numbers), replacesCallId, hidden and
// removeFromDefaultAudioRoutingGroup reflected; a second and third invite; every participants notification carries
// the whole roster with mediaStreams; GET participants, mute, DELETE; the caller leaving a group call leaves bot and
// agent in it; agents hang up per profile; transfer needs a transferee in a group call.
import { call, eventually } from './helpers';
import {
  establishedCall,
  Fixture,
  graphError,
  isEnd,
  Notification,
  notificationsFor,
  startFixture,
  view,
  waitFor,
} from './calls-fixture';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ establishSwapProbability: 0 });
});
afterAll(() => f.stop());

const user = (id: string, extra: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.invitationParticipantInfo',
  identity: { user: { id } },
  ...extra,
});
const rosters = (id: string): Record<string, unknown>[][] =>
  notificationsFor(f, id)
    .filter((n) => n.resourceUrl === `/communications/calls/${id}/participants`)
    .map((n) => n.resourceData as unknown as Record<string, unknown>[]);
const opDone = (id: string, opId: string) => (n: Notification) =>
  n.resourceUrl === `/communications/calls/${id}/operations/${opId}`;

async function invite(id: string, participants: unknown[], clientContext = 'invite'): Promise<Notification> {
  const op = await f.g.api(`/communications/calls/${id}/participants/invite`).post({ participants, clientContext });
  expect(op.status).toBe('running');
  return waitFor(f, id, opDone(id, op.id));
}

test('invite takes 1 to 5 participants', async () => {
  const id = await establishedCall(f);
  const six = f.agents.slice(0, 6).map((a) => user(a));
  expect(
    (await graphError(f.g.api(`/communications/calls/${id}/participants/invite`).post({ participants: six })))
      .statusCode,
  ).toBe(400);
  expect(
    (await graphError(f.g.api(`/communications/calls/${id}/participants/invite`).post({ participants: [] })))
      .statusCode,
  ).toBe(400);
  await f.g.api(`/communications/calls/${id}`).delete();
});

test('agent, then supervisor (hidden, out of the default audio group), then a PSTN expert: whole roster each time', async () => {
  const [agent, supervisor] = f.agents.slice(0, 2);
  const id = await establishedCall(f);
  const first = await invite(id, [user(agent, { replacesCallId: 'consult-call-1' })]);
  expect(first.resourceData).toMatchObject({ status: 'completed' });
  await invite(id, [user(supervisor, { hidden: true, removeFromDefaultAudioRoutingGroup: true })]);
  await invite(id, [{ identity: { phone: { id: '+14255550999' } } }]);
  await eventually(() => (rosters(id).some((r) => r.length === 5) ? true : undefined));
  const sizes = rosters(id).map((r) => r.length);
  expect(sizes).toEqual([2, 3, 4, 5]);
  for (const r of rosters(id))
    for (const p of r) expect((p.mediaStreams as { mediaType: string }[])[0].mediaType).toBe('audio');
  const v = await view(f, id);
  expect(v.participants.map((p) => p.kind)).toEqual(['bot', 'caller', 'agent', 'agent', 'pstn']);
  expect(v.participants[2]).toMatchObject({ userId: agent, replacesCallId: 'consult-call-1', hidden: false });
  expect(v.participants[3]).toMatchObject({
    userId: supervisor,
    hidden: true,
    removeFromDefaultAudioRoutingGroup: true,
  });
  const listed = await f.g.api(`/communications/calls/${id}/participants`).get();
  expect(listed.value).toHaveLength(5);
  const one = await f.g.api(`/communications/calls/${id}/participants/${v.participants[2].id}`).get();
  expect(one.info.identity.user).toMatchObject({ id: agent, tenantId: expect.any(String) });
  const presence = await f.g.api('/communications/getPresencesByUserId').post({ ids: [agent, supervisor] });
  expect(presence.value.map((p: { activity: string }) => p.activity)).toEqual(['InACall', 'InACall']);
  // call-delete.md: in a group call DELETE ends only the bot's leg; caller and agents talk on
  await f.g.api(`/communications/calls/${id}`).delete();
  const botLeg = await waitFor(f, id, isEnd(id));
  expect(botLeg.resourceData.resultInfo).toMatchObject({ code: 200, subcode: 7000 });
  expect(await view(f, id)).toMatchObject({ state: 'connectedToAgent', botInCall: false });
  await call(f.t, 'POST', `/_sim/calls/${id}/hangup`);
  expect((await view(f, id)).state).toBe('terminated');
  const after = await f.g.api('/communications/getPresencesByUserId').post({ ids: [agent, supervisor] });
  expect(after.value.map((p: { availability: string }) => p.availability)).toEqual(['Available', 'Available']);
});

test('mute and DELETE a participant: the roster shows it', async () => {
  const [agent] = f.agents.slice(2, 3);
  const id = await establishedCall(f);
  await invite(id, [user(agent)]);
  const p = (await view(f, id)).participants.find((x) => x.userId === agent)!;
  const mute = await f.g.api(`/communications/calls/${id}/participants/${p.id}/mute`).post({ clientContext: 'm' });
  await waitFor(f, id, opDone(id, mute.id));
  await eventually(() =>
    rosters(id).some((r) => r.some((x) => x.id === p.id && x.isMuted === true)) ? true : undefined,
  );
  await f.g.api(`/communications/calls/${id}/participants/${p.id}`).delete();
  await eventually(() => (rosters(id).some((r) => r.length === 2 && !r.some((x) => x.id === p.id)) ? true : undefined));
  expect((await view(f, id)).participants.map((x) => x.kind)).toEqual(['bot', 'caller']);
  expect((await graphError(f.g.api(`/communications/calls/${id}/participants/${p.id}`).get())).statusCode).toBe(404);
  await f.g.api(`/communications/calls/${id}`).delete();
});

test('the caller leaves a group call: the bot and the agent stay until the bot hangs up', async () => {
  const [agent] = f.agents.slice(3, 4);
  const id = await establishedCall(f);
  await invite(id, [user(agent)]);
  await call(f.t, 'POST', `/_sim/calls/${id}/hangup`);
  await eventually(() =>
    rosters(id).some(
      (r) => r.length === 2 && !r.some((x) => (x.info as { identity: { phone?: unknown } }).identity.phone),
    )
      ? true
      : undefined,
  );
  const v = await view(f, id);
  expect(v.state).toBe('established');
  expect(v.participants.map((x) => x.kind)).toEqual(['bot', 'agent']);
  expect(notificationsFor(f, id).some(isEnd(id))).toBe(false);
  await f.g.api(`/communications/calls/${id}`).delete();
  const ended = await waitFor(f, id, isEnd(id));
  expect(ended.resourceData.resultInfo).toMatchObject({ code: 200, subcode: 7000 });
  expect((await view(f, id)).endReason).toBe('completed');
});

test('an agent hangs up after hangsUpAfterS; with only the bot left the call ends 200/5002', async () => {
  const [agent] = f.agents.slice(4, 5);
  await call(f.t, 'POST', `/_sim/agents/${agent}/profile`, { hangsUpAfterS: 0.3 });
  try {
    const id = await establishedCall(f);
    await invite(id, [user(agent)]);
    await eventually(() => (rosters(id).some((r) => r.length === 2 && rosters(id).length > 2) ? true : undefined));
    expect((await view(f, id)).participants.map((x) => x.kind)).toEqual(['bot', 'caller']);
    // the caller hangs up too: nobody but the bot is left
    await call(f.t, 'POST', `/_sim/calls/${id}/hangup`);
    const ended = await waitFor(f, id, isEnd(id));
    expect(ended.resourceData.resultInfo).toMatchObject({ code: 200, subcode: 5002 });
  } finally {
    await call(f.t, 'POST', `/_sim/agents/${agent}/profile`, { hangsUpAfterS: null });
  }
});

test('transfer from a group call needs a transferee that is in the roster', async () => {
  const [agent, target] = f.agents.slice(5, 7);
  const id = await establishedCall(f);
  await invite(id, [user(agent)]);
  const body = { transferTarget: { endpointType: 'default', identity: { user: { id: target } } } };
  expect((await graphError(f.g.api(`/communications/calls/${id}/transfer`).post(body))).statusCode).toBe(400);
  const missing = await graphError(
    f.g.api(`/communications/calls/${id}/transfer`).post({ ...body, transferee: { participantId: 'nobody' } }),
  );
  expect(missing.statusCode).toBe(404);
  const caller = (await view(f, id)).participants.find((p) => p.kind === 'caller')!;
  await f.g.api(`/communications/calls/${id}/transfer`).post({ ...body, transferee: { participantId: caller.id } });
  const ended = await waitFor(f, id, isEnd(id));
  expect(ended.resourceData.resultInfo).toMatchObject({ code: 0, subcode: 7015 });
});

test("the control API's record: an agent's legs (rung, joined, over) and every delivery of a call's notifications", async () => {
  // two agents on no call now (earlier tests leave some talking)
  const free = await f.g.api('/communications/getPresencesByUserId').post({ ids: f.agents });
  const [answers, ringsOut] = (free.value as { id: string; availability: string }[])
    .filter((p) => p.availability === 'Available')
    .map((p) => p.id)
    .slice(-2);
  await call(f.t, 'POST', `/_sim/agents/${ringsOut}/profile`, { answerProbability: 0 });
  const id = await establishedCall(f);
  await invite(id, [user(answers), user(ringsOut)]);
  await call(f.t, 'POST', `/_sim/calls/${id}/hangup`); // the caller leaves the group call, then the bot ends it
  await f.g.api(`/communications/calls/${id}`).delete();
  await waitFor(f, id, isEnd(id));

  type Leg = { callId: string; ringingAt: number; joinedAt?: number; endedAt?: number; result?: string };
  const legs = async (agent: string) =>
    (await call<{ legs: Leg[] }>(f.t, 'GET', `/_sim/agents/${agent}/legs`)).body.legs.filter((l) => l.callId === id);
  const [joined] = await legs(answers);
  expect(joined).toMatchObject({ callId: id, result: 'answered' });
  expect(joined.ringingAt).toBeLessThanOrEqual(joined.joinedAt!);
  expect(joined.joinedAt!).toBeLessThanOrEqual(joined.endedAt!);
  const [missed] = await legs(ringsOut);
  expect(missed).toMatchObject({ callId: id, result: 'noAnswer' });
  expect(missed.joinedAt).toBeUndefined();
  expect(missed.endedAt!).toBeGreaterThanOrEqual(missed.ringingAt);

  // every notification the webhook took for this call is in the record, envelope by envelope
  const record = await call<{ deliveries: { status: number; attempt: number; body: { value: unknown[] } }[] }>(
    f.t,
    'GET',
    `/_sim/calls/${id}/notifications`,
  );
  expect(record.body.deliveries.every((d) => d.status === 202 && d.attempt === 1)).toBe(true);
  const recorded = record.body.deliveries.flatMap((d) => d.body.value).map((n) => JSON.stringify(n));
  const received = notificationsFor(f, id).map((n) => JSON.stringify(n));
  expect(recorded.sort()).toEqual(received.sort());
});

test('no muted invitation (invitationParticipantInfo has no such property): mute after joining, group calls only; who left stays in the view', async () => {
  const [supervisor] = f.agents.slice(4, 5);
  const id = await establishedCall(f);
  const caller = (await view(f, id)).participants.find((x) => x.kind === 'caller')!;
  // participant-mute.md: "only supported for group calls" — the bot's two-party call is not one yet.
  expect(
    (await graphError(f.g.api(`/communications/calls/${id}/participants/${caller.id}/mute`).post({}))).statusCode,
  ).toBe(400);
  const muted = await graphError(
    f.g
      .api(`/communications/calls/${id}/participants/invite`)
      .post({ participants: [user(supervisor, { isMuted: true })] }),
  );
  expect(muted.statusCode).toBe(400);
  expect(muted.message).toContain("'isMuted' does not exist on type 'microsoft.graph.invitationParticipantInfo'");
  await invite(id, [user(supervisor, { participantId: 'monitor-1' })]);
  const mute = await f.g.api(`/communications/calls/${id}/participants/monitor-1/mute`).post({ clientContext: 'm' });
  expect(mute).toMatchObject({ '@odata.type': '#microsoft.graph.muteParticipantOperation', clientContext: 'm' });
  await eventually(async () =>
    (await view(f, id)).participants.some((x) => x.id === 'monitor-1' && x.isMuted) ? true : undefined,
  );
  await f.g.api(`/communications/calls/${id}/participants/monitor-1`).delete();
  const v = await view(f, id);
  expect(v.participants.some((x) => x.id === 'monitor-1')).toBe(false);
  expect(v.departed).toEqual([
    expect.objectContaining({ id: 'monitor-1', userId: supervisor, isMuted: true, leftAt: expect.any(Number) }),
  ]);
  await f.g.api(`/communications/calls/${id}`).delete();
});
