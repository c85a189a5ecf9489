/**
 * An agent's routing state as a pure transition function: available → offered → busy (answered) or back to
 * available (missed / cancelled) → wrapUp(wrapUpS) → available; away and offline beside. An impossible transition
 * (answering an offer that is not ringing, ending a call the agent is not on, ending wrap-up early …) is refused
 * with a reason, never forced: a late or duplicated notification then changes nothing.
 */
import type { AgentState } from './call-queue.types';

export interface AgentRoutingState {
  state: AgentState;
  /** When the agent entered `state`. */
  since: number;
  /** The call the agent is offered, on, or wrapping up. */
  callId?: string;
  /** End of wrap-up (state wrapUp). */
  wrapUpUntil?: number;
  /** When the agent last became available (longest idle). */
  idleSince: number;
  /** Offers missed in a row; an answered offer resets it. */
  missedOffers: number;
  lastOfferedAt?: number;
}

export type AgentEvent =
  /** The router offers a call (rings the agent). */
  | { type: 'offer'; callId: string; at: number }
  /** The agent answered the ringing offer. */
  | { type: 'answer'; callId: string; at: number }
  /** The offer rang out (agentAlertTimeS) or the agent declined it: counts as missed. */
  | { type: 'miss'; callId: string; at: number }
  /** The offer was withdrawn without the agent's fault (caller hung up, another agent answered first): not missed. */
  | { type: 'offerCancelled'; callId: string; at: number }
  /** The agent's call ended: wrap-up for `wrapUpS` (the call queue's), or available at once. */
  | { type: 'callEnded'; callId: string; at: number; wrapUpS: number }
  | { type: 'wrapUpEnded'; at: number }
  | { type: 'away'; at: number }
  | { type: 'back'; at: number }
  | { type: 'signOut'; at: number }
  | { type: 'signIn'; at: number };

export type AgentTransition = { ok: true; agent: AgentRoutingState } | { ok: false; reason: string };

/** A newly signed-in agent. */
export function signedInAgent(at: number): AgentRoutingState {
  return {
    state: 'available',
    since: at,
    callId: undefined,
    wrapUpUntil: undefined,
    idleSince: at,
    missedOffers: 0,
    lastOfferedAt: undefined,
  };
}

function refuse(agent: AgentRoutingState, event: AgentEvent, why?: string): AgentTransition {
  const call = 'callId' in event ? ` (call ${event.callId})` : '';
  const on = agent.callId ? ` on call ${agent.callId}` : '';
  return { ok: false, reason: `cannot ${event.type}${call}: agent is ${agent.state}${on}${why ? `; ${why}` : ''}` };
}

/** Every state is built with all fields in one order: one object shape, cheap for the engine's hot loops. */
function make(
  agent: AgentRoutingState,
  state: AgentRoutingState['state'],
  since: number,
  change: Partial<Pick<AgentRoutingState, 'callId' | 'wrapUpUntil' | 'idleSince' | 'missedOffers' | 'lastOfferedAt'>>,
): AgentRoutingState {
  const keepCall = state === 'offered' || state === 'busy' || state === 'wrapUp';
  return {
    state,
    since,
    callId: 'callId' in change ? change.callId : keepCall ? agent.callId : undefined,
    wrapUpUntil: state === 'wrapUp' ? (change.wrapUpUntil ?? agent.wrapUpUntil) : undefined,
    idleSince: change.idleSince ?? agent.idleSince,
    missedOffers: change.missedOffers ?? agent.missedOffers,
    lastOfferedAt: change.lastOfferedAt ?? agent.lastOfferedAt,
  };
}

export function transitionAgent(agent: AgentRoutingState, event: AgentEvent): AgentTransition {
  const at = event.at;
  if (at < agent.since) return refuse(agent, event, 'event older than the current state');
  const sameCall = 'callId' in event && agent.callId === event.callId;
  switch (event.type) {
    case 'offer':
      if (agent.state !== 'available') return refuse(agent, event);
      return { ok: true, agent: make(agent, 'offered', at, { callId: event.callId, lastOfferedAt: at }) };
    case 'answer':
      if (agent.state !== 'offered' || !sameCall) return refuse(agent, event);
      return { ok: true, agent: make(agent, 'busy', at, { missedOffers: 0 }) };
    case 'miss':
      if (agent.state !== 'offered' || !sameCall) return refuse(agent, event);
      // The agent did no work: they keep their place in the longest-idle order.
      return { ok: true, agent: make(agent, 'available', at, { missedOffers: agent.missedOffers + 1 }) };
    case 'offerCancelled':
      if (agent.state !== 'offered' || !sameCall) return refuse(agent, event);
      return { ok: true, agent: make(agent, 'available', at, {}) };
    case 'callEnded':
      if (agent.state !== 'busy' || !sameCall) return refuse(agent, event);
      if (event.wrapUpS > 0) {
        return { ok: true, agent: make(agent, 'wrapUp', at, { wrapUpUntil: at + event.wrapUpS * 1000 }) };
      }
      return { ok: true, agent: make(agent, 'available', at, { idleSince: at }) };
    case 'wrapUpEnded':
      if (agent.state !== 'wrapUp') return refuse(agent, event);
      if (at < agent.wrapUpUntil!) return refuse(agent, event, `wrap-up lasts until ${agent.wrapUpUntil}`);
      return { ok: true, agent: make(agent, 'available', at, { idleSince: at }) };
    case 'away':
      if (agent.state !== 'available' && agent.state !== 'wrapUp') return refuse(agent, event);
      return { ok: true, agent: make(agent, 'away', at, {}) };
    case 'back':
      if (agent.state !== 'away') return refuse(agent, event);
      return { ok: true, agent: make(agent, 'available', at, { idleSince: at }) };
    case 'signOut':
      if (agent.state === 'offered' || agent.state === 'busy' || agent.state === 'offline') {
        return refuse(agent, event);
      }
      return { ok: true, agent: make(agent, 'offline', at, {}) };
    case 'signIn':
      if (agent.state !== 'offline') return refuse(agent, event);
      return { ok: true, agent: make(agent, 'available', at, { idleSince: at }) };
  }
}
