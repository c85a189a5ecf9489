import fc from 'fast-check';
import {
  ArrivalRoute,
  CallInput,
  CallLogEntry,
  CallRecord,
  UNIQUE_LOG_KINDS,
  applyCallInput,
  applyCallInputs,
  callPhase,
  callSummary,
  keepAliveDue,
} from '../../../../shared/calls/call.rules';
import { parseNotification } from '../../../../shared/calls/notification.parser';
import {
  AGENT_USER,
  CALL,
  CALLER_PARTICIPANT,
  TENANT,
  incoming,
  operationDone,
  roster,
  stateUpdate,
  terminated,
  tone,
} from './fixtures';

const env = { callbackUri: 'https://switchboard.example/api/calls/notifications' };
const ANSWER: ArrivalRoute = { action: 'answer', callQueueId: 'support' };
const REJECT: ArrivalRoute = { action: 'reject', reason: 'forbidden', why: 'no endpoint for this resource account' };

/** Graph notification → machine input, stamped with the time the webhook received it. */
function g(notification: unknown, at: number, route: ArrivalRoute = ANSWER): CallInput[] {
  return parseNotification(notification).map((event) => ({ kind: 'graph', event, at, route }));
}

function offer(
  at: number,
  via: 'transfer' | 'invite' | 'redirect' = 'transfer',
  offerId = 'o1',
  agentId = 'agent01',
): CallInput {
  return { kind: 'offer', key: offerId, at, offerId, agentId, userId: AGENT_USER, via };
}

/** Attendant's ring-all invite of `agentId` (user id = agent id, so rosters can name each agent). */
function ringAll(at: number, offerId: string, agentId: string): CallInput {
  return { kind: 'offer', key: offerId, at, offerId, agentId, userId: agentId, via: 'invite', ringAll: true };
}

function run(inputs: CallInput[], start?: CallRecord) {
  return applyCallInputs(start, inputs, env);
}

function kinds(log: CallLogEntry[]): string[] {
  return log.map((e) => e.kind);
}

