/** `GET /api/tenants/{tenantId}/menus` (Admin, Supervisor): `{items: [menu…]}`. */
import { api, authorizeTenant, json } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('menusList', {
  access: 'supervisor',
  route: 'tenants/{tenantId}/menus',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    return json(200, { items: await appRoot().menus.list(tenantId) });
  }),
});
