/**
 * Where a contact record (or an agent's time in a state) counts: pure. A contribution is a set of (dimension, bucket)
 * → {@link Metrics}; merging contributions is adding them, whatever the order or the split.
 *
 * Dimensions: a call queue (`cq`), an agent across its call queues (`agent`, scope `*`) and an agent within one call
 * queue (`agent`, scope = call queue id). Buckets: 15 minutes (`m15`) and one day (`d1`), both UTC, both written at
 * once (1 h is four 15-minute buckets merged when read). Attribution:
 * - a call queue's figures for one stay of a call land in the interval the call entered that call queue (offered,
 *   answered, abandoned, waits, SL, offers made from it, the handle time of the call answered from it);
 * - an agent's offers land in the interval of the offer, the answer and its handle time in the interval of the
 *   connection;
 * - a completed callback (its own feed message, long after the asking call ended) lands, for the call queue and the
 *   agent, in the interval it completed (the agent reached the caller), with its handle time;
 * - agent state time is split at 15-minute boundaries.
 */
import { ContactRecord, SHORT_ABANDON_MS } from './contact-record';
import { Metrics, emptyMetrics, mergeMetrics, noteThreshold } from './metrics';
import { addWait } from './wait-histogram';

export const BUCKET_MS = 15 * 60_000;
export const DAY_MS = 86_400_000;

export type Dimension = { kind: 'cq'; callQueueId: string } | { kind: 'agent'; agentId: string; scope: string };
export type Grain = 'm15' | 'd1';

/** All call queues (agent dimension across call queues). */
export const ALL_CALL_QUEUES = '*';

export function bucketStart(at: number, grain: Grain): number {
  const size = grain === 'm15' ? BUCKET_MS : DAY_MS;
  return Math.floor(at / size) * size;
}

/** `yyyymmddHHMM` (UTC) of a bucket start: sorts as time. */
export function stamp(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

export function parseStamp(s: string): number {
  return Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(8, 10), +s.slice(10, 12));
}

/** Key of one contribution cell: `{dimensionKey}#{grain}#{stamp}`. */
export function dimensionKey(d: Dimension): string {
  return d.kind === 'cq' ? `cq|${d.callQueueId}` : `agent|${d.agentId}|${d.scope}`;
}

export interface Cell {
  dimension: Dimension;
  grain: Grain;
  start: number;
  metrics: Metrics;
}

/** Contributions keyed by cell (`{dimensionKey}#{grain}#{start}`). */
export type Contribution = Map<string, Cell>;

export function cellKey(d: Dimension, grain: Grain, start: number): string {
  return `${dimensionKey(d)}#${grain}#${start}`;
}

function cells(out: Contribution, d: Dimension, at: number, add: (m: Metrics) => void): void {
  for (const grain of ['m15', 'd1'] as const) {
    const start = bucketStart(at, grain);
    const key = cellKey(d, grain, start);
    let cell = out.get(key);
    if (!cell) out.set(key, (cell = { dimension: d, grain, start, metrics: emptyMetrics() }));
    add(cell.metrics);
  }
}

/** What one contact record adds to its buckets. */
export function contactContribution(r: ContactRecord, out: Contribution = new Map()): Contribution {
  const handle = { talkMs: r.durations.talkMs, holdMs: r.durations.holdMs, wrapUpMs: r.durations.wrapUpMs };
  r.callQueues.forEach((s, i) => {
    const d: Dimension = { kind: 'cq', callQueueId: s.callQueueId };
    const withinT = s.waitMs <= s.serviceLevelThresholdS * 1000;
    const isLastStay = i === r.callQueues.length - 1;
    cells(out, d, s.enqueuedAt, (m) => {
      m.offered += 1;
      m.waitMs += s.waitMs;
      m.longestWaitMs = Math.max(m.longestWaitMs, s.waitMs);
      addWait(m.waitHistogram, s.waitMs);
      noteThreshold(m, s.serviceLevelThresholdS);
      switch (s.dequeueReason) {
        case 'answered':
          m.answered += 1;
          m.answeredWaitMs += s.waitMs;
          if (withinT) {
            m.answeredWithinT += 1;
            m.removedWithinT += 1;
          }
          m.handled += 1;
          m.talkMs += handle.talkMs;
          m.holdMs += handle.holdMs;
          m.wrapUpMs += handle.wrapUpMs;
          break;
        case 'abandoned':
          m.abandoned += 1;
          if (s.waitMs < SHORT_ABANDON_MS) m.shortAbandoned += 1;
          if (withinT) {
            m.abandonedWithinT += 1;
            m.removedWithinT += 1;
          }
          break;
        case 'callbackRequested':
          m.callbacksRequested += 1;
          if (withinT) m.removedWithinT += 1;
          break;
        case 'overflowed':
          m.overflowed += 1;
          break;
        case 'timedOut':
          m.timedOut += 1;
          break;
        case 'noAgent':
          m.noAgent += 1;
          break;
        case 'ended':
          break;
      }
      // Offers made while the call was in this call queue.
      for (const o of r.offers) {
        const inStay =
          o.offeredAt >= s.enqueuedAt && (o.offeredAt < s.dequeuedAt || (isLastStay && o.offeredAt <= s.dequeuedAt));
        if (!inStay) continue;
        m.offers += 1;
        if (o.result === 'missed' || o.result === 'declined') m.missedOffers += 1;
      }
    });
  });
  for (const o of r.offers) {
    const missed = o.result === 'missed' || o.result === 'declined' ? 1 : 0;
    for (const scope of scopes(o.callQueueId))
      cells(out, { kind: 'agent', agentId: o.agentId, scope }, o.offeredAt, (m) => {
        m.offers += 1;
        m.missedOffers += missed;
      });
  }
  if (r.connection) {
    for (const scope of scopes(r.connection.callQueueId))
      cells(out, { kind: 'agent', agentId: r.connection.agentId, scope }, r.connection.at, (m) => {
        m.answered += 1;
        m.handled += 1;
        m.talkMs += handle.talkMs;
        m.holdMs += handle.holdMs;
        m.wrapUpMs += handle.wrapUpMs;
      });
  }
  // A completed callback is not the asking call's: it counts once, from its own feed message
  // ({@link callbackContribution}), whatever the call's record says.
  return out;
}

