/**
 * The presence refresh timer (schedule: PRESENCE_REFRESH_SCHEDULE, NCRONTAB with seconds, default every 15 s): for
 * every tenant whose calls we route, reads all call queue agents' Teams presence in batches of ≤ 650 and routes
 * every call queue again — an agent who became Available takes a waiting call, a call queue left with nobody signed
 * in sends its waiting calls to its no-agent action. With PRESENCE_NOTIFICATION_URL, Graph change notifications
 * (shared/presence) are the fast path and this the fallback; without, this is the path.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { settingDefinition } from '../../shared/config';
import { appRoot } from '../composition-root';

const schedule =
  process.env.PRESENCE_REFRESH_SCHEDULE?.trim() || (settingDefinition('PRESENCE_REFRESH_SCHEDULE').default as string);

app.timer('presenceRefreshTimer', {
  schedule,
  handler: async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const root = appRoot();
    for (const tenantId of await root.callTenants()) {
      try {
        const changed = await root.callRouting((line) => context.log(line)).presenceSweep(tenantId);
        if (changed.length) context.log(`presence of tenant ${tenantId}: ${changed.length} agents changed`);
      } catch (err) {
        context.error(`presence refresh of ${tenantId} failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
  },
});
