/**
 * DTFx history events as the out-of-process protocol carries them (reference §2.2): PascalCase fields, numeric
 * EventType, `EventId` = sequence id for scheduling events and -1 otherwise.
 */

export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

/** DTFx OrchestrationStatus numbering (ExecutionCompleted.OrchestrationStatus). */
export enum OrchestrationStatus {
  Running = 0,
  Completed = 1,
  ContinuedAsNew = 2,
  Failed = 3,
  Canceled = 4,
  Terminated = 5,
  Pending = 6,
  Suspended = 7,
}

export type RuntimeStatus = keyof typeof OrchestrationStatus;

export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated', 'Canceled'];

export function isTerminal(status: string | undefined): boolean {
  return TERMINAL_STATUSES.includes(status as RuntimeStatus);
}

export interface OrchestrationInstanceRef {
  InstanceId: string;
  ExecutionId: string;
}

export interface ParentInstanceInfo {
  Name: string | null;
  Version: string | null;
  OrchestrationInstance: OrchestrationInstanceRef;
  TaskScheduleId: number;
}

export interface FailureDetailsPayload {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string | null;
  IsNonRetriable?: boolean;
  Properties?: Record<string, unknown> | null;
}

/**
 * One history event. Type-specific fields are optional members; `_mid` is the devhost's own bookkeeping (id of the
 * queue message the event came from, used to drop redelivered messages) and is never shown to the SDK or clients.
 */
export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  _mid?: string;
  // ExecutionStarted
  OrchestrationInstance?: OrchestrationInstanceRef;
  ParentInstance?: ParentInstanceInfo | null;
  Name?: string | null;
  Version?: string | null;
  Input?: string | null;
  // ExecutionCompleted
  OrchestrationStatus?: OrchestrationStatus;
  Result?: string | null;
  // TaskCompleted / TaskFailed / SubOrchestration*
  TaskScheduledId?: number;
  Reason?: string | null;
  Details?: string | null;
  FailureDetails?: FailureDetailsPayload | null;
  // SubOrchestrationInstanceCreated / EventSent
  InstanceId?: string;
  // TimerCreated / TimerFired
  FireAt?: string;
  TimerId?: number;
}

/** Event fields that hold nested objects (stored as JSON text in table columns). */
export const OBJECT_FIELDS = ['OrchestrationInstance', 'ParentInstance', 'FailureDetails'] as const;

export function eventTypeName(type: EventType): string {
  return EventType[type] ?? String(type);
}

export function eventTypeFromName(name: string): EventType {
  const value = (EventType as unknown as Record<string, number>)[name];
  if (typeof value !== 'number') throw new Error(`Unknown history event type "${name}"`);
  return value as EventType;
}

/** Events that carry a sequence id in EventId (scheduling events). */
export function isSchedulingEvent(e: HistoryEvent): boolean {
  return (
    e.EventType === EventType.TaskScheduled ||
    e.EventType === EventType.TimerCreated ||
    e.EventType === EventType.SubOrchestrationInstanceCreated ||
    e.EventType === EventType.EventSent
  );
}

/** The scheduling id a completion event refers to, or undefined for non-completion events. */
export function completionId(e: HistoryEvent): number | undefined {
  switch (e.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return e.TaskScheduledId;
    case EventType.TimerFired:
      return e.TimerId;
    default:
      return undefined;
  }
}

/** Builds an event with the common fields filled in. */
export function newEvent(type: EventType, timestamp: Date | string, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return {
    EventType: type,
    EventId: -1,
    IsPlayed: false,
    Timestamp: typeof timestamp === 'string' ? timestamp : timestamp.toISOString(),
    ...fields,
  };
}

/** The event as the SDK receives it: no devhost bookkeeping, IsPlayed as given. */
export function toWireEvent(e: HistoryEvent): Record<string, unknown> {
  const { _mid: _ignored, ...rest } = e;
  return rest;
}

/** Reads the execution's summary facts from its history. */
export interface ExecutionSummary {
  started?: HistoryEvent;
  completed?: HistoryEvent;
  suspended: boolean;
  /** Scheduling ids that have a scheduling event. */
  scheduled: Map<number, HistoryEvent>;
  /** Scheduling ids that have a completion event. */
  completedIds: Set<number>;
  /** Message ids already recorded. */
  messageIds: Set<string>;
}

export function summarize(history: readonly HistoryEvent[]): ExecutionSummary {
  const summary: ExecutionSummary = {
    suspended: false,
    scheduled: new Map(),
    completedIds: new Set(),
    messageIds: new Set(),
  };
  for (const e of history) {
    if (e._mid) summary.messageIds.add(e._mid);
    if (e.EventType === EventType.ExecutionStarted) summary.started = e;
    else if (e.EventType === EventType.ExecutionCompleted) summary.completed = e;
    else if (e.EventType === EventType.ExecutionSuspended) summary.suspended = true;
    else if (e.EventType === EventType.ExecutionResumed) summary.suspended = false;
    if (isSchedulingEvent(e)) summary.scheduled.set(e.EventId, e);
    const id = completionId(e);
    if (id !== undefined) summary.completedIds.add(id);
  }
  return summary;
}
