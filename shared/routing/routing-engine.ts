/**
 * The routing engine: given a call queue's config, its waiting calls and its agents at `now`, the offers to make now.
 * Pure and deterministic. It decides exactly what {@link decideOffersNaive} decides (property-tested), but searches
 * through indexes built once per decision instead of scanning every agent for every call:
 *  - free agents: one pass over the agents keeps only those who may take an offer now (usually few);
 *  - calls by priority bucket (1…5), each sorted by original arrival (already sorted input sorts in linear time);
 *  - free agents by skill, built lazily: a requirement's candidates come from its rarest skill's list;
 *  - candidates per requirement: calls with the same effective requirement share one candidate list, sorted once in
 *    the method's order and consumed from the front (agents are only ever taken, never given back), and a requirement
 *    nobody can meet is remembered as exhausted, so the calls behind it cost one map lookup each;
 *  - the decision stops as soon as every free agent has an offer.
 */
import type { Offer, RoutingAgent, RoutingDecision, RoutingInput, SkillLevels, WaitingCall } from './call-queue.types';
import {
  compareCalls,
  compareIdle,
  compareListOrder,
  effectiveRequirement,
  isAfterCursor,
  isFreeAgent,
  meetsRequirement,
  proficiency,
  roundRobinCursor,
  staticAgentOrder,
  usesPresence,
} from './eligibility.rules';

export { decideOffersNaive } from './naive-routing-engine';

interface Candidates {
  /** Indexes into the free-agent array: the method's order (round robin: list order). */
  list: number[];
  /** Every entry before `pos` is taken (static orders only). */
  pos: number;
  /** No untaken candidate is left: later calls with this requirement are skipped. */
  exhausted: boolean;
}

/** An unambiguous key for a requirement (skills sorted, names length-prefixed). */
export function requirementKey(requirement: SkillLevels): string {
  const skills = Object.keys(requirement);
  if (skills.length === 0) return '';
  if (skills.length > 1) skills.sort();
  let key = '';
  for (const s of skills) key += `${s.length}:${s}=${requirement[s]};`;
  return key;
}

export function decideOffers(input: RoutingInput): RoutingDecision {
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

  let bySkill: Map<string, number[]> | null = null;
  const skillIndex = (): Map<string, number[]> => {
    if (bySkill) return bySkill;
    bySkill = new Map();
    for (let f = 0; f < free.length; f++) {
      for (const s in free[f].skills) {
        const l = bySkill.get(s);
        if (l) l.push(f);
        else bySkill.set(s, [f]);
      }
    }
    return bySkill;
  };

  const buildCandidates = (requirement: SkillLevels): number[] => {
    let source: number[] | null = null;
    const skills = Object.keys(requirement);
    if (skills.length > 0) {
      const index = skillIndex();
      for (const s of skills) {
        const l = index.get(s);
        if (!l) return [];
        if (source === null || l.length < source.length) source = l;
      }
    }
    const list: number[] = [];
    if (source === null) {
      for (let f = 0; f < free.length; f++) if (!taken[f]) list.push(f);
    } else {
      for (const f of source) if (!taken[f] && meetsRequirement(free[f], requirement)) list.push(f);
    }
    if (method === 'skillsBased') {
      const score = new Map<number, number>();
      for (const f of list) score.set(f, proficiency(free[f], requirement));
      list.sort((a, b) => score.get(b)! - score.get(a)! || compareIdle(free[a], free[b]));
    } else if (method === 'roundRobin') {
      list.sort((a, b) => compareListOrder(free[a], free[b]));
    } else {
      const order = staticAgentOrder(method, requirement);
      list.sort((a, b) => order(free[a], free[b]));
    }
    return list;
  };

  const byRequirement = new Map<string, Candidates>();
  let cursor = method === 'roundRobin' ? roundRobinCursor(input.agents) : null;

  for (const bucket of buckets) {
    if (bucket.length > 1) bucket.sort(compareCalls);
    for (const call of bucket) {
      if (remaining === 0) return { offers };
      const requirement = effectiveRequirement(call, config, now);
      const key = requirementKey(requirement);
      let c = byRequirement.get(key);
      if (!c) {
        c = { list: buildCandidates(requirement), pos: 0, exhausted: false };
        byRequirement.set(key, c);
      }
      if (c.exhausted) continue;
      const missed = call.missedByAgentIds?.length ? new Set(call.missedByAgentIds) : null;
      const list = c.list;

      if (method === 'roundRobin') {
        // The after-cursor agents are a suffix of the list-ordered candidates: find it, scan it, then wrap.
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (isAfterCursor(free[list[mid]], cursor)) hi = mid;
          else lo = mid + 1;
        }
        let first = -1;
        let firstFresh = -1;
        for (let k = 0; k < list.length; k++) {
          const f = list[(lo + k) % list.length];
          if (taken[f]) continue;
          if (first < 0) first = f;
          if (!missed || !missed.has(free[f].id)) {
            firstFresh = f;
            break;
          }
        }
        if (first < 0) {
          c.exhausted = true;
          continue;
        }
        const pick = firstFresh >= 0 ? firstFresh : first;
        take(pick, call.callId);
        cursor = free[pick];
        continue;
      }

      while (c.pos < list.length && taken[list[c.pos]]) c.pos++;
      if (c.pos === list.length) {
        c.exhausted = true;
        continue;
      }
      if (method === 'attendant') {
        const untaken: number[] = [];
        for (let k = c.pos; k < list.length; k++) if (!taken[list[k]]) untaken.push(list[k]);
        const fresh = missed ? untaken.filter((f) => !missed.has(free[f].id)) : untaken;
        for (const f of fresh.length > 0 ? fresh : untaken) take(f, call.callId);
        continue;
      }
      let pick = list[c.pos];
      if (missed) {
        for (let k = c.pos; k < list.length; k++) {
          const f = list[k];
          if (!taken[f] && !missed.has(free[f].id)) {
            pick = f;
            break;
          }
        }
      }
      take(pick, call.callId);
    }
  }
  return { offers };
}
