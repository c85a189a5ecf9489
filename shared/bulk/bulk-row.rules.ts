/**
 * The rules of bulk rows, pure: a batch id from an Idempotency-Key, a row as the API shows it, the end a provisioning
 * run gives its row, the chunk messages over a batch's rows.
 *
 * Rows: Pending → (queue trigger) Running → (the provisioning run's last record) Succeeded | Failed; Pending →
 * Cancelled by cancel. Counts are always derived from the rows, never kept as counters.
 */
import { createHash } from 'node:crypto';
import type { BulkRowView, EndpointStatus, FieldError } from '../domain';
import type { BulkRowRecord, BulkRowsRepository } from './bulk.repository';
import type { BulkChunkRef } from './provision-request.queue';

/** Which bulk row a provisioning run works for (passed through the orchestration input). */
export interface BulkRowLink {
  batchId: string;
  row: number;
}

export const TERMINAL_ENDPOINT_STATUSES: readonly EndpointStatus[] = ['Provisioned', 'Failed'];

/** Batch id for an Idempotency-Key: the same key of the same tenant always names the same batch. */
export function batchIdForKey(tenantId: string, key: string): string {
  const h = createHash('sha256').update(`${tenantId.toLowerCase()}\n${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export const describeRowErrors = (errors: readonly FieldError[]) =>
  errors.map((e) => `${e.field === '(row)' ? 'the row' : e.field} ${e.message}`).join('; ');

/** A field of a stored row's input, when it is text. */
export const textField = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function rowView(r: BulkRowRecord): BulkRowView {
  const i = r.input;
  return {
    row: r.row,
    ...(r.line !== undefined ? { line: r.line } : {}),
    userPrincipalName: textField(i.userPrincipalName),
    displayName: textField(i.displayName),
    phoneNumber: textField(i.phoneNumber),
    numberType: textField(i.numberType),
    queueId: textField(i.queueId),
    status: r.status,
    error: r.error,
    ...(r.errors?.length ? { errors: r.errors } : {}),
    runId: r.runId,
    objectId: r.objectId,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
  };
}

/** The terminal state a run's end gives its row, or undefined when the row must not change. */
export function finishedRow(
  current: BulkRowRecord,
  run: { runId: string; status: EndpointStatus; objectId?: string; error?: string },
  now: Date,
): BulkRowRecord | undefined {
  if (!TERMINAL_ENDPOINT_STATUSES.includes(run.status)) return undefined;
  if (current.status === 'Rejected') return undefined;
  if (current.runId && current.runId !== run.runId) return undefined; // another run owns the row
  const status = run.status === 'Provisioned' ? 'Succeeded' : 'Failed';
  if (current.status === status && current.runId === run.runId) return undefined; // recorded already
  const at = now.toISOString();
  return {
    ...current,
    status,
    runId: run.runId,
    objectId: run.objectId ?? current.objectId,
    error: status === 'Failed' ? (run.error ?? 'provisioning failed') : undefined,
    startedAt: current.startedAt ?? at,
    endedAt: at,
  };
}

/** Records a provisioning run's end on its bulk row (idempotent, ETag-guarded). */
export async function recordBulkRowOutcome(
  rows: BulkRowsRepository,
  link: BulkRowLink,
  run: { runId: string; status: EndpointStatus; objectId?: string; error?: string },
  now: () => Date = () => new Date(),
): Promise<void> {
  await rows.update(link.batchId, link.row, (current) => finishedRow(current, run, now()));
}

/** Rows per chunk message. */
export const ROWS_PER_CHUNK = 100;

/** Chunk references over the given rows, {@link ROWS_PER_CHUNK} rows each, in row order. */
export function chunkRefs(tenantId: string, batchId: string, rows: readonly number[]): BulkChunkRef[] {
  const sorted = [...rows].sort((a, b) => a - b);
  const chunks: BulkChunkRef[] = [];
  for (let i = 0; i < sorted.length; i += ROWS_PER_CHUNK) {
    const part = sorted.slice(i, i + ROWS_PER_CHUNK);
    chunks.push({ tenantId, batchId, fromRow: part[0], toRow: part[part.length - 1] });
  }
  return chunks;
}
