/**
 * The contact record: one finished call, told once, with every phase and duration a report needs (Amazon Connect's
 * "contact record", contact-center.md §3). Pure.
 *
 * Input: a {@link FinishedCall} — the call's story as the router hands it over when the call is over: the call's log
 * entries (`callEvents`, whose shape this type accepts as it is: `CallLogEntry[]` from shared/calls is assignable to
 * `StoryEntry[]`), plus what the call's own log does not hold — each call queue's service-level threshold, the
 * agent's hold spans and wrap-up end (from the agent's state), a callback. Reporting does not import the call state
 * machine: this small type is the contract.
 *
 * Delivered at least once: the record is a function of the story, so building it twice gives the same record, and
 * everything downstream dedupes on `callId`.
 */
import type { CallLogKind } from '../domain';

/** Log kinds of shared/calls (`CallLogKind`) plus the facts reporting needs from the agent side and callbacks. */
export type StoryKind =
  | CallLogKind
  /** The caller asked to be called back: the call leaves its call queue (Connect counts it as removed from queue). */
  | 'callbackRequested'
  /** The callback reached the caller and an agent (agentId): the callback is completed. */
  | 'callbackCompleted'
  /** The agent put the caller on hold / took them off hold. */
  | 'held'
  | 'resumed'
  /** The agent's leg of the call ended (a transferred call leaves the bot's story before the agent hangs up). */
  | 'agentCallEnded'
  /** The agent's after-call work ended (agent state wrapUp → available). */
  | 'wrapUpEnded';

export interface StoryEntry {
  seq: number;
  kind: StoryKind;
  /** Milliseconds since the epoch. */
  at: number;
  callQueueId?: string;
  agentId?: string;
  offerId?: string;
  waitMs?: number;
  /** e.g. `callQueue sales` on an overflow / timeout that moved the call to another call queue. */
  detail?: string;
}

export interface FinishedCall {
  callId: string;
  tenantId: string;
  /** The resource account (endpoint) the call arrived on. */
  endpoint?: string;
  /** The caller's number (E.164) or Teams user id, as the arrival named it. */
  caller?: string;
  /** Each call queue's service-level threshold T (s) when the call was in it; absent → {@link DEFAULT_SL_THRESHOLD_S}. */
  serviceLevelThresholdS?: Record<string, number>;
  story: readonly StoryEntry[];
}

/** Teams' default `ServiceLevelThresholdResponseTimeInSecond` (and the call queue API's `serviceLevelThresholdS`). */
export const DEFAULT_SL_THRESHOLD_S = 20;
/** An abandon within this many seconds of entering the call queue is a short abandon (contact-center.md §3). */
export const SHORT_ABANDON_MS = 5_000;

export type DequeueReason =
  'answered' | 'abandoned' | 'overflowed' | 'timedOut' | 'noAgent' | 'callbackRequested' | 'ended';

/** One stay of the call in one call queue. */
export interface CallQueueSegment {
  callQueueId: string;
  enqueuedAt: number;
  dequeuedAt: number;
  dequeueReason: DequeueReason;
  /** Time in this call queue: dequeuedAt − enqueuedAt. */
  waitMs: number;
  /** The call queue another call queue's action moved the call to (overflow / timeout / no agent). */
  movedTo?: string;
  serviceLevelThresholdS: number;
}

export type OfferOutcome = 'answered' | 'missed' | 'declined' | 'cancelled';

export interface ContactOffer {
  offerId: string;
  agentId: string;
  callQueueId?: string;
  offeredAt: number;
  result: OfferOutcome;
  /** How long it rang: offer → answer / miss / decline / withdrawal. */
  ringMs: number;
}

export type ContactOutcome =
  'answered' | 'abandoned' | 'overflowed' | 'timedOut' | 'noAgent' | 'callback' | 'rejected' | 'ended';