/**
 * A completed callback as reporting counts it: the agent reached the caller at `completedAt` (the story's
 * `callbackCompleted`); the outbound call's talk and the agent's wrap-up after it are the callback's handle time.
 */
export interface CallbackCompletion {
  tenantId: string;
  /** The callback's id (= the id of the call that asked for it): what a redelivery dedupes on. */
  callbackId: string;
  callQueueId: string;
  agentId: string;
  completedAt: number;
  talkMs: number;
  wrapUpMs: number;
}

/**
 * What a completed callback adds, all in the interval of its completion: the call queue's and the agent's (across call
 * queues and within the callback's) `callbacksCompleted`, and one handled contact with its talk and wrap-up (AHT).
 * Not `answered`: that counts calls answered from the call queue (the asking call counted as `callbacksRequested`).
 */
export function callbackContribution(c: CallbackCompletion, out: Contribution = new Map()): Contribution {
  const add = (m: Metrics) => {
    m.callbacksCompleted += 1;
    m.handled += 1;
    m.talkMs += c.talkMs;
    m.wrapUpMs += c.wrapUpMs;
  };
  cells(out, { kind: 'cq', callQueueId: c.callQueueId }, c.completedAt, add);
  for (const scope of scopes(c.callQueueId))
    cells(out, { kind: 'agent', agentId: c.agentId, scope }, c.completedAt, add);
  return out;
}

function scopes(callQueueId: string | undefined): string[] {
  return callQueueId ? [ALL_CALL_QUEUES, callQueueId] : [ALL_CALL_QUEUES];
}

/** Agent states (shared/routing's AgentState). */
export type AgentStateName = 'available' | 'offered' | 'busy' | 'wrapUp' | 'away' | 'offline';

/** An agent's time in one state, [from, to). Emitted when the agent leaves the state. */
export interface AgentStateSpan {
  tenantId: string;
  agentId: string;
  state: AgentStateName;
  from: number;
  to: number;
}

const STAFFED: ReadonlySet<AgentStateName> = new Set(['available', 'offered', 'busy', 'wrapUp']);
const BUSY: ReadonlySet<AgentStateName> = new Set(['busy', 'wrapUp']);

const STATE_COUNTER = {
  available: 'stateAvailableMs',
  offered: 'stateOfferedMs',
  busy: 'stateBusyMs',
  wrapUp: 'stateWrapUpMs',
  away: 'stateAwayMs',
  offline: 'stateOfflineMs',
} as const satisfies Record<AgentStateName, keyof Metrics>;

/**
 * What an agent's time in a state adds: time in that state, and staffed / busy ms, split at 15-minute boundaries
 * (scope `*`).
 */
export function stateSpanContribution(s: AgentStateSpan, out: Contribution = new Map()): Contribution {
  const counter = STATE_COUNTER[s.state];
  if (!counter || s.to <= s.from) return out;
  const staffed = STAFFED.has(s.state);
  const busy = BUSY.has(s.state);
  const d: Dimension = { kind: 'agent', agentId: s.agentId, scope: ALL_CALL_QUEUES };
  for (let t = bucketStart(s.from, 'm15'); t < s.to; t += BUCKET_MS) {
    const overlap = Math.min(s.to, t + BUCKET_MS) - Math.max(s.from, t);
    if (overlap <= 0) continue;
    cells(out, d, Math.max(s.from, t), (m) => {
      m[counter] += overlap;
      if (staffed) m.staffedMs += overlap;
      if (busy) m.busyMs += overlap;
    });
  }
  return out;
}

/** Adds `from` into `into` (mutates `into`). */
export function mergeContributions(into: Contribution, from: Contribution): Contribution {
  for (const [k, c] of from) {
    const cur = into.get(k);
    if (cur) mergeMetrics(cur.metrics, c.metrics);
    else into.set(k, { ...c, metrics: mergeMetrics(emptyMetrics(), c.metrics) });
  }
  return into;
}
