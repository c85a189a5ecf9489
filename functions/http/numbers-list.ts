/**
 * `GET /api/tenants/{tenantId}/numbers?free=true[&top][&continuationToken]` (Admin): one page of the tenant's free
 * (unassigned) phone numbers a resource account can take, read from Graph through the TenantGateway — what the
 * portal's number picker offers. `{value: [{telephoneNumber, numberType, isoCountryCode?, city?, capabilities}],
 * continuationToken?}`.
 */
import { api, authorizeTenant, json, topParam, validationProblem } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('numbersList', {
  access: 'admin',
  route: 'tenants/{tenantId}/numbers',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const problems = [];
    if (request.query.get('free') !== 'true')
      problems.push({ field: 'free', message: 'must be true (only the free numbers are listed)' });
    const top = topParam(request);
    const token = request.query.get('continuationToken') ?? undefined;
    if (problems.length) throw validationProblem(problems);
    const page = await appRoot().freeNumbers(tenantId, { top, token });
    if ('invalidToken' in page)
      throw validationProblem([{ field: 'continuationToken', message: 'is not a token this API gave' }]);
    return json(200, page);
  }),
});