export interface ContactRecord {
  callId: string;
  tenantId: string;
  endpoint?: string;
  /** The caller's number or Teams user id (masked in the API for roles that do not need it). */
  caller?: string;
  arrivedAt: number;
  endedAt: number;
  outcome: ContactOutcome;
  /** In order; a call moved to another call queue keeps its arrival (the record's arrivedAt), each stay is a segment. */
  callQueues: CallQueueSegment[];
  offers: ContactOffer[];
  connection?: {
    agentId: string;
    callQueueId?: string;
    at: number;
    /** Arrival → connection (what the caller waited in all). */
    waitMs: number;
  };
  /** The call was handed over (transfer / redirect) out of the bot's call at this time. */
  transfer?: { at: number; detail?: string };
  callback?: { requestedAt: number; callQueueId?: string; completedAt?: number; agentId?: string };
  abandonment?: { at: number; callQueueId?: string; waitMs: number; short: boolean };
  /** Durations (ms). talk excludes hold; handle = talk + hold + wrap-up (0 when no agent took the call). */
  durations: { totalMs: number; ringMs: number; talkMs: number; holdMs: number; wrapUpMs: number; handleMs: number };
}

const MOVED = /^callQueue (.+)$/;

/** Builds the contact record of a finished call (throws when the story has no arrival or no end). */
export function buildContactRecord(call: FinishedCall): ContactRecord {
  const story = [...call.story].sort((a, b) => a.at - b.at || a.seq - b.seq);
  const first = (kind: StoryKind) => story.find((e) => e.kind === kind);
  const arrived = first('arrived');
  const ended = first('ended');
  if (!arrived) throw new Error(`call ${call.callId}: the story has no arrival`);
  if (!ended) throw new Error(`call ${call.callId}: the story has not ended`);
  const threshold = (q: string) => call.serviceLevelThresholdS?.[q] ?? DEFAULT_SL_THRESHOLD_S;

  const segments: CallQueueSegment[] = [];
  let open: { callQueueId: string; enqueuedAt: number } | undefined;
  const close = (at: number, reason: DequeueReason, movedTo?: string) => {
    if (!open) return;
    const s: CallQueueSegment = {
      callQueueId: open.callQueueId,
      enqueuedAt: open.enqueuedAt,
      dequeuedAt: at,
      dequeueReason: reason,
      waitMs: Math.max(0, at - open.enqueuedAt),
      serviceLevelThresholdS: threshold(open.callQueueId),
    };
    if (movedTo) s.movedTo = movedTo;
    segments.push(s);
    open = undefined;
  };
  const offers = new Map<string, ContactOffer>();
  let connection: ContactRecord['connection'];
  let transfer: ContactRecord['transfer'];
  let callback: ContactRecord['callback'];
  let abandonment: ContactRecord['abandonment'];
  let holdStart: number | undefined;
  let holdMs = 0;
  let agentCallEndedAt: number | undefined;
  let wrapUpEndedAt: number | undefined;

  for (const e of story) {
    switch (e.kind) {
      case 'enqueued':
        if (e.callQueueId && open?.callQueueId !== e.callQueueId) {
          close(e.at, 'ended');
          open = { callQueueId: e.callQueueId, enqueuedAt: e.at };
        }
        break;
      case 'offered':
        if (e.offerId && e.agentId && !offers.has(e.offerId))
          offers.set(e.offerId, {
            offerId: e.offerId,
            agentId: e.agentId,
            callQueueId: e.callQueueId ?? open?.callQueueId,
            offeredAt: e.at,
            result: 'cancelled',
            ringMs: 0,
          });
        break;
      case 'offerMissed':
      case 'offerDeclined': {
        const o = e.offerId ? offers.get(e.offerId) : undefined;
        if (o && o.result === 'cancelled') {
          o.result = e.kind === 'offerMissed' ? 'missed' : 'declined';
          o.ringMs = Math.max(0, e.at - o.offeredAt);
        }
        break;
      }
      case 'connected': {
        if (connection) break;
        const o = e.offerId ? offers.get(e.offerId) : undefined;
        if (o) {
          o.result = 'answered';
          o.ringMs = Math.max(0, e.at - o.offeredAt);
        }
        const agentId = e.agentId ?? o?.agentId;
        if (!agentId) break;
        connection = { agentId, at: e.at, waitMs: Math.max(0, e.at - arrived.at) };
        const q = open?.callQueueId ?? o?.callQueueId;
        if (q) connection.callQueueId = q;
        close(e.at, 'answered');
        break;
      }
      case 'overflowed':
      case 'timedOut':
      case 'noAgent': {
        const moved = MOVED.exec(e.detail ?? '')?.[1];
        close(e.at, e.kind, moved);
        if (moved) open = { callQueueId: moved, enqueuedAt: e.at };
        break;
      }
      case 'callbackRequested':
        callback = { requestedAt: e.at };
        if (open) callback.callQueueId = open.callQueueId;
        close(e.at, 'callbackRequested');
        break;
      case 'callbackCompleted':
        if (callback && callback.completedAt === undefined) {
          callback.completedAt = e.at;
          if (e.agentId) callback.agentId = e.agentId;
        }
        break;
      case 'transferred':
        transfer ??= { at: e.at, ...(e.detail ? { detail: e.detail } : {}) };
        break;
      case 'held':
        if (connection && holdStart === undefined) holdStart = e.at;
        break;
      case 'resumed':
        if (holdStart !== undefined) holdMs += Math.max(0, e.at - holdStart);
        holdStart = undefined;
        break;
      case 'agentCallEnded':
        agentCallEndedAt ??= e.at;
        break;
      case 'wrapUpEnded':
        wrapUpEndedAt ??= e.at;
        break;
      case 'abandoned':
      case 'ended':
      case 'arrived':
      case 'answered':
      case 'rejected':
        break;
    }
  }
  const rejected = story.some((e) => e.kind === 'rejected');
  if (open) {
    // Still in a call queue when the call ended, with no agent: the caller hung up (or the call was dropped).
    const seg = open;
    const abandonedEntry = story.find((e) => e.kind === 'abandoned');
    const reason: DequeueReason = abandonedEntry || !transfer ? 'abandoned' : 'ended';
    close(ended.at, reason);
    if (reason === 'abandoned') {
      const waitMs = Math.max(0, ended.at - seg.enqueuedAt);
      abandonment = { at: ended.at, callQueueId: seg.callQueueId, waitMs, short: waitMs < SHORT_ABANDON_MS };
    }
  }

  // Talk runs from the connection to the end of the agent's leg (or of the call), less hold.
  let talkMs = 0;
  let wrapUpMs = 0;
  if (connection) {
    const talkEnd = agentCallEndedAt ?? ended.at;
    if (holdStart !== undefined) holdMs += Math.max(0, talkEnd - holdStart);
    talkMs = Math.max(0, talkEnd - connection.at - holdMs);
    if (wrapUpEndedAt !== undefined) wrapUpMs = Math.max(0, wrapUpEndedAt - talkEnd);
  } else {
    holdMs = 0;
  }
  const offerList = [...offers.values()];
  for (const o of offerList)
    if (o.result === 'cancelled') {
      // Withdrawn: rang until the call left the call queue or ended.
      const until = segments.find((s) => s.dequeuedAt >= o.offeredAt)?.dequeuedAt ?? ended.at;
      o.ringMs = Math.max(0, until - o.offeredAt);
    }

  const lastSegment = segments[segments.length - 1];
  let outcome: ContactOutcome;
  if (rejected) outcome = 'rejected';
  else if (connection) outcome = 'answered';
  else if (callback) outcome = 'callback';
  else if (abandonment || story.some((e) => e.kind === 'abandoned')) outcome = 'abandoned';
  else if (lastSegment && ['overflowed', 'timedOut', 'noAgent'].includes(lastSegment.dequeueReason))
    outcome = lastSegment.dequeueReason as ContactOutcome;
  else outcome = 'ended';

  const record: ContactRecord = {
    callId: call.callId,
    tenantId: call.tenantId,
    arrivedAt: arrived.at,
    endedAt: ended.at,
    outcome,
    callQueues: segments,
    offers: offerList,
    durations: {
      totalMs: Math.max(0, ended.at - arrived.at),
      ringMs: offerList.reduce((s, o) => s + o.ringMs, 0),
      talkMs,
      holdMs,
      wrapUpMs,
      handleMs: talkMs + holdMs + wrapUpMs,
    },
  };
  if (call.endpoint) record.endpoint = call.endpoint;
  if (call.caller) record.caller = call.caller;
  if (connection) record.connection = connection;
  if (transfer) record.transfer = transfer;
  if (callback) record.callback = callback;
  if (abandonment) record.abandonment = abandonment;
  return record;
}
