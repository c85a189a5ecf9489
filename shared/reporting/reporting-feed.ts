/**
 * The reporting feed: what turns the call router's work into contact records and agent state time, once each.
 *
 * Three kinds of message on the `reporting` storage queue (REPORTING_QUEUE_NAME), all delivered at least once:
 * - `callEnded` — sent from the call repository's outbox when a transition's `ended` entry reached `callEvents` (and
 *   again whenever that outbox is flushed once more), so a crash between the call's write and the send is covered by
 *   the retried notification message;
 * - `agentSpans` — sent by the agents repository after a committed change of an agent's state: the span it closed
 *   and the previous one (kept in the agent's row, so a crash after the write repeats it with the next change);
 * - `callbackCompleted` — sent from the call repository's outbox when the asking call's story logs
 *   `callbackCompleted` (an agent reached the caller), long after that call ended and its contact record was built.
 *
 * A callback is handled like a taken call, keyed by its callback id: the agent's busy / wrap-up spans carry the
 * routing item `callback:{id}`, so the span that releases the agent from it notes the release and completes the
 * callback; `callbackCompleted` completes it if the release is noted, else waits as `callEnded` does. The completion
 * ({@link CallbackCompletion}: talk = connection → end of the outbound call, wrap-up = end → release) counts once per
 * callback id. The agent's state time of the callback (busy, wrap-up: occupancy) is counted by the spans as any other.
 *
 * A call an agent took is complete only when the agent is released from it (leaves busy, or wrap-up): its contact
 * record needs the wrap-up. So the span that releases the agent notes the release and completes the call; a call no
 * agent took is completed by `callEnded`. A `callEnded` for a taken call whose release is not noted yet waits (a
 * delayed copy of itself, backing off) and, after {@link MAX_WAITS}, completes the call without wrap-up.
 * Everything downstream dedupes: the contact record on the call id, each state span on (agent, start).
 */
import { z } from 'zod';
import type { AgentStateName } from './aggregate.rules';
import type { CallbackCompletion } from './aggregate.rules';
import { buildContactRecord, type ContactRecord, type StoryEntry } from './contact-record';
import type { ApplyResult, ReportingRepository } from './reporting.repository';

const STATES = ['available', 'offered', 'busy', 'wrapUp', 'away', 'offline'] as const;

export interface AgentSpanMessage {
  state: AgentStateName;
  from: number;
  to: number;
  next: AgentStateName;
  callId?: string;
  callQueueId?: string;
}

export type ReportingFeedMessage =
  | { kind: 'callEnded'; tenantId: string; callId: string; waits?: number }
  | { kind: 'agentSpans'; tenantId: string; agentId: string; spans: AgentSpanMessage[] }
  | { kind: 'callbackCompleted'; tenantId: string; callbackId: string; waits?: number };

const spanSchema = z.object({
  state: z.enum(STATES),
  from: z.number(),
  to: z.number(),
  next: z.enum(STATES),
  callId: z.string().optional(),
  callQueueId: z.string().optional(),
});

const messageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('callEnded'),
    tenantId: z.string().min(1),
    callId: z.string().min(1),
    waits: z.number().int().min(0).optional(),
  }),
  z.object({
    kind: z.literal('agentSpans'),
    tenantId: z.string().min(1),
    agentId: z.string().min(1),
    spans: z.array(spanSchema),
  }),
  z.object({
    kind: z.literal('callbackCompleted'),
    tenantId: z.string().min(1),
    callbackId: z.string().min(1),
    waits: z.number().int().min(0).optional(),
  }),
]);

/** The message the host handed over (JSON, parsed or not), or why it is not one. */
export function parseReportingFeedMessage(
  message: unknown,
): { ok: true; message: ReportingFeedMessage } | { ok: false; reason: string } {
  let value = message;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return { ok: false, reason: 'the message is not JSON' };
    }
  }
  const parsed = messageSchema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      reason: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(message)'} ${i.message}`).join('; '),
    };
  return { ok: true, message: parsed.data as ReportingFeedMessage };
}

