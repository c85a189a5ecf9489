/**
 * Tables `callQueues` (PartitionKey tenantId, RowKey queueId: the routing config with its agents resolved to object
 * ids) and `agents` (PartitionKey tenantId, RowKey agent object id: skills and live state, ETag-guarded).
 */
import { TableClient, odata } from '@azure/data-tables';
import type { AgentLiveState, AgentRecord } from '../domain';
import { deleteEntityIfExists, ensureTable, readEntity, statusOf, tableClient, updateWithEtag } from '../storage';
import { z } from 'zod';
import { callQueueBodySchema, type CallQueueBody } from './callqueue.schema';

const storedActionSchema = z.object({
  kind: z.enum(['disconnect', 'callQueue', 'user', 'number']),
  target: z.string().optional(),
  /** A `user` target's object id, resolved when the call queue is saved. */
  targetId: z.string().optional(),
});

/** What a stored call queue adds to the body the API took (and `GET …/callQueues/{id}` shows). */
const callQueueRecordFields = z.object({
  tenantId: z.string(),
  queueId: z.string(),
  /** The call queue's actions as the body had them; a `user` target with its object id (`targetId`). */
  overflowAction: storedActionSchema,
  timeoutAction: storedActionSchema,
  noAgentAction: storedActionSchema,
  agents: z.array(z.object({ userPrincipalName: z.string(), order: z.number().optional(), agentId: z.string() })),
  updatedAt: z.string(),
  /**
   * Set (ISO time) while a DELETE is under way: the router refuses new arrivals into the call queue (they take its
   * no-agent action) so none can slip in between the DELETE's check for calls and the delete itself.
   */
  deleting: z.string().optional(),
});

/** A stored call queue as the API shows it: the body as the API took it, its agents with their object ids. */
export const callQueueRecordSchema = callQueueBodySchema.extend(callQueueRecordFields.shape);
export type CallQueueRecord = Omit<CallQueueBody, keyof z.infer<typeof callQueueRecordFields>> &
  z.infer<typeof callQueueRecordFields>;

/**
 * A table string property holds at most 64 KiB (32K UTF-16 characters); a call queue of 2,000 agents is ~200 KB of
 * JSON. So the JSON is split over `config`, `config1`, `config2`, … (`configParts` of them; an entity holds 1 MiB).
 */
const PART_CHARS = 30_000;

function configEntity(record: CallQueueRecord): Record<string, unknown> {
  const json = JSON.stringify(record);
  const e: Record<string, unknown> = { configParts: Math.max(1, Math.ceil(json.length / PART_CHARS)) };
  for (let i = 0, n = 0; n === 0 || i < json.length; i += PART_CHARS, n++)
    e[n === 0 ? 'config' : `config${n}`] = json.slice(i, i + PART_CHARS);
  return e;
}

function recordOf(e: Record<string, unknown>): CallQueueRecord {
  const parts = Number(e.configParts ?? 1);
  let json = String(e.config);
  for (let n = 1; n < parts; n++) json += String(e[`config${n}`]);
  return JSON.parse(json) as CallQueueRecord;
}

export class CallQueuesRepository {
  readonly client: TableClient;
  constructor(connectionString: string, tableName = 'callQueues') {
    this.client = tableClient(connectionString, tableName);
  }

  async get(tenantId: string, queueId: string): Promise<CallQueueRecord | undefined> {
    return (await this.read(tenantId, queueId))?.record;
  }

  /** The call queue with its row's ETag (for a conditional write). */
  async read(tenantId: string, queueId: string): Promise<{ record: CallQueueRecord; etag: string } | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, tenantId.toLowerCase(), queueId);
    return e ? { record: recordOf(e), etag: e.etag } : undefined;
  }

  /**
   * Writes the call queue only if its row is still the one read (`etag`), or still absent (`etag` undefined).
   * Answers the new ETag, or undefined when someone else wrote (or created) it first.
   */
  async putIfMatch(record: CallQueueRecord, etag: string | undefined): Promise<string | undefined> {
    await ensureTable(this.client);
    const entity = {
      partitionKey: record.tenantId.toLowerCase(),
      rowKey: record.queueId,
      ...configEntity(record),
    };
    try {
      const r = etag
        ? await this.client.updateEntity(entity, 'Replace', { etag })
        : await this.client.createEntity(entity);
      return r.etag ?? '';
    } catch (e) {
      if (statusOf(e) === 412 || statusOf(e) === 409 || statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  /** Deletes the call queue if its row is still the one read; false when it changed or is gone. */
  async deleteIfMatch(tenantId: string, queueId: string, etag: string): Promise<boolean> {
    await ensureTable(this.client);
    try {
      await this.client.deleteEntity(tenantId.toLowerCase(), queueId, { etag });
      return true;
    } catch (e) {
      if (statusOf(e) === 412 || statusOf(e) === 404) return false;
      throw e;
    }
  }

  /** One page of the tenant's call queues, in id order (`top` 1–1000, default 100). */
  async listPage(
    tenantId: string,
    o: { top?: number; continuationToken?: string } = {},
  ): Promise<{ items: CallQueueRecord[]; continuationToken?: string }> {
    await ensureTable(this.client);
    const top = Math.min(1000, Math.max(1, Math.floor(o.top ?? 100)));
    const filter = odata`PartitionKey eq ${tenantId.toLowerCase()}`;
    const pages = this.client
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: top, continuationToken: o.continuationToken || undefined });
    const { value } = await pages.next();
    if (!value) return { items: [] };
    const page = value as Record<string, unknown>[] & { continuationToken?: string };
    return {
      items: page.map(recordOf),
      continuationToken: page.continuationToken || undefined,
    };
  }

  async put(record: CallQueueRecord): Promise<void> {
    await ensureTable(this.client);
    await this.client.upsertEntity(
      { partitionKey: record.tenantId.toLowerCase(), rowKey: record.queueId, ...configEntity(record) },
      'Replace',
    );
  }

  async list(tenantId: string): Promise<CallQueueRecord[]> {
    await ensureTable(this.client);
    const out: CallQueueRecord[] = [];
    const filter = odata`PartitionKey eq ${tenantId.toLowerCase()}`;
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      out.push(recordOf(e));
    return out;
  }

  async delete(tenantId: string, queueId: string): Promise<boolean> {
    await ensureTable(this.client);
    return deleteEntityIfExists(this.client, tenantId.toLowerCase(), queueId);
  }
}

