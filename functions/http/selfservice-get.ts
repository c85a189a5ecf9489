/**
 * `GET|DELETE /api/tenants/{tenantId}/selfServices/{serviceId}`: one self-service without its secret (Admin,
 * Supervisor); delete (Admin, 409 while a menu leads to it).
 */
import { app } from '@azure/functions';
import { conflict, notFound } from '../../shared/http/problem';
import { HttpProblem, api, authorizeTenant, json, pathParam } from '../lib/api-handler';
import { appRoot } from '../composition-root';

app.http('selfServiceGet', {
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

app.http('selfServiceDelete', {
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
