/** `GET /api/tenants/{tenantId}/selfServices` (Admin, Supervisor): `{items: [self-service…]}`, never a secret. */
import { api, authorizeTenant, json } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('selfServicesList', {
  access: 'supervisor',
  route: 'tenants/{tenantId}/selfServices',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    return json(200, { items: await appRoot().selfServices.list(tenantId) });
  }),
});