/** A call as the feed needs it (filled from the call repository by the composition root). */
export interface FeedCall {
  ended: boolean;
  /** The agent who took the call, if one did. */
  connectedAgentId?: string;
  endpoint?: string;
  caller?: string;
  /** The call's `callEvents` entries. */
  story: StoryEntry[];
}

/** A callback as the feed needs it (its row in `callbacks`, read by the composition root). */
export interface FeedCallback {
  /** pending | dialing | connected | completed | failed. */
  state: string;
  callQueueId: string;
  /** The agent who took it (kept once completed). */
  agentId?: string;
  /** The agent reached the caller: the completion. */
  connectedAt?: number;
  /** The outbound call ended (the row's `completedAt`). */
  endedAt?: number;
}

/**
 * Routing items of callbacks are `callback:{callbackId}` (shared/calls' CALLBACK_ITEM_PREFIX; reporting does not import
 * the calls capability).
 */
export const CALLBACK_ITEM = 'callback:';

export interface ReportingFeedDeps {
  loadCall(tenantId: string, callId: string): Promise<FeedCall | undefined>;
  loadCallback(tenantId: string, callbackId: string): Promise<FeedCallback | undefined>;
  /** A call queue's service-level threshold T (s) now; undefined → the default. */
  thresholdS(tenantId: string, callQueueId: string): Promise<number | undefined>;
  repo: Pick<
    ReportingRepository,
    'recordContact' | 'recordCallback' | 'recordAgentState' | 'noteAgentReleased' | 'agentReleased'
  >;
  /** Sends a message again, invisible for `delayMs`. */
  requeue(message: ReportingFeedMessage, delayMs: number): Promise<void>;
  log?: (line: string) => void;
}

/** How many times a `callEnded` waits for the agent's release before completing the call without wrap-up. */
export const MAX_WAITS = 6;
/** First wait; doubles each time (30 s … 16 min in all ≈ 32 min, longer than the longest wrap-up, 600 s). */
export const FIRST_WAIT_MS = 30_000;

/**
 * A `callbackCompleted` is sent when the agent reaches the caller, before the talk: it waits this many times in all
 * (the first {@link MAX_WAITS} as `callEnded`, then every 16 min) while the outbound call is on, ≈ 2 h 8 min; after
 * that the callback counts without handle time.
 */
export const MAX_CALLBACK_WAITS = 12;

export type CompleteResult = ApplyResult | 'notEnded' | 'waiting' | 'unknown';

/** The delay before a waiting message's `waits`-th look (30 s doubling, at most 16 min). */
export function waitDelayMs(waits: number): number {
  return FIRST_WAIT_MS * 2 ** Math.min(waits, MAX_WAITS - 1);
}

/** Whether a closed span released the agent from its call: the end of busy without wrap-up, or of wrap-up. */
export function releasesCall(span: AgentSpanMessage): boolean {
  if (!span.callId) return false;
  return span.state === 'wrapUp' || (span.state === 'busy' && span.next !== 'wrapUp');
}

export class ReportingFeed {
  constructor(private readonly deps: ReportingFeedDeps) {}

  async handle(message: ReportingFeedMessage): Promise<void> {
    const tenantId = message.tenantId.toLowerCase();
    if (message.kind === 'agentSpans') {
      for (const span of message.spans) {
        await this.deps.repo.recordAgentState({
          tenantId,
          agentId: message.agentId.toLowerCase(),
          state: span.state,
          from: span.from,
          to: span.to,
        });
        if (releasesCall(span)) {
          await this.deps.repo.noteAgentReleased(tenantId, span.callId!, message.agentId.toLowerCase(), span.to);
          if (span.callId!.startsWith(CALLBACK_ITEM))
            await this.completeCallback(tenantId, span.callId!.slice(CALLBACK_ITEM.length));
          else await this.complete(tenantId, span.callId!);
        }
      }
      return;
    }
    const waits = message.waits ?? 0;
    if (message.kind === 'callbackCompleted') {
      const r = await this.completeCallback(tenantId, message.callbackId, { waits });
      if (r === 'waiting') await this.deps.requeue({ ...message, tenantId, waits: waits + 1 }, waitDelayMs(waits));
      return;
    }
    const r = await this.complete(tenantId, message.callId, { force: waits >= MAX_WAITS });
    if (r === 'waiting')
      await this.deps.requeue({ ...message, tenantId, waits: waits + 1 }, FIRST_WAIT_MS * 2 ** waits);
  }

