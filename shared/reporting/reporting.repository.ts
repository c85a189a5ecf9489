/**
 * Reporting tables (docs/metrics.md "Aggregate tables"):
 *
 * `reportBuckets` — PartitionKey `{tenantId}|cq|{callQueueId}` or `{tenantId}|agent|{agentId}`; RowKey
 *   `{grain}|{scope}|{yyyymmddHHMM}` for a bucket (grain `m15` or `d1`, scope `*` — or, in an agent's partition, a
 *   call queue id), `applied|{id}` for an applied-record marker (id = the call id, `callback|{callbackId}` for a
 *   completed callback, or `state|…` for agent state time).
 *   A bucket holds {@link Metrics} as JSON (`m`). A day's report of one call queue reads one RowKey range of one
 *   partition: ≤ 96 `m15` rows, or 1 `d1` row; a month by day ≤ 31 rows. Markers sort before buckets (`applied` <
 *   `d1` < `m15`) and are never in a report's range.
 * `reportBuckets` partition `{tenantId}|dimensions` — RowKey `cq|{id}` / `agent|{id}`: which dimensions exist.
 * `contactRecords` — PartitionKey `{tenantId}|{yyyymmdd}` (UTC day of arrival), RowKey callId: the contact record
 *   (JSON), upserted, so a redelivered record is one row (dedupe on the call id).
 *
 * Merge of one record (live path): per partition it touches, read the marker and the bucket rows, then one
 * entity-group transaction writes the buckets (If-Match their ETags, or create) and creates the marker. A record
 * applied twice finds its marker (or loses the marker's create) and counts once; two records racing on a bucket:
 * the loser's transaction fails as a whole (412/409), it reloads and retries. Partitions are independent, so a crash
 * between two leaves the rest to the redelivery, which skips the partitions already marked.
 *
 * Bulk path (history): records grouped per partition, sorted by time, and written in transactions of ≤ 100
 * operations that each carry whole records — their markers and the buckets they add to — with the same guards.
 */
import { RestError, TableClient, odata, type TransactionAction } from '@azure/data-tables';
import { compositeKey, ensureTable, splitCompositeKey, statusOf, tableClient, type Entity } from '../storage';
import {
  ALL_CALL_QUEUES,
  AgentStateSpan,
  CallbackCompletion,
  Cell,
  Contribution,
  DAY_MS,
  Dimension,
  Grain,
  callbackContribution,
  contactContribution,
  parseStamp,
  stamp,
  stateSpanContribution,
} from './aggregate.rules';
import { ContactRecord } from './contact-record';
import { BucketReader } from './memory-buckets';
import { Metrics, emptyMetrics, mergeMetrics } from './metrics';

export interface ReportingTables {
  buckets?: string;
  contacts?: string;
}

export type ApplyResult = 'applied' | 'duplicate';

const MARKER = 'applied';
const MAX_OPS = 100;
const MAX_ATTEMPTS = 30;

export function partitionOf(tenantId: string, d: Dimension): string {
  const t = tenantId.toLowerCase();
  return d.kind === 'cq' ? compositeKey(t, 'cq', d.callQueueId) : compositeKey(t, 'agent', d.agentId);
}

export function bucketRowKey(d: Dimension, grain: Grain, start: number): string {
  const scope = d.kind === 'cq' ? ALL_CALL_QUEUES : d.scope;
  return `${grain}|${compositeKey(scope)}|${stamp(start)}`;
}

function markerRowKey(id: string): string {
  return `${MARKER}|${compositeKey(id)}`;
}

export function contactDay(at: number): string {
  return stamp(at).slice(0, 8);
}

/** A group of cells in one partition (the markers are the ids of the records they come from). */
interface PartitionWork {
  partitionKey: string;
  dimension: Dimension;
  cells: Map<string, { rowKey: string; metrics: Metrics }>;
}

function groupByPartition(tenantId: string, c: Contribution): Map<string, PartitionWork> {
  const out = new Map<string, PartitionWork>();
  for (const cell of c.values()) addCell(out, tenantId, cell);
  return out;
}

