/**
 * `endpointSteps` table: PartitionKey = `{tenantId}|{upn}`, RowKey = `{runId}|{seq zero-padded}`. The step log of
 * each provisioning run. One orchestration owns a run, so rows are upserted (no ETag needed).
 */
import { TableClient, odata, type TableEntity, type TransactionAction } from '@azure/data-tables';
import type { StepStatus } from '../domain';
import {
  compositeKey,
  ensureTable,
  padSeq,
  properties,
  splitCompositeKey,
  submitInGroups,
  tableClient,
} from '../storage';

export interface StepRecord {
  runId: string;
  seq: number;
  /** Step name, e.g. `ensureLicense`. */
  step: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  error?: string;
}

export class EndpointStepsRepository {
  readonly client: TableClient;

  constructor(connectionString: string, o: { tableName?: string } = {}) {
    this.client = tableClient(connectionString, o.tableName ?? 'endpointSteps');
  }

  static partitionKey(tenantId: string, upn: string): string {
    return compositeKey(tenantId.toLowerCase(), upn.trim().toLowerCase());
  }

  /** Writes (inserts or replaces) one step of a run. */
  async put(tenantId: string, upn: string, step: StepRecord): Promise<void> {
    await this.putAll(tenantId, upn, [step]);
  }

  /**
   * Writes (inserts or replaces) steps of an endpoint's runs: one request per 100 (an entity-group transaction, as
   * they share the endpoint's partition), all or none of each group.
   */
  async putAll(tenantId: string, upn: string, steps: readonly StepRecord[]): Promise<void> {
    if (steps.length === 0) return;
    await ensureTable(this.client);
    const entities = steps.map((step) => toEntity(EndpointStepsRepository.partitionKey(tenantId, upn), step));
    if (entities.length === 1) {
      await this.client.upsertEntity(entities[0], 'Replace');
      return;
    }
    await submitInGroups(
      this.client,
      entities.map((e): TransactionAction => ['upsert', e, 'Replace']),
    );
  }

  /** The steps of one run (or of all runs), in order. */
  async list(tenantId: string, upn: string, runId?: string): Promise<StepRecord[]> {
    await ensureTable(this.client);
    const pk = EndpointStepsRepository.partitionKey(tenantId, upn);
    let filter = odata`PartitionKey eq ${pk}`;
    if (runId !== undefined) {
      // All row keys of the run start with "<run>|"; '}' is the character after '|'.
      const prefix = compositeKey(runId);
      filter = odata`PartitionKey eq ${pk} and RowKey ge ${prefix + '|'} and RowKey lt ${prefix + '}'}`;
    }
    const steps: StepRecord[] = [];
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const p = properties(e);
      const [run, seq] = splitCompositeKey(e.rowKey ?? '');
      steps.push({
        runId: typeof p.runId === 'string' ? p.runId : run,
        seq: typeof p.seq === 'number' ? p.seq : Number(seq),
        step: String(p.step ?? ''),
        status: String(p.status ?? 'Pending') as StepStatus,
        attempts: typeof p.attempts === 'number' ? p.attempts : 0,
        startedAt: typeof p.startedAt === 'string' ? p.startedAt : undefined,
        endedAt: typeof p.endedAt === 'string' ? p.endedAt : undefined,
        error: typeof p.error === 'string' ? p.error : undefined,
      });
    }
    return steps;
  }
}

function toEntity(partitionKey: string, step: StepRecord): TableEntity<Record<string, unknown>> {
  const entity: TableEntity<Record<string, unknown>> = {
    partitionKey,
    rowKey: `${compositeKey(step.runId)}|${padSeq(step.seq)}`,
    runId: step.runId,
    seq: step.seq,
    step: step.step,
    status: step.status,
    attempts: step.attempts,
  };
  if (step.startedAt) entity.startedAt = step.startedAt;
  if (step.endedAt) entity.endedAt = step.endedAt;
  if (step.error) entity.error = step.error.slice(0, 8000);
  return entity;
}
