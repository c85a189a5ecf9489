import {
  CALL_QUEUE_DEFAULTS,
  agentListOrder,
  hasTimedOut,
  nextRelaxationAt,
  noAgentActionApplies,
  optOutAfterMissedOffers,
  overflowsAtArrival,
  timeoutDeadline,
} from '../../../../shared/routing';
import { T0, agent, call } from './builders';

describe('call queue rules', () => {
  it('noAgentAction: only when nobody is opted in and signed in', () => {
    expect(noAgentActionApplies([])).toBe(true);
    expect(noAgentActionApplies([agent('a', { optedIn: false }), agent('b', { state: 'offline' })])).toBe(true);
    // Busy, away or in wrap-up: present, the call waits for them.
    expect(noAgentActionApplies([agent('a', { state: 'busy' })])).toBe(false);
    expect(noAgentActionApplies([agent('a', { state: 'away', presence: 'Away' })])).toBe(false);
  });

  it('overflow at arrival: when maxCalls calls already wait (0 overflows every call)', () => {
    expect(overflowsAtArrival({ maxCalls: 50 }, 49)).toBe(false);
    expect(overflowsAtArrival({ maxCalls: 50 }, 50)).toBe(true);
    expect(overflowsAtArrival({ maxCalls: 0 }, 0)).toBe(true);
    expect(CALL_QUEUE_DEFAULTS.maxCalls).toBe(50);
  });

  it('timeout: exactly maxWaitS after the call entered this call queue', () => {
    const moved = call('c', { arrivedAt: T0, enqueuedAt: T0 + 60_000 });
    expect(timeoutDeadline({ maxWaitS: 20 }, moved)).toBe(T0 + 80_000);
    expect(hasTimedOut({ maxWaitS: 20 }, moved, T0 + 79_999)).toBe(false);
    expect(hasTimedOut({ maxWaitS: 20 }, moved, T0 + 80_000)).toBe(true);
    expect(timeoutDeadline({ maxWaitS: 1200 }, call('d', { arrivedAt: T0 }))).toBe(T0 + 1_200_000);
    expect(hasTimedOut({ maxWaitS: 0 }, call('e', { arrivedAt: T0 }), T0)).toBe(true);
  });

  it('auto opt-out after missedOffersBeforeOptOut missed offers in a row; never when unset', () => {
    expect(optOutAfterMissedOffers({ missedOffersBeforeOptOut: 3 }, 2)).toBe(false);
    expect(optOutAfterMissedOffers({ missedOffersBeforeOptOut: 3 }, 3)).toBe(true);
    expect(optOutAfterMissedOffers({}, 99)).toBe(false);
  });

  it('the next moment a relaxation step applies, so the router decides again then', () => {
    const relaxation = [{ afterS: 30, minLevelDelta: 1 }, { afterS: 90 }];
    const c = call('c', { arrivedAt: T0 - 5000, enqueuedAt: T0 });
    expect(nextRelaxationAt({ relaxation }, c, T0 + 1000)).toBe(T0 + 30_000);
    expect(nextRelaxationAt({ relaxation }, c, T0 + 30_000)).toBe(T0 + 90_000);
    expect(nextRelaxationAt({ relaxation }, c, T0 + 90_000)).toBeNull();
    expect(nextRelaxationAt({}, c, T0)).toBeNull();
  });

  it("list order: an entry's order when given, else its place in the list, ties in list order; UPNs lower-cased", () => {
    const order = agentListOrder({
      agents: [
        { userPrincipalName: 'C@contoso.com' },
        { userPrincipalName: 'a@contoso.com', order: 0 },
        { userPrincipalName: 'b@contoso.com', order: 5 },
      ],
    });
    expect([...order.entries()]).toEqual([
      ['c@contoso.com', 0],
      ['a@contoso.com', 1],
      ['b@contoso.com', 2],
    ]);
  });
});
