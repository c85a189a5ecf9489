import { agentChanges, newCallRecord, type CallRecord } from '../../../../shared/calls';

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
