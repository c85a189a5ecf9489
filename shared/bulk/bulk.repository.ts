/**
 * Bulk import tables (DESIGN.md "State in Table storage"):
 * - `bulkRows`: PartitionKey = batchId, RowKey = zero-padded row number. Every data row of the upload: its input,
 *   status (Pending → Running → Succeeded | Failed, or Cancelled; Rejected for rows refused up front), error, timings,
 *   the endpoint's upn key and the provisioning run id. Rows are the source of truth for a batch's progress.
 * - `bulkBatches`: PartitionKey = tenantId, RowKey = batchId. The header: totals, who and when, state. Written LAST,
 *   after all rows, so a batch whose rows were only partly written is never visible.
 * Rows are updated by the queue trigger, the provisioning run and cancel at once, so updates are ETag-guarded.
 */
import { TableClient, odata, type TransactionAction } from '@azure/data-tables';
import type { FieldError } from '../domain';
import {
  decodeKey,
  encodeKey,
  padSeq,
  type ListPage,
  MAX_TRANSACTION_OPERATIONS,
  deleteEntityIfExists,
  ensureTable,
  properties,
  readEntity,
  statusOf,
  submitInGroups,
  tableClient,
  updateRecord,
  type EtagUpdateOptions,
  type StoredEntity,
} from '../storage';

/** States a row moves through once accepted; `Rejected` rows were refused up front and never run. */
export const BULK_ROW_STATUSES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Cancelled', 'Rejected'] as const;
export type BulkRowStatus = (typeof BULK_ROW_STATUSES)[number];

/** Accepted: rows and header written, messages being sent; Queued: every row has its message; Cancelled. */
export type BulkBatchState = 'Accepted' | 'Queued' | 'Cancelled';

export interface BulkRowRecord {
  batchId: string;
  row: number;
  /** CSV: the line of the file the row starts on. */
  line?: number;
  tenantId: string;
  /** The endpoint's key (lower-cased UPN), when the row has a readable UPN. */
  upnKey?: string;
  /** Accepted rows: the validated endpoint request; rejected rows: the body as read from the file. */
  input: Record<string, unknown>;
  status: BulkRowStatus;
  /** What went wrong (a sentence), for Failed / Rejected rows. */
  error?: string;
  /** Rejected rows: every reason, per field. */
  errors?: FieldError[];
  /** The provisioning run that works on the row. */
  runId?: string;
  /**
   * false when the row joined a run it did not start (one already in flight for the endpoint): that run does not
   * know the row, so the row takes its end from the endpoint.
   */
  linked?: boolean;
  objectId?: string;
  startedAt?: string;
  endedAt?: string;
  /** Read-only concurrency token. */
  etag?: string;
}

export interface BulkBatchRecord {
  tenantId: string;
  batchId: string;
  /** Data rows in the upload (accepted + rejected). */
  total: number;
  accepted: number;
  rejected: number;
  format: string;
  state: BulkBatchState;
  createdAt: string;
  /** Object id (`oid`) of the caller who uploaded it. */
  createdBy: string;
  idempotencyKey?: string;
  /** sha256 of the upload (content type + body): the same Idempotency-Key with another upload is refused. */
  uploadHash: string;
  /** When every row had its queue message. */
  queuedAt?: string;
  cancelledAt?: string;
  cancelledBy?: string;
  etag?: string;
}

export const BULK_ROW_KEY_WIDTH = 6;
export const bulkRowKey = (row: number) => padSeq(row, BULK_ROW_KEY_WIDTH);

