/**
 * The router's rules around the engine, pure: invitations cancelled when an offer is over (and an agent who joined
 * anyway removed once), call queue actions bounded and never racing an offer, the command outbox's decisions, the
 * max-wait start and the timer lead.
 */
import {
  COMMAND_BACKOFF_CAP_MS,
  CallInput,
  CallRecord,
  MAX_CALL_QUEUE_MOVES,
  TIMER_LEAD_MS,
  agentChanges,
  applyCallInput,
  applyCallInputs,
  commandKey,
  commandNoLongerWanted,
  enteredCallQueueAt,
  isPassingFailure,
  retryDelayMs,
  signedInState,
  timerDelayMs,
  toCallQueueAction,
  waitUntilDue,
  CallControlError,
  type CallCommand,
} from '../../../../shared/calls';
import { parseNotification } from '../../../../shared/calls/notification.parser';
import { AGENT_USER, CALL, incoming, operationDone, roster, stateUpdate, terminated } from './fixtures';

const env = { callbackUri: 'https://switchboard.example/api/calls/notifications' };
const g = (n: unknown, at: number): CallInput[] =>
  parseNotification(n).map((event) => ({
    kind: 'graph',
    event,
    at,
    route: { action: 'answer', callQueueId: 'support' },
  }));
const invite = (at: number, offerId = 'o1'): CallInput => ({
  kind: 'offer',
  key: offerId,
  offerId,
  agentId: 'agent01',
  userId: AGENT_USER,
  via: 'invite',
  at,
});
const action = (at: number, key: string, a: Extract<CallInput, { kind: 'callQueueAction' }>['action']): CallInput => ({
  kind: 'callQueueAction',
  key,
  at,
  reason: 'timedOut',
  action: a,
});
const queued = (): CallRecord =>
  applyCallInputs(undefined, [...g(incoming(), 0), ...g(stateUpdate('established'), 100)], env).record!;

describe('invitations', () => {
  it('an invite offer names its participant id; its expiry cancels the ringing invitation', () => {
    const offered = applyCallInput(queued(), invite(200), env);
    expect(offered.commands[0]).toMatchObject({ op: 'invite', participantId: 'o1' });
    expect(offered.record.offers[0].participantId).toBe('o1');
    const missed = applyCallInput(offered.record, { kind: 'offerExpired', key: 'o1', offerId: 'o1', at: 30_200 }, env);
    expect(missed.commands).toEqual([{ op: 'cancelInvite', callId: CALL, participantId: 'o1' }]);
    // a duplicated expiry changes nothing and cancels nothing again
    const again = applyCallInput(missed.record, { kind: 'offerExpired', key: 'o1b', offerId: 'o1', at: 30_300 }, env);
    expect(again.changed).toBe(false);
    expect(again.commands).toEqual([]);
  });

  it('a call queue action while an offer rings cancels the offer (not a miss) and its invitation', () => {
    const offered = applyCallInput(queued(), invite(200), env).record;
    const t = applyCallInput(offered, action(5000, 't1', { kind: 'callQueue', callQueueId: 'backup' }), env);
    expect(t.commands).toEqual([{ op: 'cancelInvite', callId: CALL, participantId: 'o1' }]);
    expect(t.record.offers[0].result).toBe('cancelled');
    expect(t.log.map((e) => e.kind)).toEqual(['timedOut']);
    const changes = agentChanges(t.record, t.log);
    expect(changes).toEqual([
      { callId: CALL, callQueueId: 'backup', agentId: 'agent01', offerId: 'o1', result: 'cancelled', at: 5000 },
    ]);
  });

  it('an agent who joins after the offer was over is removed once, however many rosters say so', () => {
    const offered = applyCallInput(queued(), invite(200), env).record;
    const missed = applyCallInput(offered, { kind: 'offerExpired', key: 'o1', offerId: 'o1', at: 30_200 }, env).record;
    const late = applyCallInputs(
      missed,
      g(roster([{}, { phone: '+14255550111' }, { userId: AGENT_USER }]), 31_000),
      env,
    );
    expect(late.commands).toEqual([{ op: 'cancelInvite', callId: CALL, participantId: 'o1' }]);
    expect(late.record!.connected).toBeUndefined();
    const again = applyCallInputs(late.record, g(roster([{ userId: AGENT_USER }, {}]), 31_500), env);
    expect(again.commands).toEqual([]);
  });

  it('a completed invitation is not cancelled', () => {
    const offered = applyCallInput(queued(), invite(200), env).record;
    const cc = offered.offers[0].clientContext;
    const c = applyCallInputs(offered, g(operationDone('inviteParticipantsOperation', cc), 2000), env);
    expect(c.commands.map((x) => x.op)).toEqual(['stopHoldMusic']);
    expect(commandNoLongerWanted(c.record, { op: 'cancelInvite', callId: CALL, participantId: 'o1' })).toBe(
      'the invitation stands',
    );
  });
});