const JSON_FIELDS = ['skills', 'missedOffers', 'optedOut'] as const;

function toEntity(a: AgentRecord): Record<string, unknown> {
  const { etag: _etag, ...rest } = a;
  const e: Record<string, unknown> = { ...rest };
  for (const f of JSON_FIELDS) e[f] = JSON.stringify(a[f]);
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e;
}

function fromEntity(e: Record<string, unknown>): AgentRecord {
  const a = { ...e } as Record<string, unknown>;
  for (const f of JSON_FIELDS) a[f] = JSON.parse(String(e[f] ?? (f === 'optedOut' ? '[]' : '{}')));
  for (const k of ['partitionKey', 'rowKey', 'timestamp', 'odata.etag', 'odata.metadata', LAST_SPAN]) delete a[k];
  return a as unknown as AgentRecord;
}

/** The row's copy of the last closed state span (the span outbox: sent again with the next change). */
const LAST_SPAN = 'lastSpan';

/** An agent's time in one state, closed by a change of state: [from, to), and the state it changed to. */
export interface AgentStateSpanChange {
  state: AgentLiveState;
  from: number;
  to: number;
  next: AgentLiveState;
  /** The call the agent was offered / on / wrapping up in that state. */
  callId?: string;
  callQueueId?: string;
}

/**
 * Told after a committed change of an agent's state, with the span it closed and the previous closed span (kept in
 * the row, so a crash between the write and this call loses nothing: the next change repeats it). At least once: the
 * listener dedupes (reporting marks each span).
 */
export type AgentStateListener = (tenantId: string, agentId: string, spans: AgentStateSpanChange[]) => Promise<void>;

function closedSpan(cur: AgentRecord | undefined, next: AgentRecord): AgentStateSpanChange | undefined {
  if (!cur || cur.since <= 0 || (cur.state === next.state && cur.since === next.since)) return undefined;
  const span: AgentStateSpanChange = { state: cur.state, from: cur.since, to: next.since, next: next.state };
  if (cur.callId) span.callId = cur.callId;
  if (cur.callQueueId) span.callQueueId = cur.callQueueId;
  return span;
}

export class AgentsRepository {
  readonly client: TableClient;
  private readonly onStateChanged?: AgentStateListener;
  constructor(connectionString: string, tableName = 'agents', o: { onStateChanged?: AgentStateListener } = {}) {
    this.client = tableClient(connectionString, tableName);
    this.onStateChanged = o.onStateChanged;
  }

  async get(tenantId: string, agentId: string): Promise<AgentRecord | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, tenantId.toLowerCase(), agentId.toLowerCase());
    return e ? { ...fromEntity(e), etag: e.etag } : undefined;
  }

  async list(tenantId: string): Promise<AgentRecord[]> {
    await ensureTable(this.client);
    const out: AgentRecord[] = [];
    const filter = odata`PartitionKey eq ${tenantId.toLowerCase()}`;
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      out.push({ ...fromEntity(e), etag: e.etag });
    return out;
  }

  /**
   * Read-modify-write under the row's ETag (a lost race reloads and re-applies `mutate`): the one way an agent's
   * state changes, so two routers never offer one agent two calls. `mutate` returns undefined for "no change".
   */
  async update(
    tenantId: string,
    agentId: string,
    mutate: (current: AgentRecord | undefined) => AgentRecord | undefined,
  ): Promise<AgentRecord | undefined> {
    await ensureTable(this.client);
    const pk = tenantId.toLowerCase();
    const rk = agentId.toLowerCase();
    let changed = false;
    let spans: AgentStateSpanChange[] = [];
    const r = await updateWithEtag(this.client, pk, rk, (e) => {
      const cur = e ? fromEntity(e) : undefined;
      const next = mutate(cur);
      changed = next !== undefined;
      if (!next) return undefined;
      const previous = e?.[LAST_SPAN] ? (JSON.parse(String(e[LAST_SPAN])) as AgentStateSpanChange) : undefined;
      const span = closedSpan(cur, next);
      spans = [previous, span].filter((s): s is AgentStateSpanChange => s !== undefined);
      const last = span ?? previous;
      return {
        partitionKey: pk,
        rowKey: rk,
        ...toEntity(next),
        ...(last ? { [LAST_SPAN]: JSON.stringify(last) } : {}),
      };
    });
    if (changed && spans.length > 0) await this.onStateChanged?.(pk, rk, spans);
    return changed && r ? { ...fromEntity(r.entity), etag: r.etag } : undefined;
  }
}
