/**
 * The contract with shared/calls: the call state machine's own log (`CallLogEntry[]`) is a story reporting reads
 * as it is — checked by the compiler (the assignment below) and by building records from real transitions.
 */
import { ArrivalRoute, CallInput, CallLogEntry, applyCallInputs } from '../../../../shared/calls';
import { parseNotification } from '../../../../shared/calls/notification.parser';
import { buildContactRecord, type StoryEntry } from '../../../../shared/reporting';
import { AGENT_USER, CALL, TENANT, incoming, stateUpdate, terminated } from '../calls/fixtures';

const env = { callbackUri: 'https://switchboard.example/api/calls/notifications' };
const ROUTE: ArrivalRoute = { action: 'answer', callQueueId: 'support' };
const g = (n: unknown, at: number): CallInput[] =>
  parseNotification(n).map((event) => ({ kind: 'graph', event, at, route: ROUTE }));
const offer = (at: number, offerId: string, agentId: string): CallInput => ({
  kind: 'offer',
  key: offerId,
  at,
  offerId,
  agentId,
  userId: AGENT_USER,
  via: 'transfer',
});

function story(inputs: CallInput[]): StoryEntry[] {
  const log: CallLogEntry[] = applyCallInputs(undefined, inputs, env).log;
  const entries: StoryEntry[] = log; // compile-time: the call log is a story
  return entries;
}

describe('contact records from the call state machine’s log', () => {
  it('missed offer, then answered by transfer: 38.5 s in the call queue, rings 30 s and 6 s', () => {
    const r = buildContactRecord({
      callId: CALL,
      tenantId: TENANT,
      story: story([
        ...g(incoming(), 1000),
        ...g(stateUpdate('established'), 1500),
        offer(3000, 'o1', 'agent01'),
        { kind: 'offerExpired', key: 'o1', at: 33_000, offerId: 'o1' },
        offer(34_000, 'o2', 'agent02'),
        ...g(stateUpdate('transferAccepted'), 40_000),
        ...g(terminated(0, 7015, 'transferred'), 40_500),
      ]),
    });
    expect(r.outcome).toBe('answered');
    // enqueued at the answer (1.5 s), connected at 40 s: 38.5 s waiting in support; arrival → connection 39 s
    expect(r.callQueues).toEqual([
      {
        callQueueId: 'support',
        enqueuedAt: 1500,
        dequeuedAt: 40_000,
        dequeueReason: 'answered',
        waitMs: 38_500,
        serviceLevelThresholdS: 20,
      },
    ]);
    expect(r.offers.map((o) => [o.agentId, o.result, o.ringMs])).toEqual([
      ['agent01', 'missed', 30_000],
      ['agent02', 'answered', 6_000],
    ]);
    expect(r.connection).toEqual({ agentId: 'agent02', callQueueId: 'support', at: 40_000, waitMs: 39_000 });
    expect(r.transfer?.at).toBe(40_500);
  });

  it('the caller hangs up while waiting: abandoned after 7.5 s in the call queue (not short)', () => {
    const r = buildContactRecord({
      callId: CALL,
      tenantId: TENANT,
      story: story([
        ...g(incoming(), 1000),
        ...g(stateUpdate('established'), 1500),
        ...g(terminated(200, 5000, 'bye'), 9000),
      ]),
    });
    expect(r.outcome).toBe('abandoned');
    expect(r.abandonment).toEqual({ at: 9000, callQueueId: 'support', waitMs: 7500, short: false });
  });
});
