/**
 * Activities that write Switchboard's own records of a run: the endpoint row (status, object id, last error) and
 * its step log, the queue binding, and the actual state the run's steps confirmed.
 */
import { recordBulkRowOutcome, type BulkRowsRepository } from '../../shared/bulk';
import type { EndpointStatus, NumberType } from '../../shared/domain';
import type { EndpointStepsRepository, EndpointsRepository } from '../../shared/provisioning';
import { activityContracts } from '../activity';
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

export interface RecordActivityDeps {
  endpoints: EndpointsRepository;
  steps: EndpointStepsRepository;
  bulkRows: BulkRowsRepository;
  now?: () => Date;
}

/** The activities that write Switchboard's own records of a run, over the tables. */
export function createRecordActivities(deps: RecordActivityDeps) {
  const now = deps.now ?? (() => new Date());

  async function recordEndpointProgress(input: ProgressRecord): Promise<{ current: boolean }> {
    // Steps first, unconditionally: their rows are keyed by run, so those of a run that no longer owns the endpoint
    // are never read (and a check first would cost a read per publish).
    await deps.steps.putAll(
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
    const updatedAt = now().toISOString();
    await deps.endpoints.update(input.tenantId, input.upnKey, (endpoint) => {
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

  return {
    /**
     * Writes the run's step log, then the endpoint's status — the status only while this run is the endpoint's
     * current run. Steps first: a reader who sees the status (say Provisioned) then also sees every step that led
     * to it.
     */
    recordProgress: async (input: ProgressRecord): Promise<{ current: boolean }> => {
      const result = await recordEndpointProgress(input);
      // The row last, so a reader who sees the row finished also sees the endpoint's final status. Idempotent.
      if (input.bulk && (input.status === 'Provisioned' || input.status === 'Failed')) {
        await recordBulkRowOutcome(
          deps.bulkRows,
          input.bulk,
          { runId: input.runId, status: input.status, objectId: input.objectId, error: input.error },
          now,
        );
      }
      return result;
    },

    /** Clears the endpoint's queue binding (deprovisioning). */
    unbindFromQueue: async (input: {
      tenantId: string;
      upnKey: string;
      queueId: string;
    }): Promise<Outcome<{ queueId?: string }>> => {
      await deps.endpoints.update(input.tenantId, input.upnKey, (endpoint) =>
        endpoint
          ? { ...endpoint, actual: { ...endpoint.actual, queueId: undefined }, updatedAt: now().toISOString() }
          : undefined,
      );
      return ok({ queueId: undefined });
    },
  };
}

export type RecordActivities = ReturnType<typeof createRecordActivities>;

/** What the orchestrators call. */
export const recordActivities = activityContracts<RecordActivities>({ recordProgress: true, unbindFromQueue: true });

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
