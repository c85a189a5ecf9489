/**
 * Tables `callQueues` (PartitionKey tenantId, RowKey queueId: the routing config with its agents resolved to object
 * ids) and `agents` (PartitionKey tenantId, RowKey agent object id: skills and live state, ETag-guarded).
 */
import { TableClient, odata } from '@azure/data-tables';
import type { AgentRecord } from '../domain';
import { deleteEntityIfExists, ensureTable, readEntity, tableClient, updateWithEtag } from '../storage';
import type { CallQueueBody } from './callqueue.schema';

type StoredAction = CallQueueBody['overflowAction'] & { targetId?: string };

/** A stored call queue: the body as the API took it, its agents with their object ids. */
export interface CallQueueRecord extends Omit<CallQueueBody, 'overflowAction' | 'timeoutAction' | 'noAgentAction'> {
  tenantId: string;
  queueId: string;
  /** The call queue's actions as the body had them; a `user` target with its object id (`targetId`). */
  overflowAction: StoredAction;
  timeoutAction: StoredAction;
  noAgentAction: StoredAction;
  agents: { userPrincipalName: string; order?: number; agentId: string }[];
  updatedAt: string;
}

export class CallQueuesRepository {
  readonly client: TableClient;
  constructor(connectionString: string, tableName = 'callQueues') {
    this.client = tableClient(connectionString, tableName);
  }

  async get(tenantId: string, queueId: string): Promise<CallQueueRecord | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, tenantId.toLowerCase(), queueId);
    return e ? (JSON.parse(String(e.config)) as CallQueueRecord) : undefined;
  }

  async put(record: CallQueueRecord): Promise<void> {
    await ensureTable(this.client);
    await this.client.upsertEntity(
      { partitionKey: record.tenantId.toLowerCase(), rowKey: record.queueId, config: JSON.stringify(record) },
      'Replace',
    );
  }

  async list(tenantId: string): Promise<CallQueueRecord[]> {
    await ensureTable(this.client);
    const out: CallQueueRecord[] = [];
    const filter = odata`PartitionKey eq ${tenantId.toLowerCase()}`;
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      out.push(JSON.parse(String(e.config)) as CallQueueRecord);
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
  for (const k of ['partitionKey', 'rowKey', 'timestamp', 'odata.etag', 'odata.metadata']) delete a[k];
  return a as unknown as AgentRecord;
}

export class AgentsRepository {
  readonly client: TableClient;
  constructor(connectionString: string, tableName = 'agents') {
    this.client = tableClient(connectionString, tableName);
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
    const r = await updateWithEtag(this.client, pk, rk, (e) => {
      const next = mutate(e ? fromEntity(e) : undefined);
      changed = next !== undefined;
      return next ? { partitionKey: pk, rowKey: rk, ...toEntity(next) } : undefined;
    });
    return changed && r ? { ...fromEntity(r.entity), etag: r.etag } : undefined;
  }
}
