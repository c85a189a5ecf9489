/**
 * Activities that write Switchboard's own records of a run: the endpoint row (status, object id, last error) and
 * its step log, the queue binding, and the actual state read back from the tenant at the end.
 */
import { RESOURCE_ACCOUNT_SKU, type EndpointStatus } from '../../shared/domain';
import type { ActualEndpoint } from '../../shared/storage';
import { defineActivity } from '../activity';
import { recordBulkRowOutcome } from '../../shared/endpoints/bulk';
import { bulkRowsRepository, endpointStepsRepository, endpointsRepository } from '../../shared/services';
import { tenantCall } from './activities';
import { ok, retryLater, type Outcome } from './outcome';
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
}

/**
 * Writes the run's step log, then the endpoint's status — only while this run is the endpoint's current run.
 * Steps first: a reader who sees the status (say Provisioned) then also sees every step that led to it.
 * The step rows are keyed by run, so a run that loses the endpoint between the check and the write is harmless.
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
  const existing = await endpointsRepository().get(input.tenantId, input.upnKey);
  if (!existing || existing.runId !== input.runId) return { current: false }; // a newer run owns the endpoint now
  const steps = endpointStepsRepository();
  await Promise.all(
    input.steps.map((s) =>
      steps.put(input.tenantId, input.upnKey, {
        runId: input.runId,
        seq: s.seq,
        step: s.name,
        status: s.status,
        attempts: s.attempts,
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        error: s.error,
      }),
    ),
  );
  let current = false;
  await endpointsRepository().update(input.tenantId, input.upnKey, (endpoint) => {
    if (!endpoint || endpoint.runId !== input.runId) return undefined;
    current = true;
    return {
      ...endpoint,
      status: input.status,
      objectId: input.objectId ?? endpoint.objectId,
      lastError: input.error,
      updatedAt: new Date().toISOString(),
    };
  });
  return { current };
}

async function setQueue(
  tenantId: string,
  upnKey: string,
  queueId: string | undefined,
): Promise<Outcome<{ queueId?: string }>> {
  await endpointsRepository().update(tenantId, upnKey, (endpoint) =>
    endpoint
      ? { ...endpoint, actual: { ...endpoint.actual, queueId }, updatedAt: new Date().toISOString() }
      : undefined,
  );
  return ok({ queueId });
}

export const bindToQueue = defineActivity(
  'bindToQueue',
  (input: { tenantId: string; upnKey: string; queueId: string }) =>
    setQueue(input.tenantId, input.upnKey, input.queueId),
);

export const unbindFromQueue = defineActivity(
  'unbindFromQueue',
  (input: { tenantId: string; upnKey: string; queueId: string }) => setQueue(input.tenantId, input.upnKey, undefined),
);

/** Reads back what the tenant really holds for the endpoint and stores it as its actual state. */
export const recordActualState = defineActivity(
  'recordActualState',
  (input: { tenantId: string; upnKey: string; objectId: string }) =>
    tenantCall(input.tenantId, async (gateway): Promise<Outcome<ActualEndpoint>> => {
      const [instance, sync, user] = await Promise.all([
        gateway.getApplicationInstance(input.objectId),
        gateway.getApplicationInstanceSync(input.objectId),
        gateway.getUser(input.objectId, ['id', 'usageLocation', 'assignedLicenses']),
      ]);
      if (!instance || !user) return retryLater(`${input.objectId} is not visible yet`);
      const endpoint = await endpointsRepository().get(input.tenantId, input.upnKey);
      const wanted = endpoint?.desired.phoneNumber;
      const number = wanted ? await gateway.findNumber(wanted) : undefined;
      const actual: ActualEndpoint = {
        objectId: instance.objectId,
        applicationId: instance.applicationId,
        synced: sync.synced,
        usageLocation: user.usageLocation ?? undefined,
        licensed: !!user.assignedLicenses?.some((l) => l.skuId.toLowerCase() === RESOURCE_ACCOUNT_SKU.skuId),
        phoneNumber: number && number.assignmentTargetId === instance.objectId ? number.telephoneNumber : undefined,
        numberType: number && number.assignmentTargetId === instance.objectId ? number.numberType : undefined,
        queueId: endpoint?.actual?.queueId,
        observedAt: new Date().toISOString(),
      };
      await endpointsRepository().update(input.tenantId, input.upnKey, (current) =>
        current
          ? { ...current, actual, objectId: instance.objectId, updatedAt: actual.observedAt as string }
          : undefined,
      );
      return ok(actual);
    }),
);
