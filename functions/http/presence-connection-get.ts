/**
 * `GET /api/tenants/{tenantId}/presence/connection` (Admin) → whether the tenant's presence is connected, by whom,
 * since when (never the token), and whether subscriptions are on.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { appRoot } from '../composition-root';
import { api, authorizeTenant, json } from '../lib/api-handler';
import { httpRoute } from '../lib/route-access';

httpRoute('presenceConnectionGet', {
  access: 'admin',
  route: 'tenants/{tenantId}/presence/connection',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    return json(200, await appRoot().presenceConnections.connection(tenantId));
  }),
});
