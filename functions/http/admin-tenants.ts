/**
 * Tenant onboarding (issue 17 item 6), for Switchboard's operator: `Switchboard.Operator` in OPERATOR_TENANT_ID only.
 * - `PUT /api/admin/tenants/{tenantId}` `{displayName?, quotas?: {bulkRowsPerDay, driftScansPerDay}}` → 201 created /
 *   200 replaced: the tenant's tokens are accepted from then on (this instance at once, others within a minute).
 * - `GET /api/admin/tenants/{tenantId}` → the record, 404 when not onboarded; `GET /api/admin/tenants` → `{value: [...]}`.
 *
 * The Functions host refuses route templates that start with `admin` ("conflicts with one or more built in routes",
 * even under the `api` prefix), so the first segment is a parameter held to `admin` by a regex constraint: the URL
 * is exactly `/api/admin/tenants/…`.
 */
import type { HttpRequest } from '@azure/functions';
import { AuthError, requireRole, type Principal } from '../../shared/auth';
import { notFound } from '../../shared/http/problem';
import { parseTenantBody } from '../../shared/onboarding';
import { appRoot } from '../composition-root';
import { api, HttpProblem, json, jsonBody, tenantIdOf, validationProblem } from '../lib/api-handler';
import { httpRoute } from '../lib/route-access';

const ADMIN = '{area:regex(^admin$)}';

async function operator(request: HttpRequest): Promise<Principal> {
  const root = appRoot();
  const principal = await root.apiTokens.validate(request.headers.get('authorization'));
  requireRole(principal, 'Switchboard.Operator');
  if (!root.onboarding.operatorTenantId || principal.tenantId !== root.onboarding.operatorTenantId) {
    throw new AuthError(
      403,
      'wrong_tenant',
      "Only operators of Switchboard's own tenant (OPERATOR_TENANT_ID) onboard tenants.",
    );
  }
  return principal;
}

httpRoute('adminTenantPut', {
  access: 'operator',
  route: `${ADMIN}/tenants/{tenantId}`,
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const principal = await operator(request);
    const tenantId = tenantIdOf(request.params.tenantId ?? '');
    const parsed = parseTenantBody(await jsonBody(request));
    if (!parsed.ok) throw validationProblem(parsed.errors);
    const { record, created } = await appRoot().onboarding.put(tenantId, parsed.value, principal.oid);
    return json(created ? 201 : 200, record, created ? { location: new URL(request.url).toString() } : {});
  }),
});

httpRoute('adminTenantGet', {
  access: 'operator',
  route: `${ADMIN}/tenants/{tenantId}`,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    await operator(request);
    const tenantId = tenantIdOf(request.params.tenantId ?? '');
    const record = await appRoot().onboarding.get(tenantId);
    if (!record) throw new HttpProblem(notFound(`Tenant ${tenantId} is not onboarded.`));
    return json(200, record);
  }),
});

httpRoute('adminTenantsList', {
  access: 'operator',
  route: `${ADMIN}/tenants`,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    await operator(request);
    return json(200, { value: await appRoot().onboarding.list() });
  }),
});
