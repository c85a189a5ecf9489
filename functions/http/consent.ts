/** `GET /api/tenants/{tenantId}/consent` — what the tenant granted the contact-center bot, and the admin-consent links. */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { appRoot } from '../composition-root';
import { api, authorizeTenant, json } from '../lib/api-handler';

app.http('consent', {
  route: 'tenants/{tenantId}/consent',
  methods: ['GET'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    return json(200, await appRoot().consent(tenantId));
  }),
});