describe('call lifecycle', () => {
  it('incoming → answer; established → answered, enqueued, hold music on the caller', () => {
    const a = run(g(incoming(), 1000));
    expect(a.commands).toEqual([
      { op: 'answer', callId: CALL, callbackUri: env.callbackUri, acceptedModalities: ['audio'] },
    ]);
    expect(callPhase(a.record!)).toBe('arrived');
    expect(a.record!.tenantId).toBe(TENANT);
    const b = run([...g(stateUpdate('establishing'), 1100), ...g(stateUpdate('established'), 1200)], a.record);
    expect(kinds(b.log)).toEqual(['answered', 'enqueued']);
    expect(b.log[0]).toMatchObject({ at: 1200, waitMs: 200 });
    expect(b.commands).toEqual([
      { op: 'startHoldMusic', callId: CALL, participantId: CALLER_PARTICIPANT, clientContext: `${CALL}|hold|1` },
    ]);
    expect(callPhase(b.record!)).toBe('queued');
    expect(b.record!.callQueueId).toBe('support');
  });

  it('a call to an unknown endpoint is rejected with a reason', () => {
    const a = run(g(incoming(), 1000, REJECT));
    expect(a.commands).toEqual([{ op: 'reject', callId: CALL, reason: 'forbidden' }]);
    expect(kinds(a.log)).toEqual(['arrived', 'rejected']);
    const b = run(g(terminated(603, 0), 1100), a.record);
    expect(callSummary(b.record!)).toMatchObject({ phase: 'ended', outcome: 'rejected' });
  });

  it('transfer offer: transferring → transferAccepted → terminated 0/7015 = connected, transferred', () => {
    const queued = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100)]).record;
    const o = run([offer(5000)], queued);
    expect(o.commands).toEqual([
      {
        op: 'transfer',
        callId: CALL,
        target: { kind: 'user', userId: AGENT_USER, tenantId: TENANT },
        clientContext: `${CALL}|offer:o1|2`,
      },
    ]);
    expect(callPhase(o.record!)).toBe('offered');
    const done = run(
      [
        ...g(stateUpdate('transferring'), 5100),
        ...g(stateUpdate('transferAccepted'), 7000),
        ...g(terminated(0, 7015, 'GracefulTransferCompleted'), 7100),
      ],
      o.record,
    );
    expect(kinds(done.log)).toEqual(['connected', 'transferred', 'ended']);
    expect(done.log[0]).toMatchObject({ agentId: 'agent01', waitMs: 7000 });
    expect(callSummary(done.record!)).toMatchObject({
      phase: 'ended',
      outcome: 'transferred',
      agentId: 'agent01',
      connectedAt: 7000,
    });
  });

  it('a failed transfer (established with 500/7000) declines the offer: back in the call queue, the music plays on', () => {
    const queued = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100), offer(200)]).record;
    const r = run(
      [
        ...g(stateUpdate('transferring'), 300),
        ...g(stateUpdate('established', { resultInfo: { code: 500, subcode: 7000, message: 'no answer' } }), 900),
      ],
      queued,
    );
    expect(kinds(r.log)).toEqual(['offerDeclined']);
    // the caller is still on hold: a second startHoldMusic would be refused (one participant on hold at a time)
    expect(r.commands).toEqual([]);
    expect(r.record!.hold).toMatchObject({ participantId: CALLER_PARTICIPANT, state: 'starting' });
    expect(callPhase(r.record!)).toBe('queued');
    // the next offer to another agent is taken
    const next = applyCallInput(r.record, offer(1000, 'transfer', 'o2', 'agent02'), env);
    expect(next.changed).toBe(true);
  });

  it('hold music is an operation completed by notification: a failed start is retried after a failed transfer, never doubled', () => {
    const queued = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100)]);
    const hold = queued.commands.find((c) => c.op === 'startHoldMusic')!;
    expect(hold).toMatchObject({ participantId: CALLER_PARTICIPANT });
    const cc = (hold as { clientContext: string }).clientContext;
    const failed = run(g(operationDone('startHoldMusicOperation', cc, 'failed'), 150), queued.record);
    expect(failed.record!.hold!.state).toBe('off');
    const offered = run([offer(200)], failed.record).record;
    const back = run(
      g(stateUpdate('established', { resultInfo: { code: 500, subcode: 7000, message: 'no answer' } }), 900),
      offered,
    );
    expect(back.commands.map((c) => c.op)).toEqual(['startHoldMusic']);
    expect(back.record!.hold!.state).toBe('starting');
  });

  it('hold completions out of order: a late start completion does not undo a stop', () => {
    const offered = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100), offer(200, 'invite')]);
    const start = (offered.commands.find((c) => c.op === 'startHoldMusic') as { clientContext: string }).clientContext;
    const inv = offered.record!.offers[0].clientContext;
    const c = run(g(operationDone('inviteParticipantsOperation', inv), 2000), offered.record);
    const stop = c.commands.find((x) => x.op === 'stopHoldMusic') as { clientContext: string };
    expect(stop).toBeDefined();
    const stopped = run(
      g(operationDone('stopHoldMusicOperation', stop.clientContext, 'completed', 'op-stop'), 2100),
      c.record,
    );
    const late = run(g(operationDone('startHoldMusicOperation', start, 'completed', 'op-start'), 2200), stopped.record);
    expect(late.record!.hold!.state).toBe('off');
    expect(late.commands).toEqual([]);
  });

  it("the bot hangs up once: whole rosters repeat the caller's absence; after terminating no command is issued", () => {
    const offered = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100), offer(200, 'invite')]).record!;
    const c = run(g(operationDone('inviteParticipantsOperation', offered.offers[0].clientContext), 2000), offered);
    const all = run(g(roster([{}, { phone: '+14255550111' }, { userId: AGENT_USER }]), 3000), c.record);
    const left = run(g(roster([{}, { userId: AGENT_USER }]), 60_000), all.record);
    expect(left.commands).toEqual([{ op: 'hangUp', callId: CALL }]);
    const again = run(g(roster([{ id: 'x' }, { userId: AGENT_USER }]), 60_050), left.record);
    expect(again.commands).toEqual([]);
    const terminating = run(g(stateUpdate('terminating'), 60_100), again.record);
    expect(terminating.record!.graphState).toBe('terminating');
    const end = run(g(terminated(200, 7000), 60_200), terminating.record);
    expect(callSummary(end.record!)).toMatchObject({ phase: 'ended', outcome: 'completed', resultSubcode: 7000 });
  });

  it('a call Graph dropped for want of a keepAlive (408/8537) failed; the caller did not abandon it', () => {
    const r = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100), ...g(terminated(408, 8537), 2_700_100)]);
    expect(callSummary(r.record!)).toMatchObject({ outcome: 'failed', resultCode: 408, resultSubcode: 8537 });
    expect(kinds(r.log)).not.toContain('abandoned');
  });

  it("terminating (the bot's DELETE) refuses new offers and sends no music", () => {
    const queued = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100)]).record!;
    const ending = run(g(stateUpdate('terminating'), 150), queued).record!;
    const refused = applyCallInput(ending, offer(200), env);
    expect(refused.refused).toBe('the call is ending');
  });

  it('an offer that rings out is missed; the call keeps its place; a second offer while one is open is refused', () => {
    const queued = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100), offer(200, 'invite')]).record!;
    const refused = applyCallInput(queued, offer(300, 'invite', 'o2'), env);
    expect(refused.changed).toBe(false);
    expect(refused.refused).toMatch(/offered/);
    const missed = applyCallInput(queued, { kind: 'offerExpired', key: 'o1', at: 30_200, offerId: 'o1' }, env);
    expect(kinds(missed.log)).toEqual(['offerMissed']);
    expect(callPhase(missed.record)).toBe('queued');
    expect(missed.record.arrival!.at).toBe(0);
    // the invite's completion after the expiry is for an operation no longer awaited: ignored
    const late = run(
      g(operationDone('inviteParticipantsOperation', queued.offers[0].clientContext), 31_000),
      missed.record,
    );
    expect(late.log).toEqual([]);
    expect(callPhase(late.record!)).toBe('queued');
  });

  it('invite offer: completion connects and stops the hold music; the caller leaving makes the bot hang up', () => {
    const offered = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100), offer(200, 'invite')]).record!;
    const cc = offered.offers[0].clientContext;
    const c = run(g(operationDone('inviteParticipantsOperation', cc), 2000), offered);
    expect(kinds(c.log)).toEqual(['connected']);
    expect(c.commands.map((x) => x.op)).toEqual(['stopHoldMusic']);
    const all = run(g(roster([{}, { phone: '+14255550111' }, { userId: AGENT_USER }]), 3000), c.record);
    expect(all.commands).toEqual([]);
    const left = run(g(roster([{}, { userId: AGENT_USER }]), 60_000), all.record);
    expect(left.commands).toEqual([{ op: 'hangUp', callId: CALL }]);
    const end = run(g(terminated(200, 7000), 60_100), left.record);
    expect(callSummary(end.record!)).toMatchObject({ outcome: 'completed', agentId: 'agent01' });
  });

  it('a redirect offer asks Graph not to forward to voicemail; a transfer after an invite names the transferee', () => {
    const arrived = run(g(incoming(), 0)).record!;
    const r = applyCallInput(arrived, { ...offer(10, 'redirect'), timeoutS: 20 } as CallInput, env);
    expect(r.commands[0]).toMatchObject({
      op: 'redirect',
      timeoutS: 20,
      routingPolicies: ['disableForwarding', 'noMissedCall'],
    });
    const invited = run([...g(stateUpdate('established'), 100), offer(200, 'invite')], arrived).record!;
    const missed = applyCallInput(invited, { kind: 'offerExpired', key: 'o1', at: 300, offerId: 'o1' }, env).record;
    const t = applyCallInput(missed, offer(400, 'transfer', 'o2'), env);
    expect(t.commands[0]).toMatchObject({ op: 'transfer', transfereeParticipantId: CALLER_PARTICIPANT });
  });

  it('caller hangs up while waiting → abandoned with the wait', () => {
    const r = run([
      ...g(incoming(), 1000),
      ...g(stateUpdate('established'), 1200),
      ...g(terminated(200, 540000), 31_000),
    ]);
    const abandoned = r.log.find((e) => e.kind === 'abandoned');
    expect(abandoned).toMatchObject({ waitMs: 30_000, callQueueId: 'support' });
    expect(callSummary(r.record!)).toMatchObject({ phase: 'ended', outcome: 'abandoned', endedAt: 31_000 });
  });

  it('call queue actions: timeout to disconnect hangs up; overflow to another call queue keeps the arrival time', () => {
    const queued = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100)]).record!;
    const moved = applyCallInput(
      queued,
      {
        kind: 'callQueueAction',
        key: 'of1',
        at: 500,
        reason: 'overflowed',
        action: { kind: 'callQueue', callQueueId: 'sales' },
      },
      env,
    );
    expect(moved.commands).toEqual([]);
    expect(moved.record.callQueueId).toBe('sales');
    expect(moved.record.arrival!.at).toBe(0);
    expect(callPhase(moved.record)).toBe('queued');
    const timedOut = applyCallInput(
      moved.record,
      { kind: 'callQueueAction', key: 'to1', at: 1_200_000, reason: 'timedOut', action: { kind: 'disconnect' } },
      env,
    );
    expect(timedOut.commands).toEqual([{ op: 'hangUp', callId: CALL }]);
    expect(timedOut.log[0]).toMatchObject({ kind: 'timedOut', waitMs: 1_200_000, callQueueId: 'sales' });
    const end = run(g(terminated(200, 7000), 1_200_100), timedOut.record);
    expect(callSummary(end.record!).outcome).toBe('timedOut');
    // a second timer firing late changes nothing
    const again = applyCallInput(
      end.record,
      { kind: 'callQueueAction', key: 'to2', at: 1_300_000, reason: 'timedOut', action: { kind: 'disconnect' } },
      env,
    );
    expect(again.changed).toBe(false);
  });

  it('overflow to a number before the answer redirects; after it transfers', () => {
    const arrived = run(g(incoming(), 0)).record!;
    const a = applyCallInput(
      arrived,
      {
        kind: 'callQueueAction',
        key: 'x',
        at: 10,
        reason: 'overflowed',
        action: { kind: 'number', number: '+14255550199' },
      },
      env,
    );
    expect(a.commands).toEqual([
      {
        op: 'redirect',
        callId: CALL,
        targets: [{ kind: 'phone', number: '+14255550199' }],
        callbackUri: env.callbackUri,
      },
    ]);
    const end = run(g(terminated(0, 7015), 2000), a.record);
    expect(kinds(end.log)).toEqual(['transferred', 'ended']);
    expect(callSummary(end.record!).outcome).toBe('overflowed');
  });
});

