/**
 * `PUT /api/tenants/{tenantId}/selfServices/{serviceId}` (Admin): creates or replaces a self-service (the
 * line-of-business hook a menu option leads to). 400 names every field at fault (the URL's scheme, the fallback's
 * call queue or menu, the prompts); 201 created, 200 replaced. The secret is write-only: the answer says `secretSet`.
 */
import { SELF_SERVICE_ID_RE, SELF_SERVICE_ID_RULE, parseSelfServiceBody } from '../../shared/menus';
import { api, authorizeTenant, json, jsonBody, pathParam, validationProblem } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('selfServicePut', {
  access: 'admin',
  route: 'tenants/{tenantId}/selfServices/{serviceId}',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const serviceId = pathParam(request, 'serviceId');
    if (!SELF_SERVICE_ID_RE.test(serviceId))
      throw validationProblem([{ field: 'serviceId', message: SELF_SERVICE_ID_RULE }]);
    const parsed = parseSelfServiceBody(await jsonBody(request));
    if (!parsed.ok) throw validationProblem(parsed.errors);
    const outcome = await appRoot().selfServices.put(tenantId, serviceId, parsed.value);
    if (outcome.kind === 'invalid') throw validationProblem(outcome.errors);
    return json(outcome.created ? 201 : 200, outcome.view);
  }),
});
