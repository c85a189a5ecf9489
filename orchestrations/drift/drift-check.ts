/**
 * `driftCheck` (instance id `drift:{tenantId}`, so one check per tenant at a time): scan the tenant, then — when
 * this run remediates — start a repair of each endpoint whose findings re-provisioning fixes. Deterministic: the
 * scan and the repairs are activities; the start time comes from the orchestration clock.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import {
  scanWithNothingCounted,
  type DriftScanResult,
  type RemediationTarget,
  type ScanSummary,
} from '../../shared/drift';
import { driftScansRepository, driftService } from '../../shared/services';
import { declareActivity, defineActivity } from '../activity';

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

/** Reads the tenant, compares, updates the findings and records the scan (a failed scan is recorded as failed). */
export const scanDrift = defineActivity(
  'scanDrift',
  async (input: DriftCheckInput & { startedAt: string }): Promise<DriftScanResult> => {
    try {
      return await driftService().scan(input);
    } catch (err) {
      await driftScansRepository()
        .put(
          scanWithNothingCounted({
            scanId: input.scanId,
            tenantId: input.tenantId.toLowerCase(),
            trigger: input.trigger,
            status: 'failed',
            startedAt: input.startedAt,
            endedAt: new Date().toISOString(),
            remediation: { enabled: input.remediate, started: [], skipped: [] },
            error: (err as Error)?.message ?? String(err),
          }),
        )
        .catch(() => undefined);
      throw err;
    }
  },
);

/** Starts the repairs. Its handler needs the durable client: functions/durable/remediate-drift.ts registers it. */
export const remediateDrift = declareActivity<RemediateDriftInput, ScanSummary['remediation']>('remediateDrift');

df.app.orchestration(DRIFT_CHECK, function* (context: OrchestrationContext) {
  const input = context.df.getInput<DriftCheckInput>();
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const retry = new df.RetryOptions(2_000, 3);
  context.df.setCustomStatus({ scanId: input.scanId, phase: 'scanning' });
  const result = yield* scanDrift.callWithRetry(context, retry, { ...input, startedAt });
  let remediation = result.summary.remediation;
  if (input.remediate && result.targets.length > 0) {
    context.df.setCustomStatus({ scanId: input.scanId, phase: 'remediating' });
    remediation = yield* remediateDrift.callWithRetry(context, retry, {
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
});