describe('keepAlive', () => {
  it('is due 15 minutes after the answer or the last keepAlive, never before the answer or after the end', () => {
    const arrived = run(g(incoming(), 0)).record!;
    expect(keepAliveDue(arrived, 60 * 60_000)).toBe(false);
    const answered = run(g(stateUpdate('established'), 1000), arrived).record!;
    expect(keepAliveDue(answered, 1000 + 14 * 60_000)).toBe(false);
    expect(keepAliveDue(answered, 1000 + 15 * 60_000)).toBe(true);
    expect(keepAliveDue(answered, 1000 + 20 * 60_000, 1000 + 10 * 60_000)).toBe(false);
    const ended = run(g(terminated(200, 540000), 2000), answered).record!;
    expect(keepAliveDue(ended, 60 * 60_000)).toBe(false);
  });
});

describe('idempotency and order', () => {
  it('a duplicate changes nothing and issues nothing', () => {
    const first = run(g(incoming(), 0));
    const again = run(g(incoming(), 0), first.record);
    expect(again.log).toEqual([]);
    expect(again.commands).toEqual([]);
    expect(again.record).toEqual(first.record);
  });

  it('a late establishing after established changes nothing', () => {
    const r = run([...g(incoming(), 0), ...g(stateUpdate('established'), 200)]).record!;
    const late = run(g(stateUpdate('establishing'), 100), r);
    expect(late.log).toEqual([]);
    expect(late.commands).toEqual([]);
    expect(late.record!.graphState).toBe('established');
  });

  it('established before incoming: the call is not answered twice', () => {
    const r = run([...g(stateUpdate('established'), 200), ...g(incoming(), 0)]);
    expect(r.commands.map((c) => c.op)).toEqual(['startHoldMusic']);
    expect(callPhase(r.record!)).toBe('queued');
  });

  it('terminal is terminal: nothing after the end issues a command or reopens the call', () => {
    const ended = run([...g(incoming(), 0), ...g(terminated(200, 540000), 50)]).record!;
    const late = run([...g(stateUpdate('established'), 40), ...g(tone(1, 'tone1'), 60)], ended);
    expect(late.commands).toEqual([]);
    expect(callPhase(late.record!)).toBe('ended');
    expect(applyCallInput(late.record, offer(70), env).refused).toMatch(/ended/);
  });

  it('an operation completion for an unknown operation is ignored', () => {
    const r = run([...g(incoming(), 0), ...g(stateUpdate('established'), 1)]).record!;
    const x = run(g(operationDone('playPromptOperation', 'someone-elses-context'), 5), r);
    expect(x.log).toEqual([]);
    expect(x.record!.pendingOps).toEqual(r.pendingOps);
  });

  it('tones are kept in sequence order whatever the order they were read in', () => {
    const r = run([
      ...g(incoming(), 0),
      ...g(tone(2, 'tone2'), 5),
      ...g(tone(1, 'tone1'), 6),
      ...g(tone(2, 'tone2'), 5),
    ]);
    expect(r.record!.tones.map((t) => t.tone)).toEqual(['tone1', 'tone2']);
  });
});

