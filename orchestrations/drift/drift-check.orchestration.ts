/**
 * `driftCheck` (instance id `drift:{tenantId}`, so one check per tenant at a time): scan the tenant, then — when
 * this run remediates — start a repair of each endpoint whose findings re-provisioning fixes. Deterministic: the
 * scan and the repairs are activities; the start time comes from the orchestration clock.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { RemediationTarget, ScanSummary } from '../../shared/drift';
import { driftActivities } from './drift.activities';

export const DRIFT_CHECK = 'driftCheck';
export const driftInstanceId = (tenantId: string) => `drift:${tenantId.trim().toLowerCase()}`;

export interface DriftCheckInput {
  tenantId: string;
  scanId: string;
  trigger: 'timer' | 'api';
  /** Start repairs for the auto-remediable findings of this scan. */
  remediate: boolean;
}

export interface DriftCheckOutput {
  scanId: string;
  startedAt: string;
  findings: ScanSummary['findings'];
  unknown: number;
  remediation: ScanSummary['remediation'];
}

export interface RemediateDriftInput {
  tenantId: string;
  scanId: string;
  startedAt: string;
  targets: RemediationTarget[];
}

/** The drift check, as the orchestrator runs it (exported for replay tests; registered below). */
export function* driftCheck(context: OrchestrationContext): Generator<df.Task, DriftCheckOutput, unknown> {
  const input = context.df.getInput<DriftCheckInput>();
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const retry = new df.RetryOptions(2_000, 3);
  context.df.setCustomStatus({ scanId: input.scanId, phase: 'scanning' });
  const result = yield* driftActivities.scanDrift.callWithRetry(context, retry, { ...input, startedAt });
  let remediation = result.summary.remediation;
  if (input.remediate && result.targets.length > 0) {
    context.df.setCustomStatus({ scanId: input.scanId, phase: 'remediating' });
    remediation = yield* driftActivities.remediateDrift.callWithRetry(context, retry, {
      tenantId: input.tenantId,
      scanId: input.scanId,
      startedAt,
      targets: result.targets,
    });
  }
  const output: DriftCheckOutput = {
    scanId: input.scanId,
    startedAt,
    findings: result.summary.findings,
    unknown: result.summary.unknown.count,
    remediation,
  };
  context.df.setCustomStatus({ scanId: input.scanId, phase: 'done' });
  return output;
}

df.app.orchestration(DRIFT_CHECK, driftCheck);
