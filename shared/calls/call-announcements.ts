/**
 * Position and wait announcements to waiting callers (issue 14 item 4): a call that enters a call queue with
 * `announcements.positionAndWait` hears "you are caller number 3; your expected wait is about 4 minutes" after
 * `firstAfterS`, then every `everyS` while it waits — from its live position (by priority, then arrival) and
 * the wait estimate (shared/routing/wait-estimate.ts, through a port) over the staffed agents and the call queue's
 * average handle time. Each announcement is a `announce` input of the call machine (logged with the estimate); the
 * next one is a delayed `call-events` message `announce:{n}`. Handle times are learnt as calls with an agent end.
 */
import type { AgentRecord } from '../domain';
import type { CallQueueMessage } from './call-events.queue';
import { callPhase, type CallInput, type CallLogEntry, type CallRecord } from './call.rules';
import type { CallRepository, CallTransitionResult } from './call.repository';

export interface AnnouncementSettings {
  positionAndWait: boolean;
  everyS: number;
  firstAfterS: number;
}

/** The average handle time assumed before a call queue has any (s). */
export const DEFAULT_HANDLE_TIME_S = 180;
const STAFFED = new Set(['available', 'offered', 'busy', 'wrapUp']);

export interface CallAnnouncerDeps {
  calls: Pick<CallRepository, 'get' | 'listActive'>;
  callQueue(
    tenantId: string,
    callQueueId: string,
  ): Promise<{ announcements?: AnnouncementSettings; wrapUpS: number; agents: { agentId: string }[] } | undefined>;
  agents: { list(tenantId: string): Promise<AgentRecord[]> };
  estimate(i: {
    now: number;
    callsAhead: number;
    agents: { state: 'available' | 'offered' | 'busy' | 'wrapUp'; since: number }[];
    handleTimeS: number;
    wrapUpS: number;
  }): number | undefined;
  /** The prompt URLs that say the position and the wait. */
  prompts(tenantId: string, position: number, estimateS: number | undefined, callbackUri?: string): Promise<string[]>;
  handleTimes: {
    get(tenantId: string, callQueueId: string): Promise<number | undefined>;
    record(tenantId: string, callQueueId: string, handleTimeS: number): Promise<void>;
  };
  apply(tenantId: string, callId: string, input: CallInput): Promise<CallTransitionResult>;
  timers: { send(messages: readonly CallQueueMessage[], o?: { delayMs?: number }): Promise<void> };
  callbackUri(): string | undefined;
  now?: () => number;
}

/** Priority a call without one has (Teams' default: 3, as the router reads it). */
const DEFAULT_PRIORITY = 3;

/** Waiting calls in the order the router serves them: priority (1 first), then original arrival, then call id. */
export function compareWaitingCalls(
  a: { callId: string; arrivedAt?: number; priority?: number },
  b: { callId: string; arrivedAt?: number; priority?: number },
): number {
  return (
    (a.priority ?? DEFAULT_PRIORITY) - (b.priority ?? DEFAULT_PRIORITY) ||
    (a.arrivedAt ?? 0) - (b.arrivedAt ?? 0) ||
    (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0)
  );
}

/**
 * How many waiting calls are ahead of `callId`, in the order the router serves them: priority (1 first), then
 * original arrival, then call id (shared/routing `compareCalls`). A call not among them counts everyone.
 */
export function callsAheadOf(
  waiting: readonly { callId: string; arrivedAt?: number; priority?: number }[],
  callId: string,
): number {
  const sorted = [...waiting].sort(compareWaitingCalls);
  const index = sorted.findIndex((c) => c.callId === callId);
  return index < 0 ? sorted.length : index;
}

export class CallAnnouncer {
  constructor(private readonly deps: CallAnnouncerDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** After a transition: a call entered a call queue (first announcement), or a call with an agent ended. */
  async after(tenantId: string, record: CallRecord, log: readonly CallLogEntry[]): Promise<void> {
    for (const entry of log) {
      if (entry.kind === 'enqueued' && record.callQueueId) {
        const q = await this.deps.callQueue(tenantId, record.callQueueId);
        const a = q?.announcements;
        if (!a?.positionAndWait) continue;
        if (a.firstAfterS === 0) await this.announce(tenantId, record.callId, 1);
        else await this.arm(tenantId, record, 1, a.firstAfterS);
      }
      if (entry.kind === 'ended' && record.connected && record.callQueueId && record.end) {
        const handleS = (record.end.at - record.connected.at) / 1000;
        if (handleS > 0) await this.deps.handleTimes.record(tenantId, record.callQueueId, handleS);
      }
    }
  }

  /** The `n`th announcement of a call, if it still waits; arms the next. */
  async announce(tenantId: string, callId: string, n: number): Promise<void> {
    const r = (await this.deps.calls.get(tenantId, callId))?.record;
    if (!r?.callQueueId || callPhase(r) !== 'queued') return;
    const q = await this.deps.callQueue(tenantId, r.callQueueId);
    if (!q?.announcements?.positionAndWait) return;
    const now = this.now;
    const callsAhead = callsAheadOf(
      (await this.deps.calls.listActive(tenantId, r.callQueueId)).filter(
        (c) => c.phase === 'queued' || c.phase === 'offered',
      ),
      callId,
    );
    const listed = new Set(q.agents.map((a) => a.agentId.toLowerCase()));
    const agents = (await this.deps.agents.list(tenantId))
      .filter((a) => listed.has(a.agentId) && STAFFED.has(a.state) && !a.optedOut.includes(r.callQueueId!))
      .map((a) => ({ state: a.state as 'available' | 'offered' | 'busy' | 'wrapUp', since: a.since }));
    const handleTimeS = (await this.deps.handleTimes.get(tenantId, r.callQueueId)) ?? DEFAULT_HANDLE_TIME_S;
    const estimateS = this.deps.estimate({ now, callsAhead, agents, handleTimeS, wrapUpS: q.wrapUpS });
    const position = callsAhead + 1;
    const promptUris = await this.deps.prompts(tenantId, position, estimateS, this.deps.callbackUri());
    const result = await this.deps.apply(tenantId, callId, {
      kind: 'announce',
      key: `${n}`,
      at: now,
      promptUris,
      position,
      ...(estimateS === undefined ? {} : { estimateS }),
    });
    if (result.changed) await this.arm(tenantId, r, n + 1, q.announcements.everyS);
  }

  private async arm(tenantId: string, r: CallRecord, n: number, afterS: number): Promise<void> {
    await this.deps.timers.send(
      [
        {
          kind: 'timer',
          tenantId,
          callId: r.callId,
          callQueueId: r.callQueueId,
          purpose: `announce:${n}`,
          dueAt: this.now + afterS * 1000,
          ...(this.deps.callbackUri() ? { callbackUri: this.deps.callbackUri() } : {}),
        },
      ],
      { delayMs: afterS * 1000 },
    );
  }
}
