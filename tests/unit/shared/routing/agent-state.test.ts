import fc from 'fast-check';
import {
  AGENT_STATES,
  signedInAgent,
  transitionAgent,
  type AgentEvent,
  type AgentRoutingState,
} from '../../../../shared/routing';
import { T0 } from './builders';

function apply(agent: AgentRoutingState, ...events: AgentEvent[]): AgentRoutingState {
  for (const e of events) {
    const r = transitionAgent(agent, e);
    if (!r.ok) throw new Error(r.reason);
    agent = r.agent;
  }
  return agent;
}

describe('agent state transitions', () => {
  const fresh = signedInAgent(T0);

  it('offered → busy → wrapUp(wrapUpS) → available, idle again from the end of wrap-up', () => {
    const a = apply(
      fresh,
      { type: 'offer', callId: 'c1', at: T0 + 1000 },
      { type: 'answer', callId: 'c1', at: T0 + 5000 },
      { type: 'callEnded', callId: 'c1', at: T0 + 65_000, wrapUpS: 30 },
    );
    expect(a).toMatchObject({ state: 'wrapUp', callId: 'c1', wrapUpUntil: T0 + 95_000, lastOfferedAt: T0 + 1000 });
    const early = transitionAgent(a, { type: 'wrapUpEnded', at: T0 + 94_999 });
    expect(early).toEqual({ ok: false, reason: expect.stringContaining('wrap-up lasts until') });
    expect(apply(a, { type: 'wrapUpEnded', at: T0 + 95_000 })).toEqual({
      state: 'available',
      since: T0 + 95_000,
      idleSince: T0 + 95_000,
      missedOffers: 0,
      lastOfferedAt: T0 + 1000,
    });
  });

  it('no wrap-up: available as soon as the call ends', () => {
    const a = apply(
      fresh,
      { type: 'offer', callId: 'c1', at: T0 },
      { type: 'answer', callId: 'c1', at: T0 },
      { type: 'callEnded', callId: 'c1', at: T0 + 10, wrapUpS: 0 },
    );
    expect(a).toMatchObject({ state: 'available', idleSince: T0 + 10 });
    expect(a.callId).toBeUndefined();
  });

  it('a missed offer counts, keeps the idle place; an answered one resets the count', () => {
    const missed = apply(
      fresh,
      { type: 'offer', callId: 'c1', at: T0 + 1 },
      { type: 'miss', callId: 'c1', at: T0 + 30_001 },
      { type: 'offer', callId: 'c2', at: T0 + 30_002 },
      { type: 'miss', callId: 'c2', at: T0 + 60_002 },
    );
    expect(missed).toMatchObject({ state: 'available', missedOffers: 2, idleSince: T0 });
    const cancelled = apply(
      missed,
      { type: 'offer', callId: 'c3', at: T0 + 70_000 },
      { type: 'offerCancelled', callId: 'c3', at: T0 + 71_000 },
    );
    expect(cancelled.missedOffers).toBe(2);
    const answered = apply(
      cancelled,
      { type: 'offer', callId: 'c4', at: T0 + 80_000 },
      { type: 'answer', callId: 'c4', at: T0 + 81_000 },
    );
    expect(answered.missedOffers).toBe(0);
  });

  it('refuses impossible transitions with a reason', () => {
    const offered = apply(fresh, { type: 'offer', callId: 'c1', at: T0 });
    const cases: [AgentRoutingState, AgentEvent][] = [
      [fresh, { type: 'answer', callId: 'c1', at: T0 }],
      [offered, { type: 'offer', callId: 'c2', at: T0 }],
      [offered, { type: 'answer', callId: 'other', at: T0 }],
      [offered, { type: 'miss', callId: 'other', at: T0 }],
      [offered, { type: 'signOut', at: T0 }],
      [fresh, { type: 'callEnded', callId: 'c1', at: T0, wrapUpS: 0 }],
      [fresh, { type: 'wrapUpEnded', at: T0 }],
      [fresh, { type: 'signIn', at: T0 }],
      [offered, { type: 'miss', callId: 'c1', at: T0 - 1 }],
    ];
    for (const [state, event] of cases) {
      const r = transitionAgent(state, event);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(new RegExp(`^cannot ${event.type}`));
    }
  });

  it('away, back, sign-out and sign-in', () => {
    const away = apply(fresh, { type: 'away', at: T0 + 1 });
    expect(away.state).toBe('away');
    expect(apply(away, { type: 'back', at: T0 + 2 })).toMatchObject({ state: 'available', idleSince: T0 + 2 });
    const off = apply(away, { type: 'signOut', at: T0 + 3 });
    expect(off.state).toBe('offline');
    expect(apply(off, { type: 'signIn', at: T0 + 4 })).toMatchObject({ state: 'available', idleSince: T0 + 4 });
  });

  const eventArb: fc.Arbitrary<AgentEvent> = fc.oneof(
    fc.record({ type: fc.constant('offer' as const), callId: fc.constantFrom('c1', 'c2') }),
    fc.record({ type: fc.constant('answer' as const), callId: fc.constantFrom('c1', 'c2') }),
    fc.record({ type: fc.constant('miss' as const), callId: fc.constantFrom('c1', 'c2') }),
    fc.record({ type: fc.constant('offerCancelled' as const), callId: fc.constantFrom('c1', 'c2') }),
    fc.record({
      type: fc.constant('callEnded' as const),
      callId: fc.constantFrom('c1', 'c2'),
      wrapUpS: fc.constantFrom(0, 10),
    }),
    fc.record({ type: fc.constantFrom('wrapUpEnded' as const, 'away' as const, 'back' as const) }),
    fc.record({ type: fc.constantFrom('signOut' as const, 'signIn' as const) }),
  ) as unknown as fc.Arbitrary<AgentEvent>;

  it('over any event sequence: states stay consistent and a duplicated event never applies twice', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(eventArb, fc.nat(20_000)), { maxLength: 40 }), (steps) => {
        let agent = signedInAgent(T0);
        let at = T0;
        for (const [e, dt] of steps) {
          at += dt;
          const event = { ...e, at } as AgentEvent;
          const r = transitionAgent(agent, event);
          if (!r.ok) continue;
          const next = r.agent;
          expect(AGENT_STATES).toContain(next.state);
          expect(next.callId !== undefined).toBe(['offered', 'busy', 'wrapUp'].includes(next.state));
          expect(next.missedOffers).toBeGreaterThanOrEqual(0);
          expect(next.idleSince).toBeLessThanOrEqual(next.since);
          if (event.type === 'offer') expect(agent.state).toBe('available');
          if (event.type === 'answer') expect(agent).toMatchObject({ state: 'offered', callId: event.callId });
          expect(transitionAgent(next, event).ok).toBe(false);
          agent = next;
        }
      }),
      { numRuns: 300 },
    );
  });
});
