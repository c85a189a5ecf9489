/**
 * Progress of a bulk batch from its rows' states: totals, throughput and an ETA, for `GET …/bulk/{batchId}` and the
 * CLI's progress bar. Pure: `now` is passed in.
 *
 * Rate: rows that FINISHED work (Succeeded or Failed, with an endedAt) inside a sliding window (default 5 minutes)
 * ending at `now`, per minute of that window. While the batch is younger than the window, the window is the time
 * since the first row started, so the first minutes are not under-counted. Cancelled rows are not work done and do
 * not count. ETA = rows still to do (Pending + Running) ÷ rate; null when nothing finished inside the window (no
 * basis to estimate: not started, or stalled). Once every row is terminal the rate is the batch's overall average
 * and the ETA is 0.
 */

export const BULK_ROW_STATES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Cancelled'] as const;
export type BulkRowState = (typeof BULK_ROW_STATES)[number];

export type Instant = string | number | Date;

export interface BulkRowProgress {
  status: BulkRowState;
  startedAt?: Instant | null;
  endedAt?: Instant | null;
}

export interface BatchProgress {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Succeeded + Failed + Cancelled. */
  completed: number;
  /** Pending + Running. */
  remaining: number;
  /** completed ÷ total × 100, one decimal; 100 for an empty batch. */
  percentComplete: number;
  done: boolean;
  /** Earliest startedAt (ISO), if any row started. */
  startedAt: string | null;
  /** Latest endedAt once the batch is done (ISO). */
  endedAt: string | null;
  /** From the first start to `now` (or to the end, when done). */
  elapsedMs: number;
  /** Rows per minute (see the module comment), two decimals; null without a basis. */
  ratePerMinute: number | null;
  /** The window the rate was measured over, in ms, and how many rows finished in it. */
  rateWindowMs: number;
  finishedInWindow: number;
  /** ms until the remaining rows are expected to finish; null when unknown. */
  etaMs: number | null;
  /** now + etaMs (ISO); null when unknown. */
  etaAt: string | null;
}

export interface ProgressOptions {
  /** Sliding window for the rate, ms (default 5 minutes). */
  windowMs?: number;
}

export const DEFAULT_RATE_WINDOW_MS = 5 * 60_000;

/** Epoch ms of an instant; undefined for missing or unparseable values (they are ignored, never thrown on). */
export function toEpochMs(v: Instant | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
  // Outside ±8.64e15 ms a Date is invalid (and toISOString would throw).
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
}
const MAX_DATE_MS = 8.64e15;

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const iso = (ms: number | undefined) =>
  ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS ? null : new Date(ms).toISOString();

export function batchProgress(
  rows: readonly BulkRowProgress[],
  now: Instant,
  options: ProgressOptions = {},
): BatchProgress {
  const nowMs = toEpochMs(now) ?? 0;
  const windowMs =
    options.windowMs !== undefined && Number.isFinite(options.windowMs) && options.windowMs > 0
      ? options.windowMs
      : DEFAULT_RATE_WINDOW_MS;

  const counts: Record<BulkRowState, number> = { Pending: 0, Running: 0, Succeeded: 0, Failed: 0, Cancelled: 0 };
  let firstStart: number | undefined;
  let lastEnd: number | undefined;
  const finishedEnds: number[] = [];
  for (const r of rows) {
    // Unknown states count as Pending: never lose a row from the total.
    const status: BulkRowState = (BULK_ROW_STATES as readonly string[]).includes(r.status) ? r.status : 'Pending';
    counts[status]++;
    const start = toEpochMs(r.startedAt);
    const end = toEpochMs(r.endedAt);
    if (start !== undefined && (firstStart === undefined || start < firstStart)) firstStart = start;
    if (end !== undefined && (lastEnd === undefined || end > lastEnd)) lastEnd = end;
    if ((status === 'Succeeded' || status === 'Failed') && end !== undefined) finishedEnds.push(end);
  }

  const total = rows.length;
  const completed = counts.Succeeded + counts.Failed + counts.Cancelled;
  const remaining = counts.Pending + counts.Running;
  const done = remaining === 0;
  const endMs = done && lastEnd !== undefined ? lastEnd : nowMs;
  const elapsedMs = firstStart !== undefined ? Math.max(0, endMs - firstStart) : 0;

  let ratePerMinute: number | null = null;
  let rateWindowMs = windowMs;
  let finishedInWindow = 0;
  if (done) {
    // The overall average: the sliding window would decay to zero after the batch ends.
    finishedInWindow = finishedEnds.length;
    rateWindowMs = elapsedMs;
    if (finishedEnds.length > 0 && elapsedMs > 0) ratePerMinute = finishedEnds.length / (elapsedMs / 60_000);
  } else {
    const sinceStart = firstStart !== undefined ? nowMs - firstStart : windowMs;
    rateWindowMs = Math.max(1000, Math.min(windowMs, sinceStart));
    const from = nowMs - rateWindowMs;
    finishedInWindow = finishedEnds.filter((e) => e > from && e <= nowMs).length;
    if (finishedInWindow > 0) ratePerMinute = finishedInWindow / (rateWindowMs / 60_000);
  }

  let etaMs: number | null = null;
  if (done) etaMs = 0;
  else if (ratePerMinute !== null && ratePerMinute > 0) etaMs = Math.round((remaining / ratePerMinute) * 60_000);

  return {
    total,
    pending: counts.Pending,
    running: counts.Running,
    succeeded: counts.Succeeded,
    failed: counts.Failed,
    cancelled: counts.Cancelled,
    completed,
    remaining,
    percentComplete: total === 0 ? 100 : round((completed / total) * 100, 1),
    done,
    startedAt: iso(firstStart),
    endedAt: done ? iso(lastEnd) : null,
    elapsedMs,
    ratePerMinute: ratePerMinute === null ? null : round(ratePerMinute, 2),
    rateWindowMs,
    finishedInWindow,
    etaMs,
    etaAt: etaMs === null ? null : iso(nowMs + etaMs),
  };
}