function addCell(out: Map<string, PartitionWork>, tenantId: string, cell: Cell): void {
  const pk = partitionOf(tenantId, cell.dimension);
  let w = out.get(pk);
  if (!w) out.set(pk, (w = { partitionKey: pk, dimension: cell.dimension, cells: new Map() }));
  const rk = bucketRowKey(cell.dimension, cell.grain, cell.start);
  const cur = w.cells.get(rk);
  if (cur) mergeMetrics(cur.metrics, cell.metrics);
  else w.cells.set(rk, { rowKey: rk, metrics: mergeMetrics(emptyMetrics(), cell.metrics) });
}

export class ReportingRepository implements BucketReader {
  readonly buckets: TableClient;
  readonly contacts: TableClient;
  /** Storage requests made by this repository (reads, pages of queries, writes, transactions). */
  requests = 0;
  private readonly dimensionsSeen = new Set<string>();

  constructor(connectionString: string, tables: ReportingTables = {}) {
    this.buckets = tableClient(connectionString, tables.buckets ?? 'reportBuckets');
    this.contacts = tableClient(connectionString, tables.contacts ?? 'contactRecords');
  }

  private async ready(): Promise<void> {
    await Promise.all([ensureTable(this.buckets), ensureTable(this.contacts)]);
  }

  /** Stores a finished call's contact record and merges it into its buckets; once per call id. */
  async recordContact(record: ContactRecord): Promise<ApplyResult> {
    await this.ready();
    await this.putContact(record);
    const work = groupByPartition(record.tenantId, contactContribution(record));
    const results = await Promise.all([...work.values()].map((w) => this.applyOnce(record.tenantId, w, record.callId)));
    return results.includes('applied') ? 'applied' : 'duplicate';
  }

  /** Merges a completed callback into its buckets; once per callback id (marker `callback|{callbackId}`). */
  async recordCallback(c: CallbackCompletion): Promise<ApplyResult> {
    await this.ready();
    const work = groupByPartition(c.tenantId, callbackContribution(c));
    const id = `callback|${c.callbackId}`;
    const results = await Promise.all([...work.values()].map((w) => this.applyOnce(c.tenantId, w, id)));
    return results.includes('applied') ? 'applied' : 'duplicate';
  }

  /** Merges an agent's time in one state into its buckets; once per (agent, state start). */
  async recordAgentState(span: AgentStateSpan): Promise<ApplyResult> {
    await this.ready();
    // A transaction holds ≤ 100 operations: split long spans into 12-hour pieces, each marked on its own.
    const pieces: AgentStateSpan[] = [];
    for (let from = span.from; from < span.to; from += DAY_MS / 2)
      pieces.push({ ...span, from, to: Math.min(span.to, from + DAY_MS / 2) });
    let applied = false;
    for (const p of pieces) {
      const work = groupByPartition(span.tenantId, stateSpanContribution(p));
      const id = `state|${span.agentId}|${span.from}|${p.from}`;
      for (const w of work.values()) if ((await this.applyOnce(span.tenantId, w, id)) === 'applied') applied = true;
    }
    return applied ? 'applied' : 'duplicate';
  }

  /**
   * The bulk path: many contact records (history, a backfill) merged with as few transactions as whole records
   * allow. Records already applied are skipped (a transaction that meets an existing marker is retried without it).
   * Contact rows are upserted in batches per day. `concurrency` partitions are written at once.
   */
  async bulkRecordContacts(records: readonly ContactRecord[], o: { concurrency?: number } = {}): Promise<void> {
    await this.ready();
    if (records.length === 0) return;
    // Contact rows, per day partition.
    const byDay = new Map<string, ContactRecord[]>();
    for (const r of records) {
      const pk = compositeKey(r.tenantId.toLowerCase(), contactDay(r.arrivedAt));
      let list = byDay.get(pk);
      if (!list) byDay.set(pk, (list = []));
      list.push(r);
    }
    const contactGroups: TransactionAction[][] = [];
    for (const [pk, list] of byDay)
      for (let i = 0; i < list.length; i += MAX_OPS)
        contactGroups.push(list.slice(i, i + MAX_OPS).map((r) => ['upsert', contactEntity(pk, r), 'Replace']));
    await this.pool(contactGroups, o.concurrency ?? 4, async (g) => {
      this.requests += 1;
      await this.contacts.submitTransaction(g);
    });

    // Which records touch which partition (cells are recomputed per partition to keep memory flat).
    const touches = new Map<string, number[]>();
    records.forEach((r, i) => {
      for (const pk of new Set([...contactContribution(r).values()].map((c) => partitionOf(r.tenantId, c.dimension)))) {
        let list = touches.get(pk);
        if (!list) touches.set(pk, (list = []));
        list.push(i);
      }
    });
    await this.pool([...touches.entries()], o.concurrency ?? 4, async ([pk, indices]) => {
      indices.sort((a, b) => records[a].arrivedAt - records[b].arrivedAt);
      let chunk: PartitionWork | undefined;
      let batch: ContactRecord[] = [];
      const flush = async () => {
        if (chunk) await this.applyChunk(records[indices[0]].tenantId, chunk, batch);
        chunk = undefined;
        batch = [];
      };
      for (const i of indices) {
        const r = records[i];
        const cells = [...contactContribution(r).values()].filter((c) => partitionOf(r.tenantId, c.dimension) === pk);
        const newRows = cells.filter((c) => !chunk?.cells.has(bucketRowKey(c.dimension, c.grain, c.start))).length;
        if (chunk && chunk.cells.size + newRows + batch.length + 1 > MAX_OPS) await flush();
        if (!chunk) chunk = { partitionKey: pk, dimension: cells[0].dimension, cells: new Map() };
        const one = new Map<string, PartitionWork>([[pk, chunk]]);
        for (const c of cells) addCell(one, r.tenantId, c);
        batch.push(r);
      }
      await flush();
    });
  }

