/**
 * A discrete-event simulation of the routing engine alone (no I/O): Poisson arrivals, exponential handle times,
 * optional exponential patience, agents driven by the real engine ({@link decideOffers}) and the real agent state
 * machine ({@link transitionAgent}). Offers are answered at once (no ring time) and there is no wrap-up, so the
 * figures are the engine's own and comparable with Erlang C / Erlang A. A seed makes a run repeat exactly.
 *
 * Statistics are taken over the calls that arrive after a warm-up, and their spread over consecutive batches gives
 * a 95 % half-width (batch means), so a comparison with theory can say whether a gap is noise.
 */
import {
  decideOffers,
  signedInAgent,
  transitionAgent,
  type AgentRoutingState,
  type RoutingAgent,
  type RoutingInput,
  type SkillLevels,
  type WaitingCall,
} from '../../shared/routing';
import { seededRandom } from './prng';

export interface SimCallQueue {
  id: string;
  config: RoutingInput['config'];
  /** Agents serve only this call queue. */
  agents: { id: string; skills: SkillLevels }[];
}

export interface SimCallType {
  name: string;
  /** Calls per second. */
  arrivalRate: number;
  callQueueId: string;
  requiredSkills?: SkillLevels;
}

export interface SimulationOptions {
  seed: number;
  callQueues: SimCallQueue[];
  callTypes: SimCallType[];
  /** Mean handle time (s), exponential. */
  handleTimeS: number;
  /** Mean patience (s), exponential; absent: callers never hang up. */
  patienceS?: number;
  /** Calls measured (after the warm-up). */
  calls: number;
  /** Calls simulated before measuring starts (default calls / 20). */
  warmupCalls?: number;
  /** Service-level threshold t (s) for SL(t). */
  thresholdS: number;
  /** Batches for the batch-means confidence half-width (default 20). */
  batches?: number;
}

export interface SimulationFigures {
  offered: number;
  answered: number;
  abandoned: number;
  /** Mean wait of answered calls (s). */
  asaS: number;
  /** 95 % half-width of asaS by batch means (s). */
  asaHalfWidthS: number;
  /** Answered within t ÷ offered. */
  serviceLevel: number;
  serviceLevelHalfWidth: number;
  /** Share of calls that waited at all. */
  probabilityOfWaiting: number;
  /** Abandoned ÷ offered. */
  abandonment: number;
  /** Mean time in queue over all calls, answered and abandoned (Erlang A's E[W]) (s). */
  meanWaitS: number;
  /** Engine decisions made. */
  decisions: number;
}

export interface SimulationResult extends SimulationFigures {
  byCallType: Record<string, Omit<SimulationFigures, 'decisions'>>;
}

interface SimCall {
  call: WaitingCall;
  type: number;
  arrival: number;
  measured: boolean;
  /** The tallies this call counts in: total, its type, its batch, its type's batch. */
  tallies: Tally[];
}

type SimEvent =
  | { t: number; seq: number; kind: 'arrival' }
  | { t: number; seq: number; kind: 'abandon'; call: SimCall }
  | { t: number; seq: number; kind: 'done'; queue: number; agent: number; callId: string }
  /** A waiting call's requirement relaxes now: decide again. */
  | { t: number; seq: number; kind: 'relax'; queue: number };

