/**
 * The queue side of bulk import (the `provisionRequests` trigger): a chunk message becomes one message per Pending
 * row; a row message starts the row's endpoint through provisioning — paced per tenant — and records the row Running
 * (or its immediate end). The row's final state is recorded by the provisioning run itself.
 */
import { validateEndpointRequest } from '../domain';
import { forEachLimited } from '../storage';
import type { BulkBatchesRepository, BulkRowsRepository } from './bulk.repository';
import type { BulkEndpointStarter } from './bulk-endpoints.port';
import { describeRowErrors } from './bulk-row.rules';
import type { BulkChunkRef, BulkRowRef, ProvisionRequestQueue } from './provision-request.queue';

/**
 * Paces row starts per tenant. `reserve` books the next start slot for the tenant and answers how many ms from now
 * it is (0 = go now).
 */
export interface BulkPacer {
  reserve(tenantId: string): Promise<number>;
}

/** No pacing: every row starts as soon as its message arrives. */
export const NO_PACING: BulkPacer = { reserve: () => Promise.resolve(0) };

/** A slot this close is simply waited for in place of a round trip through the queue. */
export const PACING_TOLERANCE_MS = 3_000;

export interface BulkQueueDependencies {
  rows: BulkRowsRepository;
  batches: BulkBatchesRepository;
  queue: ProvisionRequestQueue;
  /** Starts a row's endpoint (the provisioning service, with the durable client). */
  endpointService: BulkEndpointStarter;
  pacer?: BulkPacer;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export type StartOutcome =
  | { kind: 'started'; runId: string }
  | { kind: 'finished'; status: 'Succeeded' | 'Failed'; error?: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'deferred'; waitMs: number }
  | { kind: 'unknown'; reason: string };

export class BulkQueueService {
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly d: BulkQueueDependencies) {
    this.now = d.now ?? (() => new Date());
    this.sleep = d.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Starts one row's endpoint (queue trigger). Idempotent: a row that is no longer Pending is skipped, and the
   * provisioning instance id is the endpoint's, so a redelivered message never starts a second run.
   */
  async startRow(ref: BulkRowRef): Promise<StartOutcome> {
    const tenantId = ref.tenantId.toLowerCase();
    const batch = await this.d.batches.get(tenantId, ref.batchId);
    if (!batch) return { kind: 'unknown', reason: `there is no batch ${ref.batchId} in tenant ${tenantId}` };
    const row = await this.d.rows.get(ref.batchId, ref.row);
    if (!row || row.tenantId !== tenantId) {
      return { kind: 'unknown', reason: `batch ${ref.batchId} has no row ${ref.row}` };
    }
    if (row.status !== 'Pending') return { kind: 'skipped', reason: `row ${ref.row} is ${row.status}` };
    if (batch.state === 'Cancelled') {
      await this.d.rows.update(ref.batchId, ref.row, (r) =>
        r.status === 'Pending' ? { ...r, status: 'Cancelled', endedAt: this.now().toISOString() } : undefined,
      );
      return { kind: 'skipped', reason: `batch ${ref.batchId} is cancelled` };
    }

    // Pacing: hold a start slot; one more than a few seconds away sends the reference back to wait for it.
    const pacer = this.d.pacer ?? NO_PACING;
    if (!ref.slotAt) {
      const waitMs = await pacer.reserve(tenantId);
      if (waitMs > PACING_TOLERANCE_MS) {
        const slotAt = new Date(this.now().getTime() + waitMs).toISOString();
        await this.d.queue.send({ ...ref, slotAt }, { visibilityTimeoutSeconds: waitMs / 1000 });
        return { kind: 'deferred', waitMs };
      }
      if (waitMs > 0) await this.sleep(waitMs);
    } else {
      const waitMs = Date.parse(ref.slotAt) - this.now().getTime();
      if (waitMs > 0 && waitMs <= PACING_TOLERANCE_MS) await this.sleep(waitMs);
      else if (waitMs > PACING_TOLERANCE_MS) {
        await this.d.queue.send(ref, { visibilityTimeoutSeconds: waitMs / 1000 });
        return { kind: 'deferred', waitMs };
      }
    }

    const request = validateEndpointRequest(row.input);
    if (!request.ok) {
      const error = `the stored row is not a valid endpoint request: ${describeRowErrors(request.errors)}`;
      await this.finish(ref, 'Failed', error);
      return { kind: 'finished', status: 'Failed', error };
    }
    const outcome = await this.d.endpointService.requestProvision(tenantId, request.value, {
      bulk: { batchId: ref.batchId, row: ref.row },
    });
    if (outcome.kind === 'notFound') {
      await this.finish(ref, 'Failed', 'the endpoint could not be found');
      return { kind: 'finished', status: 'Failed', error: 'the endpoint could not be found' };
    }
    if (outcome.kind === 'conflict') {
      await this.finish(ref, 'Failed', outcome.detail);
      return { kind: 'finished', status: 'Failed', error: outcome.detail };
    }
    const record = outcome.record;
    if (!outcome.started && record.status === 'Provisioned') {
      await this.finish(ref, 'Succeeded', undefined, record.runId, record.objectId);
      return { kind: 'finished', status: 'Succeeded' };
    }
    const runId = record.runId ?? '';
    const at = this.now().toISOString();
    await this.d.rows.update(ref.batchId, ref.row, (r) => {
      // A cancel that lost the race against this start: the run is in flight, so the row runs (and finishes).
      const startable = r.status === 'Pending' || (r.status === 'Cancelled' && !r.runId);
      return startable
        ? {
            ...r,
            status: 'Running',
            runId,
            linked: outcome.started,
            startedAt: at,
            endedAt: undefined,
            error: undefined,
          }
        : undefined;
    });
    return { kind: 'started', runId };
  }

  /** Ends a row that never started a run (or whose endpoint was already provisioned). */
  private async finish(
    ref: BulkRowRef,
    status: 'Succeeded' | 'Failed',
    error?: string,
    runId?: string,
    objectId?: string,
  ): Promise<void> {
    const at = this.now().toISOString();
    await this.d.rows.update(ref.batchId, ref.row, (r) =>
      r.status === 'Pending' || (r.status === 'Cancelled' && !r.runId)
        ? { ...r, status, error, runId: runId ?? r.runId, objectId: objectId ?? r.objectId, startedAt: at, endedAt: at }
        : undefined,
    );
  }

  /** The row's message will not be retried any more (it goes to the poison queue): the row fails with the reason. */
  async giveUpRow(ref: BulkRowRef, reason: string): Promise<void> {
    await this.finish(ref, 'Failed', `could not be started: ${reason}`);
  }

  /**
   * Turns a chunk message into one row message per row of the chunk still Pending (queue trigger). Idempotent: a
   * repeat sends a row's message again, which the row ignores once it has started.
   */
  async expandChunk(
    chunk: BulkChunkRef,
  ): Promise<{ kind: 'expanded'; rows: number } | { kind: 'unknown'; reason: string }> {
    const tenantId = chunk.tenantId.toLowerCase();
    const batch = await this.d.batches.get(tenantId, chunk.batchId);
    if (!batch) return { kind: 'unknown', reason: `there is no batch ${chunk.batchId} in tenant ${tenantId}` };
    const pending = await this.d.rows.listRange(chunk.batchId, chunk.fromRow, chunk.toRow, { status: 'Pending' });
    const refs = pending
      .filter((r) => r.tenantId === tenantId)
      .sort((a, b) => a.row - b.row)
      .map((r) => ({ tenantId, batchId: chunk.batchId, row: r.row }));
    await this.d.queue.sendAll(refs);
    return { kind: 'expanded', rows: refs.length };
  }

  /** A chunk message goes to the poison queue: its rows still Pending fail with the reason. */
  async giveUpChunk(chunk: BulkChunkRef, reason: string): Promise<void> {
    const pending = await this.d.rows.listRange(chunk.batchId, chunk.fromRow, chunk.toRow, { status: 'Pending' });
    await forEachLimited(pending, 16, (r) =>
      this.finish(
        { tenantId: chunk.tenantId, batchId: chunk.batchId, row: r.row },
        'Failed',
        `could not be queued: ${reason}`,
      ),
    );
  }
}
