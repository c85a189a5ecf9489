/**
 * The call queue API's body (`PUT|GET …/callQueues/{queueId}`, docs/api.md, issue 13 item 3) as plain types and the
 * fixed lists and defaults: shared by the routing engine (shared/routing reads it as its configuration), the API's
 * schema (shared/callqueues checks its zod schema against {@link CallQueueBody}) and the portal.
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

/** The call queue API's body as stored, defaults applied ({@link CALL_QUEUE_DEFAULTS}). */
export interface CallQueueBody {
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
  /** "You are caller number 3; your expected wait is about 4 minutes", every `everyS` (issue 14 item 4). */
  announcements?: { positionAndWait: boolean; everyS: number; firstAfterS: number };
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
} as const satisfies Partial<CallQueueBody>;