// ---- properties ------------------------------------------------------------------------------------------------

/** A permutation of `items` with some of them delivered twice. */
function shuffledWithDuplicates<T>(items: T[]): fc.Arbitrary<T[]> {
  return fc
    .tuple(
      fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }),
      fc.array(fc.nat(items.length - 1), { maxLength: items.length }),
      fc.array(fc.nat(2 * items.length), { maxLength: items.length }),
    )
    .map(([perm, dups, positions]) => {
      const out = [...perm];
      dups.forEach((d, i) => out.splice(Math.min(positions[i] ?? 0, out.length), 0, items[d]));
      return out;
    });
}

function check(prefix: CallInput[], notifications: CallInput[][]) {
  const start = run(prefix);
  const inOrder = run(notifications.flat(), start.record);
  const expected = callSummary(inOrder.record!);
  fc.assert(
    fc.property(shuffledWithDuplicates(notifications), (order) => {
      const r = run(order.flat(), start.record);
      expect(callSummary(r.record!)).toEqual(expected);
      const all = [...start.log, ...r.log];
      for (const kind of UNIQUE_LOG_KINDS) expect(all.filter((e) => e.kind === kind).length).toBeLessThanOrEqual(1);
      // a call is answered at most once, and never after it ended
      expect(r.commands.filter((c) => c.op === 'answer').length).toBeLessThanOrEqual(1);
    }),
    { numRuns: 300 },
  );
  return expected;
}

