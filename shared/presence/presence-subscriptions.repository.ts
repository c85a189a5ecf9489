/**
 * Table `presenceSubscriptions` (PartitionKey tenantId, RowKey `chunk-{nnn}`): one row per presence subscription of a
 * tenant — its Graph id, the `clientState` we gave it (a random secret per subscription, checked on every
 * notification), the agents it covers (≤ 650) and its expiry. Written under ETags: two managers running at once
 * never both keep a subscription for one chunk (the loser deletes the one it created).
 */
import { odata, type TableClient } from '@azure/data-tables';
import { deleteEntityIfExists, ensureTable, readEntity, statusOf, tableClient } from '../storage';
import type { PresenceSubscriptionState } from './presence-notification.rules';

export interface StoredPresenceSubscription extends PresenceSubscriptionState {
  tenantId: string;
  clientState: string;
  etag?: string;
}

const rowKey = (chunk: number) => `chunk-${String(chunk).padStart(3, '0')}`;

function decode(e: Record<string, unknown> & { partitionKey?: string; etag?: string }): StoredPresenceSubscription {
  return {
    tenantId: String(e.partitionKey ?? ''),
    chunk: Number(e.chunk),
    subscriptionId: String(e.subscriptionId),
    clientState: String(e.clientState),
    agentIds: JSON.parse(String(e.agentIds ?? '[]')) as string[],
    expiresAt: Number(e.expiresAt),
    etag: e.etag,
  };
}

export class PresenceSubscriptionsRepository {
  readonly client: TableClient;

  constructor(connectionString: string, tableName = 'presenceSubscriptions') {
    this.client = tableClient(connectionString, tableName);
  }

  async list(tenantId: string): Promise<StoredPresenceSubscription[]> {
    await ensureTable(this.client);
    const out: StoredPresenceSubscription[] = [];
    const filter = odata`PartitionKey eq ${tenantId.toLowerCase()}`;
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      out.push(decode(e));
    return out.sort((a, b) => a.chunk - b.chunk);
  }

  async get(tenantId: string, chunk: number): Promise<StoredPresenceSubscription | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, tenantId.toLowerCase(), rowKey(chunk));
    return e ? decode(e) : undefined;
  }

  /**
   * Writes a chunk's row if it is still the one read (`etag`), or still absent (`etag` undefined). False when
   * another manager wrote it first.
   */
  async putIfMatch(s: Omit<StoredPresenceSubscription, 'etag'>, etag: string | undefined): Promise<boolean> {
    await ensureTable(this.client);
    const entity = {
      partitionKey: s.tenantId.toLowerCase(),
      rowKey: rowKey(s.chunk),
      chunk: s.chunk,
      subscriptionId: s.subscriptionId,
      clientState: s.clientState,
      agentIds: JSON.stringify(s.agentIds),
      expiresAt: s.expiresAt,
    };
    try {
      if (etag) await this.client.updateEntity(entity, 'Replace', { etag });
      else await this.client.createEntity(entity);
      return true;
    } catch (e) {
      if (statusOf(e) === 412 || statusOf(e) === 409 || statusOf(e) === 404) return false;
      throw e;
    }
  }

  async delete(tenantId: string, chunk: number): Promise<boolean> {
    await ensureTable(this.client);
    return deleteEntityIfExists(this.client, tenantId.toLowerCase(), rowKey(chunk));
  }
}