const str = (p: Record<string, unknown>, k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
const num = (p: Record<string, unknown>, k: string) => (typeof p[k] === 'number' ? (p[k] as number) : undefined);
function parseJson<T>(text: string | undefined, fallback: T): T {
  if (text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Azure Table string properties hold at most 32K UTF-16 characters. */
const MAX_TEXT = 30_000;
const clip = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

function rowToEntity(r: BulkRowRecord): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const e: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: encodeKey(r.batchId),
    rowKey: bulkRowKey(r.row),
    row: r.row,
    tenantId: r.tenantId,
    input: clip(JSON.stringify(r.input)),
    status: r.status,
  };
  if (r.line !== undefined) e.line = r.line;
  if (r.upnKey) e.upnKey = r.upnKey;
  if (r.error) e.error = clip(r.error);
  if (r.errors?.length) e.errors = clip(JSON.stringify(r.errors));
  if (r.runId) e.runId = r.runId;
  if (r.linked !== undefined) e.linked = r.linked;
  if (r.objectId) e.objectId = r.objectId;
  if (r.startedAt) e.startedAt = r.startedAt;
  if (r.endedAt) e.endedAt = r.endedAt;
  return e;
}

function rowFromEntity(e: StoredEntity): BulkRowRecord {
  const p = properties(e);
  const status = str(p, 'status') ?? 'Pending';
  return {
    batchId: decodeKey(e.partitionKey ?? ''),
    row: num(p, 'row') ?? Number(e.rowKey),
    line: num(p, 'line'),
    tenantId: str(p, 'tenantId') ?? '',
    upnKey: str(p, 'upnKey'),
    input: parseJson<Record<string, unknown>>(str(p, 'input'), {}),
    status: ((BULK_ROW_STATUSES as readonly string[]).includes(status) ? status : 'Pending') as BulkRowStatus,
    error: str(p, 'error'),
    errors: parseJson<FieldError[] | undefined>(str(p, 'errors'), undefined),
    runId: str(p, 'runId'),
    linked: typeof p.linked === 'boolean' ? p.linked : undefined,
    objectId: str(p, 'objectId'),
    startedAt: str(p, 'startedAt'),
    endedAt: str(p, 'endedAt'),
    etag: e.etag,
  };
}

function batchToEntity(b: BulkBatchRecord): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const e: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: encodeKey(b.tenantId.toLowerCase()),
    rowKey: encodeKey(b.batchId),
    tenantId: b.tenantId.toLowerCase(),
    batchId: b.batchId,
    total: b.total,
    accepted: b.accepted,
    rejected: b.rejected,
    format: b.format,
    state: b.state,
    createdAt: b.createdAt,
    createdBy: b.createdBy,
    uploadHash: b.uploadHash,
  };
  if (b.idempotencyKey) e.idempotencyKey = b.idempotencyKey;
  if (b.queuedAt) e.queuedAt = b.queuedAt;
  if (b.cancelledAt) e.cancelledAt = b.cancelledAt;
  if (b.cancelledBy) e.cancelledBy = b.cancelledBy;
  return e;
}

function batchFromEntity(e: StoredEntity): BulkBatchRecord {
  const p = properties(e);
  return {
    tenantId: str(p, 'tenantId') ?? decodeKey(e.partitionKey ?? ''),
    batchId: str(p, 'batchId') ?? decodeKey(e.rowKey ?? ''),
    total: num(p, 'total') ?? 0,
    accepted: num(p, 'accepted') ?? 0,
    rejected: num(p, 'rejected') ?? 0,
    format: str(p, 'format') ?? 'csv',
    state: (str(p, 'state') ?? 'Accepted') as BulkBatchState,
    createdAt: str(p, 'createdAt') ?? '',
    createdBy: str(p, 'createdBy') ?? '',
    idempotencyKey: str(p, 'idempotencyKey'),
    uploadHash: str(p, 'uploadHash') ?? '',
    queuedAt: str(p, 'queuedAt'),
    cancelledAt: str(p, 'cancelledAt'),
    cancelledBy: str(p, 'cancelledBy'),
    etag: e.etag,
  };
}

export class BulkRowsRepository {
  readonly client: TableClient;

  constructor(
    connectionString: string,
    private readonly o: { tableName?: string; etag?: EtagUpdateOptions } = {},
  ) {
    this.client = tableClient(connectionString, o.tableName ?? 'bulkRows');
  }

  /** Writes (inserts or replaces) rows of one batch, in transactions of at most 100, a few at a time. */
  async putAll(rows: readonly BulkRowRecord[], concurrency = 4): Promise<void> {
    await ensureTable(this.client);
    const actions = rows.map((r): TransactionAction => ['upsert', rowToEntity(r), 'Replace']);
    await submitInGroups(this.client, actions, concurrency);
  }

  /** Deletes the given rows of a batch (missing ones are fine), in transactions of at most 100. */
  async deleteRows(batchId: string, rows: readonly number[]): Promise<void> {
    await ensureTable(this.client);
    const pk = encodeKey(batchId);
    for (let i = 0; i < rows.length; i += MAX_TRANSACTION_OPERATIONS) {
      const chunk = rows.slice(i, i + MAX_TRANSACTION_OPERATIONS);
      try {
        await this.client.submitTransaction(
          chunk.map((row) => ['delete', { partitionKey: pk, rowKey: bulkRowKey(row) }]),
        );
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
        // One row of the chunk was missing, which fails the whole transaction: delete one by one.
        for (const row of chunk) await deleteEntityIfExists(this.client, pk, bulkRowKey(row));
      }
    }
  }

