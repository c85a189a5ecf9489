import { agentChanges, newCallRecord, type CallRecord } from '../../../../shared/calls';
import { applyCallInputs, type CallInput } from '../../../../shared/calls/call.rules';
import { worthRouting } from '../../../../shared/calls/call-routing.service';
import { parseNotification } from '../../../../shared/calls/notification.parser';
import { incoming, operationDone, roster, stateUpdate, terminated, tone } from './fixtures';

const offer = (agentId: string, offerId: string, result?: 'accepted' | 'missed') => ({
  offerId,
  agentId,
  userId: agentId,
  via: 'invite' as const,
  offeredAt: 1,
  clientContext: `c|offer|${offerId}`,
  ...(result ? { result } : {}),
});

test('connected, missed, declined and ended entries name the agents they concern', () => {
  const record: CallRecord = {
    ...newCallRecord('call', 'tenant'),
    callQueueId: 'q',
    offers: [offer('a1', 'o1', 'missed'), offer('a2', 'o2', 'accepted')],
    connected: { agentId: 'a2', userId: 'a2', at: 5, offerId: 'o2' },
  };
  const changes = agentChanges(record, [
    { seq: 1, kind: 'offerMissed', at: 3, offerId: 'o1' },
    { seq: 2, kind: 'connected', at: 5, agentId: 'a2', offerId: 'o2' },
    { seq: 3, kind: 'ended', at: 9 },
  ]);
  expect(changes.map((c) => [c.agentId, c.result])).toEqual([
    ['a1', 'missed'],
    ['a2', 'connected'],
    ['a2', 'ended'],
  ]);
  expect(changes.every((c) => c.callId === 'call' && c.callQueueId === 'q')).toBe(true);
});

test('a call that ends while an offer rings frees the offered agent (not counted as a miss)', () => {
  const record: CallRecord = { ...newCallRecord('call', 'tenant'), offers: [offer('a1', 'o1')] };
  expect(agentChanges(record, [{ seq: 1, kind: 'ended', at: 2 }])).toEqual([
    { callId: 'call', callQueueId: undefined, agentId: 'a1', result: 'ended', at: 2 },
  ]);
});

test('attendant: the withdrawn agents are released (cancelled, not missed); agents still rung when the call ends are freed', () => {
  const withdrawn: CallRecord = {
    ...newCallRecord('call', 'tenant'),
    callQueueId: 'q',
    offers: [
      { ...offer('a1', 'o1'), result: 'cancelled', resolvedAt: 5 },
      offer('a2', 'o2', 'accepted'),
      { ...offer('a3', 'o3'), result: 'cancelled', resolvedAt: 5 },
    ],
    connected: { agentId: 'a2', userId: 'a2', at: 5, offerId: 'o2' },
  };
  const changes = agentChanges(withdrawn, [
    { seq: 1, kind: 'connected', at: 5, agentId: 'a2', offerId: 'o2' },
    { seq: 2, kind: 'offerWithdrawn', at: 5, agentId: 'a1', offerId: 'o1' },
    { seq: 3, kind: 'offerWithdrawn', at: 5, agentId: 'a3', offerId: 'o3' },
  ]);
  expect(changes.map((c) => [c.agentId, c.result])).toEqual([
    ['a2', 'connected'],
    ['a1', 'cancelled'],
    ['a3', 'cancelled'],
  ]);
  // The caller hangs up while two invitations ring: the end resolves them `cancelled` at its own time.
  const ended: CallRecord = {
    ...newCallRecord('call', 'tenant'),
    offers: [
      { ...offer('a1', 'o1'), result: 'missed', resolvedAt: 3 },
      { ...offer('a2', 'o2'), result: 'cancelled', resolvedAt: 9 },
      { ...offer('a3', 'o3'), result: 'cancelled', resolvedAt: 9 },
    ],
  };
  expect(agentChanges(ended, [{ seq: 1, kind: 'ended', at: 9 }]).map((c) => [c.agentId, c.result])).toEqual([
    ['a2', 'ended'],
    ['a3', 'ended'],
  ]);
});

describe('routing after a transition (a burst routed its call queue after every notification)', () => {
  const env = { callbackUri: 'https://switchboard.example/api/calls/notifications' };
  const g = (n: unknown, at: number): CallInput[] =>
    parseNotification(n).map((event) => ({
      kind: 'graph',
      event,
      at,
      route: { action: 'answer', callQueueId: 'support' },
    }));
  /** The log of each step of a call's life, applied in order. */
  const logs = (steps: CallInput[][]) => {
    let record: CallRecord | undefined;
    return steps.map((inputs) => {
      const t = applyCallInputs(record, inputs, env);
      record = t.record;
      return { log: t.log, changes: record ? agentChanges(record, t.log) : [] };
    });
  };
  const routes = (s: ReturnType<typeof logs>[number]) => worthRouting(s.log, s.changes);

  it('routes when a call enters the call queue or is back in its place, or an agent is freed — not otherwise', () => {
    const offer = (id: string, at: number): CallInput => ({
      kind: 'offer',
      key: id,
      at,
      offerId: id,
      agentId: 'a1',
      userId: 'a1',
      via: 'invite',
    });
    const steps = logs([
      g(incoming(), 0),
      g(stateUpdate('establishing'), 50),
      g(stateUpdate('established'), 100),
      g(operationDone('startHoldMusicOperation', `57dab8b1-894c-409a-b240-bd8beae78896|hold|1`), 150),
      g(tone(1, 'tone1'), 160),
      [offer('o1', 200)],
      [{ kind: 'offerExpired', key: 'o1', at: 20_200, offerId: 'o1' }],
      [offer('o2', 20_300)],
      g(roster([{}, { phone: '+14255550111' }, { userId: 'a1' }]), 21_000),
      g(terminated(200, 540000), 60_000),
    ]);
    expect(steps.map(routes)).toEqual([
      false, // arrived, not answered yet
      false, // establishing
      true, // answered and enqueued
      false, // hold music completed
      false, // a tone
      false, // offered (the router made it)
      true, // missed: back in its place, the agent freed
      false,
      false, // connected
      true, // ended: the agent is freed
    ]);
  });
});
