/**
 * Engine decision time: a contact center at rest (bench/routing/engine-workload.ts) receives events — an agent
 * becomes free, a call arrives — and each is one decision, timed for the indexed engine and for the naive baseline
 * on the very same input, whose offers must be identical. Plus the heaviest single decision: start of day, every
 * agent free at once.
 */
import { decideOffers, decideOffersNaive, type RoutingDecision, type RoutingInput } from '../../shared/routing';
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
  const naiveDecisions = Math.min(decisions, o.naiveDecisions ?? 400);
  const w = restingWorkload({ seed: o.seed ?? 13, agents, skills, calls });
  const base = w.input;
  const freeAtRest = base.agents.filter((a) => a.state === 'available').length;

  const fast: number[] = [];
  const naive: number[] = [];
  const fastPaired: number[] = [];
  const byEvent: Record<'agentFreed' | 'callArrived', number[]> = { agentFreed: [], callArrived: [] };
  let offersMade = 0;
  let mismatches = 0;
  const busy = base.agents.map((a, i) => (a.state === 'busy' ? i : -1)).filter((i) => i >= 0);

  for (let k = -200; k < decisions; k++) {
    let input: RoutingInput;
    let kind: 'agentFreed' | 'callArrived';
    if (k % 2 === 0) {
      kind = 'agentFreed';
      const i = busy[w.rnd.int(busy.length)];
      const agents = base.agents.slice();
      agents[i] = { ...agents[i], state: 'available', idleSince: base.now };
      input = { ...base, agents };
    } else {
      kind = 'callArrived';
      input = { ...base, calls: [...base.calls, { ...w.newCall(`new${k}`), arrivedAt: base.now }] };
    }
    const [d, us] = timed(decideOffers, input);
    if (k < 0) continue; // warm-up
    fast.push(us);
    byEvent[kind].push(us);
    offersMade += d.offers.length;
    if (k < naiveDecisions) {
      const [dn, nus] = timed(decideOffersNaive, input);
      naive.push(nus);
      fastPaired.push(us);
      if (JSON.stringify(dn) !== JSON.stringify(d)) mismatches++;
    }
  }

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
    indexedEngine: f,
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
