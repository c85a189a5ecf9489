/**
 * Bulk upload, the service behind `POST …/bulk`: every row is validated up front (the rules of shared/bulk), against
 * the tenant's number inventory. The accepted rows AND the rejected ones go to `bulkRows` first (transactions of
 * 100), the `bulkBatches` header LAST — a batch without its header does not exist for anyone — then the queue
 * messages: one per 100 accepted rows, which the trigger turns into one message per accepted row. Nothing is written
 * when the file is refused or no row is accepted. An `Idempotency-Key` makes the batch id a function of (tenant,
 * key): repeating the request returns the same batch, and a repeat after a crash converges the rows, writes the
 * header and sends the messages that may be missing (the trigger ignores a row that already started, so a duplicate
 * message is harmless).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { BulkSubmitView } from '../domain';
import { isTenantError, type TenantGateway } from '../tenant';
import type { BulkBatchRecord, BulkBatchesRepository, BulkRowRecord, BulkRowsRepository } from './bulk.repository';
import type { BulkEndpointReader } from './bulk-endpoints.port';
import { batchIdForKey, chunkRefs, describeRowErrors, textField } from './bulk-row.rules';
import type { InventoryNumber } from './inventory';
import type { ProvisionRequestQueue } from './provision-request.queue';
import { bulkLimits, type BulkFileError, type BulkInputRow, type BulkLimits, type RejectedRow } from './bulk.types';
import { readBulkUpload } from './upload-input';
import { validateBulkRows } from './validate';

export interface BulkUploadDependencies {
  rows: BulkRowsRepository;
  batches: BulkBatchesRepository;
  queue: ProvisionRequestQueue;
  /** The accounts Switchboard already made (a number on one of them is fine for its own row). */
  endpoints: Pick<BulkEndpointReader, 'list'>;
  gateway: (tenantId: string) => TenantGateway;
  limits?: Partial<BulkLimits>;
  now?: () => Date;
  /**
   * The tenant's daily quota of bulk rows: asked once per new batch (never for a replay) with its accepted rows, before
   * anything is written. Undefined = no quota.
   */
  admit?: (tenantId: string, accepted: number) => Promise<BulkAdmission>;
}

export type BulkAdmission =
  { granted: true } | { granted: false; limit: number; used: number; retryAfterSeconds: number };

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
  | { kind: 'quotaExceeded'; accepted: number; limit: number; used: number; retryAfterSeconds: number }
  | { kind: 'queueFailed'; batchId: string; detail: string };

function uploadHash(contentType: string | undefined, body: Uint8Array): string {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return createHash('sha256').update(type).update('\n').update(body).digest('hex');
}

export class BulkUploadService {
  private readonly now: () => Date;
  private readonly limits: BulkLimits;

  constructor(private readonly d: BulkUploadDependencies) {
    this.now = d.now ?? (() => new Date());
    this.limits = bulkLimits(d.limits);
  }

  get maxBytes(): number {
    return this.limits.maxBytes;
  }

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

    if (this.d.admit) {
      const admission = await this.d.admit(tenantId, validation.accepted.length);
      if (!admission.granted) {
        const { limit, used, retryAfterSeconds } = admission;
        return { kind: 'quotaExceeded', accepted: validation.accepted.length, limit, used, retryAfterSeconds };
      }
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
        const upn = textField(body.userPrincipalName);
        return {
          batchId,
          row: r.row,
          line: r.line,
          tenantId,
          upnKey: upn ? upn.trim().toLowerCase() : undefined,
          input: body,
          status: 'Rejected',
          error: describeRowErrors(r.errors),
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
}
