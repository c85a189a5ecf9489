/**
 * `GET /api/tenants/{tenantId}/selfServices/{serviceId}` (Admin, Supervisor): one self-service, without its secret.
 */
import { notFound } from '../../shared/http/problem';
import { HttpProblem, api, authorizeTenant, json, pathParam } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('selfServiceGet', {
  access: 'supervisor',
  route: 'tenants/{tenantId}/selfServices/{serviceId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const serviceId = pathParam(request, 'serviceId');
    const view = await appRoot().selfServices.get(tenantId, serviceId);
    if (!view) throw new HttpProblem(notFound(`No self-service ${serviceId} in tenant ${tenantId}.`));
    return json(200, view);
  }),
});