  /** A chunk of whole records in one partition; on a marker that exists, falls back to one record at a time. */
  private async applyChunk(tenantId: string, w: PartitionWork, batch: ContactRecord[]): Promise<void> {
    try {
      await this.transact(
        tenantId,
        w,
        batch.map((r) => r.callId),
        false,
      );
    } catch (e) {
      if (!(e instanceof DuplicateError)) throw e;
      // Someone applied some of these already: the exact path for each (a marker found skips that record).
      for (const record of batch) {
        const one = groupByPartition(tenantId, contactContribution(record)).get(w.partitionKey);
        if (one) await this.applyOnce(tenantId, one, record.callId);
      }
    }
  }

  private async applyOnce(tenantId: string, w: PartitionWork, id: string): Promise<ApplyResult> {
    try {
      await this.transact(tenantId, w, [id], true);
      return 'applied';
    } catch (e) {
      if (e instanceof DuplicateError) return 'duplicate';
      throw e;
    }
  }

  /**
   * Reads the partition's bucket rows (and, when `checkMarkers`, the markers), adds `w`, and writes all in one
   * transaction with the markers' creates. A marker that exists → DuplicateError; a lost race → reload and retry.
   */
  private async transact(tenantId: string, w: PartitionWork, ids: string[], checkMarkers: boolean): Promise<void> {
    const pk = w.partitionKey;
    await this.noteDimension(tenantId, w.dimension);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (checkMarkers) {
        const found = await Promise.all(ids.map((id) => this.read(this.buckets, pk, markerRowKey(id))));
        if (found.some(Boolean)) throw new DuplicateError();
      }
      const cells = [...w.cells.values()];
      const current = checkMarkers
        ? await Promise.all(cells.map((c) => this.read(this.buckets, pk, c.rowKey)))
        : await this.readRanges(
            pk,
            cells.map((c) => c.rowKey),
          );
      const actions: TransactionAction[] = cells.map((c, i) => {
        const cur = current[i];
        const metrics = cur ? mergeMetrics(decodeMetrics(cur), c.metrics) : c.metrics;
        const entity: Entity = { partitionKey: pk, rowKey: c.rowKey, m: JSON.stringify(metrics) };
        return cur ? ['update', entity, 'Replace', { etag: String(cur.etag) }] : ['create', entity];
      });
      for (const id of ids) actions.push(['create', { partitionKey: pk, rowKey: markerRowKey(id) }]);
      try {
        this.requests += 1;
        await this.buckets.submitTransaction(actions);
        return;
      } catch (e) {
        const status = statusOf(e) ?? (e as RestError).statusCode;
        if (status !== 409 && status !== 412) throw e;
        if (!checkMarkers) {
          // Was it a marker? Look once; if any exists, let the caller go record by record.
          const found = await Promise.all(ids.map((id) => this.read(this.buckets, pk, markerRowKey(id))));
          if (found.some(Boolean)) throw new DuplicateError();
        }
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * Math.min(200, 5 * 2 ** attempt))));
      }
    }
    throw new Error(`reporting: gave up merging into ${pk} after ${MAX_ATTEMPTS} conflicting attempts`);
  }

  private async noteDimension(tenantId: string, d: Dimension): Promise<void> {
    const rk = d.kind === 'cq' ? compositeKey('cq', d.callQueueId) : compositeKey('agent', d.agentId);
    const pk = compositeKey(tenantId.toLowerCase(), 'dimensions');
    if (this.dimensionsSeen.has(`${pk}#${rk}`)) return;
    this.requests += 1;
    await this.buckets.upsertEntity({ partitionKey: pk, rowKey: rk }, 'Replace');
    this.dimensionsSeen.add(`${pk}#${rk}`);
  }

  /** The call queues / agents that have buckets. */
  async listDimensions(tenantId: string, kind: 'cq' | 'agent'): Promise<string[]> {
    await this.ready();
    const pk = compositeKey(tenantId.toLowerCase(), 'dimensions');
    const filter = odata`PartitionKey eq ${pk} and RowKey ge ${`${kind}|`} and RowKey lt ${`${kind}}`}`;
    const out: string[] = [];
    for await (const page of this.buckets.listEntities({ queryOptions: { filter } }).byPage()) {
      this.requests += 1;
      for (const e of page) out.push(splitCompositeKey(String(e.rowKey))[1]);
    }
    return out.sort();
  }

  /** The buckets of one dimension and grain whose start is in [from, to). */
  async readBuckets(
    tenantId: string,
    d: Dimension,
    grain: Grain,
    from: number,
    to: number,
  ): Promise<{ start: number; metrics: Metrics }[]> {
    await this.ready();
    const pk = partitionOf(tenantId, d);
    const lo = bucketRowKey(d, grain, from);
    const hi = bucketRowKey(d, grain, to);
    const filter = odata`PartitionKey eq ${pk} and RowKey ge ${lo} and RowKey lt ${hi}`;
    const out: { start: number; metrics: Metrics }[] = [];
    for await (const page of this.buckets.listEntities({ queryOptions: { filter } }).byPage()) {
      this.requests += 1;
      for (const e of page) {
        out.push({ start: parseStamp(String(e.rowKey).slice(-12)), metrics: decodeMetrics(e) });
      }
    }
    return out;
  }

  async getContact(tenantId: string, callId: string, arrivedAt: number): Promise<ContactRecord | undefined> {
    await this.ready();
    const e = await this.read(
      this.contacts,
      compositeKey(tenantId.toLowerCase(), contactDay(arrivedAt)),
      compositeKey(callId),
    );
    return e ? (JSON.parse(String(e.record)) as ContactRecord) : undefined;
  }

  /**
   * Notes when the agent who took a call was released from it (left busy / wrap-up): the end of its wrap-up. The first
   * note stands (the same span redelivered notes the same time). Partition `{tenantId}|released`, RowKey call id.
   */
  async noteAgentReleased(tenantId: string, callId: string, agentId: string, at: number): Promise<void> {
    await this.ready();
    this.requests += 1;
    try {
      await this.buckets.createEntity({
        partitionKey: compositeKey(tenantId.toLowerCase(), 'released'),
        rowKey: compositeKey(callId),
        agentId,
        at,
      });
    } catch (e) {
      if (statusOf(e) !== 409) throw e;
    }
  }

  async agentReleased(tenantId: string, callId: string): Promise<{ agentId: string; at: number } | undefined> {
    await this.ready();
    const e = await this.read(this.buckets, compositeKey(tenantId.toLowerCase(), 'released'), compositeKey(callId));
    return e ? { agentId: String(e.agentId), at: Number(e.at) } : undefined;
  }

  /**
   * One page of a tenant's contact records that arrived in [from, to), oldest day first, filtered by the table
   * (outcome, answering agent, caller) and then by `keep` (e.g. a call queue among the stays). A page may hold fewer
   * than `top` records; follow `continuationToken` until it is absent.
   */
  async searchContacts(
    tenantId: string,
    q: { from: number; to: number; outcome?: string; agentId?: string; caller?: string },
    page: { top: number; continuationToken?: string; keep?: (r: ContactRecord) => boolean },
  ): Promise<{ items: ContactRecord[]; continuationToken?: string }> {
    await this.ready();
    const t = tenantId.toLowerCase();
    const lo = compositeKey(t, contactDay(q.from));
    const hi = compositeKey(t, contactDay(q.to - 1)) + '~';
    const parts = [
      odata`PartitionKey ge ${lo} and PartitionKey lt ${hi}`,
      odata`arrivedAt ge ${new Date(q.from).toISOString()} and arrivedAt lt ${new Date(q.to).toISOString()}`,
    ];
    if (q.outcome) parts.push(odata`outcome eq ${q.outcome}`);
    if (q.agentId) parts.push(odata`agentId eq ${q.agentId.toLowerCase()}`);
    if (q.caller) parts.push(odata`caller eq ${q.caller}`);
    const pages = this.contacts.listEntities({ queryOptions: { filter: parts.join(' and ') } }).byPage({
      maxPageSize: page.top,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
    const next = await pages.next();
    this.requests += 1;
    if (next.done) return { items: [] };
    const items = next.value
      .map((e) => JSON.parse(String(e.record)) as ContactRecord)
      .filter((r) => !page.keep || page.keep(r));
    const token = next.value.continuationToken;
    return { items, ...(token ? { continuationToken: token } : {}) };
  }

  /** Every contact record of the days [from, to) — the full scan reports avoid (kept for checks and the bench). */
  async *scanContacts(tenantId: string, from: number, to: number): AsyncGenerator<ContactRecord> {
    await this.ready();
    const t = tenantId.toLowerCase();
    const lo = compositeKey(t, contactDay(from));
    const hi = compositeKey(t, contactDay(to - 1)) + '~';
    const filter = odata`PartitionKey ge ${lo} and PartitionKey lt ${hi}`;
    for await (const page of this.contacts.listEntities({ queryOptions: { filter } }).byPage()) {
      this.requests += 1;
      for (const e of page) {
        const r = JSON.parse(String(e.record)) as ContactRecord;
        if (r.arrivedAt >= from && r.arrivedAt < to) yield r;
      }
    }
  }

  private async putContact(r: ContactRecord): Promise<void> {
    this.requests += 1;
    await this.contacts.upsertEntity(
      contactEntity(compositeKey(r.tenantId.toLowerCase(), contactDay(r.arrivedAt)), r),
      'Replace',
    );
  }

  /**
   * The rows among `rowKeys` that exist, read as one range query per (grain, scope) — a bulk chunk's rows are
   * consecutive buckets, so a few queries replace a point read per row.
   */
  private async readRanges(pk: string, rowKeys: string[]): Promise<(Record<string, unknown> | undefined)[]> {
    const ranges = new Map<string, { lo: string; hi: string }>();
    for (const rk of rowKeys) {
      const prefix = rk.slice(0, rk.lastIndexOf('|'));
      const r = ranges.get(prefix);
      if (!r) ranges.set(prefix, { lo: rk, hi: rk });
      else {
        if (rk < r.lo) r.lo = rk;
        if (rk > r.hi) r.hi = rk;
      }
    }
    const found = new Map<string, Record<string, unknown>>();
    await Promise.all(
      [...ranges.values()].map(async ({ lo, hi }) => {
        const filter = odata`PartitionKey eq ${pk} and RowKey ge ${lo} and RowKey le ${hi}`;
        for await (const page of this.buckets.listEntities({ queryOptions: { filter } }).byPage()) {
          this.requests += 1;
          for (const e of page) found.set(String(e.rowKey), e);
        }
      }),
    );
    return rowKeys.map((rk) => found.get(rk));
  }

  private async read(client: TableClient, pk: string, rk: string): Promise<Record<string, unknown> | undefined> {
    this.requests += 1;
    try {
      return await client.getEntity<Record<string, unknown>>(pk, rk);
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  private async pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await work(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  }
}

class DuplicateError extends Error {}

function decodeMetrics(e: Record<string, unknown>): Metrics {
  return mergeMetrics(emptyMetrics(), JSON.parse(String(e.m)) as Metrics);
}

function contactEntity(pk: string, r: ContactRecord): Entity {
  return {
    partitionKey: pk,
    rowKey: compositeKey(r.callId),
    record: JSON.stringify(r),
    outcome: r.outcome,
    arrivedAt: new Date(r.arrivedAt).toISOString(),
    callQueueId: r.callQueues[0]?.callQueueId ?? '',
    agentId: r.connection?.agentId ?? '',
    caller: r.caller ?? '',
  };
}
