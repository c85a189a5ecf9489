/**
 * Who may be offered what: the rules both routing engines (fast and naive) share, so they differ only in how they
 * search, never in what they decide.
 */
import type {
  CallQueueRoutingConfig,
  PresenceAvailability,
  RelaxationStep,
  RoutingAgent,
  RoutingMethod,
  SkillLevels,
  WaitingCall,
} from './call-queue.types';
import { MIN_SKILL_LEVEL } from './call-queue.types';

/**
 * Presences that count as Available under presence-based routing. Teams routes to "Available" only; Graph also
 * reports `AvailableIdle` — the agent's status is Available and only the keyboard is idle, which is exactly an agent
 * waiting for a call. Excluding it would starve the longest-idle agents, so it counts as Available here.
 */
export const ROUTABLE_PRESENCES: ReadonlySet<PresenceAvailability> = new Set(['Available', 'AvailableIdle']);

/** Longest idle implies presence-based routing (as in Teams), whatever the flag says. */
export function usesPresence(config: Pick<CallQueueRoutingConfig, 'routingMethod' | 'presenceBasedRouting'>): boolean {
  return config.presenceBasedRouting || config.routingMethod === 'longestIdle';
}

/**
 * An agent who may take an offer from this call queue now, whatever the call: opted in, in state `available` (not
 * offered, busy, in wrap-up, away or offline) and, with presence-based routing, Available in Teams.
 */
export function isFreeAgent(agent: RoutingAgent, presenceRequired: boolean): boolean {
  return agent.state === 'available' && agent.optedIn && (!presenceRequired || ROUTABLE_PRESENCES.has(agent.presence));
}

/** A call's requirement before relaxation: its own, else the call queue's, else none. */
export function baseRequirement(call: WaitingCall, queueRequirement: SkillLevels | undefined): SkillLevels {
  return call.requiredSkills ?? queueRequirement ?? {};
}

/**
 * The requirement in force for `call` at `now`: the base requirement loosened by every relaxation step its wait (in
 * this call queue) has reached. Steps accumulate — each skill's minimum is the lowest any reached step gives it — so
 * a requirement only ever loosens as the wait grows, whatever order the steps are listed in.
 */
export function effectiveRequirement(
  call: WaitingCall,
  config: Pick<CallQueueRoutingConfig, 'requiredSkills' | 'relaxation'>,
  now: number,
): SkillLevels {
  const base = baseRequirement(call, config.requiredSkills);
  const steps = config.relaxation;
  if (!steps || steps.length === 0) return base;
  const waitedMs = now - (call.enqueuedAt ?? call.arrivedAt);
  let reached: RelaxationStep[] | null = null;
  for (const s of steps) if (s.afterS * 1000 <= waitedMs) (reached ??= []).push(s);
  if (!reached) return base;
  const out: SkillLevels = {};
  for (const skill of Object.keys(base)) {
    let min = base[skill];
    for (const step of reached) {
      const fixed = step.levels?.[skill];
      const level = fixed !== undefined ? fixed : Math.max(MIN_SKILL_LEVEL, base[skill] - (step.minLevelDelta ?? 0));
      if (level < min) min = level;
    }
    if (min > 0) out[skill] = min;
  }
  return out;
}

/**
 * `meetsRequirement(agent, effectiveRequirement(call, config, now))` without building the requirement: the engine
 * asks it of every call while few agents are free, so it allocates nothing.
 */
export function meetsEffectiveRequirement(
  agent: RoutingAgent,
  call: WaitingCall,
  config: Pick<CallQueueRoutingConfig, 'requiredSkills' | 'relaxation'>,
  now: number,
): boolean {
  const base = baseRequirement(call, config.requiredSkills);
  const steps = config.relaxation;
  const waitedMs = steps && steps.length > 0 ? now - (call.enqueuedAt ?? call.arrivedAt) : 0;
  for (const skill in base) {
    let min = base[skill];
    let relaxed = false;
    if (steps) {
      for (const step of steps) {
        if (step.afterS * 1000 > waitedMs) continue;
        relaxed = true;
        const fixed = step.levels?.[skill];
        const level = fixed !== undefined ? fixed : Math.max(MIN_SKILL_LEVEL, base[skill] - (step.minLevelDelta ?? 0));
        if (level < min) min = level;
      }
    }
    if (relaxed && min <= 0) continue; // dropped by a step, as effectiveRequirement drops it
    const have = agent.skills[skill];
    if (have === undefined || have < min) return false;
  }
  return true;
}