describe('call queue actions', () => {
  it('moving to another call queue restarts the wait there and counts the move; the arrival stays', () => {
    const r = applyCallInput(queued(), action(5000, 'm1', { kind: 'callQueue', callQueueId: 'backup' }), env).record;
    expect(r).toMatchObject({ callQueueId: 'backup', enqueuedAt: 5000, moves: 1 });
    expect(r.arrival!.at).toBe(0);
    expect(enteredCallQueueAt(r)).toBe(5000);
    expect(enteredCallQueueAt(queued())).toBe(0); // the first call queue: from the arrival
  });

  it(`after ${MAX_CALL_QUEUE_MOVES} moves a further move disconnects (call queues overflowing into each other)`, () => {
    let r = queued();
    for (let i = 0; i < MAX_CALL_QUEUE_MOVES; i++)
      r = applyCallInput(
        r,
        action(1000 * (i + 1), `m${i}`, { kind: 'callQueue', callQueueId: `q${i % 2}` }),
        env,
      ).record;
    const last = applyCallInput(r, action(9000, 'm-last', { kind: 'callQueue', callQueueId: 'q0' }), env);
    expect(last.commands).toEqual([{ op: 'hangUp', callId: CALL }]);
    expect(last.log[0].detail).toBe('disconnect');
  });

  it('an action for a call queue the call has left, or armed before a move, is refused', () => {
    const moved = applyCallInput(
      queued(),
      action(5000, 'm1', { kind: 'callQueue', callQueueId: 'backup' }),
      env,
    ).record;
    const stale = applyCallInput(
      moved,
      { ...action(9000, 't-old', { kind: 'disconnect' }), fromCallQueueId: 'support' } as CallInput,
      env,
    );
    expect(stale.refused).toBe('the call is no longer in call queue support');
    const early = applyCallInput(
      moved,
      { ...action(9000, 't-early', { kind: 'disconnect' }), fromCallQueueId: 'backup', moves: 0 } as CallInput,
      env,
    );
    expect(early.refused).toBe('the call has moved since');
    const due = applyCallInput(
      moved,
      { ...action(9000, 't-due', { kind: 'disconnect' }), fromCallQueueId: 'backup', moves: 1 } as CallInput,
      env,
    );
    expect(due.commands).toEqual([{ op: 'hangUp', callId: CALL }]);
  });

  it('a call leaving its call queue (transfer to a number on its way) takes no offer', () => {
    const leaving = applyCallInput(queued(), action(5000, 'n1', { kind: 'number', number: '+12065550123' }), env);
    expect(leaving.commands[0]).toMatchObject({ op: 'transfer', target: { kind: 'phone', number: '+12065550123' } });
    const refused = applyCallInput(leaving.record, invite(5100), env);
    expect(refused.changed).toBe(false);
    expect(refused.refused).toMatch(/leaving its call queue/);
  });

  it('stored actions become the machine’s; a target missing means disconnect', () => {
    expect(toCallQueueAction({ kind: 'user', target: 'a@contoso.com', targetId: 'id-1' })).toEqual({
      kind: 'user',
      userId: 'id-1',
    });
    expect(toCallQueueAction({ kind: 'callQueue', target: 'backup' })).toEqual({
      kind: 'callQueue',
      callQueueId: 'backup',
    });
    expect(toCallQueueAction({ kind: 'number', target: '+1425' })).toEqual({ kind: 'number', number: '+1425' });
    expect(toCallQueueAction({ kind: 'number' })).toEqual({ kind: 'disconnect' });
    expect(toCallQueueAction(undefined)).toEqual({ kind: 'disconnect' });
  });

  it('only Offline presence (or the offline state) counts as signed out; an unknown presence does not', () => {
    expect(signedInState('available', 'Offline')).toBe('offline');
    expect(signedInState('busy', 'PresenceUnknown')).toBe('busy');
    expect(signedInState('offline', 'Available')).toBe('offline');
  });

  it('a timer seen a little early waits out the rest; one seen too early is armed again', async () => {
    const slept: number[] = [];
    let rearmed = 0;
    const sleep = async (ms: number) => void slept.push(ms);
    const rearm = async () => void rearmed++;
    expect(await waitUntilDue(10_000, () => 7_500, rearm, sleep)).toBe(true);
    expect(await waitUntilDue(10_000, () => 10_200, rearm, sleep)).toBe(true);
    expect(await waitUntilDue(60_000, () => 10_000, rearm, sleep)).toBe(false);
    expect(slept).toEqual([2500]);
    expect(rearmed).toBe(1);
  });

  it('a timer is made visible TIMER_LEAD_MS early, in whole seconds, never negative', () => {
    expect(timerDelayMs(100_000, 0)).toBe(Math.floor((100_000 - TIMER_LEAD_MS) / 1000) * 1000);
    expect(timerDelayMs(4_500, 0) % 1000).toBe(0);
    expect(timerDelayMs(1000, 0)).toBe(0);
    expect(timerDelayMs(0, 5000)).toBe(0);
  });
});