describe('properties: any permutation / duplication of a notification sequence converges', () => {
  it('waiting caller hangs up (incoming, establishing, established, tones, hold music done, terminated)', () => {
    const holdCc = `${CALL}|hold|1`;
    const s = check(
      [],
      [
        g(incoming(), 0),
        g(stateUpdate('establishing'), 100),
        g(stateUpdate('established'), 200),
        g(tone(1, 'tone1'), 300),
        g(tone(2, 'pound'), 400),
        g(operationDone('startHoldMusicOperation', holdCc), 500),
        g(terminated(200, 540000), 30_000),
      ],
    );
    expect(s).toMatchObject({ phase: 'ended', outcome: 'abandoned', arrivedAt: 0, answeredAt: 200 });
  });

  it('still waiting (no end): queued, answered once', () => {
    const s = check(
      [],
      [
        g(incoming(), 0),
        g(stateUpdate('establishing'), 100),
        g(stateUpdate('established'), 200),
        g(tone(1, 'tone5'), 250),
      ],
    );
    expect(s).toMatchObject({ phase: 'queued', answeredAt: 200 });
  });

  it('rejected call', () => {
    const s = check([], [g(incoming(), 0, REJECT), g(terminated(603, 0), 100)]);
    expect(s).toMatchObject({ phase: 'ended', outcome: 'rejected' });
  });

  it('transfer to an agent that completes', () => {
    const s = check(
      [...g(incoming(), 0), ...g(stateUpdate('established'), 100), offer(1000)],
      [
        g(stateUpdate('establishing'), 50),
        g(stateUpdate('transferring'), 1100),
        g(stateUpdate('transferAccepted'), 3000),
        g(terminated(0, 7015), 3100),
      ],
    );
    expect(s).toMatchObject({ phase: 'ended', outcome: 'transferred', agentId: 'agent01', connectedAt: 3000 });
  });

  it('transfer that fails, then the caller hangs up', () => {
    const s = check(
      [...g(incoming(), 0), ...g(stateUpdate('established'), 100), offer(1000)],
      [
        g(stateUpdate('transferring'), 1100),
        g(stateUpdate('established', { resultInfo: { code: 500, subcode: 7000, message: 'x' } }), 16_000),
        g(terminated(200, 540000), 20_000),
      ],
    );
    expect(s).toMatchObject({ phase: 'ended', outcome: 'abandoned' });
    expect(s.agentId).toBeUndefined();
  });
});

