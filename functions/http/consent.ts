/** `GET /api/tenants/{tenantId}/consent` — what the tenant granted the contact-center bot, and the admin-consent links. */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { readConsent } from '../../shared/provisioning';
import { appConfig, tenantGateway } from '../../shared/services';
import { api, authorize, json } from '../lib/http';

app.http('consent', {
  route: 'tenants/{tenantId}/consent',
  methods: ['GET'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const tenantId = request.params.tenantId;
    await authorize(request, tenantId, 'Switchboard.Admin');
    const config = appConfig();
    const report = await readConsent(tenantGateway(tenantId), {
      appId: config.bot.appId,
      authorityHost: config.authorityHost,
      redirectUri: config.adminConsentRedirectUri,
    });
    return json(200, report);
  }),
});
