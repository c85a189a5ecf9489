/**
 * `PUT /api/tenants/{tenantId}/roles/{role}/members/{principalId}` (Admin): assigns one of Switchboard's API roles to
 * a user or group of the tenant (an object id; a user's UPN is resolved) through `appRoleAssignedTo` on the API app's
 * service principal → 201 new / 200 already assigned, the member. 400 a principalId that is neither; 404 no such user
 * or group; 409 when the tenant has no service principal of the API app. No body.
 */
import { api, authorizeTenant, json, pathParam } from '../lib/api-handler';
import { roleParam, roleRefusal } from '../lib/role-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('roleMemberPut', {
  access: 'admin',
  route: 'tenants/{tenantId}/roles/{role}/members/{principalId}',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const role = roleParam(request);
    const outcome = await appRoot().roleAssignments.assign(tenantId, role, pathParam(request, 'principalId'));
    if (outcome.kind !== 'assigned') throw roleRefusal(outcome);
    return json(outcome.created ? 201 : 200, outcome.member);
  }),
});