  /**
   * Counts a completed callback once its agent is released from it (the wrap-up known), or without wrap-up after
   * {@link MAX_WAITS} looks once the outbound call has ended, or without handle time after {@link MAX_CALLBACK_WAITS}.
   * 'unknown': no such callback, or it never reached the caller (pending, dialing, failed: nothing to count).
   */
  async completeCallback(tenantId: string, callbackId: string, o: { waits?: number } = {}): Promise<CompleteResult> {
    const cb = await this.deps.loadCallback(tenantId, callbackId);
    if (!cb || (cb.state !== 'connected' && cb.state !== 'completed') || !cb.agentId || cb.connectedAt === undefined)
      return 'unknown';
    const waits = o.waits ?? 0;
    const released = await this.deps.repo.agentReleased(tenantId, `${CALLBACK_ITEM}${callbackId}`);
    if (!released) {
      const callOn = cb.state === 'connected';
      if (callOn ? waits < MAX_CALLBACK_WAITS : waits < MAX_WAITS) return 'waiting';
      this.deps.log?.(
        `callback ${callbackId}: agent release never noted; counted without ${callOn ? 'handle time' : 'wrap-up'}`,
      );
    }
    const end = cb.endedAt ?? released?.at ?? cb.connectedAt;
    const completion: CallbackCompletion = {
      tenantId,
      callbackId,
      callQueueId: cb.callQueueId,
      agentId: cb.agentId.toLowerCase(),
      completedAt: cb.connectedAt,
      talkMs: Math.max(0, end - cb.connectedAt),
      wrapUpMs: released ? Math.max(0, released.at - end) : 0,
    };
    return this.deps.repo.recordCallback(completion);
  }

  /**
   * Builds and records a call's contact record if the call is complete (ended, and its agent released unless
   * `force`). Idempotent: a second completion finds the record's markers.
   */
  async complete(tenantId: string, callId: string, o: { force?: boolean } = {}): Promise<CompleteResult> {
    const call = await this.deps.loadCall(tenantId, callId);
    if (!call) return 'unknown';
    if (!call.ended) return 'notEnded';
    const story = [...call.story];
    if (call.connectedAgentId) {
      const released = await this.deps.repo.agentReleased(tenantId, callId);
      if (!released && !o.force) return 'waiting';
      if (released) {
        const seq = story.reduce((m, e) => Math.max(m, e.seq), 0) + 1;
        story.push({ seq, kind: 'wrapUpEnded', at: released.at, agentId: released.agentId });
      } else this.deps.log?.(`call ${callId}: agent release never noted; recorded without wrap-up`);
    }
    const thresholds: Record<string, number> = {};
    const named = story.flatMap((e) => [e.callQueueId, /^callQueue (.+)$/.exec(e.detail ?? '')?.[1]]);
    for (const q of new Set(named.filter((q): q is string => !!q))) {
      const t = await this.deps.thresholdS(tenantId, q);
      if (t !== undefined) thresholds[q] = t;
    }
    let record: ContactRecord;
    try {
      record = buildContactRecord({
        callId,
        tenantId,
        ...(call.endpoint ? { endpoint: call.endpoint } : {}),
        ...(call.caller ? { caller: call.caller } : {}),
        serviceLevelThresholdS: thresholds,
        story,
      });
    } catch (e) {
      // A story without an arrival (never ours) cannot be a contact record; nothing to retry.
      this.deps.log?.(`call ${callId}: no contact record: ${(e as Error).message}`);
      return 'unknown';
    }
    return this.deps.repo.recordContact(record);
  }
}