describe('command outbox', () => {
  const offered = () => applyCallInput(queued(), invite(200), env);

  it('a command still awaited is wanted; once its operation finished, or the offer is over, or the call ended, not', () => {
    const o = offered();
    const cmd = o.commands[0];
    expect(commandNoLongerWanted(o.record, cmd)).toBeUndefined();
    const done = applyCallInputs(
      o.record,
      g(operationDone('inviteParticipantsOperation', o.record.offers[0].clientContext), 2000),
      env,
    ).record;
    expect(commandNoLongerWanted(done, cmd)).toMatch(/no longer awaited/);
    const missed = applyCallInput(o.record, { kind: 'offerExpired', key: 'o1', offerId: 'o1', at: 30_000 }, env).record;
    expect(commandNoLongerWanted(missed, cmd)).toMatch(/no longer awaited/);
    const ended = applyCallInputs(o.record, g(terminated(200, 540000), 3000), env).record;
    expect(commandNoLongerWanted(ended, cmd)).toBe('the call has ended');
    expect(commandNoLongerWanted(undefined, cmd)).toBe('the call is unknown');
  });

  it('answer is wanted until answered; hang-up until terminating; hold music only in its own state', () => {
    const arrived = applyCallInputs(undefined, g(incoming(), 0), env);
    const answer = arrived.commands[0];
    expect(commandNoLongerWanted(arrived.record, answer)).toBeUndefined();
    const q = queued();
    expect(commandNoLongerWanted(q, answer)).toBe('the call is answered');
    const hangUp: CallCommand = { op: 'hangUp', callId: CALL };
    expect(commandNoLongerWanted(q, hangUp)).toBeUndefined();
    const terminating = applyCallInputs(q, g(stateUpdate('terminating'), 500), env).record;
    expect(commandNoLongerWanted(terminating, hangUp)).toBe('the call is ending already');
    const start = applyCallInputs(
      undefined,
      [...g(incoming(), 0), ...g(stateUpdate('established'), 100)],
      env,
    ).commands.find((c) => c.op === 'startHoldMusic')!;
    expect(commandNoLongerWanted(q, start)).toBeUndefined();
  });

  it('Retry-After when Graph gave one, else backoff doubling to a cap; only passing failures are retried', () => {
    expect(retryDelayMs(1, 7000)).toBe(7000);
    expect(retryDelayMs(1, undefined)).toBe(1000);
    expect(retryDelayMs(3, undefined)).toBe(4000);
    expect(retryDelayMs(20, undefined)).toBe(COMMAND_BACKOFF_CAP_MS);
    const err = (kind: CallControlError['kind']) => new CallControlError({ kind, operation: 'x', message: 'x' });
    expect(isPassingFailure(err('throttled'))).toBe(true);
    expect(isPassingFailure(err('retryable'))).toBe(true);
    expect(isPassingFailure(err('badRequest'))).toBe(false);
    expect(isPassingFailure(err('callGone'))).toBe(false);
    expect(isPassingFailure(new Error('x'))).toBe(false);
  });

  it('commands have stable keys (a retry is recognisably the same command)', () => {
    const o = offered();
    expect(commandKey(o.commands[0])).toBe(o.record.offers[0].clientContext);
    expect(commandKey({ op: 'hangUp', callId: CALL })).toBe(`${CALL}|hangUp`);
  });
});
