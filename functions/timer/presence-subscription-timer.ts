/**
 * The presence subscription manager (schedule: PRESENCE_SUBSCRIPTION_SCHEDULE, default every 5 minutes), on only with
 * PRESENCE_NOTIFICATION_URL: for every tenant whose calls we route, creates, renews (before the one-hour expiry) and
 * replaces the Graph subscriptions covering all its call queue agents in chunks of ≤ 650 (shared/presence).
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { settingDefinition } from '../../shared/config';
import { appRoot } from '../composition-root';

const schedule =
  process.env.PRESENCE_SUBSCRIPTION_SCHEDULE?.trim() ||
  (settingDefinition('PRESENCE_SUBSCRIPTION_SCHEDULE').default as string);

app.timer('presenceSubscriptionTimer', {
  schedule,
  handler: async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const root = appRoot();
    const service = root.presenceNotificationsFor((line) => context.log(line));
    if (!service.enabled) return;
    for (const tenantId of await root.callTenants()) {
      try {
        const r = await service.reconcile(tenantId);
        if (r.created + r.renewed + r.replaced + r.deleted + r.lost > 0)
          context.log(`presence subscriptions of ${tenantId}: ${JSON.stringify(r)}`);
      } catch (err) {
        context.error(`presence subscriptions of ${tenantId} failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
  },
});
