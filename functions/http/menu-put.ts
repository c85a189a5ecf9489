/**
 * `PUT /api/tenants/{tenantId}/menus/{menuId}` (Admin): creates or replaces a menu. 400 names every field at fault,
 * references included (call queues, menus, users, prompts) and a cycle with its path; 201 created, 200 replaced.
 */
import { MENU_ID_RE, MENU_ID_RULE, parseMenuBody } from '../../shared/menus';
import { api, authorizeTenant, json, jsonBody, pathParam, validationProblem } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('menuPut', {
  access: 'admin',
  route: 'tenants/{tenantId}/menus/{menuId}',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const menuId = pathParam(request, 'menuId');
    if (!MENU_ID_RE.test(menuId)) throw validationProblem([{ field: 'menuId', message: MENU_ID_RULE }]);
    const parsed = parseMenuBody(await jsonBody(request));
    if (!parsed.ok) throw validationProblem(parsed.errors);
    const outcome = await appRoot().menus.put(tenantId, menuId, parsed.value);
    if (outcome.kind === 'invalid') throw validationProblem(outcome.errors);
    return json(outcome.created ? 201 : 200, outcome.record);
  }),
});
