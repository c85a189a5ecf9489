/** `GET /api/tenants/{tenantId}/consent` — what the tenant granted the contact-center bot, and the admin-consent links. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { appRoot } from '../composition-root';
import { api, authorizeTenant, json } from '../lib/api-handler';
import { httpRoute } from '../lib/route-access';

httpRoute('consent', {
  access: 'admin',
  route: 'tenants/{tenantId}/consent',
  methods: ['GET'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    return json(200, await appRoot().consent(tenantId));
  }),
});
