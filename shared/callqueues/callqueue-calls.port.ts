/**
 * What the call queue capability needs from the calls side, filled by functions/composition-root.ts (shared/callqueues
 * never imports shared/calls): the live calls of a call queue, Teams presence, and a routing pass on demand.
 */

/** A call that has not ended, as far as deleting its call queue cares. */
export interface ActiveCallRef {
  callId: string;
  /** arrived | answered | queued | offered | connected */
  phase: string;
}

export interface CallQueueCalls {
  /** The calls of this call queue that have not ended. */
  activeCalls(tenantId: string, queueId: string): Promise<ActiveCallRef[]>;
}

export interface CallQueueRoutingTrigger {
  /** Asks the router for a routing pass of the call queue soon (a message the call-events trigger handles). */
  routingPass(tenantId: string, queueId: string, reason: string): Promise<void>;
}

export interface AgentPresenceReader {
  /** Teams availability by agent object id (`PresenceUnknown` when not known). */
  presence(tenantId: string, agentIds: readonly string[]): Promise<Map<string, string>>;
}

export interface CallerLookup {
  /** The caller's phone number of a call (undefined: unknown call, or a caller from inside the tenant). */
  callerOf(tenantId: string, callId: string): Promise<string | undefined>;
}