/** A binary min-heap on (t, seq). */
class EventHeap {
  private items: SimEvent[] = [];
  get size(): number {
    return this.items.length;
  }
  push(e: SimEvent): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (EventHeap.less(a[p], a[i])) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): SimEvent {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && EventHeap.less(a[l], a[m])) m = l;
        if (r < a.length && EventHeap.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
  private static less(x: SimEvent, y: SimEvent): boolean {
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
}

class Tally {
  offered = 0;
  answered = 0;
  abandoned = 0;
  waited = 0;
  answeredWaitS = 0;
  allWaitS = 0;
  withinT = 0;
}

function figures(t: Tally, batches: Tally[]): Omit<SimulationFigures, 'decisions'> {
  const asa = (x: Tally) => (x.answered ? x.answeredWaitS / x.answered : 0);
  const sl = (x: Tally) => (x.offered ? x.withinT / x.offered : 0);
  const halfWidth = (f: (x: Tally) => number) => {
    const used = batches.filter((b) => b.offered > 0);
    if (used.length < 2) return NaN;
    const values = used.map(f);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
    return 2.09 * Math.sqrt(variance / values.length); // Student t, 19 degrees of freedom, ~95 %
  };
  return {
    offered: t.offered,
    answered: t.answered,
    abandoned: t.abandoned,
    asaS: asa(t),
    asaHalfWidthS: halfWidth(asa),
    serviceLevel: sl(t),
    serviceLevelHalfWidth: halfWidth(sl),
    probabilityOfWaiting: t.offered ? t.waited / t.offered : 0,
    abandonment: t.offered ? t.abandoned / t.offered : 0,
    meanWaitS: t.offered ? t.allWaitS / t.offered : 0,
  };
}

export function simulate(options: SimulationOptions): SimulationResult {
  const rnd = seededRandom(options.seed);
  const warmup = options.warmupCalls ?? Math.floor(options.calls / 20);
  const batchCount = options.batches ?? 20;
  const batchSize = Math.ceil(options.calls / batchCount);
  const totalRate = options.callTypes.reduce((s, c) => s + c.arrivalRate, 0);
  const queueIndex = new Map(options.callQueues.map((q, i) => [q.id, i]));

  // Engine inputs kept between decisions: RoutingAgent objects are replaced when their state changes.
  const queues = options.callQueues.map((q) => ({
    config: q.config,
    agents: q.agents.map((a, i): RoutingAgent => ({
      id: a.id,
      state: 'available',
      presence: 'Available',
      skills: a.skills,
      optedIn: true,
      idleSince: 0,
      missedOffers: 0,
      order: i,
    })),
    states: q.agents.map(() => signedInAgent(0)),
    byId: new Map(q.agents.map((a, i) => [a.id, i])),
    waiting: [] as SimCall[],
    /** The same calls as the engine reads them. */
    calls: [] as WaitingCall[],
    free: q.agents.length,
  }));

  const total = new Tally();
  const byType = options.callTypes.map(() => new Tally());
  const batches = Array.from({ length: batchCount }, () => new Tally());
  const byTypeBatches = options.callTypes.map(() => Array.from({ length: batchCount }, () => new Tally()));
  const tallies = (c: SimCall) => c.tallies;

  const heap = new EventHeap();
  let seq = 0;
  let arrivals = 0;
  let decisions = 0;
  heap.push({ t: rnd.exponential(1 / totalRate), seq: seq++, kind: 'arrival' });

  const setAgent = (q: (typeof queues)[number], i: number, next: AgentRoutingState) => {
    // The engine keeps nothing between decisions, so its input objects may be updated in place.
    q.states[i] = next;
    q.agents[i].state = next.state;
    q.agents[i].idleSince = next.idleSince * 1000;
  };
  const step = (q: (typeof queues)[number], i: number, event: Parameters<typeof transitionAgent>[1]) => {
    const r = transitionAgent(q.states[i], event);
    if (!r.ok) throw new Error(`simulation: ${r.reason}`);
    setAgent(q, i, r.agent);
  };

  const route = (qi: number, now: number) => {
    const q = queues[qi];
    if (q.free === 0 || q.waiting.length === 0) return;
    decisions++;
    const { offers } = decideOffers({
      config: q.config,
      calls: q.calls,
      agents: q.agents,
      now: now * 1000,
    });
    if (offers.length === 0) return;
    let answered = ''; // an attendant decision lists one call's offers together
    for (const o of offers) {
      const i = q.byId.get(o.agentId)!;
      step(q, i, { type: 'offer', callId: o.callId, at: now });
      if (o.callId === answered) {
        // Attendant rang several agents for this call: the first answered, the others' offers are withdrawn.
        step(q, i, { type: 'offerCancelled', callId: o.callId, at: now });
        continue;
      }
      answered = o.callId;
      step(q, i, { type: 'answer', callId: o.callId, at: now });
      q.free--;
      heap.push({
        t: now + rnd.exponential(options.handleTimeS),
        seq: seq++,
        kind: 'done',
        queue: qi,
        agent: i,
        callId: o.callId,
      });
      let at = 0;
      while (q.calls[at].callId !== o.callId) at++;
      const w = q.waiting[at];
      q.waiting.splice(at, 1);
      q.calls.splice(at, 1);
      if (!w.measured) continue;
      const wait = now - w.arrival;
      for (const t of tallies(w)) {
        t.answered++;
        t.answeredWaitS += wait;
        t.allWaitS += wait;
        if (wait > 0) t.waited++;
        if (wait <= options.thresholdS) t.withinT++;
      }
    }
  };

  while (arrivals < warmup + options.calls || heap.size > 0) {
    const e = heap.pop();
    const now = e.t;
    if (e.kind === 'arrival') {
      const n = arrivals++;
      if (arrivals < warmup + options.calls) {
        heap.push({ t: now + rnd.exponential(1 / totalRate), seq: seq++, kind: 'arrival' });
      }
      let u = rnd.next() * totalRate;
      let type = 0;
      while (type < options.callTypes.length - 1 && u >= options.callTypes[type].arrivalRate) {
        u -= options.callTypes[type].arrivalRate;
        type++;
      }
      const ct = options.callTypes[type];
      const measured = n >= warmup;
      const c: SimCall = {
        call: {
          callId: `c${n}`,
          priority: 3,
          arrivedAt: now * 1000,
          ...(ct.requiredSkills ? { requiredSkills: ct.requiredSkills } : {}),
        },
        type,
        arrival: now,
        measured,
        tallies: [],
      };
      if (measured) {
        const b = Math.min(batchCount - 1, Math.floor((n - warmup) / batchSize));
        c.tallies = [total, byType[type], batches[b], byTypeBatches[type][b]];
      }
      if (measured) for (const t of tallies(c)) t.offered++;
      const qi = queueIndex.get(ct.callQueueId)!;
      queues[qi].waiting.push(c);
      queues[qi].calls.push(c.call);
      for (const step of queues[qi].config.relaxation ?? []) {
        heap.push({ t: now + step.afterS, seq: seq++, kind: 'relax', queue: qi });
      }
      if (options.patienceS !== undefined) {
        heap.push({ t: now + rnd.exponential(options.patienceS), seq: seq++, kind: 'abandon', call: c });
      }
      route(qi, now);
    } else if (e.kind === 'abandon') {
      const q = queues[queueIndex.get(options.callTypes[e.call.type].callQueueId)!];
      const at = q.waiting.indexOf(e.call);
      if (at < 0) continue; // answered before the caller's patience ran out
      q.waiting.splice(at, 1);
      q.calls.splice(at, 1);
      if (e.call.measured) {
        const wait = now - e.call.arrival;
        for (const t of tallies(e.call)) {
          t.abandoned++;
          t.allWaitS += wait;
          t.waited++;
        }
      }
    } else if (e.kind === 'relax') {
      route(e.queue, now);
    } else {
      const q = queues[e.queue];
      step(q, e.agent, { type: 'callEnded', callId: e.callId, at: now, wrapUpS: 0 });
      q.free++;
      route(e.queue, now);
    }
  }

  const byCallType: SimulationResult['byCallType'] = {};
  options.callTypes.forEach((ct, i) => (byCallType[ct.name] = figures(byType[i], byTypeBatches[i])));
  return { ...figures(total, batches), decisions, byCallType };
}

/** One call queue, one skill, longest idle: the system Erlang C and Erlang A describe. */
export function singleSkillScenario(o: {
  seed: number;
  arrivalRate: number;
  handleTimeS: number;
  agents: number;
  calls: number;
  thresholdS: number;
  patienceS?: number;
}): SimulationOptions {
  return {
    seed: o.seed,
    callQueues: [
      {
        id: 'support',
        config: { routingMethod: 'longestIdle', presenceBasedRouting: true, agentAlertTimeS: 30 },
        agents: Array.from({ length: o.agents }, (_, i) => ({ id: `agent${i}`, skills: { support: 3 } })),
      },
    ],
    // Every agent has the one skill, so calls need not name it (and the engine skips its skill index).
    callTypes: [{ name: 'support', arrivalRate: o.arrivalRate, callQueueId: 'support' }],
    handleTimeS: o.handleTimeS,
    patienceS: o.patienceS,
    calls: o.calls,
    thresholdS: o.thresholdS,
  };
}

/**
 * The pooling comparison at equal staffing: two call types (sales, support), each with half the traffic, served by
 * (a) two separate call queues of `agentsPerSkill` single-skilled agents each, or (b) one skills-based call queue of
 * the same agents, each now also holding the other skill at a lower level (specialists are still preferred).
 */
export function poolingScenarios(o: {
  seed: number;
  arrivalRatePerSkill: number;
  handleTimeS: number;
  agentsPerSkill: number;
  calls: number;
  thresholdS: number;
}): { separate: SimulationOptions; pooled: SimulationOptions } {
  const common = { seed: o.seed, handleTimeS: o.handleTimeS, calls: o.calls, thresholdS: o.thresholdS };
  const team = (skill: string, other: string, withOther: boolean) =>
    Array.from({ length: o.agentsPerSkill }, (_, i) => ({
      id: `${skill}${i}`,
      skills: withOther ? { [skill]: 5, [other]: 3 } : { [skill]: 5 },
    }));
  const config = (routingMethod: 'longestIdle' | 'skillsBased'): RoutingInput['config'] => ({
    routingMethod,
    presenceBasedRouting: true,
    agentAlertTimeS: 30,
  });
  const types = (salesQueue: string, supportQueue: string): SimCallType[] => [
    { name: 'sales', arrivalRate: o.arrivalRatePerSkill, callQueueId: salesQueue, requiredSkills: { sales: 1 } },
    { name: 'support', arrivalRate: o.arrivalRatePerSkill, callQueueId: supportQueue, requiredSkills: { support: 1 } },
  ];
  return {
    separate: {
      ...common,
      callQueues: [
        { id: 'sales', config: config('longestIdle'), agents: team('sales', 'support', false) },
        { id: 'support', config: config('longestIdle'), agents: team('support', 'sales', false) },
      ],
      callTypes: types('sales', 'support'),
    },
    pooled: {
      ...common,
      callQueues: [
        {
          id: 'pooled',
          config: config('skillsBased'),
          agents: [...team('sales', 'support', true), ...team('support', 'sales', true)],
        },
      ],
      callTypes: types('pooled', 'pooled'),
    },
  };
}

/**
 * Relaxation at work: calls need `support` at level 4; a few experts hold it at 5, the rest of the team at 2. Without
 * relaxation the juniors never take a call; with `[{afterS, minLevelDelta: 2}]` a call that has waited `afterS`
 * reaches them — keeping its place in line — while experts still take the calls that come to them first.
 */
export function relaxationScenarios(o: {
  seed: number;
  arrivalRate: number;
  handleTimeS: number;
  experts: number;
  juniors: number;
  relaxAfterS: number;
  calls: number;
  thresholdS: number;
}): { strict: SimulationOptions; relaxed: SimulationOptions } {
  const agents = [
    ...Array.from({ length: o.experts }, (_, i) => ({ id: `expert${i}`, skills: { support: 5 } })),
    ...Array.from({ length: o.juniors }, (_, i) => ({ id: `junior${i}`, skills: { support: 2 } })),
  ];
  const make = (relaxation: RoutingInput['config']['relaxation']): SimulationOptions => ({
    seed: o.seed,
    callQueues: [
      {
        id: 'support',
        config: {
          routingMethod: 'skillsBased',
          presenceBasedRouting: true,
          agentAlertTimeS: 30,
          requiredSkills: { support: 4 },
          relaxation,
        },
        agents,
      },
    ],
    callTypes: [{ name: 'support', arrivalRate: o.arrivalRate, callQueueId: 'support' }],
    handleTimeS: o.handleTimeS,
    calls: o.calls,
    thresholdS: o.thresholdS,
  });
  return { strict: make(undefined), relaxed: make([{ afterS: o.relaxAfterS, minLevelDelta: 2 }]) };
}
