// The contact-center API's shapes as the portal reads them (docs/api.md, issues 13 and 15), and small helpers.
import type { AgentLiveState } from '../../shared/domain/agent';
import type { AgentView } from '../../shared/domain/agent-view';
import type { CallLogKind } from '../../shared/domain/call-log';
import type {
  CallQueueAction,
  CallQueueActionKind,
  CallQueueAgentEntry,
  CallQueueBody,
  RoutingMethod,
} from '../../shared/domain/callqueue-body';
import type { ListsAll } from './lists';

export type { AgentLiveState, CallLogKind };

export type { RoutingMethod, CallQueueAction };
export const ROUTING_METHODS = [
  'attendant',
  'serial',
  'roundRobin',
  'longestIdle',
  'skillsBased',
] as const satisfies readonly RoutingMethod[];
const everyRoutingMethod: ListsAll<RoutingMethod, typeof ROUTING_METHODS> = true;
export const ROUTING_LABELS: Record<RoutingMethod, string> = {
  attendant: 'Attendant (ring everyone)',
  serial: 'Serial (in list order)',
  roundRobin: 'Round robin',
  longestIdle: 'Longest idle',
  skillsBased: 'Skills-based (best match)',
};

export type ActionKind = CallQueueActionKind;
export const ACTION_KINDS = ['disconnect', 'callQueue', 'user', 'number'] as const satisfies readonly ActionKind[];
const everyActionKind: ListsAll<ActionKind, typeof ACTION_KINDS> = true;
void everyRoutingMethod;
void everyActionKind;
export const ACTION_LABELS: Record<ActionKind, string> = {
  disconnect: 'Disconnect',
  callQueue: 'Another call queue',
  user: 'A person (UPN)',
  number: 'A phone number',
};

export interface CallQueueAgent extends CallQueueAgentEntry {
  agentId?: string;
}

/**
 * The call queue body of `PUT …/callQueues/{queueId}` (shared/domain, the type the API's schema is checked against)
 * and what GET adds (ids, times, the agents' object ids).
 */
export type CallQueue = Omit<CallQueueBody, 'agents'> & {
  queueId?: string;
  agents: CallQueueAgent[];
  updatedAt?: string;
  /** What else GET shows (`tenantId`, later settings): sent back as it was read. */
  tenantId?: string;
};

/** Teams' defaults, as the API applies them (a unit test checks them against the API's schema). */
export function newCallQueue(): CallQueue {
  return {
    name: '',
    routingMethod: 'attendant',
    presenceBasedRouting: true,
    agentAlertTimeS: 30,
    wrapUpS: 0,
    maxCalls: 50,
    maxWaitS: 1200,
    overflowAction: { kind: 'disconnect' },
    timeoutAction: { kind: 'disconnect' },
    noAgentAction: { kind: 'disconnect' },
    serviceLevelThresholdS: 20,
    agents: [],
  };
}

/** An agent as `GET …/agents` shows it (state joined with Teams presence, current call, call queues served). */
export type { AgentView };

export const AGENT_STATES: AgentLiveState[] = ['available', 'offered', 'busy', 'wrapUp', 'away', 'offline'];
export const STATE_LABELS: Record<AgentLiveState, string> = {
  available: 'Available',
  offered: 'Offered',
  busy: 'Busy',
  wrapUp: 'Wrap-up',
  away: 'Away',
  offline: 'Offline',
};

export interface LiveCall {
  callId: string;
  phase: string;
  callQueueId?: string;
  arrivedAt?: number | string;
  answeredAt?: number | string;
  connectedAt?: number | string;
  endedAt?: number | string;
  agentId?: string;
  callerPhone?: string;
  position?: number;
  waitS?: number;
  outcome?: string;
}

export interface CallEvent {
  seq?: number;
  kind: CallLogKind | string;
  at: number | string;
  callQueueId?: string;
  agentId?: string;
  waitMs?: number;
  outcome?: string;
  detail?: string;
  [k: string]: unknown;
}

export interface CallStory extends LiveCall {
  events: CallEvent[];
}

/** A list answer: `{items}` (agents, calls) or `{value}` (endpoints), or a bare array. */
export function itemsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  const b = body as { items?: T[]; value?: T[] } | undefined;
  return b?.items ?? b?.value ?? [];
}

export function epochMs(v: number | string | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(n) ? n : undefined;
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export const enc = encodeURIComponent;

/** A time as a datetime-local input shows it (local time, to the minute). */
export const localInput = (ms: number) =>
  new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
