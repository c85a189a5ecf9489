/**
 * The routing engine as its specification reads: for each waiting call in order, scan every agent. O(calls × agents ×
 * skills) per decision. It is the baseline the fast engine is benchmarked against and property-tested equal to.
 */
import type { Offer, RoutingAgent, RoutingDecision, RoutingInput } from './call-queue.types';
import {
  compareCalls,
  compareRoundRobin,
  effectiveRequirement,
  isFreeAgent,
  meetsRequirement,
  roundRobinCursor,
  staticAgentOrder,
  usesPresence,
} from './eligibility.rules';

export function decideOffersNaive(input: RoutingInput): RoutingDecision {
  const { config, now } = input;
  const method = config.routingMethod;
  const presence = usesPresence(config);
  const alertUntil = now + config.agentAlertTimeS * 1000;
  // An agent already ringing for some call is never offered another, whatever its recorded state says.
  const ringing = new Set<string>();
  for (const c of input.calls) for (const id of c.liveOfferAgentIds ?? []) ringing.add(id);
  const taken = new Set<string>();
  let cursor = method === 'roundRobin' ? roundRobinCursor(input.agents) : null;
  const calls = input.calls.filter((c) => !c.liveOfferAgentIds?.length).sort(compareCalls);
  const offers: Offer[] = [];
  for (const call of calls) {
    const requirement = effectiveRequirement(call, config, now);
    const eligible = input.agents.filter(
      (a) => !taken.has(a.id) && !ringing.has(a.id) && isFreeAgent(a, presence) && meetsRequirement(a, requirement),
    );
    if (eligible.length === 0) continue;
    const missed = new Set(call.missedByAgentIds ?? []);
    const fresh = eligible.filter((a) => !missed.has(a.id));
    const pool = fresh.length > 0 ? fresh : eligible;
    const order = method === 'roundRobin' ? compareRoundRobin(cursor) : staticAgentOrder(method, requirement);
    const sorted = [...pool].sort(order);
    const chosen: RoutingAgent[] = method === 'attendant' ? sorted : [sorted[0]];
    for (const agent of chosen) {
      taken.add(agent.id);
      offers.push({ callId: call.callId, agentId: agent.id, alertUntil });
    }
    if (method === 'roundRobin') cursor = chosen[0];
  }
  return { offers };
}