/** The agent holds every required skill at or above its minimum level. */
export function meetsRequirement(agent: RoutingAgent, requirement: SkillLevels): boolean {
  for (const skill in requirement) {
    const level = agent.skills[skill];
    if (level === undefined || level < requirement[skill]) return false;
  }
  return true;
}

/** Skills-based score: the agent's total proficiency over the required skills (higher is better). */
export function proficiency(agent: RoutingAgent, requirement: SkillLevels): number {
  let total = 0;
  for (const skill in requirement) total += agent.skills[skill] ?? 0;
  return total;
}

/** Call order: priority (1 first), then original arrival, then call id (determinism). */
export function compareCalls(a: WaitingCall, b: WaitingCall): number {
  return (
    a.priority - b.priority || a.arrivedAt - b.arrivedAt || (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0)
  );
}

function compareIds(a: RoutingAgent, b: RoutingAgent): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** List order (serial): `order`, then id. */
export function compareListOrder(a: RoutingAgent, b: RoutingAgent): number {
  return a.order - b.order || compareIds(a, b);
}

/** Longest idle first, then list order. */
export function compareIdle(a: RoutingAgent, b: RoutingAgent): number {
  return a.idleSince - b.idleSince || compareListOrder(a, b);
}

/**
 * Round robin continues after the agent this call queue offered last: the cursor is that agent (greatest
 * `lastOfferedAt`, ties to the later list position); null when nobody was ever offered (start at the top).
 */
export function roundRobinCursor(agents: readonly RoutingAgent[]): RoutingAgent | null {
  let cursor: RoutingAgent | null = null;
  for (const a of agents) {
    if (a.lastOfferedAt === undefined) continue;
    if (
      cursor === null ||
      a.lastOfferedAt > cursor.lastOfferedAt! ||
      (a.lastOfferedAt === cursor.lastOfferedAt && compareListOrder(a, cursor) > 0)
    ) {
      cursor = a;
    }
  }
  return cursor;
}

/** True when `a` comes strictly after the cursor agent in list order. */
export function isAfterCursor(a: RoutingAgent, cursor: RoutingAgent | null): boolean {
  return cursor !== null && compareListOrder(a, cursor) > 0;
}

/** Round-robin order relative to a cursor: agents after the cursor in list order first, then the rest (wrap). */
export function compareRoundRobin(cursor: RoutingAgent | null) {
  return (a: RoutingAgent, b: RoutingAgent): number => {
    const aa = isAfterCursor(a, cursor) ? 0 : 1;
    const bb = isAfterCursor(b, cursor) ? 0 : 1;
    return aa - bb || compareListOrder(a, b);
  };
}

/** Skills-based order for one requirement: best total proficiency, then longest idle, then list order. */
export function compareSkills(requirement: SkillLevels) {
  return (a: RoutingAgent, b: RoutingAgent): number =>
    proficiency(b, requirement) - proficiency(a, requirement) || compareIdle(a, b);
}

/** The per-method agent order for methods whose order does not depend on the decision so far. */
export function staticAgentOrder(
  method: Exclude<RoutingMethod, 'roundRobin'>,
  requirement: SkillLevels,
): (a: RoutingAgent, b: RoutingAgent) => number {
  switch (method) {
    case 'skillsBased':
      return compareSkills(requirement);
    case 'longestIdle':
      return compareIdle;
    case 'serial':
    case 'attendant':
      return compareListOrder;
  }
}
