/** `GET /api/tenants/{tenantId}/menus` (Admin, Supervisor): `{items: [menu…]}`. */
import { app } from '@azure/functions';
import { api, authorizeTenant, json } from '../lib/api-handler';
import { appRoot } from '../composition-root';

app.http('menusList', {
  route: 'tenants/{tenantId}/menus',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    return json(200, { items: await appRoot().menus.list(tenantId) });
  }),
});
