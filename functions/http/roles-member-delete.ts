/**
 * `DELETE /api/tenants/{tenantId}/roles/{role}/members/{principalId}` (Admin): removes the assignment of that role to
 * that user or group — only that one appRoleAssignment, never another role's or another principal's → 204; 404 when
 * the principal does not hold the role (or is no user or group of the tenant); 400 a malformed principalId.
 */
import { api, authorizeTenant, pathParam } from '../lib/api-handler';
import { roleParam, roleRefusal } from '../lib/role-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('roleMemberDelete', {
  access: 'admin',
  route: 'tenants/{tenantId}/roles/{role}/members/{principalId}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const role = roleParam(request);
    const outcome = await appRoot().roleAssignments.remove(tenantId, role, pathParam(request, 'principalId'));
    if (outcome.kind !== 'removed') throw roleRefusal(outcome);
    return { status: 204, headers: { 'cache-control': 'no-store' } };
  }),
});
