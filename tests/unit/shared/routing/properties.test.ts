/**
 * Invariants of every routing decision, over random call queues, agents and calls; and the indexed engine decides
 * exactly what the naive baseline decides.
 */
import fc from 'fast-check';
import {
  AGENT_STATES,
  PRESENCE_AVAILABILITIES,
  ROUTING_METHODS,
  compareCalls,
  compareListOrder,
  decideOffers,
  decideOffersNaive,
  effectiveRequirement,
  isFreeAgent,
  meetsEffectiveRequirement,
  meetsRequirement,
  proficiency,
  usesPresence,
  type CallPriority,
  type RoutingAgent,
  type RoutingInput,
  type SkillLevels,
  type WaitingCall,
} from '../../../../shared/routing';
import { T0 } from './builders';

const SKILLS = ['billing', 'french', 'german', 'sales', 'tech'];
const level = fc.integer({ min: 1, max: 5 });
const skillLevels = (maxKeys: number): fc.Arbitrary<SkillLevels> =>
  fc.dictionary(fc.constantFrom(...SKILLS), level, { maxKeys });

/** Mostly free agents (so decisions have something to decide), with every other state and presence too. */
const agentArb = (id: string): fc.Arbitrary<RoutingAgent> =>
  fc.record({
    id: fc.constant(id),
    state: fc.oneof(
      { weight: 3, arbitrary: fc.constant('available' as const) },
      { weight: 2, arbitrary: fc.constantFrom(...AGENT_STATES) },
    ),
    presence: fc.oneof(
      { weight: 3, arbitrary: fc.constant('Available' as const) },
      { weight: 2, arbitrary: fc.constantFrom(...PRESENCE_AVAILABILITIES) },
    ),
    skills: skillLevels(4),
    optedIn: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    // Narrow ranges so ties happen and tie-breaks are exercised.
    idleSince: fc.integer({ min: T0 - 5000, max: T0 }),
    lastOfferedAt: fc.option(fc.integer({ min: T0 - 5000, max: T0 }), { nil: undefined }),
    missedOffers: fc.nat(3),
    order: fc.nat(6),
  });

const inputArb: fc.Arbitrary<RoutingInput> = fc
  .record({ agentCount: fc.nat(12), callCount: fc.nat(10) })
  .chain(({ agentCount, callCount }) => {
    const ids = Array.from({ length: agentCount }, (_, i) => `agent${i}`);
    const idSubset = ids.length
      ? fc.subarray(ids, { maxLength: Math.min(3, ids.length) })
      : fc.constant([] as string[]);
    const callArb = (callId: string): fc.Arbitrary<WaitingCall> =>
      fc
        .record({
          callId: fc.constant(callId),
          priority: fc.integer({ min: 1, max: 5 }).map((p) => p as CallPriority),
          arrivedAt: fc.integer({ min: T0 - 120_000, max: T0 }),
          enqueuedDelay: fc.option(fc.nat(60_000), { nil: undefined }),
          requiredSkills: fc.option(skillLevels(2), { nil: undefined }),
          live: fc.oneof({ weight: 4, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: idSubset }),
          missed: idSubset,
        })
        .map(({ enqueuedDelay, live, missed, ...c }) => ({
          ...c,
          ...(enqueuedDelay !== undefined ? { enqueuedAt: c.arrivedAt + enqueuedDelay } : {}),
          ...(live.length ? { liveOfferAgentIds: live } : {}),
          ...(missed.length ? { missedByAgentIds: missed } : {}),
        }));
    return fc.record({
      config: fc.record({
        routingMethod: fc.constantFrom(...ROUTING_METHODS),
        presenceBasedRouting: fc.boolean(),
        agentAlertTimeS: fc.integer({ min: 15, max: 180 }),
        requiredSkills: fc.option(skillLevels(2), { nil: undefined }),
        relaxation: fc.option(
          fc.array(
            fc.record({
              afterS: fc.nat(120),
              minLevelDelta: fc.option(fc.nat(4), { nil: undefined }),
              levels: fc.option(fc.dictionary(fc.constantFrom(...SKILLS), fc.nat(5), { maxKeys: 2 }), {
                nil: undefined,
              }),
            }),
            { maxLength: 3 },
          ),
          { nil: undefined },
        ),
      }),
      calls: fc.tuple(...Array.from({ length: callCount }, (_, i) => callArb(`call${i}`))),
      agents: fc.tuple(...ids.map(agentArb)),
      now: fc.integer({ min: T0, max: T0 + 180_000 }),
    });
  });

const RUNS = { numRuns: 400 };

