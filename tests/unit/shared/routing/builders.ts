/** Small builders for routing tests: an agent or a call with sensible defaults and only the fields a test cares about. */
import type { RoutingAgent, RoutingInput, WaitingCall } from '../../../../shared/routing';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

let seq = 0;
export function agent(id: string, over: Partial<RoutingAgent> = {}): RoutingAgent {
  return {
    id,
    state: 'available',
    presence: 'Available',
    skills: {},
    optedIn: true,
    idleSince: T0,
    missedOffers: 0,
    order: seq++,
    ...over,
  };
}

export function call(callId: string, over: Partial<WaitingCall> = {}): WaitingCall {
  return { callId, priority: 3, arrivedAt: T0, ...over };
}

export function input(
  config: Partial<RoutingInput['config']>,
  calls: WaitingCall[],
  agents: RoutingAgent[],
  now = T0 + 1000,
): RoutingInput {
  return {
    config: { routingMethod: 'attendant', presenceBasedRouting: true, agentAlertTimeS: 30, ...config },
    calls,
    agents,
    now,
  };
}

/** The decision as `callId→agentId` pairs, for compact expectations. */
export function pairs(decision: { offers: { callId: string; agentId: string }[] }): string[] {
  return decision.offers.map((o) => `${o.callId}→${o.agentId}`);
}
