/**
 * Table `callQueueStats` (PartitionKey tenantId, RowKey call queue id): the call queue's average handle time (an
 * exponential average, updated as calls with an agent end) for wait estimates. Read-modify-write under the ETag.
 */
import type { TableClient } from '@azure/data-tables';
import { ensureTable, readEntity, tableClient, updateWithEtag } from '../storage';

export class HandleTimeRepository {
  readonly client: TableClient;
  constructor(connectionString: string, tableName = 'callQueueStats') {
    this.client = tableClient(connectionString, tableName);
  }

  async get(tenantId: string, callQueueId: string): Promise<number | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, tenantId.toLowerCase(), callQueueId);
    return typeof e?.handleTimeS === 'number' ? e.handleTimeS : undefined;
  }

  /** Folds one handle time into the average with `next(previous, sample)`. */
  async record(
    tenantId: string,
    callQueueId: string,
    sampleS: number,
    next: (previous: number | undefined, sample: number) => number,
  ): Promise<void> {
    await ensureTable(this.client);
    const pk = tenantId.toLowerCase();
    await updateWithEtag(this.client, pk, callQueueId, (e) => ({
      partitionKey: pk,
      rowKey: callQueueId,
      handleTimeS: next(typeof e?.handleTimeS === 'number' ? e.handleTimeS : undefined, sampleS),
      samples: (typeof e?.samples === 'number' ? e.samples : 0) + 1,
    }));
  }
}
