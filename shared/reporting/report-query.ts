/**
 * The report routes' query string, read at the edge: `from`, `to` (ISO 8601 instants), `interval` (15m | 1h | 1d),
 * `callQueueId`, `format` (json | csv). Every bad field is named at once (problem+json `errors[]`).
 */
import type { FieldProblem } from '../http/problem';
import { MAX_REPORT_RANGE_MS, REPORT_INTERVALS, type ReportInterval } from './reporting.service';

export interface ReportRequest {
  from: number;
  to: number;
  interval: ReportInterval;
  callQueueId?: string;
  format: 'json' | 'csv';
}

/** An ISO 8601 instant with a date and (optionally) a time; a bare date is midnight UTC. */
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function parseInstant(raw: string | null): number | undefined {
  if (raw === null || !INSTANT.test(raw)) return undefined;
  const t = Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw);
  return Number.isFinite(t) ? t : undefined;
}

const CALL_QUEUE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export function parseReportRequest(
  get: (name: string) => string | null,
): { ok: true; request: ReportRequest } | { ok: false; errors: FieldProblem[] } {
  const errors: FieldProblem[] = [];
  const instant = (name: 'from' | 'to'): number => {
    const raw = get(name);
    const t = parseInstant(raw);
    if (t === undefined)
      errors.push({
        field: name,
        message:
          raw === null ? 'is required (ISO 8601, e.g. 2026-12-03T00:00:00Z)' : 'must be an ISO 8601 date or time',
      });
    return t ?? NaN;
  };
  const from = instant('from');
  const to = instant('to');
  if (Number.isFinite(from) && Number.isFinite(to)) {
    if (to <= from) errors.push({ field: 'to', message: 'must be after from' });
    else if (to - from > MAX_REPORT_RANGE_MS) errors.push({ field: 'to', message: 'a report covers at most 92 days' });
  }
  const interval = (get('interval') ?? '15m') as ReportInterval;
  if (!REPORT_INTERVALS.includes(interval))
    errors.push({ field: 'interval', message: `must be one of ${REPORT_INTERVALS.join(', ')}` });
  const callQueueId = get('callQueueId') ?? undefined;
  if (callQueueId !== undefined && !CALL_QUEUE_ID.test(callQueueId))
    errors.push({ field: 'callQueueId', message: 'must be a call queue id (letters, digits, . _ -; at most 64)' });
  const format = get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') errors.push({ field: 'format', message: 'must be json or csv' });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    request: { from, to, interval, format: format as 'json' | 'csv', ...(callQueueId ? { callQueueId } : {}) },
  };
}
