/**
 * The task hub on Azure Storage (reference §6): `{Hub}Instances` and `{Hub}History` tables, control queues and the
 * work-item queue. History is appended per episode in entity-group transactions guarded by the `sentinel` row's ETag.
 */
import { TableClient, odata, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { OBJECT_FIELDS, eventTypeFromName, eventTypeName, type HistoryEvent, type RuntimeStatus } from './history';
import { SENTINEL_ROW_KEY, escapeKey, historyRowKey, unescapeKey, type TaskHubNames } from './naming';

/** Azure Table string properties hold 64 KiB (32K UTF-16 chars); longer strings are split across numbered columns. */
const CHUNK = 30_000;
/** Largest outbox kept in the sentinel row (an entity holds 1 MiB; UTF-16 in storage). */
const MAX_OUTBOX_CHARS = 300_000;
/** At most 100 operations per entity-group transaction. */
const MAX_BATCH = 100;

type Row = Record<string, unknown>;

/** Thrown when the sentinel's ETag moved: another episode of the instance committed first. */
export class ConcurrencyConflictError extends Error {
  constructor(instanceId: string) {
    super(`History of instance '${instanceId}' was changed by another episode`);
    this.name = 'ConcurrencyConflictError';
  }
}

/**
 * Sets a string column, split into `Name`, `Name__1`, … with `Name__chunks` when long. `merging`: the row is merged
 * into an existing one, so the chunk count is always written (a stale count would otherwise outlive a shorter value).
 */
export function putString(row: Row, name: string, value: string | null | undefined, merging = false): void {
  if (value === undefined) return;
  if (value === null || value.length <= CHUNK) {
    row[name] = value;
    if (merging) row[`${name}__chunks`] = 1;
    return;
  }
  const parts = Math.ceil(value.length / CHUNK);
  row[name] = value.slice(0, CHUNK);
  for (let i = 1; i < parts; i++) row[`${name}__${i}`] = value.slice(i * CHUNK, (i + 1) * CHUNK);
  row[`${name}__chunks`] = parts;
}

export function getString(row: Row, name: string): string | null | undefined {
  const first = row[name];
  if (first === undefined || first === null) return first as null | undefined;
  const parts = Number(row[`${name}__chunks`] ?? 1);
  let text = String(first);
  for (let i = 1; i < parts; i++) text += String(row[`${name}__${i}`] ?? '');
  return text;
}

const RESERVED = new Set(['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.metadata', 'odata.etag']);

/** A history event → table row (EventType by name, Timestamp in `_Timestamp`, nested objects as JSON). */
export function eventToRow(instanceId: string, executionId: string, position: number, e: HistoryEvent): TableEntity {
  const row: TableEntity = { partitionKey: escapeKey(instanceId), rowKey: historyRowKey(position) };
  row.ExecutionId = executionId;
  row.EventType = eventTypeName(e.EventType);
  row.EventId = e.EventId;
  row.IsPlayed = true;
  row._Timestamp = e.Timestamp;
  if (e._mid) row._MessageId = e._mid;
  for (const [key, value] of Object.entries(e)) {
    if (['EventType', 'EventId', 'IsPlayed', 'Timestamp', '_mid'].includes(key) || value === undefined) continue;
    if ((OBJECT_FIELDS as readonly string[]).includes(key))
      putString(row, key, value === null ? null : JSON.stringify(value));
    else if (typeof value === 'string') putString(row, key, value);
    else row[key] = value;
  }
  return row;
}

/** A table row → history event (IsPlayed true: it is persisted). */
export function rowToEvent(row: Row): HistoryEvent {
  const e: Record<string, unknown> = {
    EventType: eventTypeFromName(String(row.EventType)),
    EventId: Number(row.EventId ?? -1),
    IsPlayed: true,
    Timestamp: String(row._Timestamp ?? ''),
  };
  if (row._MessageId) e._mid = String(row._MessageId);
  for (const key of Object.keys(row)) {
    if (RESERVED.has(key) || key.includes('__') || key.startsWith('_')) continue;
    if (['ExecutionId', 'EventType', 'EventId', 'IsPlayed'].includes(key)) continue;
    if ((OBJECT_FIELDS as readonly string[]).includes(key)) {
      const text = getString(row, key);
      e[key] = text === null || text === undefined ? null : JSON.parse(text);
    } else if (typeof row[key] === 'string') e[key] = getString(row, key);
    else e[key] = row[key];
  }
  return e as unknown as HistoryEvent;
}

export interface Outbound {
  /** 'work' = the work-item queue; 'control' = the target instance's control queue. */
  queue: 'work' | 'control';
  /** Instance whose partition the message goes to. */
  instanceId: string;
  body: ControlMessage | WorkItemMessage;
  /** For timers: when the message may become visible. */
  visibleAt?: string;
}

/** A message on a control queue: one history event for one instance. */
export interface ControlMessage {
  mid: string;
  instanceId: string;
  /** Execution the event is for (null = whatever execution is current, e.g. raised events, terminate). */
  executionId: string | null;
  event: HistoryEvent;
}

/** A message on the work-item queue: run one activity. */
export interface WorkItemMessage {
  mid: string;
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
  name: string;
  input: string | null;
}

export interface LoadedHistory {
  instanceId: string;
  events: HistoryEvent[];
  executionId: string | undefined;
  /** Sentinel ETag; undefined when the instance has no history yet. */
  etag: string | undefined;
  /** Outbound messages of the last committed episode and the message ids it consumed (crash recovery). */
  outbox: Outbound[];
  outboxMids: string[];
}

export interface InstanceRow {
  instanceId: string;
  name: string;
  version: string;
  input: string | null;
  output: string | null;
  customStatus: string | null;
  runtimeStatus: RuntimeStatus;
  createdTime: Date;
  lastUpdatedTime: Date;
  completedTime: Date | null;
  executionId: string;
}

export interface InstanceQuery {
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  runtimeStatus?: string[];
  instanceIdPrefix?: string;
}

function toDate(value: unknown): Date | null {
  if (value === undefined || value === null || value === '') return null;
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? null : d;
}

function rowToInstance(row: Row): InstanceRow {
  return {
    instanceId: String(row.InstanceId ?? unescapeKey(String(row.partitionKey))),
    name: String(row.Name ?? ''),
    version: String(row.Version ?? ''),
    input: getString(row, 'Input') ?? null,
    output: getString(row, 'Output') ?? null,
    customStatus: getString(row, 'CustomStatus') ?? null,
    runtimeStatus: String(row.RuntimeStatus ?? 'Pending') as RuntimeStatus,
    createdTime: toDate(row.CreatedTime) ?? new Date(0),
    lastUpdatedTime: toDate(row.LastUpdatedTime) ?? new Date(0),
    completedTime: toDate(row.CompletedTime),
    executionId: String(row.ExecutionId ?? ''),
  };
}

function isStatus(err: unknown, ...codes: number[]): boolean {
  const status = (err as { statusCode?: number })?.statusCode;
  return typeof status === 'number' && codes.includes(status);
}

export class TaskHubStore {
  readonly instances: TableClient;
  readonly history: TableClient;
  readonly controlQueues: QueueClient[];
  readonly workItems: QueueClient;

  constructor(
    connectionString: string,
    readonly names: TaskHubNames,
  ) {
    const insecure = /DefaultEndpointsProtocol=http;|=http:\/\//i.test(connectionString);
    this.instances = TableClient.fromConnectionString(connectionString, names.instancesTable, {
      allowInsecureConnection: insecure,
    });
    this.history = TableClient.fromConnectionString(connectionString, names.historyTable, {
      allowInsecureConnection: insecure,
    });
    const queues = QueueServiceClient.fromConnectionString(connectionString);
    this.controlQueues = names.controlQueues.map((q) => queues.getQueueClient(q));
    this.workItems = queues.getQueueClient(names.workItemQueue);
  }

  async ensureCreated(): Promise<void> {
    await Promise.all([
      this.instances.createTable(),
      this.history.createTable(),
      ...this.controlQueues.map((q) => q.createIfNotExists()),
      this.workItems.createIfNotExists(),
    ]);
  }

  partitionCount(): number {
    return this.controlQueues.length;
  }

  // ---- history -------------------------------------------------------------------------------------------------

  async loadHistory(instanceId: string): Promise<LoadedHistory> {
    const pk = escapeKey(instanceId);
    const rows: Row[] = [];
    for await (const row of this.history.listEntities<Row>({
      queryOptions: { filter: odata`PartitionKey eq ${pk}` },
    })) {
      rows.push(row);
    }
    const sentinel = rows.find((r) => r.rowKey === SENTINEL_ROW_KEY);
    if (!sentinel)
      return { instanceId, events: [], executionId: undefined, etag: undefined, outbox: [], outboxMids: [] };
    const executionId = String(sentinel.ExecutionId ?? '');
    const count = Number(sentinel.HistoryCount ?? 0);
    const events = rows
      .filter((r) => r.rowKey !== SENTINEL_ROW_KEY && r.ExecutionId === executionId)
      .filter((r) => parseInt(String(r.rowKey), 16) < count)
      .sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)))
      .map(rowToEvent);
    const outboxText = getString(sentinel, 'Outbox');
    const midsText = getString(sentinel, 'OutboxMids');
    return {
      instanceId,
      events,
      executionId,
      etag: String(sentinel.etag),
      outbox: outboxText ? (JSON.parse(outboxText) as Outbound[]) : [],
      outboxMids: midsText ? (JSON.parse(midsText) as string[]) : [],
    };
  }

  /**
   * Appends `newEvents` after the `previousCount` persisted events (or, with `reset`, writes a new execution from
   * position 0) and moves the sentinel, guarded by its ETag. Returns the sentinel's new ETag.
   */
  async commitHistory(args: {
    instanceId: string;
    executionId: string;
    previousEtag: string | undefined;
    previousCount: number;
    newEvents: HistoryEvent[];
    outbox: Outbound[];
    outboxMids: string[];
  }): Promise<string | undefined> {
    const pk = escapeKey(args.instanceId);
    const rows = args.newEvents.map((e, i) => eventToRow(args.instanceId, args.executionId, args.previousCount + i, e));
    const sentinel: TableEntity = {
      partitionKey: pk,
      rowKey: SENTINEL_ROW_KEY,
      ExecutionId: args.executionId,
      HistoryCount: args.previousCount + args.newEvents.length,
      LastUpdated: new Date().toISOString(),
    };
    // The outbox only serves crash recovery; one too big for the 1 MiB entity is left out (documented limit).
    const outboxText = JSON.stringify(args.outbox);
    putString(sentinel, 'Outbox', outboxText.length <= MAX_OUTBOX_CHARS ? outboxText : '[]');
    putString(sentinel, 'OutboxMids', JSON.stringify(args.outboxMids));
    const sentinelAction: TransactionAction = args.previousEtag
      ? ['update', sentinel, 'Replace', { etag: args.previousEtag }]
      : ['create', sentinel];
    // Rows beyond the sentinel's count are invisible to readers, so earlier chunks can land first; the last
    // transaction carries the sentinel and is the commit point.
    const chunks: TransactionAction[][] = [];
    for (let i = 0; i < rows.length; i += MAX_BATCH - 1) {
      chunks.push(rows.slice(i, i + MAX_BATCH - 1).map((r): TransactionAction => ['upsert', r, 'Replace']));
    }
    if (chunks.length === 0) chunks.push([]);
    chunks[chunks.length - 1].push(sentinelAction);
    let etag: string | undefined;
    for (let i = 0; i < chunks.length; i++) {
      try {
        const response = await this.history.submitTransaction(chunks[i]);
        // The sentinel is the last action; sub-responses of updates carry no row key, so take it by position.
        if (i === chunks.length - 1) etag = response.subResponses[response.subResponses.length - 1]?.etag;
      } catch (err) {
        if (i === chunks.length - 1 && isStatus(err, 409, 412)) throw new ConcurrencyConflictError(args.instanceId);
        throw err;
      }
    }
    return etag;
  }

  async deleteHistory(instanceId: string): Promise<void> {
    const pk = escapeKey(instanceId);
    const actions: TransactionAction[] = [];
    for await (const row of this.history.listEntities<Row>({
      queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ['RowKey'] },
    })) {
      actions.push(['delete', { partitionKey: pk, rowKey: String(row.rowKey) }]);
    }
    for (let i = 0; i < actions.length; i += MAX_BATCH) {
      await this.history.submitTransaction(actions.slice(i, i + MAX_BATCH));
    }
  }

  async putLargeMessage(instanceId: string, rowKey: string, text: string): Promise<void> {
    const row: TableEntity = { partitionKey: escapeKey(instanceId), rowKey };
    putString(row, 'Body', text);
    await this.history.upsertEntity(row, 'Replace');
  }

  async getLargeMessage(instanceId: string, rowKey: string): Promise<string> {
    const row = await this.history.getEntity<Row>(escapeKey(instanceId), rowKey);
    return getString(row, 'Body') ?? '';
  }

  // ---- instances -----------------------------------------------------------------------------------------------

  async getInstance(instanceId: string): Promise<InstanceRow | undefined> {
    try {
      const row = await this.instances.getEntity<Row>(escapeKey(instanceId), '');
      return rowToInstance(row);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Writes the given instance fields (merge: fields not given keep their value). */
  async mergeInstance(
    instanceId: string,
    fields: Partial<Omit<InstanceRow, 'instanceId'>>,
    replace = false,
  ): Promise<void> {
    const row: TableEntity = { partitionKey: escapeKey(instanceId), rowKey: '', InstanceId: instanceId };
    if (fields.name !== undefined) row.Name = fields.name;
    if (fields.version !== undefined) row.Version = fields.version;
    putString(row, 'Input', fields.input, !replace);
    putString(row, 'Output', fields.output, !replace);
    putString(row, 'CustomStatus', fields.customStatus, !replace);
    if (fields.runtimeStatus !== undefined) row.RuntimeStatus = fields.runtimeStatus;
    if (fields.createdTime !== undefined) row.CreatedTime = fields.createdTime;
    if (fields.lastUpdatedTime !== undefined) row.LastUpdatedTime = fields.lastUpdatedTime;
    if (fields.completedTime !== undefined) row.CompletedTime = fields.completedTime;
    if (fields.executionId !== undefined) row.ExecutionId = fields.executionId;
    await this.instances.upsertEntity(row, replace ? 'Replace' : 'Merge');
  }

  async deleteInstance(instanceId: string): Promise<void> {
    try {
      await this.instances.deleteEntity(escapeKey(instanceId), '');
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }

  async queryInstances(
    query: InstanceQuery,
    pageSize: number | undefined,
    continuationToken: string | undefined,
  ): Promise<{ instances: InstanceRow[]; continuationToken?: string }> {
    const filters: string[] = [];
    if (query.createdTimeFrom) filters.push(odata`CreatedTime ge ${query.createdTimeFrom}`);
    if (query.createdTimeTo) filters.push(odata`CreatedTime le ${query.createdTimeTo}`);
    if (query.runtimeStatus && query.runtimeStatus.length > 0) {
      filters.push('(' + query.runtimeStatus.map((s) => odata`RuntimeStatus eq ${s}`).join(' or ') + ')');
    }
    if (query.instanceIdPrefix) {
      const lo = escapeKey(query.instanceIdPrefix);
      filters.push(odata`PartitionKey ge ${lo}` + ' and ' + odata`PartitionKey lt ${lo + '\uffff'}`);
    }
    const iterator = this.instances
      .listEntities<Row>({ queryOptions: filters.length ? { filter: filters.join(' and ') } : undefined })
      .byPage({ maxPageSize: pageSize ?? 1000, continuationToken });
    const page = await iterator.next();
    if (page.done || !page.value) return { instances: [] };
    return { instances: page.value.map(rowToInstance), continuationToken: page.value.continuationToken };
  }

  // ---- queues --------------------------------------------------------------------------------------------------

  controlQueueFor(partition: number): QueueClient {
    return this.controlQueues[partition];
  }
}