describe('every routing decision', () => {
  it('equals the naive baseline, offer for offer, on each search path (direct scan and requirement index)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const expected = decideOffersNaive(input);
        expect(decideOffers(input)).toEqual(expected);
        expect(decideOffers(input, { directScanMaxFree: 0 })).toEqual(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('equals the naive baseline when many calls share few requirements (sorted candidate lists)', () => {
    const shared = inputArb.chain((input) =>
      fc.record({
        input: fc.constant(input),
        requirements: fc.array(fc.option(skillLevels(2), { nil: undefined }), { minLength: 1, maxLength: 2 }),
        pick: fc.array(fc.nat(1), { minLength: input.calls.length, maxLength: input.calls.length }),
      }),
    );
    fc.assert(
      fc.property(shared, ({ input, requirements, pick }) => {
        const calls = input.calls.map((c, i) => ({
          ...c,
          requiredSkills: requirements[pick[i] % requirements.length],
        }));
        const same = { ...input, calls };
        expect(decideOffers(same, { directScanMaxFree: 0 })).toEqual(decideOffersNaive(same));
      }),
      { numRuns: 800 },
    );
  });

  it('never offers one agent twice, nor an agent who is not free, opted in and (with presence) Available', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const offers = decideOffers(input).offers;
        const agents = new Map(input.agents.map((a) => [a.id, a]));
        const ringing = new Set(input.calls.flatMap((c) => c.liveOfferAgentIds ?? []));
        expect(new Set(offers.map((o) => o.agentId)).size).toBe(offers.length);
        for (const o of offers) {
          const a = agents.get(o.agentId)!;
          expect(a.state).toBe('available');
          expect(a.optedIn).toBe(true);
          if (usesPresence(input.config)) expect(['Available', 'AvailableIdle']).toContain(a.presence);
          expect(ringing.has(a.id)).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('never offers an agent who lacks a required skill (after relaxation) or a call that is already ringing', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const calls = new Map(input.calls.map((c) => [c.callId, c]));
        const agents = new Map(input.agents.map((a) => [a.id, a]));
        const offers = decideOffers(input).offers;
        for (const o of offers) {
          const c = calls.get(o.callId)!;
          expect(c.liveOfferAgentIds ?? []).toEqual([]);
          expect(meetsRequirement(agents.get(o.agentId)!, effectiveRequirement(c, input.config, input.now))).toBe(true);
          expect(o.alertUntil).toBe(input.now + input.config.agentAlertTimeS * 1000);
        }
        // One call, several offers: only attendant's simultaneous ring.
        if (input.config.routingMethod !== 'attendant') {
          expect(new Set(offers.map((o) => o.callId)).size).toBe(offers.length);
        }
      }),
      RUNS,
    );
  });

  it('leaves no free agent unoffered while a waiting call it qualifies for gets nothing', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const offers = decideOffers(input).offers;
        const offeredAgents = new Set(offers.map((o) => o.agentId));
        const offeredCalls = new Set(offers.map((o) => o.callId));
        const presence = usesPresence(input.config);
        const ringing = new Set(input.calls.flatMap((c) => c.liveOfferAgentIds ?? []));
        const idle = input.agents.filter(
          (a) => isFreeAgent(a, presence) && !ringing.has(a.id) && !offeredAgents.has(a.id),
        );
        for (const c of input.calls) {
          if (c.liveOfferAgentIds?.length || offeredCalls.has(c.callId)) continue;
          const req = effectiveRequirement(c, input.config, input.now);
          expect(idle.filter((a) => meetsRequirement(a, req)).map((a) => a.id)).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('serves calls in priority then arrival order: an agent given to a later call could not serve an earlier one left waiting', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const offers = decideOffers(input).offers;
        const offeredCalls = new Set(offers.map((o) => o.callId));
        const agents = new Map(input.agents.map((a) => [a.id, a]));
        const calls = new Map(input.calls.map((c) => [c.callId, c]));
        const waiting = input.calls.filter((c) => !c.liveOfferAgentIds?.length && !offeredCalls.has(c.callId));
        for (const o of offers) {
          const later = calls.get(o.callId)!;
          for (const earlier of waiting) {
            if (compareCalls(earlier, later) >= 0) continue;
            const req = effectiveRequirement(earlier, input.config, input.now);
            expect(meetsRequirement(agents.get(o.agentId)!, req)).toBe(false);
          }
        }
        // Offers come out in call order.
        const order = offers.map((o) => calls.get(o.callId)!);
        for (let i = 1; i < order.length; i++) expect(compareCalls(order[i - 1], order[i])).toBeLessThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it("gives the first call served the method's best agent", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const offers = decideOffers(input).offers;
        if (offers.length === 0) return;
        const method = input.config.routingMethod;
        const c = input.calls.find((x) => x.callId === offers[0].callId)!;
        const req = effectiveRequirement(c, input.config, input.now);
        const ringing = new Set(input.calls.flatMap((x) => x.liveOfferAgentIds ?? []));
        const missed = new Set(c.missedByAgentIds ?? []);
        const eligible = input.agents.filter(
          (a) => isFreeAgent(a, usesPresence(input.config)) && !ringing.has(a.id) && meetsRequirement(a, req),
        );
        const fresh = eligible.filter((a) => !missed.has(a.id));
        const pool = fresh.length ? fresh : eligible;
        const chosen = input.agents.find((a) => a.id === offers[0].agentId)!;
        expect(pool).toContain(chosen);
        for (const other of pool) {
          if (method === 'skillsBased')
            expect(proficiency(chosen, req)).toBeGreaterThanOrEqual(proficiency(other, req));
          if (method === 'longestIdle') expect(chosen.idleSince).toBeLessThanOrEqual(other.idleSince);
          if (method === 'serial' || method === 'attendant')
            expect(compareListOrder(chosen, other)).toBeLessThanOrEqual(0);
        }
        if (method === 'attendant') {
          expect(offers.filter((o) => o.callId === c.callId).length).toBe(pool.length);
        }
      }),
      RUNS,
    );
  });

  it('does not depend on the order agents and calls are listed in', () => {
    fc.assert(
      fc.property(
        inputArb.chain((input) =>
          fc.record({
            input: fc.constant(input),
            agents: fc.shuffledSubarray([...input.agents], { minLength: input.agents.length }),
            calls: fc.shuffledSubarray([...input.calls], { minLength: input.calls.length }),
          }),
        ),
        ({ input, agents, calls }) => {
          expect(decideOffers({ ...input, agents, calls })).toEqual(decideOffers(input));
        },
      ),
      RUNS,
    );
  });

  it('meetsEffectiveRequirement is meetsRequirement of the effective requirement, without building it', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        // One expectation per run: expect() itself would dominate the run time.
        const direct: boolean[] = [];
        const built: boolean[] = [];
        for (const c of input.calls) {
          const req = effectiveRequirement(c, input.config, input.now);
          for (const a of input.agents) {
            direct.push(meetsEffectiveRequirement(a, c, input.config, input.now));
            built.push(meetsRequirement(a, req));
          }
        }
        expect(direct).toEqual(built);
      }),
      RUNS,
    );
  });

  it('relaxation only ever loosens a requirement as the wait grows', () => {
    fc.assert(
      fc.property(inputArb, fc.nat(200_000), (input, later) => {
        for (const c of input.calls) {
          const before = effectiveRequirement(c, input.config, input.now);
          const after = effectiveRequirement(c, input.config, input.now + later);
          const lost = input.agents.filter((a) => meetsRequirement(a, before) && !meetsRequirement(a, after));
          expect(lost).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('is settled once applied: deciding again after its offers ring offers nothing more', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        // Apply the decision (agents ringing, calls with live offers), then decide again.
        const first = decideOffers(input).offers;
        const offered = new Set(first.map((o) => o.agentId));
        const ringingCalls = new Map<string, string[]>();
        for (const o of first) ringingCalls.set(o.callId, [...(ringingCalls.get(o.callId) ?? []), o.agentId]);
        const calls = input.calls.map((c) =>
          ringingCalls.has(c.callId) ? { ...c, liveOfferAgentIds: ringingCalls.get(c.callId) } : c,
        );
        const agents = input.agents.map((a) => (offered.has(a.id) ? { ...a, state: 'offered' as const } : a));
        const again = decideOffers({ ...input, calls, agents }).offers;
        expect(again).toEqual([]);
      }),
      RUNS,
    );
  });

  it('round robin and longest idle are fair over time: one call at a time, every agent gets one before any gets two', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('roundRobin' as const, 'longestIdle' as const),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(7),
        (routingMethod, n, startAfter) => {
          // Agents who all take their call and are free again before the next one arrives.
          let agents: RoutingAgent[] = Array.from({ length: n }, (_, i) => ({
            id: `agent${i}`,
            state: 'available',
            presence: 'Available',
            skills: {},
            optedIn: true,
            idleSince: T0 - 1000 * ((i + startAfter) % n),
            lastOfferedAt: i === startAfter % n ? T0 - 1 : undefined,
            missedOffers: 0,
            order: i,
          }));
          const counts = new Map<string, number>();
          for (let k = 0; k < 3 * n; k++) {
            const now = T0 + 1000 * (k + 1);
            const config = { routingMethod, presenceBasedRouting: true, agentAlertTimeS: 30 };
            const { offers } = decideOffers({
              config,
              calls: [{ callId: `c${k}`, priority: 3, arrivedAt: now }],
              agents,
              now,
            });
            expect(offers).toHaveLength(1);
            const id = offers[0].agentId;
            counts.set(id, (counts.get(id) ?? 0) + 1);
            const values = [...counts.values()];
            expect(Math.max(...values) - Math.min(...values, ...(counts.size < n ? [0] : []))).toBeLessThanOrEqual(1);
            agents = agents.map((a) => (a.id === id ? { ...a, lastOfferedAt: now, idleSince: now + 500 } : a));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
