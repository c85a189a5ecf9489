/**
 * Engine decision time: a contact center at rest (bench/routing/engine-workload.ts) receives events — an agent
 * becomes free, a call arrives — and each is one decision, timed for the indexed engine and for the naive baseline
 * on the very same input, whose offers must be identical. Plus the heaviest single decision: start of day, every
 * agent free at once.
 */
import {
  decideOffers,
  decideOffersNaive,
  type RoutingDecision,
  type RoutingInput,
  type WaitingCall,
} from '../../shared/routing';
import { percentile, round } from '../stats';
import { restingWorkload } from './engine-workload';

export interface EngineBenchOptions {
  seed?: number;
  agents?: number;
  skills?: number;
  calls?: number;
  /** Decisions timed for the indexed engine. */
  decisions?: number;
  /** Of those, how many are also timed for the naive baseline (it is slow). */
  naiveDecisions?: number;
}

function timed(decide: (i: RoutingInput) => RoutingDecision, input: RoutingInput): [RoutingDecision, number] {
  const t0 = process.hrtime.bigint();
  const d = decide(input);
  return [d, Number(process.hrtime.bigint() - t0) / 1000];
}

const WARMUP = 500;
const REPEAT = 3;

const summary = (us: number[]) => ({
  p50Us: round(percentile(us, 50), 1),
  p99Us: round(percentile(us, 99), 1),
  maxUs: round(Math.max(...us), 1),
});

export function runEngineBench(o: EngineBenchOptions = {}): Record<string, unknown> {
  const agents = o.agents ?? 2000;
  const skills = o.skills ?? 50;
  const calls = o.calls ?? 500;
  const decisions = o.decisions ?? 4000;
  const naiveDecisions = Math.min(decisions, o.naiveDecisions ?? 200);
  const w = restingWorkload({ seed: o.seed ?? 13, agents, skills, calls });
  const base = w.input;
  const freeAtRest = base.agents.filter((a) => a.state === 'available').length;

  // The events first, so both engines decide exactly the same inputs; the naive baseline runs after the indexed
  // engine, so its garbage does not land in the indexed engine's timings.
  type Event = { kind: 'agentFreed'; agent: number } | { kind: 'callArrived'; call: WaitingCall };
  const busy = base.agents.map((a, i) => (a.state === 'busy' ? i : -1)).filter((i) => i >= 0);
  const events: Event[] = Array.from({ length: decisions + WARMUP }, (_, k) =>
    k % 2 === 0
      ? { kind: 'agentFreed', agent: busy[w.rnd.int(busy.length)] }
      : { kind: 'callArrived', call: { ...w.newCall(`new${k}`), arrivedAt: base.now } },
  );
  const inputOf = (e: Event): RoutingInput => {
    if (e.kind === 'callArrived') return { ...base, calls: [...base.calls, e.call] };
    const agents = base.agents.slice();
    agents[e.agent] = { ...agents[e.agent], state: 'available', idleSince: base.now };
    return { ...base, agents };
  };

  // Each decision is timed REPEAT times and its fastest run kept: on a shared machine a preemption by another
  // process lands in a single timing and is not the engine's cost. The first runs are reported too (singleShot).
  const fast: number[] = [];
  const singleShot: number[] = [];
  const byEvent: Record<Event['kind'], number[]> = { agentFreed: [], callArrived: [] };
  let offersMade = 0;
  events.forEach((e, k) => {
    const input = inputOf(e);
    const [d, first] = timed(decideOffers, input);
    let us = first;
    for (let r = 1; r < REPEAT; r++) us = Math.min(us, timed(decideOffers, input)[1]);
    if (k < WARMUP) return;
    fast.push(us);
    singleShot.push(first);
    byEvent[e.kind].push(us);
    offersMade += d.offers.length;
  });
  const naive: number[] = [];
  let mismatches = 0;
  // The naive baseline decides an evenly spread sample of the same events (it is slow).
  const stride = Math.max(1, Math.floor(decisions / naiveDecisions));
  const sample = Array.from({ length: naiveDecisions }, (_, j) => j * stride);
  for (const j of sample) {
    const input = inputOf(events[WARMUP + j]);
    const [dn, first] = timed(decideOffersNaive, input);
    let nus = first;
    for (let r = 1; r < REPEAT; r++) nus = Math.min(nus, timed(decideOffersNaive, input)[1]);
    naive.push(nus);
    if (JSON.stringify(dn) !== JSON.stringify(decideOffers(input))) mismatches++;
  }
  const fastPaired = sample.map((j) => fast[j]);

  // Start of day: every opted-in agent free, 500 calls waiting: the largest decision there is.
  const morning: RoutingInput = {
    ...base,
    agents: base.agents.map((a) => ({ ...a, state: 'available' as const })),
  };
  const startOfDay: number[] = [];
  let startOfDayOffers = 0;
  for (let k = 0; k < 30; k++) {
    const [d, us] = timed(decideOffers, morning);
    startOfDay.push(us);
    startOfDayOffers = d.offers.length;
  }
  const [, naiveMorningUs] = timed(decideOffersNaive, morning);

  const f = summary(fast);
  const fp = summary(fastPaired);
  const n = summary(naive);
  return {
    agents,
    skillCatalogue: skills,
    waitingCalls: base.calls.length,
    freeAgentsAtRest: freeAtRest,
    routingMethod: base.config.routingMethod,
    decisions: fast.length,
    offersPerDecision: round(offersMade / fast.length, 2),
    timing: `each decision run ${REPEAT} times, fastest kept (singleShot: first run only)`,
    indexedEngine: f,
    indexedEngineSingleShot: summary(singleShot),
    byEvent: { agentFreed: summary(byEvent.agentFreed), callArrived: summary(byEvent.callArrived) },
    naiveBaseline: { decisions: naive.length, ...n },
    indexedOnSameDecisions: fp,
    speedupP50: round(n.p50Us / fp.p50Us, 1),
    speedupP99: round(n.p99Us / fp.p99Us, 1),
    decisionsDifferingFromBaseline: mismatches,
    aimP99Us: 1000,
    startOfDay: {
      freeAgents: morning.agents.filter((a) => a.optedIn).length,
      offers: startOfDayOffers,
      indexedP50Us: round(percentile(startOfDay, 50), 1),
      naiveUs: round(naiveMorningUs, 1),
    },
  };
}
