/**
 * `switchboard bulk import|status|cancel`: bulk provisioning from a CSV (or JSON) file, with a live progress bar.
 * Formatting lives here: the CLI may only import shared/domain.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BulkRowView, BulkStatusView, BulkSubmitView } from '../shared/domain';
import { ApiClient, ApiError, table } from './api-client';

export type BatchRow = BulkRowView;
export type BatchStatus = BulkStatusView;
export type SubmitReply = BulkSubmitView;

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: the progress bar redraws in place. */
  tty: boolean;
}

/** "3 min 20 s", "1 h 05 min", "45 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'unknown';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** `[########------------]  40%  80/200 done (78 ok, 2 failed) · 31.5/min · ETA 3 min 48 s` */
export function progressLine(s: BatchStatus, width = 24): string {
  const accepted = s.accepted || 1;
  const done = s.succeeded + s.failed + s.cancelled;
  const filled = Math.min(width, Math.round((done / accepted) * width));
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const parts = [
    `${bar} ${String(Math.floor(s.percentComplete)).padStart(3)}%`,
    `${done}/${s.accepted} done (${s.succeeded} ok, ${s.failed} failed${s.cancelled ? `, ${s.cancelled} cancelled` : ''})`,
    s.ratePerMinute !== null ? `${s.ratePerMinute}/min` : 'rate unknown',
    s.pending + s.running === 0 ? 'finished' : `ETA ${formatDuration(s.etaMs)}`,
  ];
  return parts.join(' · ');
}

export function summaryLine(s: BatchStatus): string {
  return (
    `Batch ${s.batchId}: ${s.state}. ${s.total} rows: ${s.succeeded} succeeded, ${s.failed} failed, ` +
    `${s.cancelled} cancelled, ${s.rejected} rejected, ${s.pending + s.running} still to do.`
  );
}

/** The rows that need the user's attention (Failed, Rejected), as a table. */
export function problemRowsTable(rows: readonly BatchRow[]): string | undefined {
  const bad = rows.filter((r) => r.status === 'Failed' || r.status === 'Rejected');
  if (bad.length === 0) return undefined;
  return table(bad.map((r) => ({ ...r, line: r.line ?? '' })) as unknown as Record<string, unknown>[], [
    'row',
    'line',
    'userPrincipalName',
    'status',
    'error',
  ]);
}

export const exitCodeFor = (s: Pick<BatchStatus, 'failed' | 'rejected' | 'cancelled'>) =>
  s.failed + s.rejected + s.cancelled > 0 ? 1 : 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function contentTypeFor(file: string): string {
  return path.extname(file).toLowerCase() === '.json' ? 'application/json' : 'text/csv';
}

/**
 * Uploads the file. The Idempotency-Key (given, or a fresh one per run) makes retrying safe, so a 503 (tenant or
 * queue unavailable) or a dropped connection is retried a few times with the same key, honouring Retry-After.
 */
export async function submit(
  client: ApiClient,
  tenant: string,
  file: string,
  idempotencyKey: string | undefined,
  io: Output,
  quiet: boolean,
): Promise<SubmitReply> {
  const body = readFileSync(file);
  const key = idempotencyKey ?? randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await client.send<SubmitReply>('POST', `tenants/${tenant}/bulk`, {
        body: new Uint8Array(body),
        contentType: contentTypeFor(file),
        headers: { 'idempotency-key': key },
      });
      return res.body;
    } catch (err) {
      const retryable = err instanceof ApiError ? err.status === 503 : !(err instanceof ApiError);
      if (!retryable || attempt >= 4) throw err;
      const wait = err instanceof ApiError && err.retryAfter ? Number(err.retryAfter) * 1000 : 2000 * attempt;
      if (!quiet) io.err(`${err instanceof Error ? err.message : String(err)}; retrying in ${formatDuration(wait)}\n`);
      await sleep(Math.min(60_000, Number.isFinite(wait) ? wait : 5000));
    }
  }
}

export async function getStatus(client: ApiClient, tenant: string, batchId: string, rows = false) {
  return client.request<BatchStatus>(
    'GET',
    `tenants/${tenant}/bulk/${encodeURIComponent(batchId)}${rows ? '?rows=true' : ''}`,
  );
}

/**
 * Polls until no row is Pending or Running, drawing progress on stderr: redrawn in place on a terminal, else one line
 * every `lineEveryMs` (and when it finishes).
 */
export async function waitForBatch(
  client: ApiClient,
  tenant: string,
  batchId: string,
  io: Output,
  o: { quiet?: boolean; pollMs?: number; lineEveryMs?: number } = {},
): Promise<BatchStatus> {
  const pollMs = o.pollMs ?? 1000;
  const lineEveryMs = o.lineEveryMs ?? 5000;
  let lastLine = 0;
  for (;;) {
    const s = await getStatus(client, tenant, batchId);
    const finished = s.pending + s.running === 0;
    if (!o.quiet) {
      const line = progressLine(s);
      if (io.tty) io.err(`\r${line.padEnd(100)}${finished ? '\n' : ''}`);
      else if (finished || Date.now() - lastLine >= lineEveryMs) {
        io.err(`${line}\n`);
        lastLine = Date.now();
      }
    }
    if (finished) return s;
    await sleep(pollMs);
  }
}
