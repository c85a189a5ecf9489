/**
 * Bulk provisioning: the rules behind `POST|GET …/bulk`, `POST …/bulk/{batchId}/cancel` and the queue trigger.
 *
 * Upload: every row is validated up front (shared/bulk), against the tenant's number inventory. The accepted rows
 * AND the rejected ones go to `bulkRows` first (transactions of 100), the `bulkBatches` header LAST — a batch without
 * its header does not exist for anyone — then the queue messages: one per 100 accepted rows, which the trigger turns
 * into one message per accepted row. Nothing is written when the file
 * is refused or no row is accepted. An `Idempotency-Key` makes the batch id a function of (tenant, key): repeating
 * the request returns the same batch, and a repeat after a crash converges the rows, writes the header and sends
 * the messages that may be missing (the trigger ignores a row that already started, so a duplicate message is
 * harmless).
 *
 * Rows: Pending → (queue trigger) Running → (the provisioning run's last record) Succeeded | Failed; Pending →
 * Cancelled by cancel. Counts are always derived from the rows, never kept as counters.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  validateEndpointRequest,
  type BulkRowView,
  type BulkStatusView,
  type BulkBatchStateView,
  type BulkSubmitView,
  type EndpointStatus,
  type FieldError,
} from '../domain';
import { forEachLimited } from '../storage';
import type { TenantGateway } from '../tenant';
import { isTenantError } from '../tenant';
import type { BulkBatchRecord, BulkBatchesRepository, BulkRowRecord, BulkRowsRepository } from './bulk.repository';
import type { BulkEndpointReader, BulkEndpointStarter } from './bulk-endpoints.port';
import type { BulkChunkRef, BulkRowRef, ProvisionRequestQueue } from './provision-request.queue';
import { bulkResultsCsv, type BulkResultRow } from './csv-output';
import { batchProgress } from './progress';
import { bulkLimits, type BulkFileError, type BulkInputRow, type BulkLimits, type RejectedRow } from './types';
import { readBulkUpload } from './upload-input';
import { validateBulkRows } from './validate';
import type { InventoryNumber } from './inventory';

/** Which bulk row a provisioning run works for (passed through the orchestration input). */
export interface BulkRowLink {
  batchId: string;
  row: number;
}

/**
 * Paces row starts per tenant. `reserve` books the next start slot for the tenant and answers how many ms from now
 * it is (0 = go now).
 */
export interface BulkPacer {
  reserve(tenantId: string): Promise<number>;
}

/** No pacing: every row starts as soon as its message arrives. */
export const NO_PACING: BulkPacer = { reserve: () => Promise.resolve(0) };

/** A slot this close is simply waited for in place of a round trip through the queue. */
export const PACING_TOLERANCE_MS = 3_000;

