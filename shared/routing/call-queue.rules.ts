/**
 * The call queue's own rules the router applies around the engine: no-agent, overflow at arrival, timeout deadline,
 * auto opt-out after missed offers, and when a waiting call's skill requirement next relaxes.
 */
import type { CallQueueRoutingConfig, RoutingAgent, WaitingCall } from './call-queue.types';

/**
 * noAgentAction applies when nobody is opted in and signed in (state other than offline). Busy, away or wrap-up
 * agents count as present: calls wait for them.
 */
export function noAgentActionApplies(agents: readonly Pick<RoutingAgent, 'optedIn' | 'state'>[]): boolean {
  return !agents.some((a) => a.optedIn && a.state !== 'offline');
}

/**
 * Overflow is checked once, when a call arrives: it overflows when `maxCalls` calls already wait (so maxCalls 0
 * overflows every call). `waitingCalls` counts the calls waiting before this one, not connected ones.
 */
export function overflowsAtArrival(config: Pick<CallQueueRoutingConfig, 'maxCalls'>, waitingCalls: number): boolean {
  return waitingCalls >= config.maxCalls;
}

/**
 * When a waiting call times out: exactly `maxWaitS` after it entered this call queue (Teams only checks when an
 * agent's alert ends, so its real wait can exceed the setting by up to the alert time; ours does not).
 */
export function timeoutDeadline(
  config: Pick<CallQueueRoutingConfig, 'maxWaitS'>,
  call: Pick<WaitingCall, 'arrivedAt' | 'enqueuedAt'>,
): number {
  return (call.enqueuedAt ?? call.arrivedAt) + config.maxWaitS * 1000;
}

export function hasTimedOut(
  config: Pick<CallQueueRoutingConfig, 'maxWaitS'>,
  call: Pick<WaitingCall, 'arrivedAt' | 'enqueuedAt'>,
  now: number,
): boolean {
  return now >= timeoutDeadline(config, call);
}

/**
 * After an agent's `missedOffers`-th missed offer in a row (the count after the miss): true when the agent must be
 * opted out of this call queue. Never when the call queue sets no `missedOffersBeforeOptOut`.
 */
export function optOutAfterMissedOffers(
  config: Pick<CallQueueRoutingConfig, 'missedOffersBeforeOptOut'>,
  missedOffers: number,
): boolean {
  const limit = config.missedOffersBeforeOptOut;
  return limit !== undefined && limit > 0 && missedOffers >= limit;
}

/**
 * The next moment after `now` when a relaxation step starts to apply to this call (the router should decide again
 * then), or null when no step is left.
 */
export function nextRelaxationAt(
  config: Pick<CallQueueRoutingConfig, 'relaxation'>,
  call: Pick<WaitingCall, 'arrivedAt' | 'enqueuedAt'>,
  now: number,
): number | null {
  const start = call.enqueuedAt ?? call.arrivedAt;
  let next: number | null = null;
  for (const step of config.relaxation ?? []) {
    const at = start + step.afterS * 1000;
    if (at > now && (next === null || at < next)) next = at;
  }
  return next;
}

/**
 * Each agent's position in the call queue's list (serial and round-robin order), keyed by lower-cased UPN: the
 * entry's `order` when given, else its place in the list; ties keep list order. Feeds `RoutingAgent.order`.
 */
export function agentListOrder(config: Pick<CallQueueRoutingConfig, 'agents'>): Map<string, number> {
  const ranked = config.agents
    .map((a, i) => ({ upn: a.userPrincipalName.toLowerCase(), key: a.order ?? i, i }))
    .sort((x, y) => x.key - y.key || x.i - y.i);
  return new Map(ranked.map((r, position) => [r.upn, position]));
}
