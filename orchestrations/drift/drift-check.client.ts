/**
 * Starting drift checks (timer and API share it): one `driftCheck` orchestration per tenant at a time, instance id
 * `drift:{tenantId}`; when one is running, its instance is reported instead of starting another.
 */
import { randomUUID } from 'node:crypto';
import type { DurableClient } from 'durable-functions';
import type { DriftCheckRunView, DriftCheckStateView } from '../../shared/domain';
import { instanceStatus, isActiveStatus } from '../instance-status';
import { DRIFT_CHECK, driftInstanceId, type DriftCheckInput } from './drift-check.orchestration';

/** A check started, or the one already running (the drift API adds the tenant id). */
export type DriftCheckRun = Omit<DriftCheckRunView, 'tenantId'>;

/** The running (or last) check of a tenant, or undefined when there never was one. */
export async function driftCheckStatus(
  client: DurableClient,
  tenantId: string,
): Promise<DriftCheckStateView | undefined> {
  const instanceId = driftInstanceId(tenantId);
  const status = await instanceStatus(client, instanceId, { showInput: true });
  if (!status || !status.runtimeStatus) return undefined;
  const custom = (status.customStatus ?? {}) as { scanId?: string; phase?: string };
  const input = (status.input ?? {}) as Partial<DriftCheckInput>;
  return {
    instanceId,
    runtimeStatus: String(status.runtimeStatus),
    scanId: custom.scanId ?? input.scanId,
    phase: custom.phase,
    remediate: input.remediate,
  };
}

/**
 * Starts a check of the tenant unless one is running. `remediate` overrides DRIFT_AUTO_REMEDIATE for this run
 * (undefined = `autoRemediates`, the setting, decides).
 */
export async function startDriftCheck(
  client: DurableClient,
  tenantId: string,
  o: {
    trigger: 'timer' | 'api';
    remediate?: boolean;
    autoRemediates: (tenantId: string) => boolean;
    /** Asked only when a new check would start (a quota): throw to refuse it. */
    beforeStart?: () => Promise<void>;
  },
): Promise<DriftCheckRun> {
  const tid = tenantId.trim().toLowerCase();
  const instanceId = driftInstanceId(tid);
  const reportRunning = (run: NonNullable<Awaited<ReturnType<typeof driftCheckStatus>>>): DriftCheckRun => ({
    instanceId,
    scanId: run.scanId ?? '',
    started: false,
    remediate: !!run.remediate,
    runtimeStatus: run.runtimeStatus,
  });
  const running = await driftCheckStatus(client, tid);
  if (running && isActiveStatus(running.runtimeStatus)) return reportRunning(running);
  await o.beforeStart?.();
  const input: DriftCheckInput = {
    tenantId: tid,
    scanId: randomUUID(),
    trigger: o.trigger,
    remediate: o.remediate ?? o.autoRemediates(tid),
  };
  try {
    await client.startNew(DRIFT_CHECK, { instanceId, input });
  } catch (err) {
    // Started by someone else a moment ago (timer and API at once): report that one.
    const now = await driftCheckStatus(client, tid);
    if (now && isActiveStatus(now.runtimeStatus)) return reportRunning(now);
    throw err;
  }
  return { instanceId, scanId: input.scanId, started: true, remediate: input.remediate, runtimeStatus: 'Pending' };
}
