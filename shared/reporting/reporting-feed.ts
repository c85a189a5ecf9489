/**
 * The reporting feed: what turns the call router's work into contact records and agent state time, once each.
 *
 * Two kinds of message on the `reporting` storage queue (REPORTING_QUEUE_NAME), both delivered at least once:
 * - `callEnded` — sent from the call repository's outbox when a transition's `ended` entry reached `callEvents` (and
 *   again whenever that outbox is flushed once more), so a crash between the call's write and the send is covered by
 *   the retried notification message;
 * - `agentSpans` — sent by the agents repository after a committed change of an agent's state: the span it closed
 *   and the previous one (kept in the agent's row, so a crash after the write repeats it with the next change).
 *
 * A call an agent took is complete only when the agent is released from it (leaves busy, or wrap-up): its contact
 * record needs the wrap-up. So the span that releases the agent notes the release and completes the call; a call no
 * agent took is completed by `callEnded`. A `callEnded` for a taken call whose release is not noted yet waits (a
 * delayed copy of itself, backing off) and, after {@link MAX_WAITS}, completes the call without wrap-up.
 * Everything downstream dedupes: the contact record on the call id, each state span on (agent, start).
 */
import { z } from 'zod';
import type { AgentStateName } from './aggregate.rules';
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
  | { kind: 'agentSpans'; tenantId: string; agentId: string; spans: AgentSpanMessage[] };

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

export interface ReportingFeedDeps {
  loadCall(tenantId: string, callId: string): Promise<FeedCall | undefined>;
  /** A call queue's service-level threshold T (s) now; undefined → the default. */
  thresholdS(tenantId: string, callQueueId: string): Promise<number | undefined>;
  repo: Pick<ReportingRepository, 'recordContact' | 'recordAgentState' | 'noteAgentReleased' | 'agentReleased'>;
  /** Sends a message again, invisible for `delayMs`. */
  requeue(message: ReportingFeedMessage, delayMs: number): Promise<void>;
  log?: (line: string) => void;
}

/** How many times a `callEnded` waits for the agent's release before completing the call without wrap-up. */
export const MAX_WAITS = 6;
/** First wait; doubles each time (30 s … 16 min in all ≈ 32 min, longer than the longest wrap-up, 600 s). */
export const FIRST_WAIT_MS = 30_000;

export type CompleteResult = ApplyResult | 'notEnded' | 'waiting' | 'unknown';

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
          await this.complete(tenantId, span.callId!);
        }
      }
      return;
    }
    const waits = message.waits ?? 0;
    const r = await this.complete(tenantId, message.callId, { force: waits >= MAX_WAITS });
    if (r === 'waiting')
      await this.deps.requeue({ ...message, tenantId, waits: waits + 1 }, FIRST_WAIT_MS * 2 ** waits);
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
