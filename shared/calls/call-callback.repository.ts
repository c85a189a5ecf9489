/**
 * Table `callbacks` (PartitionKey tenantId, RowKey the callback id = the id of the call that asked for it): one row
 * per callback, the one place its facts live — the number to call, the place it keeps in its call queue (the call's
 * arrival and priority), its state and attempts. ETag-guarded: the router that reserves an agent for it and the
 * notifications of its outbound call update it one at a time.
 */
import { TableClient, odata } from '@azure/data-tables';
import { ensureTable, tableClient, updateWithEtag, type Entity, type StoredEntity } from '../storage';

export const CALLBACK_STATES = ['pending', 'dialing', 'connected', 'completed', 'failed'] as const;
export type CallbackState = (typeof CALLBACK_STATES)[number];

export interface CallbackAttempt {
  n: number;
  at: number;
  agentId: string;
  /** The reservation's offer id (what the agent's row carries while reserved). */
  offerId?: string;
  /** The outbound call's id (absent when the POST itself failed). */
  callId?: string;
  /** answered | busy | noAnswer | failed | agentMissed. */
  result?: string;
  endedAt?: number;
}

export interface CallbackRecord {
  tenantId: string;
  /** The call that asked for it. */
  callbackId: string;
  callQueueId: string;
  /** E.164. */
  number: string;
  /**
   * Our webhook as Graph reached it when the caller asked (CALLS_CALLBACK_URL, else the notification's URL): a retry
   * runs in a timer's invocation, which has seen no notification to learn it from.
   */
  webhook?: string;
  /** The resource account the caller called (the outbound call comes from it). */
  applicationInstanceId: string;
  /** The caller's place: their call's arrival time and priority (and skills asked by a menu). */
  arrivedAt: number;
  priority: number;
  requiredSkills?: Record<string, number>;
  requestedAt: number;
  state: CallbackState;
  /** Outbound attempts allowed in all: 1 + the call queue's `retries`. */
  maxAttempts: number;
  retryAfterS: number;
  /** Not offered before this time (a retry's wait). */
  notBefore?: number;
  attempts: CallbackAttempt[];
  /** The agent reserved for the attempt under way, and the offer id the agent's row carries. */
  agentId?: string;
  offerId?: string;
  connectedAt?: number;
  completedAt?: number;
  failedAt?: number;
  updatedAt: number;
}

function encode(r: CallbackRecord): Entity {
  return {
    partitionKey: r.tenantId,
    rowKey: r.callbackId,
    state: r.state,
    callQueueId: r.callQueueId,
    record: JSON.stringify(r),
  };
}

function decode(e: StoredEntity): CallbackRecord {
  return JSON.parse(String(e.record)) as CallbackRecord;
}

export class CallbackRepository {
  readonly client: TableClient;

  constructor(connectionString: string, tableName = 'callbacks') {
    this.client = tableClient(connectionString, tableName);
  }

  /** Creates the callback unless it exists (a request read twice creates one). The row as stored. */
  async create(r: CallbackRecord): Promise<CallbackRecord> {
    await ensureTable(this.client);
    const result = await updateWithEtag(this.client, r.tenantId, r.callbackId, (cur) => (cur ? undefined : encode(r)));
    return result ? decode(result.entity as StoredEntity) : r;
  }

  async get(tenantId: string, callbackId: string): Promise<CallbackRecord | undefined> {
    await ensureTable(this.client);
    try {
      return decode((await this.client.getEntity(tenantId.toLowerCase(), callbackId)) as StoredEntity);
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
  }

  /** Read, change, write under the row's ETag; `mutate` returning undefined changes nothing. The row after. */
  async update(
    tenantId: string,
    callbackId: string,
    mutate: (cur: CallbackRecord) => CallbackRecord | undefined,
  ): Promise<{ record: CallbackRecord; changed: boolean } | undefined> {
    await ensureTable(this.client);
    let changed = false;
    const r = await updateWithEtag(this.client, tenantId.toLowerCase(), callbackId, (e) => {
      changed = false;
      if (!e) return undefined;
      const next = mutate(decode(e as StoredEntity));
      if (!next) return undefined;
      changed = true;
      return encode(next);
    });
    return r ? { record: decode(r.entity as StoredEntity), changed } : undefined;
  }

  /** The callbacks of a call queue in a state (the router reads the pending ones). */
  async list(tenantId: string, o: { callQueueId?: string; state?: CallbackState } = {}): Promise<CallbackRecord[]> {
    const out: CallbackRecord[] = [];
    let token: string | undefined;
    do {
      const page = await this.listPage(tenantId, { ...o, top: 1000, continuationToken: token });
      out.push(...page.items);
      token = page.continuationToken;
    } while (token);
    return out;
  }

  /** One page, in callback id order (`top` 1–1000). */
  async listPage(
    tenantId: string,
    o: { callQueueId?: string; state?: CallbackState; top?: number; continuationToken?: string } = {},
  ): Promise<{ items: CallbackRecord[]; continuationToken?: string }> {
    await ensureTable(this.client);
    const pk = tenantId.toLowerCase();
    let filter = odata`PartitionKey eq ${pk}`;
    if (o.state) filter += ` and ${odata`state eq ${o.state}`}`;
    if (o.callQueueId) filter += ` and ${odata`callQueueId eq ${o.callQueueId}`}`;
    const top = Math.min(1000, Math.max(1, Math.floor(o.top ?? 100)));
    const pages = this.client
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: top, continuationToken: o.continuationToken || undefined });
    const { value } = await pages.next();
    if (!value) return { items: [] };
    const page = value as Record<string, unknown>[] & { continuationToken?: string };
    return {
      items: page.map((e) => decode(e as StoredEntity)),
      continuationToken: page.continuationToken || undefined,
    };
  }
}
