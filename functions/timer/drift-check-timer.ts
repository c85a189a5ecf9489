/**
 * The drift check timer (schedule: DRIFT_SCHEDULE, NCRONTAB with seconds, default every 15 minutes): starts one
 * `driftCheck` orchestration per tenant that has endpoints; a tenant whose check is still running is skipped.
 * The schedule is read when the app loads (a changed setting takes effect at the next restart, as for any binding).
 */
import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { settingDefinition } from '../../shared/config';
import { startDriftCheck } from '../../orchestrations/drift/drift-check.client';
import { appRoot } from '../composition-root';

const schedule = process.env.DRIFT_SCHEDULE?.trim() || (settingDefinition('DRIFT_SCHEDULE').default as string);

df.app.client.timer('driftCheckTimer', {
  schedule,
  handler: async (_timer: Timer, client: df.DurableClient, context: InvocationContext): Promise<void> => {
    const root = appRoot();
    const tenants = await root.drift.tenantsWithEndpoints();
    for (const tenantId of tenants) {
      try {
        const run = await startDriftCheck(client, tenantId, { trigger: 'timer', autoRemediates: root.autoRemediates });
        context.log(
          run.started
            ? `drift check of ${tenantId} started (${run.instanceId}, scan ${run.scanId})`
            : `drift check of ${tenantId} still running (${run.instanceId}); skipped`,
        );
      } catch (err) {
        context.error(`drift check of ${tenantId} could not be started: ${(err as Error)?.message ?? String(err)}`);
      }
    }
  },
});
