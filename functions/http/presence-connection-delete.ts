/**
 * `DELETE /api/tenants/{tenantId}/presence/connection` (Admin) → deletes the tenant's presence subscriptions, then the
 * connection → 204 (404 when not connected).
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { notFound } from '../../shared/http/problem';
import { appRoot } from '../composition-root';
import { HttpProblem, api, authorizeTenant } from '../lib/api-handler';
import { httpRoute } from '../lib/route-access';

httpRoute('presenceConnectionDelete', {
  access: 'admin',
  route: 'tenants/{tenantId}/presence/connection',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: api(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const root = appRoot();
    if (!(await root.presenceConnections.connected(tenantId)))
      throw new HttpProblem(notFound(`presence is not connected for tenant ${tenantId}`));
    // Delete our subscriptions while the delegated token still works, then forget the token.
    const removed = await root.presenceNotificationsFor((line) => context.log(line)).unsubscribeAll(tenantId);
    await root.presenceConnections.disconnect(tenantId);
    context.log(`presence disconnected for tenant ${tenantId} (${removed} subscriptions deleted)`);
    return { status: 204, headers: { 'cache-control': 'no-store' } };
  }),
});
