/**
 * `GET /api/tenants/{tenantId}/prompts` (Admin, Supervisor): `{items: [{name, source: upload|tts|default, sha256?,
 * bytes, durationMs, text?, updatedAt?}]}` — the tenant's prompts, then the default set's names not replaced.
 */
import { api, authorizeTenant, json } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('promptsList', {
  access: 'supervisor',
  route: 'tenants/{tenantId}/prompts',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    return json(200, { items: await appRoot().prompts.list(tenantId) });
  }),
});
