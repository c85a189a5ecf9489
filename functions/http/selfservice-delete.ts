/**
 * `DELETE /api/tenants/{tenantId}/selfServices/{serviceId}` (Admin): 204; 409 while a menu leads to it.
 */
import { conflict, notFound } from '../../shared/http/problem';
import { HttpProblem, api, authorizeTenant, pathParam } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('selfServiceDelete', {
  access: 'admin',
  route: 'tenants/{tenantId}/selfServices/{serviceId}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const serviceId = pathParam(request, 'serviceId');
    const outcome = await appRoot().selfServices.delete(tenantId, serviceId);
    if (outcome.kind === 'notFound')
      throw new HttpProblem(notFound(`No self-service ${serviceId} in tenant ${tenantId}.`));
    if (outcome.kind === 'inUse')
      throw new HttpProblem(
        conflict(`Self-service ${serviceId} is an action of menu(s) ${outcome.by.join(', ')}; change them first.`),
      );
    return { status: 204 };
  }),
});
