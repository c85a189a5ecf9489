import {
  CALL_QUEUE_DEFAULTS,
  agentListOrder,
  decideOffers,
  decideOffersNaive,
  type CallQueueRoutingConfig,
  type RoutingDecision,
  type RoutingInput,
} from '../../../../shared/routing';
import { T0, agent, call, input, pairs } from './builders';

// Every example holds for the indexed engine and for the naive baseline alike.
describe.each([
  ['indexed engine', decideOffers],
  ['naive baseline', decideOffersNaive],
])('%s', (_name, decide: (i: RoutingInput) => RoutingDecision) => {
  describe('attendant', () => {
    it('rings every eligible agent at once for the first call; the next call waits', () => {
      const agents = [agent('a'), agent('b'), agent('c', { state: 'busy' }), agent('d')];
      const d = decide(input({ routingMethod: 'attendant' }, [call('c1'), call('c2', { arrivedAt: T0 + 5 })], agents));
      expect(pairs(d)).toEqual(['c1→a', 'c1→b', 'c1→d']);
      expect(d.offers.every((o) => o.alertUntil === T0 + 1000 + 30_000)).toBe(true);
    });

    it('a call already ringing is not offered again; an agent freed meanwhile gets the next call', () => {
      const agents = [agent('a', { state: 'offered' }), agent('b', { state: 'offered' }), agent('e')];
      const calls = [call('c1', { liveOfferAgentIds: ['a', 'b'] }), call('c2', { arrivedAt: T0 + 5 })];
      expect(pairs(decide(input({ routingMethod: 'attendant' }, calls, agents)))).toEqual(['c2→e']);
    });
  });

  describe('serial', () => {
    it('offers the first eligible agent in list order, skipping busy, away and opted-out agents', () => {
      const agents = [
        agent('a', { order: 1, state: 'busy' }),
        agent('b', { order: 2, presence: 'Away' }),
        agent('c', { order: 3, optedIn: false }),
        agent('d', { order: 4 }),
        agent('e', { order: 5 }),
      ];
      expect(pairs(decide(input({ routingMethod: 'serial' }, [call('c1')], agents)))).toEqual(['c1→d']);
    });

    it('after a miss the call rings the next agent; when every free agent missed it, a new pass starts at the top', () => {
      const agents = [agent('a', { order: 1 }), agent('b', { order: 2 })];
      expect(
        pairs(decide(input({ routingMethod: 'serial' }, [call('c1', { missedByAgentIds: ['a'] })], agents))),
      ).toEqual(['c1→b']);
      const all = call('c1', { missedByAgentIds: ['a', 'b'] });
      expect(pairs(decide(input({ routingMethod: 'serial' }, [all], agents)))).toEqual(['c1→a']);
    });
  });

  describe('round robin', () => {
    it('continues after the agent offered last, wrapping round the list', () => {
      const agents = [
        agent('a', { order: 1, lastOfferedAt: T0 - 3000 }),
        agent('b', { order: 2, lastOfferedAt: T0 - 1000, state: 'busy' }),
        agent('c', { order: 3 }),
        agent('d', { order: 4, state: 'wrapUp' }),
      ];
      const calls = [call('c1'), call('c2', { arrivedAt: T0 + 1 }), call('c3', { arrivedAt: T0 + 2 })];
      // Last offered: b. Next: c, then wrap to a; nobody is left for c3.
      expect(pairs(decide(input({ routingMethod: 'roundRobin' }, calls, agents)))).toEqual(['c1→c', 'c2→a']);
    });

    it('starts at the top when nobody was ever offered', () => {
      const agents = [agent('x', { order: 2 }), agent('y', { order: 1 })];
      expect(pairs(decide(input({ routingMethod: 'roundRobin' }, [call('c1')], agents)))).toEqual(['c1→y']);
    });
  });

  describe('longest idle', () => {
    it('offers each call to the agent idle longest, and always applies presence', () => {
      const agents = [
        agent('a', { idleSince: T0 - 10_000 }),
        agent('b', { idleSince: T0 - 50_000, presence: 'Busy' }),
        agent('c', { idleSince: T0 - 30_000 }),
      ];
      const calls = [call('c1'), call('c2', { arrivedAt: T0 + 1 })];
      const d = decide(input({ routingMethod: 'longestIdle', presenceBasedRouting: false }, calls, agents));
      expect(pairs(d)).toEqual(['c1→c', 'c2→a']);
    });
  });

  describe('skills-based', () => {
    const agents = [
      agent('novice', { skills: { billing: 2, french: 5 }, idleSince: T0 - 90_000 }),
      agent('expert', { skills: { billing: 5, french: 3 }, idleSince: T0 - 1000 }),
      agent('alsoExpert', { skills: { billing: 4, french: 4 }, idleSince: T0 - 2000 }),
      agent('english', { skills: { billing: 5 } }),
    ];

    it('never offers an agent who lacks a required skill; best total proficiency, ties to longest idle', () => {
      const c = call('c1', { requiredSkills: { billing: 3, french: 3 } });
      // expert and alsoExpert both total 8: alsoExpert has been idle longer.
      expect(pairs(decide(input({ routingMethod: 'skillsBased' }, [c], agents)))).toEqual(['c1→alsoExpert']);
    });

    it("takes the call queue's requirement when the call has none of its own", () => {
      const d = decide(input({ routingMethod: 'skillsBased', requiredSkills: { french: 5 } }, [call('c1')], agents));
      expect(pairs(d)).toEqual(['c1→novice']);
    });

    it('relaxation lets a waiting call reach a less skilled agent after its wait, keeping its place', () => {
      const only = [agents[0], agent('other', { skills: { french: 5 }, idleSince: T0 - 99_000 })];
      const config = {
        routingMethod: 'skillsBased' as const,
        requiredSkills: { billing: 4, french: 3 },
        relaxation: [
          { afterS: 30, minLevelDelta: 2 },
          { afterS: 60, levels: { billing: 0 } },
        ],
      };
      const early = call('early', { arrivedAt: T0 });
      const late = call('late', { arrivedAt: T0 + 20_000, requiredSkills: { french: 1 } });
      expect(pairs(decide(input(config, [early, late], only, T0 + 29_999)))).toEqual(['late→other']);
      // At 30 s billing 4 → 2: the novice qualifies, and the early call is served first.
      expect(pairs(decide(input(config, [late, early], only, T0 + 30_000)))).toEqual(['early→novice', 'late→other']);
      // At 60 s billing is no longer required: both agents qualify; the longest idle wins.
      expect(pairs(decide(input(config, [early], only, T0 + 60_000)))).toEqual(['early→other']);
    });
  });

  describe('order of calls', () => {
    it('priority 1 first, then FIFO by original arrival (a call moved from another call queue keeps it)', () => {
      const agents = [agent('a'), agent('b'), agent('c')];
      const calls = [
        call('normal', { priority: 3, arrivedAt: T0 + 10 }),
        call('urgent', { priority: 1, arrivedAt: T0 + 500 }),
        call('moved', { priority: 3, arrivedAt: T0 - 60_000, enqueuedAt: T0 + 400 }),
      ];
      expect(pairs(decide(input({ routingMethod: 'serial' }, calls, agents)))).toEqual([
        'urgent→a',
        'moved→b',
        'normal→c',
      ]);
    });
  });

  describe('presence', () => {
    const agents = [
      agent('away', { presence: 'Away', order: 1 }),
      agent('idle', { presence: 'AvailableIdle', order: 2 }),
      agent('dnd', { presence: 'DoNotDisturb', order: 3 }),
    ];
    it('with presence-based routing only Available (and AvailableIdle) agents are offered', () => {
      const d = decide(input({ routingMethod: 'attendant' }, [call('c1')], agents));
      expect(pairs(d)).toEqual(['c1→idle']);
    });
    it('without it, presence does not matter (routing state still does)', () => {
      const d = decide(input({ routingMethod: 'attendant', presenceBasedRouting: false }, [call('c1')], agents));
      expect(pairs(d)).toEqual(['c1→away', 'c1→idle', 'c1→dnd']);
    });
  });

  it('an agent already ringing for a call is never offered another, even if its state says available', () => {
    const calls = [call('c1', { liveOfferAgentIds: ['a'] }), call('c2', { arrivedAt: T0 + 1 })];
    expect(pairs(decide(input({ routingMethod: 'serial' }, calls, [agent('a'), agent('b')])))).toEqual(['c2→b']);
  });

  it('no calls or no free agents: no offers', () => {
    expect(decide(input({}, [], [agent('a')])).offers).toEqual([]);
    expect(decide(input({}, [call('c1')], [agent('a', { state: 'offline' })])).offers).toEqual([]);
  });
});

it("takes a call queue's stored routing config as it is (the API's fields, Teams' defaults)", () => {
  const callQueue: CallQueueRoutingConfig = {
    ...CALL_QUEUE_DEFAULTS,
    name: 'Support',
    routingMethod: 'serial',
    agents: [{ userPrincipalName: 'B@contoso.com' }, { userPrincipalName: 'a@contoso.com', order: -1 }],
  };
  const order = agentListOrder(callQueue);
  const agents = ['b@contoso.com', 'a@contoso.com'].map((upn) => agent(upn, { order: order.get(upn)! }));
  const d = decideOffers({ config: callQueue, calls: [call('c1')], agents, now: T0 });
  expect(d.offers).toEqual([{ callId: 'c1', agentId: 'a@contoso.com', alertUntil: T0 + 30_000 }]);
});