export interface BulkDependencies {
  rows: BulkRowsRepository;
  batches: BulkBatchesRepository;
  queue: ProvisionRequestQueue;
  endpoints: BulkEndpointReader;
  gateway: (tenantId: string) => TenantGateway;
  /** Needed to start rows (queue trigger). */
  endpointService?: BulkEndpointStarter;
  pacer?: BulkPacer;
  limits?: Partial<BulkLimits>;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface SubmitRequest {
  tenantId: string;
  /** `oid` of the caller. */
  createdBy: string;
  contentType: string | undefined;
  body: Uint8Array;
  idempotencyKey?: string;
}

export type SubmitReply = BulkSubmitView<BulkBatchRecord['state']>;

export type SubmitOutcome =
  | { kind: 'fileError'; error: BulkFileError }
  | { kind: 'nothingAccepted'; total: number; rejected: RejectedRow[] }
  | { kind: 'accepted'; reply: SubmitReply; replayed: boolean }
  | { kind: 'keyReused'; batchId: string }
  | { kind: 'inventoryUnavailable'; detail: string; retryAfterSeconds: number }
  | { kind: 'queueFailed'; batchId: string; detail: string };

export type StartOutcome =
  | { kind: 'started'; runId: string }
  | { kind: 'finished'; status: 'Succeeded' | 'Failed'; error?: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'deferred'; waitMs: number }
  | { kind: 'unknown'; reason: string };

export type { BulkBatchStateView, BulkRowView, BulkStatusView } from '../domain';

const TERMINAL_ENDPOINT: readonly EndpointStatus[] = ['Provisioned', 'Failed'];
/** A Running row that joined a run it did not start is checked against its endpoint once it is this old. */
const RECONCILE_AFTER_MS = 5_000;

/** Batch id for an Idempotency-Key: the same key of the same tenant always names the same batch. */
export function batchIdForKey(tenantId: string, key: string): string {
  const h = createHash('sha256').update(`${tenantId.toLowerCase()}\n${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function uploadHash(contentType: string | undefined, body: Uint8Array): string {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return createHash('sha256').update(type).update('\n').update(body).digest('hex');
}

const describeErrors = (errors: readonly FieldError[]) =>
  errors.map((e) => `${e.field === '(row)' ? 'the row' : e.field} ${e.message}`).join('; ');

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function rowView(r: BulkRowRecord): BulkRowView {
  const i = r.input;
  return {
    row: r.row,
    ...(r.line !== undefined ? { line: r.line } : {}),
    userPrincipalName: text(i.userPrincipalName),
    displayName: text(i.displayName),
    phoneNumber: text(i.phoneNumber),
    numberType: text(i.numberType),
    queueId: text(i.queueId),
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
  if (!TERMINAL_ENDPOINT.includes(run.status)) return undefined;
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

export class BulkService {
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly limits: BulkLimits;

  constructor(private readonly d: BulkDependencies) {
    this.now = d.now ?? (() => new Date());
    this.sleep = d.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.limits = bulkLimits(d.limits);
  }

  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  // ---------------------------------------------------------------------------------------------------------- upload

  async submit(req: SubmitRequest): Promise<SubmitOutcome> {
    const tenantId = req.tenantId.toLowerCase();
    const hash = uploadHash(req.contentType, req.body);
    const keyed = req.idempotencyKey !== undefined;
    const batchId = keyed ? batchIdForKey(tenantId, req.idempotencyKey as string) : randomUUID();

    if (keyed) {
      const existing = await this.d.batches.get(tenantId, batchId);
      if (existing) return this.replay(existing, hash);
    }

    const read = readBulkUpload(req.contentType, req.body, { limits: this.limits });
    if (!read.ok) return { kind: 'fileError', error: read.error };

    let context: { inventory: Record<string, InventoryNumber>; existingAccounts: Map<string, string> };
    try {
      context = await this.validationContext(tenantId, read.rows);
    } catch (err) {
      const retryAfterMs = isTenantError(err) ? err.retryAfterMs : undefined;
      return {
        kind: 'inventoryUnavailable',
        detail:
          "The tenant's phone number inventory cannot be read right now, so the numbers in the file cannot be checked" +
          ` (${err instanceof Error ? err.message : String(err)}). Nothing was imported; send the same file again later.`,
        retryAfterSeconds: Math.max(1, Math.ceil((retryAfterMs ?? 5_000) / 1000)),
      };
    }
    const validation = validateBulkRows(read.rows, context);
    if (validation.accepted.length === 0) {
      return { kind: 'nothingAccepted', total: validation.total, rejected: validation.rejected };
    }

    const bodies = new Map(read.rows.map((r) => [r.row, r.body]));
    const records: BulkRowRecord[] = [
      ...validation.accepted.map((a): BulkRowRecord => ({
        batchId,
        row: a.row,
        line: a.line,
        tenantId,
        upnKey: a.request.upnKey,
        // The body as written: validating it again (queue trigger) gives the same request.
        input: bodies.get(a.row) ?? {},
        status: 'Pending',
      })),
      ...validation.rejected.map((r): BulkRowRecord => {
        const body = bodies.get(r.row) ?? {};
        const upn = text(body.userPrincipalName);
        return {
          batchId,
          row: r.row,
          line: r.line,
          tenantId,
          upnKey: upn ? upn.trim().toLowerCase() : undefined,
          input: body,
          status: 'Rejected',
          error: describeErrors(r.errors),
          errors: r.errors,
        };
      }),
    ].sort((a, b) => a.row - b.row);

    // Rows first. With a key, rows of an earlier attempt that never got its header are converged to this upload.
    const written = records.map((r) => r.row);
    try {
      if (keyed) {
        const stale = (await this.d.rows.rowNumbers(batchId)).filter((n) => n > validation.total);
        if (stale.length) await this.d.rows.deleteRows(batchId, stale);
      }
      await this.d.rows.putAll(records);
    } catch (err) {
      await this.cleanUp(batchId, written);
      throw err;
    }

    const header: BulkBatchRecord = {
      tenantId,
      batchId,
      total: validation.total,
      accepted: validation.accepted.length,
      rejected: validation.rejected.length,
      format: read.format,
      state: 'Accepted',
      createdAt: this.now().toISOString(),
      createdBy: req.createdBy,
      idempotencyKey: req.idempotencyKey,
      uploadHash: hash,
    };
    let created: boolean;
    try {
      created = await this.d.batches.create(header);
    } catch (err) {
      await this.cleanUp(batchId, written);
      throw err;
    }
    if (!created) {
      // The same key won a moment ago in a concurrent request: answer with its batch.
      const existing = await this.d.batches.get(tenantId, batchId);
      if (existing) return this.replay(existing, hash);
      throw new Error(`batch ${batchId} exists and vanished`);
    }
    return this.enqueue(header, validation.rejected, false);
  }

  /** Answers a repeated keyed request: the same batch (after finishing its queueing), or keyReused. */
  private async replay(batch: BulkBatchRecord, hash: string): Promise<SubmitOutcome> {
    if (batch.uploadHash !== hash) return { kind: 'keyReused', batchId: batch.batchId };
    const rejected = (await this.d.rows.listAll(batch.batchId, { status: 'Rejected' }))
      .sort((a, b) => a.row - b.row)
      .map((r) => ({ row: r.row, ...(r.line !== undefined ? { line: r.line } : {}), errors: r.errors ?? [] }));
    return this.enqueue(batch, rejected, true);
  }

  /**
   * Sends the messages of a batch still in state Accepted (one per {@link ROWS_PER_CHUNK} Pending rows; the trigger
   * turns each into one message per row), then marks it Queued.
   */
  private async enqueue(batch: BulkBatchRecord, rejected: RejectedRow[], replayed: boolean): Promise<SubmitOutcome> {
    let state = batch.state;
    if (state === 'Accepted') {
      try {
        const pending = (await this.d.rows.listAll(batch.batchId, { status: 'Pending' })).map((r) => r.row);
        await this.d.queue.sendAll(chunkRefs(batch.tenantId, batch.batchId, pending));
        const updated = await this.d.batches.update(batch.tenantId, batch.batchId, (b) =>
          b.state === 'Accepted' ? { ...b, state: 'Queued', queuedAt: this.now().toISOString() } : undefined,
        );
        state = updated?.state ?? 'Queued';
      } catch (err) {
        return {
          kind: 'queueFailed',
          batchId: batch.batchId,
          detail:
            `Batch ${batch.batchId} was stored but not all of its rows could be queued ` +
            `(${err instanceof Error ? err.message : String(err)}).`,
        };
      }
    }
    return {
      kind: 'accepted',
      replayed,
      reply: { batchId: batch.batchId, accepted: batch.accepted, rejected, total: batch.total, state },
    };
  }

  private async cleanUp(batchId: string, rows: number[]): Promise<void> {
    try {
      await this.d.rows.deleteRows(batchId, rows);
    } catch {
      // Rows without a header are invisible; a keyed retry converges them.
    }
  }

  /** The number inventory (only read when a row asks for a number) and the accounts Switchboard already made. */
  private async validationContext(
    tenantId: string,
    rows: readonly BulkInputRow[],
  ): Promise<{ inventory: Record<string, InventoryNumber>; existingAccounts: Map<string, string> }> {
    const inventory: Record<string, InventoryNumber> = {};
    const existingAccounts = new Map<string, string>();
    if (!rows.some((r) => typeof r.body.phoneNumber === 'string' && r.body.phoneNumber.trim() !== '')) {
      return { inventory, existingAccounts };
    }
    const gateway = this.d.gateway(tenantId);
    let page = await gateway.listNumbers({ top: 1000 });
    for (;;) {
      for (const n of page.items) {
        inventory[n.telephoneNumber] = {
          numberType: n.numberType,
          assignmentStatus: n.assignmentStatus,
          assignmentTargetId: n.assignmentTargetId ?? null,
          capabilities: n.capabilities ?? null,
        };
      }
      if (!page.nextLink) break;
      page = await gateway.listNumbers({ nextLink: page.nextLink });
    }
    let continuationToken: string | undefined;
    do {
      const endpoints = await this.d.endpoints.list(tenantId, { top: 1000, continuationToken });
      for (const e of endpoints.items) {
        const objectId = e.objectId ?? e.actual?.objectId;
        if (objectId) existingAccounts.set(e.upnKey, objectId);
      }
      continuationToken = endpoints.continuationToken;
    } while (continuationToken);
    return { inventory, existingAccounts };
  }

  // ------------------------------------------------------------------------------------------------------ queue side

  /**
   * Starts one row's endpoint (queue trigger). Idempotent: a row that is no longer Pending is skipped, and the
   * provisioning instance id is the endpoint's, so a redelivered message never starts a second run.
   */
  async startRow(ref: BulkRowRef): Promise<StartOutcome> {
    const tenantId = ref.tenantId.toLowerCase();
    const batch = await this.d.batches.get(tenantId, ref.batchId);
    if (!batch) return { kind: 'unknown', reason: `there is no batch ${ref.batchId} in tenant ${tenantId}` };
    const row = await this.d.rows.get(ref.batchId, ref.row);
    if (!row || row.tenantId !== tenantId) {
      return { kind: 'unknown', reason: `batch ${ref.batchId} has no row ${ref.row}` };
    }
    if (row.status !== 'Pending') return { kind: 'skipped', reason: `row ${ref.row} is ${row.status}` };
    if (batch.state === 'Cancelled') {
      await this.d.rows.update(ref.batchId, ref.row, (r) =>
        r.status === 'Pending' ? { ...r, status: 'Cancelled', endedAt: this.now().toISOString() } : undefined,
      );
      return { kind: 'skipped', reason: `batch ${ref.batchId} is cancelled` };
    }

    // Pacing: hold a start slot; one more than a few seconds away sends the reference back to wait for it.
    const pacer = this.d.pacer ?? NO_PACING;
    if (!ref.slotAt) {
      const waitMs = await pacer.reserve(tenantId);
      if (waitMs > PACING_TOLERANCE_MS) {
        const slotAt = new Date(this.now().getTime() + waitMs).toISOString();
        await this.d.queue.send({ ...ref, slotAt }, { visibilityTimeoutSeconds: waitMs / 1000 });
        return { kind: 'deferred', waitMs };
      }
      if (waitMs > 0) await this.sleep(waitMs);
    } else {
      const waitMs = Date.parse(ref.slotAt) - this.now().getTime();
      if (waitMs > 0 && waitMs <= PACING_TOLERANCE_MS) await this.sleep(waitMs);
      else if (waitMs > PACING_TOLERANCE_MS) {
        await this.d.queue.send(ref, { visibilityTimeoutSeconds: waitMs / 1000 });
        return { kind: 'deferred', waitMs };
      }
    }

    const request = validateEndpointRequest(row.input);
    if (!request.ok) {
      const error = `the stored row is not a valid endpoint request: ${describeErrors(request.errors)}`;
      await this.finish(ref, 'Failed', error);
      return { kind: 'finished', status: 'Failed', error };
    }
    if (!this.d.endpointService) throw new Error('BulkService.startRow needs the endpoint service');
    const outcome = await this.d.endpointService.requestProvision(tenantId, request.value, {
      bulk: { batchId: ref.batchId, row: ref.row },
    });
    if (outcome.kind === 'notFound') {
      await this.finish(ref, 'Failed', 'the endpoint could not be found');
      return { kind: 'finished', status: 'Failed', error: 'the endpoint could not be found' };
    }
    if (outcome.kind === 'conflict') {
      await this.finish(ref, 'Failed', outcome.detail);
      return { kind: 'finished', status: 'Failed', error: outcome.detail };
    }
    const record = outcome.record;
    if (!outcome.started && record.status === 'Provisioned') {
      await this.finish(ref, 'Succeeded', undefined, record.runId, record.objectId);
      return { kind: 'finished', status: 'Succeeded' };
    }
    const runId = record.runId ?? '';
    const at = this.now().toISOString();
    await this.d.rows.update(ref.batchId, ref.row, (r) => {
      // A cancel that lost the race against this start: the run is in flight, so the row runs (and finishes).
      const startable = r.status === 'Pending' || (r.status === 'Cancelled' && !r.runId);
      return startable
        ? {
            ...r,
            status: 'Running',
            runId,
            linked: outcome.started,
            startedAt: at,
            endedAt: undefined,
            error: undefined,
          }
        : undefined;
    });
    return { kind: 'started', runId };
  }

  /** Ends a row that never started a run (or whose endpoint was already provisioned). */
  private async finish(
    ref: BulkRowRef,
    status: 'Succeeded' | 'Failed',
    error?: string,
    runId?: string,
    objectId?: string,
  ): Promise<void> {
    const at = this.now().toISOString();
    await this.d.rows.update(ref.batchId, ref.row, (r) =>
      r.status === 'Pending' || (r.status === 'Cancelled' && !r.runId)
        ? { ...r, status, error, runId: runId ?? r.runId, objectId: objectId ?? r.objectId, startedAt: at, endedAt: at }
        : undefined,
    );
  }

  /** The row's message will not be retried any more (it goes to the poison queue): the row fails with the reason. */
  async giveUpRow(ref: BulkRowRef, reason: string): Promise<void> {
    await this.finish(ref, 'Failed', `could not be started: ${reason}`);
  }

  /**
   * Turns a chunk message into one row message per row of the chunk still Pending (queue trigger). Idempotent: a
   * repeat sends a row's message again, which the row ignores once it has started.
   */
  async expandChunk(
    chunk: BulkChunkRef,
  ): Promise<{ kind: 'expanded'; rows: number } | { kind: 'unknown'; reason: string }> {
    const tenantId = chunk.tenantId.toLowerCase();
    const batch = await this.d.batches.get(tenantId, chunk.batchId);
    if (!batch) return { kind: 'unknown', reason: `there is no batch ${chunk.batchId} in tenant ${tenantId}` };
    const pending = await this.d.rows.listRange(chunk.batchId, chunk.fromRow, chunk.toRow, { status: 'Pending' });
    const refs = pending
      .filter((r) => r.tenantId === tenantId)
      .sort((a, b) => a.row - b.row)
      .map((r) => ({ tenantId, batchId: chunk.batchId, row: r.row }));
    await this.d.queue.sendAll(refs);
    return { kind: 'expanded', rows: refs.length };
  }

  /** A chunk message goes to the poison queue: its rows still Pending fail with the reason. */
  async giveUpChunk(chunk: BulkChunkRef, reason: string): Promise<void> {
    const pending = await this.d.rows.listRange(chunk.batchId, chunk.fromRow, chunk.toRow, { status: 'Pending' });
    await forEachLimited(pending, 16, (r) =>
      this.finish(
        { tenantId: chunk.tenantId, batchId: chunk.batchId, row: r.row },
        'Failed',
        `could not be queued: ${reason}`,
      ),
    );
  }

  // ------------------------------------------------------------------------------------------------- status, cancel

  async status(
    tenantId: string,
    batchId: string,
    o: { rows?: boolean; top?: number; continuationToken?: string } = {},
  ): Promise<BulkStatusView | undefined> {
    const batch = await this.d.batches.get(tenantId, batchId);
    if (!batch) return undefined;
    let rows = await this.d.rows.listAll(batchId);
    rows = await this.reconcile(rows);
    const counted = rows.filter((r) => r.status !== 'Rejected');
    const progress = batchProgress(
      counted.map((r) => ({
        status: r.status as Exclude<BulkRowRecord['status'], 'Rejected'>,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
      })),
      this.now(),
    );
    const state: BulkBatchStateView =
      batch.state === 'Cancelled'
        ? 'Cancelled'
        : progress.done
          ? 'Completed'
          : progress.running + progress.completed > 0
            ? 'Running'
            : batch.state;
    const view: BulkStatusView = {
      batchId,
      total: batch.total,
      accepted: batch.accepted,
      pending: progress.pending,
      running: progress.running,
      succeeded: progress.succeeded,
      failed: progress.failed,
      cancelled: progress.cancelled,
      rejected: rows.length - counted.length,
      state,
      createdAt: batch.createdAt,
      createdBy: batch.createdBy,
      startedAt: progress.startedAt,
      endedAt: progress.endedAt,
      ratePerMinute: progress.ratePerMinute,
      etaMs: progress.etaMs,
      etaAt: progress.etaAt,
      percentComplete: progress.percentComplete,
    };
    if (o.rows) {
      if (o.top !== undefined || o.continuationToken) {
        const page = await this.d.rows.list(batchId, { top: o.top, continuationToken: o.continuationToken });
        const fresh = new Map(rows.map((r) => [r.row, r]));
        view.rows = page.items.map((r) => rowView(fresh.get(r.row) ?? r));
        if (page.continuationToken) view.continuationToken = page.continuationToken;
      } else {
        view.rows = rows.sort((a, b) => a.row - b.row).map(rowView);
      }
    }
    return view;
  }

  /** The batch's rows (all of them, rejected ones included) as spreadsheet-safe CSV; undefined for an unknown batch. */
  async resultsCsv(tenantId: string, batchId: string): Promise<string | undefined> {
    const batch = await this.d.batches.get(tenantId, batchId);
    if (!batch) return undefined;
    const rows = (await this.reconcile(await this.d.rows.listAll(batchId))).sort((a, b) => a.row - b.row);
    return bulkResultsCsv(
      rows.map((r): BulkResultRow => {
        const v = rowView(r);
        return {
          row: v.row,
          userPrincipalName: v.userPrincipalName,
          displayName: v.displayName,
          phoneNumber: v.phoneNumber,
          numberType: v.numberType,
          queueId: v.queueId,
          status: v.status,
          objectId: v.objectId,
          error: v.error,
          startedAt: v.startedAt,
          endedAt: v.endedAt,
        };
      }),
      { bom: true },
    );
  }

  /** Cancels a batch: the header first (so no further row starts), then every row still Pending. */
  async cancel(tenantId: string, batchId: string, by: string): Promise<BulkStatusView | undefined> {
    const batch = await this.d.batches.update(tenantId, batchId, (b) =>
      b.state === 'Cancelled'
        ? undefined
        : { ...b, state: 'Cancelled', cancelledAt: this.now().toISOString(), cancelledBy: by },
    );
    if (!batch) return undefined;
    const pending = await this.d.rows.listAll(batchId, { status: 'Pending' });
    await forEachLimited(pending, 16, async (p) => {
      await this.d.rows.update(batchId, p.row, (r) =>
        r.status === 'Pending' ? { ...r, status: 'Cancelled', endedAt: this.now().toISOString() } : undefined,
      );
    });
    return this.status(tenantId, batchId);
  }

  /**
   * A Running row that joined a run it did not start (say one started by `POST …/endpoints` for the same endpoint,
   * which carries no row link) takes its end from the endpoint: checked on every read once it has run a while.
   */
  private async reconcile(rows: BulkRowRecord[]): Promise<BulkRowRecord[]> {
    const now = this.now();
    const stale = rows.filter(
      (r) =>
        r.status === 'Running' &&
        r.linked === false &&
        r.runId &&
        r.upnKey &&
        now.getTime() - (Date.parse(r.startedAt ?? '') || now.getTime()) > RECONCILE_AFTER_MS,
    );
    if (stale.length === 0) return rows;
    const updated = new Map<number, BulkRowRecord>();
    await forEachLimited(stale.slice(0, 200), 8, async (r) => {
      const endpoint = await this.d.endpoints.get(r.tenantId, r.upnKey as string);
      if (!endpoint || endpoint.runId !== r.runId || !TERMINAL_ENDPOINT.includes(endpoint.status)) return;
      const run = {
        runId: r.runId as string,
        status: endpoint.status,
        objectId: endpoint.objectId,
        error: endpoint.lastError,
      };
      const next = await this.d.rows.update(r.batchId, r.row, (current) => finishedRow(current, run, now));
      if (next) updated.set(r.row, next);
    });
    return rows.map((r) => updated.get(r.row) ?? r);
  }
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
