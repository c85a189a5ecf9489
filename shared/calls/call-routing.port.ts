/**
 * What the call side needs from other capabilities, filled by functions/composition-root.ts: the endpoints a call
 * may arrive on (provisioning owns them), and the routing of a call queue (the call queue capability and the pure
 * engine). shared/calls never imports those capabilities.
 */
import type { CallRecord } from './call.record';
import type { CallTimerMessage } from './call-events.queue';

import type { CallMenuStep } from './call.record';

/** The endpoint a call arrived on, as far as routing cares. */
export interface CallEndpoint {
  userPrincipalName: string;
  /** Provisioned, Provisioning, Failed, … (only Provisioned endpoints answer). */
  status: string;
  /** The call queue the endpoint is bound to (absent: none). */
  callQueueId?: string;
  /** The menu callers hear first (wins over callQueueId). */
  menuId?: string;
}

export interface CallEndpointDirectory {
  /** Whether we serve this tenant: it has endpoints (or is listed in CALLS_TENANTS). */
  servesTenant(tenantId: string): Promise<boolean>;
  /** The endpoint whose resource account (application instance) object id this is. */
  findByApplicationInstance(tenantId: string, objectId: string): Promise<CallEndpoint | undefined>;
}

/**
 * Routes a call queue: decides the offers for its waiting calls and makes them (claiming each agent first). Called
 * after every change of a call in that call queue, and by the router's timers. Absent: calls wait, unrouted.
 */
export interface CallQueueRouter {
  route(tenantId: string, callQueueId: string, now: number): Promise<void>;
  /** Routes the call's call queue and every call queue the freed agents serve. */
  routeAfterChange(
    tenantId: string,
    callQueueId: string | undefined,
    freedAgentIds: readonly string[],
    now: number,
  ): Promise<void>;
  /** A call entered a call queue: overflow, no agent, or its max wait armed. True when the call was sent away. */
  callEnqueued(tenantId: string, record: CallRecord, now: number): Promise<boolean>;
  /** Reads every agent's presence now and routes every call queue of the tenant; the agents whose presence changed. */
  presenceSweep(tenantId: string, now: number): Promise<string[]>;
  /**
   * These agents' presence changed (a change notification): reads it now and routes the call queues they serve,
   * offers marked with `trigger`; the agents whose availability changed.
   */
  presenceChanged(tenantId: string, agentIds: readonly string[], now: number, trigger: string): Promise<string[]>;
  /** A call's max-wait timer fired. */
  maxWaitDue(message: CallTimerMessage): Promise<'applied' | 'stale' | 'rearmed'>;
  /** A call has ended, connected, or lost its offer: free or settle the agents it held. */
  callChanged(tenantId: string, change: CallAgentChange): Promise<void>;
}

/** What happened to a call's agent in a transition. */
export interface CallAgentChange {
  callId: string;
  callQueueId?: string;
  /** The offer's agent, with what became of it. */
  agentId: string;
  offerId?: string;
  result: 'connected' | 'missed' | 'declined' | 'cancelled' | 'ended';
  at: number;
}

/** What a caller in a menu did (call-menu-flow.ts). */
export type CallMenuEvent =
  | { kind: 'enter' }
  | { kind: 'tone'; tone: string }
  | { kind: 'promptDone' }
  | { kind: 'timeout' }
  /** A self-service's digits are collected and its request claimed: make the request. */
  | { kind: 'post' };

/**
 * The menus, as the call side needs them (filled from shared/menus by the composition root): the next step of a
 * caller in `menuId`, given the menu state kept on the call and an event.
 */
export interface CallMenus {
  step(
    tenantId: string,
    q: {
      menuId: string;
      state: unknown;
      event: CallMenuEvent;
      at: number;
      callbackUri?: string;
      /** Self-service's request: who calls, and the request's idempotency key (the same for every attempt). */
      call?: { callId: string; from?: string; requestId?: string };
    },
  ): Promise<Omit<CallMenuStep, 'fromVisit' | 'usedTone' | 'handledPrompt'> & { waitInputS?: number }>;
}
