/**
 * The routing view of a call queue, its agents and its waiting calls: what the pure engine reads. Field names of
 * {@link CallQueueRoutingConfig} are those of the call queue API (issue 13, item 3); a request schema produces this type.
 * Times are milliseconds since the epoch (numbers), durations in the config are seconds, as the API has them.
 */

export {
  ROUTING_METHODS,
  CALL_QUEUE_ACTION_KINDS,
  MIN_SKILL_LEVEL,
  MAX_SKILL_LEVEL,
  CALL_QUEUE_DEFAULTS,
  type RoutingMethod,
  type CallQueueActionKind,
  type CallQueueAction,
  type SkillLevels,
  type RelaxationStep,
  type CallQueueAgentEntry,
} from '../domain/callqueue-body';
import type { CallQueueBody, SkillLevels } from '../domain/callqueue-body';

/** A call queue's routing configuration: the call queue API's body (shared/domain) less what only callers hear. */
export type CallQueueRoutingConfig = Omit<CallQueueBody, 'announcements'>;

/** Call priority as Teams has it: 1 very high … 5 very low; 3 by default. */
export type CallPriority = 1 | 2 | 3 | 4 | 5;
export const DEFAULT_CALL_PRIORITY: CallPriority = 3;

/** An agent's routing state (the contact center's own, not Teams presence). */
export const AGENT_STATES = ['available', 'offered', 'busy', 'wrapUp', 'away', 'offline'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Microsoft Graph presence `availability` values. */
export const PRESENCE_AVAILABILITIES = [
  'Available',
  'AvailableIdle',
  'Away',
  'BeRightBack',
  'Busy',
  'BusyIdle',
  'DoNotDisturb',
  'Offline',
  'PresenceUnknown',
] as const;
export type PresenceAvailability = (typeof PRESENCE_AVAILABILITIES)[number];

/** One agent as the engine sees it for one call queue. */
export interface RoutingAgent {
  /** Stable id (object id or lower-cased UPN): tie-breaker of last resort, so decisions are deterministic. */
  id: string;
  state: AgentState;
  presence: PresenceAvailability;
  skills: SkillLevels;
  /** Opted in to this call queue (agents opt out per call queue). */
  optedIn: boolean;
  /** When the agent last became available (end of wrap-up, return from away, sign-in): longest idle orders by it. */
  idleSince: number;
  /** When this call queue last offered the agent a call (round robin continues after that agent). */
  lastOfferedAt?: number;
  /** Offers missed in a row (reset by an answered offer). */
  missedOffers: number;
  /** Position in the call queue's agent list (serial and round-robin order): `order`, else the list index. */
  order: number;
}

/** One call waiting in a call queue. */
export interface WaitingCall {
  callId: string;
  priority: CallPriority;
  /** Original arrival in the contact center: FIFO order within a priority, kept when moved between call queues. */
  arrivedAt: number;
  /** When the call entered this call queue (relaxation and maxWaitS are measured from it); absent: arrivedAt. */
  enqueuedAt?: number;
  /** The call's own requirement (e.g. from a menu choice); absent: the call queue's `requiredSkills`. */
  requiredSkills?: SkillLevels;
  /** Agents with a live (ringing) offer of this call; a call with one is not offered again. */
  liveOfferAgentIds?: readonly string[];
  /** Agents who missed or declined this call: others are preferred until every eligible free agent has missed it. */
  missedByAgentIds?: readonly string[];
}

/** One offer to make now: ring `agentId` with `callId` until `alertUntil`. */
export interface Offer {
  callId: string;
  agentId: string;
  alertUntil: number;
}

/** Everything one routing decision reads. */
export interface RoutingInput {
  config: Pick<
    CallQueueRoutingConfig,
    'routingMethod' | 'presenceBasedRouting' | 'agentAlertTimeS' | 'requiredSkills' | 'relaxation'
  >;
  calls: readonly WaitingCall[];
  agents: readonly RoutingAgent[];
  now: number;
}

/** What a routing decision returns: offers in the order they were decided (call order, then agent choice). */
export interface RoutingDecision {
  offers: Offer[];
}
