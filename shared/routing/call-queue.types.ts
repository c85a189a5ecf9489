/**
 * The routing view of a call queue, its agents and its waiting calls: what the pure engine reads. Field names of
 * {@link CallQueueRoutingConfig} are those of the call queue API (issue 13, item 3); a request schema produces this type.
 * Times are milliseconds since the epoch (numbers), durations in the config are seconds, as the API has them.
 */

/** How a call queue picks the agent for a call (Teams' four, plus skills-based). */
export const ROUTING_METHODS = ['attendant', 'serial', 'roundRobin', 'longestIdle', 'skillsBased'] as const;
export type RoutingMethod = (typeof ROUTING_METHODS)[number];

/** What happens to a call on overflow (maxCalls), timeout (maxWaitS) or when no agent is opted in and signed in. */
export const CALL_QUEUE_ACTION_KINDS = ['disconnect', 'callQueue', 'user', 'number'] as const;
export type CallQueueActionKind = (typeof CALL_QUEUE_ACTION_KINDS)[number];
export interface CallQueueAction {
  kind: CallQueueActionKind;
  /** Call queue id, user UPN or E.164 number; absent for `disconnect`. */
  target?: string;
}

/** Skill name → level 1 (lowest) … 5 (highest). On an agent: proficiency; in a requirement: the minimum level. */
export type SkillLevels = Record<string, number>;

export const MIN_SKILL_LEVEL = 1;
export const MAX_SKILL_LEVEL = 5;

/**
 * One relaxation step: once a call has waited `afterS` seconds in this call queue, its skill requirement loosens:
 * - `levels`: a minimum per named skill; `0` drops the skill from the requirement;
 * - `minLevelDelta`: lowers the minimum of every required skill not named in `levels` by this much, never below 1
 *   (the skill stays required: dropping it takes `levels: {skill: 0}`).
 * Steps accumulate: each skill's minimum is the lowest of its base level and of what every reached step gives it, so
 * a requirement only ever loosens as the wait grows (a step never tightens). The call keeps its place (priority,
 * original arrival) while its requirement relaxes — as ACS Job Router's worker selector expiry and Asterisk's
 * `penaltychange` do. Example: `[{afterS: 30, minLevelDelta: 1}, {afterS: 90, levels: {french: 0}}]`.
 */
export interface RelaxationStep {
  afterS: number;
  minLevelDelta?: number;
  levels?: SkillLevels;
}

/** One agent as listed on a call queue; `order` is the serial-routing position (absent: list position). */
export interface CallQueueAgentEntry {
  userPrincipalName: string;
  order?: number;
}

/** A call queue's routing configuration, as the call queue API stores it (defaults: {@link CALL_QUEUE_DEFAULTS}). */
export interface CallQueueRoutingConfig {
  name: string;
  routingMethod: RoutingMethod;
  /** Only agents whose Teams presence is Available are offered calls (always on for longestIdle, as in Teams). */
  presenceBasedRouting: boolean;
  /** How long an offer rings before it counts as missed (15–180 s). */
  agentAlertTimeS: number;
  /** After-call work before an agent is Available again (0–600 s). */
  wrapUpS: number;
  /** A call arriving when this many calls already wait overflows (0–1000; 0 = every call overflows). */
  maxCalls: number;
  /** A call waiting this long (measured exactly from when it entered the call queue) times out (0–2700 s). */
  maxWaitS: number;
  overflowAction: CallQueueAction;
  timeoutAction: CallQueueAction;
  noAgentAction: CallQueueAction;
  /** T of the service level SL(T) reported for this call queue. */
  serviceLevelThresholdS: number;
  /** Skills every call of this call queue needs, with minimum levels (a call may carry its own instead). */
  requiredSkills?: SkillLevels;
  /** Relaxation of the skill requirement as a call waits; see {@link RelaxationStep}. */
  relaxation?: RelaxationStep[];
  /** Missed offers in a row after which an agent is opted out of this call queue (absent: never). */
  missedOffersBeforeOptOut?: number;
  /** Up to 2,000 agents (Teams stops at 200). */
  agents: CallQueueAgentEntry[];
}

/** The defaults Teams' call queues have (and the API applies to absent fields). */
export const CALL_QUEUE_DEFAULTS = {
  routingMethod: 'attendant',
  presenceBasedRouting: true,
  agentAlertTimeS: 30,
  wrapUpS: 0,
  maxCalls: 50,
  maxWaitS: 1200,
  serviceLevelThresholdS: 20,
  overflowAction: { kind: 'disconnect' },
  timeoutAction: { kind: 'disconnect' },
  noAgentAction: { kind: 'disconnect' },
} as const satisfies Partial<CallQueueRoutingConfig>;

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
