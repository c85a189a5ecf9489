/**
 * Activities that write Switchboard's own records of a run: the endpoint row (status, object id, last error) and
 * its step log, the queue binding, and the actual state the run's steps confirmed.
 */
import type { EndpointStatus, NumberType } from '../../shared/domain';
import { defineActivity } from '../activity';
import { recordBulkRowOutcome } from '../../shared/bulk';
import { bulkRowsRepository, endpointStepsRepository, endpointsRepository } from '../../shared/services';
import { ok, type Outcome } from './outcome';
import type { StepRecord } from './step-log';

export interface ProgressRecord {
  tenantId: string;
  upnKey: string;
  runId: string;
  status: EndpointStatus;
  objectId?: string;
  steps: StepRecord[];
  error?: string;
  /** The bulk row the run works for: a terminal status is recorded on it too (after the endpoint's). */
  bulk?: { batchId: string; row: number };
  /**
   * The end of a successful provisioning run: the actual state as its steps confirmed it (no read-back: each step
   * already converged on a read or a confirmed write; the drift check re-reads the tenant on its schedule).
   */
  actual?: ObservedEndpoint;
  /** With `actual`: the queue the endpoint is bound to. */
  queueId?: string;
}

/**
 * Writes the run's step log, then the endpoint's status — the status only while this run is the endpoint's current
 * run. Steps first: a reader who sees the status (say Provisioned) then also sees every step that led to it.
 */
export const recordProgress = defineActivity(
  'recordProgress',
  async (input: ProgressRecord): Promise<{ current: boolean }> => {
    const result = await recordEndpointProgress(input);
    // The row last, so a reader who sees the row finished also sees the endpoint's final status. Idempotent.
    if (input.bulk && (input.status === 'Provisioned' || input.status === 'Failed')) {
      await recordBulkRowOutcome(bulkRowsRepository(), input.bulk, {
        runId: input.runId,
        status: input.status,
        objectId: input.objectId,
        error: input.error,
      });
    }
    return result;
  },
);

async function recordEndpointProgress(input: ProgressRecord): Promise<{ current: boolean }> {
  // Steps first, unconditionally: their rows are keyed by run, so those of a run that no longer owns the endpoint
  // are never read (and a check first would cost a read per publish).
  await endpointStepsRepository().putAll(
    input.tenantId,
    input.upnKey,
    input.steps.map((s) => ({
      runId: input.runId,
      seq: s.seq,
      step: s.name,
      status: s.status,
      attempts: s.attempts,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      error: s.error,
    })),
  );
  let current = false;
  const updatedAt = new Date().toISOString();
  await endpointsRepository().update(input.tenantId, input.upnKey, (endpoint) => {
    if (!endpoint || endpoint.runId !== input.runId) return undefined;
    current = true;
    return {
      ...endpoint,
      status: input.status,
      objectId: input.actual?.objectId ?? input.objectId ?? endpoint.objectId,
      lastError: input.error,
      ...(input.actual ? { actual: { ...input.actual, queueId: input.queueId, observedAt: updatedAt } } : {}),
      updatedAt,
    };
  });
  return { current };
}

/** Clears the endpoint's queue binding (deprovisioning). */
export const unbindFromQueue = defineActivity(
  'unbindFromQueue',
  async (input: { tenantId: string; upnKey: string; queueId: string }): Promise<Outcome<{ queueId?: string }>> => {
    await endpointsRepository().update(input.tenantId, input.upnKey, (endpoint) =>
      endpoint
        ? { ...endpoint, actual: { ...endpoint.actual, queueId: undefined }, updatedAt: new Date().toISOString() }
        : undefined,
    );
    return ok({ queueId: undefined });
  },
);

/** What the run saw the tenant confirm, step by step: each fact is an answer of the service, not the request. */
export interface ObservedEndpoint {
  objectId: string;
  /** As read back by the replication wait (or set and read back by ensureApplicationId). */
  applicationId: string;
  /** The sync step succeeded (or the mapping existed already). */
  synced: boolean;
  usageLocation: string;
  licensed: boolean;
  /** Set when the number operation succeeded (or the number was found on the account). */
  phoneNumber?: string;
  numberType?: NumberType;
}
