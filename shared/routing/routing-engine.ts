/**
 * The routing engine: given a call queue's config, its waiting calls and its agents at `now`, the offers to make now.
 * Pure and deterministic. It decides exactly what {@link decideOffersNaive} decides (property-tested), but searches
 * through indexes built once per decision instead of scanning every agent for every call:
 *  - free agents: one pass over the agents keeps only those who may take an offer now (usually few); while they are
 *    few (≤ 16), each call simply tests them, without building its requirement unless one qualifies;
 *  - calls by priority bucket (1…5), each sorted by original arrival (already sorted input sorts in linear time);
 *  - free agents by skill and level, built lazily: a requirement's candidates come from the skill with the fewest
 *    free agents at or above its minimum level, and are checked on the other skills only;
 *  - candidates per requirement: calls with the same effective requirement share one candidate list; the first call
 *    scans it linearly, a second one sorts it once in the method's order and from then on calls are served from its
 *    front (agents are only ever taken, never given back); a requirement nobody can meet is remembered as
 *    exhausted, so the calls behind it cost one map lookup each;
 *  - the decision stops as soon as every free agent has an offer.
 */
import type { Offer, RoutingAgent, RoutingDecision, RoutingInput, SkillLevels, WaitingCall } from './call-queue.types';
import {
  compareCalls,
  compareIdle,
  compareListOrder,
  compareRoundRobin,
  effectiveRequirement,
  isFreeAgent,
  meetsEffectiveRequirement,
  proficiency,
  roundRobinCursor,
  staticAgentOrder,
  usesPresence,
} from './eligibility.rules';

export { decideOffersNaive } from './naive-routing-engine';

interface Candidates {
  /** Indexes into the free-agent array of the agents meeting the requirement (untaken when built). */
  list: number[];
  /** Skills-based score per list entry (same positions); empty for other methods. */
  score: number[];
  /** Sorted in the method's order (done on the key's second use: one call alone is served by a linear scan). */
  sorted: boolean;
  /** Every entry before `pos` is taken (once sorted). */
  pos: number;
  /** No untaken candidate is left: later calls with this requirement are skipped. */
  exhausted: boolean;
}

/** Up to this many free agents, each call tests them directly (no index, no allocation for calls nobody can take). */
export const DIRECT_SCAN_MAX_FREE = 16;

/** An unambiguous key for a requirement (skills sorted, names length-prefixed). */
export function requirementKey(requirement: SkillLevels): string {
  const skills = Object.keys(requirement);
  if (skills.length === 0) return '';
  if (skills.length > 1) skills.sort();
  let key = '';
  for (const s of skills) key += `${s.length}:${s}=${requirement[s]};`;
  return key;
}

/** Knobs of the search only (never of the decision): tests force each path with them. */
export interface EngineTuning {
  /** Free agents up to which each call tests them directly (default {@link DIRECT_SCAN_MAX_FREE}). */
  directScanMaxFree?: number;
}