// ---- attendant: several invitations at once, the first to answer wins ------------------------------------------

const A1 = '11111111-1111-4111-8111-111111111111';
const A2 = '22222222-2222-4222-8222-222222222222';
const A3 = '33333333-3333-4333-8333-333333333333';
const CALLER_PHONE = '+14255550111';

describe('attendant (ring-all invites)', () => {
  const queued = () => run([...g(incoming(), 0), ...g(stateUpdate('established'), 100)]).record!;
  const ringing = () => run([ringAll(200, 'o1', A1), ringAll(200, 'o2', A2), ringAll(200, 'o3', A3)], queued());

  it('rings every agent at once: one invite each, all open; a plain offer or a second one to an agent is refused', () => {
    const r = ringing();
    expect(
      r.commands.filter((c) => c.op === 'invite').map((c) => (c as { participantId: string }).participantId),
    ).toEqual(['o1', 'o2', 'o3']);
    expect(kinds(r.log)).toEqual(['offered', 'offered', 'offered']);
    expect(callPhase(r.record!)).toBe('offered');
    expect(applyCallInput(r.record, offer(300, 'invite', 'o4'), env).refused).toMatch(/offered/);
    expect(applyCallInput(r.record, ringAll(300, 'o5', A2), env).refused).toMatch(/offered this call already/);
    // …and a ring-all invite does not ring alongside a plain offer
    const plain = run([offer(200, 'invite', 'p1')], queued()).record!;
    expect(applyCallInput(plain, ringAll(300, 'o6', A2), env).refused).toMatch(/offered/);
  });

  it("one routing pass's invitations in one transition (they ring together); an agent the call cannot take is skipped", () => {
    const invites = [A1, A2, A3].map((a, i) => ({ offerId: `r${i}`, agentId: a, userId: a }));
    const all = applyCallInput(queued(), { kind: 'ringAll', key: 'r0', at: 200, invites }, env);
    expect(all.commands.map((c) => c.op)).toEqual(['invite', 'invite', 'invite']);
    expect(all.record.offers.every((o) => o.ringAll && !o.result)).toBe(true);
    // a second router's pass for the same call, naming an agent already rung: refused
    const again = applyCallInput(
      all.record,
      { kind: 'ringAll', key: 'x0', at: 300, invites: [{ offerId: 'x0', agentId: A2, userId: A2 }] },
      env,
    );
    expect(again.refused).toMatch(/offered this call already/);
    const mixed = applyCallInput(
      run([ringAll(200, 'o1', A1)], queued()).record,
      { kind: 'ringAll', key: 'y0', at: 300, invites: invites.map((v, i) => ({ ...v, offerId: `y${i}` })) },
      env,
    );
    expect(mixed.record.offers.map((o) => o.agentId)).toEqual([A1, A2, A3]);
    // a call that is not waiting takes none
    const ended = run(g(terminated(200, 540000), 150), queued()).record!;
    expect(applyCallInput(ended, { kind: 'ringAll', key: 'z0', at: 300, invites }, env).changed).toBe(false);
  });

  it('the first to answer wins; the others are withdrawn (not missed) and their invitations cancelled', () => {
    const r = ringing();
    const cc = r.record!.offers[1].clientContext;
    const c = run(g(operationDone('inviteParticipantsOperation', cc), 2000), r.record);
    expect(kinds(c.log)).toEqual(['connected', 'offerWithdrawn', 'offerWithdrawn']);
    expect(c.log[0]).toMatchObject({ agentId: A2, offerId: 'o2' });
    expect(c.log.slice(1).map((e) => e.agentId)).toEqual([A1, A3]);
    expect(c.commands).toEqual([
      { op: 'cancelInvite', callId: CALL, participantId: 'o1' },
      { op: 'cancelInvite', callId: CALL, participantId: 'o3' },
      expect.objectContaining({ op: 'stopHoldMusic' }),
    ]);
    // their timers and late answers change nothing
    const late = run(
      [
        { kind: 'offerExpired', key: 'o1', at: 30_200, offerId: 'o1' },
        ...g(operationDone('inviteParticipantsOperation', r.record!.offers[2].clientContext), 2100),
      ],
      c.record,
    );
    expect(late.log).toEqual([]);
    expect(late.commands).toEqual([]);
    expect(callSummary(late.record!)).toMatchObject({ phase: 'connected', agentId: A2 });
  });

  it('a roster listing two of them connects the first offered; the other, who joined anyway, is taken out', () => {
    const c = run(g(roster([{}, { phone: CALLER_PHONE }, { userId: A3 }, { userId: A2 }]), 2000), ringing().record);
    expect(c.log.filter((e) => e.kind === 'connected').map((e) => e.agentId)).toEqual([A2]);
    expect(c.commands.filter((x) => x.op === 'cancelInvite')).toContainEqual({
      op: 'cancelInvite',
      callId: CALL,
      participantId: 'o3',
    });
  });

  it('all ring out: each offer is missed, and the call is back in its place', () => {
    const r = ringing();
    const out = run(
      ['o1', 'o2', 'o3'].map((o, i): CallInput => ({ kind: 'offerExpired', key: o, at: 20_200 + i, offerId: o })),
      r.record,
    );
    expect(out.log.map((e) => [e.kind, e.agentId])).toEqual([
      ['offerMissed', A1],
      ['offerMissed', A2],
      ['offerMissed', A3],
    ]);
    expect(callPhase(out.record!)).toBe('queued');
  });

  it('a call queue action while they ring cancels every invitation', () => {
    const act = run(
      [{ kind: 'callQueueAction', key: 't', at: 5000, reason: 'timedOut', action: { kind: 'disconnect' } }],
      ringing().record,
    );
    expect(act.commands.filter((c) => c.op === 'cancelInvite').length).toBe(3);
    expect(act.record!.offers.every((o) => o.result === 'cancelled')).toBe(true);
  });

  it('property: whatever the order, duplicates and crossings, at most one agent is connected and no withdrawn offer is missed', () => {
    const start = ringing().record!;
    const ccOf = (o: string) => start.offers.find((x) => x.offerId === o)!.clientContext;
    const agents: Record<string, string> = { o1: A1, o2: A2, o3: A3 };
    const inputs: CallInput[][] = [
      ...['o1', 'o2', 'o3'].map((o) => g(operationDone('inviteParticipantsOperation', ccOf(o)), 2000)),
      g(operationDone('inviteParticipantsOperation', ccOf('o3'), 'failed', 'op-fail'), 2500),
      g(roster([{}, { phone: CALLER_PHONE }, { userId: A1 }]), 2100),
      g(roster([{}, { phone: CALLER_PHONE }, { userId: A2 }, { userId: A3 }]), 2200),
      ...['o1', 'o2', 'o3'].map((o): CallInput[] => [{ kind: 'offerExpired', key: o, at: 20_200, offerId: o }]),
      g(terminated(200, 540000), 60_000),
    ];
    fc.assert(
      fc.property(shuffledWithDuplicates(inputs), fc.boolean(), (order, withEnd) => {
        const list = order.flat().filter((i) => withEnd || i.kind !== 'graph' || i.event.type !== 'callTerminated');
        const r = run(list, start);
        const rec = r.record!;
        const connected = r.log.filter((e) => e.kind === 'connected');
        expect(connected.length).toBeLessThanOrEqual(1);
        expect(rec.offers.filter((o) => o.result === 'accepted').length).toBe(connected.length);
        if (rec.connected) {
          // the winner is one of the agents rung; nobody else's offer is open
          expect(agents[rec.connected.offerId!]).toBe(rec.connected.agentId);
          expect(rec.offers.filter((o) => !o.result)).toEqual([]);
        }
        // each offer ends once: connected, withdrawn, missed, declined — or cancelled by the end
        for (const o of ['o1', 'o2', 'o3']) {
          const ends = r.log.filter(
            (e) => e.offerId === o && ['connected', 'offerWithdrawn', 'offerMissed', 'offerDeclined'].includes(e.kind),
          );
          expect(ends.length).toBeLessThanOrEqual(1);
        }
        // a withdrawn offer is never logged missed, and a connected agent's invitation is never cancelled
        const withdrawn = new Set(r.log.filter((e) => e.kind === 'offerWithdrawn').map((e) => e.offerId));
        for (const e of r.log) if (e.kind === 'offerMissed') expect(withdrawn.has(e.offerId)).toBe(false);
        for (const c of r.commands)
          if (c.op === 'cancelInvite') expect(c.participantId).not.toBe(rec.connected?.offerId);
        expect(r.commands.filter((c) => c.op === 'stopHoldMusic').length).toBeLessThanOrEqual(1);
        for (const kind of UNIQUE_LOG_KINDS)
          expect([...r.log].filter((e) => e.kind === kind).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