  /** Row numbers stored for a batch (keys only). */
  async rowNumbers(batchId: string): Promise<number[]> {
    await ensureTable(this.client);
    const rows: number[] = [];
    const filter = odata`PartitionKey eq ${encodeKey(batchId)}`;
    for await (const e of this.client.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      rows.push(Number(e.rowKey));
    }
    return rows;
  }

  async get(batchId: string, row: number): Promise<BulkRowRecord | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, encodeKey(batchId), bulkRowKey(row));
    return e && rowFromEntity(e);
  }

  /** Every row of a batch, in row order. */
  async listAll(batchId: string, o: { status?: BulkRowStatus } = {}): Promise<BulkRowRecord[]> {
    await ensureTable(this.client);
    const pk = encodeKey(batchId);
    const filter = o.status ? odata`PartitionKey eq ${pk} and status eq ${o.status}` : odata`PartitionKey eq ${pk}`;
    const rows: BulkRowRecord[] = [];
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      rows.push(rowFromEntity(e));
    }
    return rows;
  }

  /** The rows `fromRow`..`toRow` of a batch (optionally of one status), in row order. */
  async listRange(
    batchId: string,
    fromRow: number,
    toRow: number,
    o: { status?: BulkRowStatus } = {},
  ): Promise<BulkRowRecord[]> {
    await ensureTable(this.client);
    const pk = encodeKey(batchId);
    const from = bulkRowKey(fromRow);
    const to = bulkRowKey(toRow);
    const filter = o.status
      ? odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey le ${to} and status eq ${o.status}`
      : odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey le ${to}`;
    const rows: BulkRowRecord[] = [];
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      rows.push(rowFromEntity(e));
    }
    return rows;
  }

  /** One page of a batch's rows, in row order. */
  async list(batchId: string, o: { top?: number; continuationToken?: string } = {}): Promise<ListPage<BulkRowRecord>> {
    await ensureTable(this.client);
    const top = Math.min(1000, Math.max(1, Math.floor(o.top ?? 1000)));
    const pages = this.client
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${encodeKey(batchId)}` } })
      .byPage({ maxPageSize: top, continuationToken: o.continuationToken || undefined });
    const { value } = await pages.next();
    if (!value) return { items: [] };
    const page = value as StoredEntity[] & { continuationToken?: string };
    return { items: page.map(rowFromEntity), continuationToken: page.continuationToken || undefined };
  }

  /** ETag-guarded read-modify-write of one row; `mutate` returns undefined for "no change". Undefined if missing. */
  async update(
    batchId: string,
    row: number,
    mutate: (current: BulkRowRecord) => BulkRowRecord | undefined,
  ): Promise<BulkRowRecord | undefined> {
    await ensureTable(this.client);
    const codec = { decode: rowFromEntity, encode: (next: BulkRowRecord) => rowToEntity({ ...next, batchId, row }) };
    return updateRecord(this.client, encodeKey(batchId), bulkRowKey(row), codec, mutate, this.o.etag);
  }
}

export class BulkBatchesRepository {
  readonly client: TableClient;

  constructor(
    connectionString: string,
    private readonly o: { tableName?: string; etag?: EtagUpdateOptions } = {},
  ) {
    this.client = tableClient(connectionString, o.tableName ?? 'bulkBatches');
  }

  async get(tenantId: string, batchId: string): Promise<BulkBatchRecord | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, encodeKey(tenantId.toLowerCase()), encodeKey(batchId));
    return e && batchFromEntity(e);
  }

  /** Inserts the header; false when a header with that id exists already (nothing is changed then). */
  async create(batch: BulkBatchRecord): Promise<boolean> {
    await ensureTable(this.client);
    try {
      await this.client.createEntity(batchToEntity(batch));
      return true;
    } catch (e) {
      if (statusOf(e) === 409) return false;
      throw e;
    }
  }

  async update(
    tenantId: string,
    batchId: string,
    mutate: (current: BulkBatchRecord) => BulkBatchRecord | undefined,
  ): Promise<BulkBatchRecord | undefined> {
    await ensureTable(this.client);
    const codec = {
      decode: batchFromEntity,
      encode: (next: BulkBatchRecord) => batchToEntity({ ...next, tenantId, batchId }),
    };
    return updateRecord(this.client, encodeKey(tenantId.toLowerCase()), encodeKey(batchId), codec, mutate, this.o.etag);
  }

  async delete(tenantId: string, batchId: string): Promise<void> {
    await ensureTable(this.client);
    await deleteEntityIfExists(this.client, encodeKey(tenantId.toLowerCase()), encodeKey(batchId));
  }
}