export function decideOffers(input: RoutingInput, tuning: EngineTuning = {}): RoutingDecision {
  const { config, now } = input;
  const method = config.routingMethod;
  const presence = usesPresence(config);
  const alertUntil = now + config.agentAlertTimeS * 1000;
  const offers: Offer[] = [];

  // Calls by priority bucket; calls already ringing are skipped and their agents are never offered again.
  let ringing: Set<string> | null = null;
  const buckets: WaitingCall[][] = [[], [], [], [], []];
  for (const call of input.calls) {
    if (call.liveOfferAgentIds?.length) {
      ringing ??= new Set();
      for (const id of call.liveOfferAgentIds) ringing.add(id);
      continue;
    }
    const bucket = buckets[call.priority - 1];
    if (!bucket) throw new RangeError(`call ${call.callId}: priority ${call.priority} is not 1–5`);
    bucket.push(call);
  }

  const free: RoutingAgent[] = [];
  for (const a of input.agents) if (isFreeAgent(a, presence) && !ringing?.has(a.id)) free.push(a);
  if (free.length === 0) return { offers };
  const taken = new Uint8Array(free.length);
  let remaining = free.length;
  const take = (f: number, callId: string) => {
    taken[f] = 1;
    remaining--;
    offers.push({ callId, agentId: free[f].id, alertUntil });
  };

  // Built on first need by the index path: for each skill held by a free agent, the free agents by ⌊level⌋
  // (`levels[l]`) and every free agent's exact level (`column[f]`, NaN when absent: every comparison fails, as
  // meetsRequirement fails an absent skill).
  let bySkill: Map<string, { levels: number[][]; column: Float64Array }> | null = null;
  const skillIndex = () => {
    if (bySkill) return bySkill;
    bySkill = new Map();
    for (let f = 0; f < free.length; f++) {
      const skills = free[f].skills;
      for (const s in skills) {
        let entry = bySkill.get(s);
        if (!entry) bySkill.set(s, (entry = { levels: [], column: new Float64Array(free.length).fill(NaN) }));
        entry.column[f] = skills[s];
        (entry.levels[Math.max(0, Math.floor(skills[s]))] ??= []).push(f);
      }
    }
    return bySkill;
  };

  const buildCandidates = (requirement: SkillLevels): Candidates => {
    const c: Candidates = { list: [], score: [], sorted: false, pos: 0, exhausted: false };
    const skills = Object.keys(requirement);
    if (skills.length === 0) {
      for (let f = 0; f < free.length; f++) if (!taken[f]) c.list.push(f);
      if (method === 'skillsBased') for (let k = 0; k < c.list.length; k++) c.score.push(0);
      return c;
    }
    const index = skillIndex();
    const mins = skills.map((s) => requirement[s]);
    const entries = skills.map((s) => index.get(s));
    // The source: the skill with the fewest free agents at or above its minimum; they are checked on every skill.
    let rarest = -1;
    let rarestCount = Infinity;
    for (let i = 0; i < skills.length; i++) {
      const levels = entries[i]?.levels ?? [];
      let count = 0;
      for (let l = Math.max(0, Math.floor(mins[i])); l < levels.length; l++) count += levels[l]?.length ?? 0;
      if (count < rarestCount) {
        rarest = i;
        rarestCount = count;
      }
    }
    if (rarestCount === 0) return { ...c, exhausted: true };
    const columns = entries.map((e) => e!.column);
    const levels = entries[rarest]!.levels;
    for (let l = Math.max(0, Math.floor(mins[rarest])); l < levels.length; l++) {
      for (const f of levels[l] ?? []) {
        if (taken[f]) continue;
        let ok = true;
        for (let i = 0; i < columns.length && ok; i++) ok = columns[i][f] >= mins[i];
        if (!ok) continue;
        c.list.push(f);
        if (method === 'skillsBased') {
          let score = 0;
          for (let i = 0; i < columns.length; i++) score += columns[i][f];
          c.score.push(score);
        }
      }
    }
    return c;
  };

  let roundRobinOrder = compareRoundRobin(method === 'roundRobin' ? roundRobinCursor(input.agents) : null);
  const staticOrder = method === 'roundRobin' || method === 'skillsBased' ? null : staticAgentOrder(method, {});
  /** Negative when agent f (score sf) goes before agent g (score sg) in the method's order. */
  const before = (f: number, sf: number, g: number, sg: number): number => {
    if (method === 'skillsBased') return sg - sf || compareIdle(free[f], free[g]);
    if (method === 'roundRobin') return roundRobinOrder(free[f], free[g]);
    return staticOrder!(free[f], free[g]);
  };

  /**
   * Offers `call` to the best of `pool` (agent indexes with their scores), preferring agents who have not missed
   * it; attendant offers it to all of them. Returns false when the pool is empty.
   */
  const offerFromPool = (call: WaitingCall, pool: number[], scores: number[]): boolean => {
    if (pool.length === 0) return false;
    const missed = call.missedByAgentIds?.length ? new Set(call.missedByAgentIds) : null;
    let chosen = pool;
    let chosenScores = scores;
    if (missed) {
      const fresh: number[] = [];
      const freshScores: number[] = [];
      pool.forEach((f, k) => {
        if (!missed.has(free[f].id)) {
          fresh.push(f);
          freshScores.push(scores[k]);
        }
      });
      if (fresh.length > 0) {
        chosen = fresh;
        chosenScores = freshScores;
      }
    }
    if (method === 'attendant') {
      for (const f of [...chosen].sort((x, y) => compareListOrder(free[x], free[y]))) take(f, call.callId);
      return true;
    }
    let best = 0;
    for (let k = 1; k < chosen.length; k++) {
      if (before(chosen[k], chosenScores[k], chosen[best], chosenScores[best]) < 0) best = k;
    }
    take(chosen[best], call.callId);
    if (method === 'roundRobin') roundRobinOrder = compareRoundRobin(free[chosen[best]]);
    return true;
  };

  const direct = free.length <= (tuning.directScanMaxFree ?? DIRECT_SCAN_MAX_FREE);
  const byRequirement = new Map<string, Candidates>();
  const pool: number[] = [];
  const scores: number[] = [];

  for (const bucket of buckets) {
    if (bucket.length > 1) bucket.sort(compareCalls);
    for (const call of bucket) {
      if (remaining === 0) return { offers };
      pool.length = 0;
      scores.length = 0;

      if (direct) {
        for (let f = 0; f < free.length; f++) {
          if (!taken[f] && meetsEffectiveRequirement(free[f], call, config, now)) pool.push(f);
        }
        if (pool.length === 0) continue;
        if (method === 'skillsBased') {
          const requirement = effectiveRequirement(call, config, now);
          for (const f of pool) scores.push(proficiency(free[f], requirement));
        }
        offerFromPool(call, pool, scores);
        continue;
      }

      const requirement = effectiveRequirement(call, config, now);
      const key = requirementKey(requirement);
      let c = byRequirement.get(key);
      if (!c) {
        c = buildCandidates(requirement);
        byRequirement.set(key, c);
      } else if (!c.sorted && method !== 'roundRobin' && method !== 'attendant') {
        // A second call with this requirement: sort once, then serve from the front.
        const order = c.list.map((_f, k) => k);
        order.sort((x, y) => before(c!.list[x], c!.score[x], c!.list[y], c!.score[y]));
        c.list = order.map((k) => c!.list[k]);
        c.score = c.score.length ? order.map((k) => c!.score[k]) : c.score;
        c.sorted = true;
      }
      if (c.exhausted) continue;

      if (c.sorted) {
        while (c.pos < c.list.length && taken[c.list[c.pos]]) c.pos++;
        if (c.pos === c.list.length) {
          c.exhausted = true;
          continue;
        }
        const missed = call.missedByAgentIds?.length ? new Set(call.missedByAgentIds) : null;
        let pick = c.list[c.pos];
        if (missed) {
          for (let k = c.pos; k < c.list.length; k++) {
            const f = c.list[k];
            if (!taken[f] && !missed.has(free[f].id)) {
              pick = f;
              break;
            }
          }
        }
        take(pick, call.callId);
        continue;
      }

      for (let k = 0; k < c.list.length; k++) {
        if (taken[c.list[k]]) continue;
        pool.push(c.list[k]);
        if (c.score.length) scores.push(c.score[k]);
      }
      if (!offerFromPool(call, pool, scores)) c.exhausted = true;
    }
  }
  return { offers };
}
