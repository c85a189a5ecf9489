/**
 * The drift check's activities: the scan (reads the tenant, compares, updates the findings, records the scan) and
 * the repairs (a new provisioning run of each endpoint with auto-remediable findings).
 */
import type { InvocationContext } from '@azure/functions';
import {
  scanWithNothingCounted,
  type DriftScanResult,
  type DriftScansRepository,
  type DriftService,
  type RepairEndpoint,
  type ScanSummary,
} from '../../shared/drift';
import { activityContracts } from '../activity';
import type { DriftCheckInput, RemediateDriftInput } from './drift-check.orchestration';

export interface DriftActivityDeps {
  drift: DriftService;
  scans: DriftScansRepository;
  /**
   * Starts repairs; its handler gets the invocation, from which the function layer takes the durable client binding
   * (registered with the activity).
   */
  repairFor: (context: InvocationContext) => RepairEndpoint;
  now?: () => Date;
}

export function createDriftActivities(deps: DriftActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    /** Reads the tenant, compares, updates the findings and records the scan (a failed scan is recorded as failed). */
    scanDrift: async (input: DriftCheckInput & { startedAt: string }): Promise<DriftScanResult> => {
      try {
        return await deps.drift.scan(input);
      } catch (err) {
        await deps.scans
          .put(
            scanWithNothingCounted({
              scanId: input.scanId,
              tenantId: input.tenantId.toLowerCase(),
              trigger: input.trigger,
              status: 'failed',
              startedAt: input.startedAt,
              endedAt: now().toISOString(),
              remediation: { enabled: input.remediate, started: [], skipped: [] },
              error: (err as Error)?.message ?? String(err),
            }),
          )
          .catch(() => undefined);
        throw err;
      }
    },

    /** Starts the repairs (one per endpoint) and records them on the findings and the scan. */
    remediateDrift: (input: RemediateDriftInput, context: InvocationContext): Promise<ScanSummary['remediation']> =>
      deps.drift.remediate(
        input.tenantId,
        { scanId: input.scanId, startedAt: input.startedAt },
        input.targets,
        deps.repairFor(context),
      ),
  };
}

export type DriftActivities = ReturnType<typeof createDriftActivities>;

/** What the drift orchestrator calls. */
export const driftActivities = activityContracts<DriftActivities>({ scanDrift: true, remediateDrift: true });
