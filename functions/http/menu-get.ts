/** `GET|DELETE /api/tenants/{tenantId}/menus/{menuId}`: one menu (Admin, Supervisor); delete (Admin, 409 in use). */
import { conflict, notFound } from '../../shared/http/problem';
import { HttpProblem, api, authorizeTenant, json, pathParam } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('menuGet', {
  access: 'supervisor',
  route: 'tenants/{tenantId}/menus/{menuId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const menuId = pathParam(request, 'menuId');
    const record = await appRoot().menus.get(tenantId, menuId);
    if (!record) throw new HttpProblem(notFound(`No menu ${menuId} in tenant ${tenantId}.`));
    return json(200, record);
  }),
});

httpRoute('menuDelete', {
  access: 'admin',
  route: 'tenants/{tenantId}/menus/{menuId}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const menuId = pathParam(request, 'menuId');
    const outcome = await appRoot().menus.delete(tenantId, menuId);
    if (outcome.kind === 'notFound') throw new HttpProblem(notFound(`No menu ${menuId} in tenant ${tenantId}.`));
    if (outcome.kind === 'inUse')
      throw new HttpProblem(
        conflict(`Menu ${menuId} is an action of menu(s) ${outcome.by.join(', ')}; change them first.`),
      );
    return { status: 204 };
  }),
});
