/**
 * `GET /api/tenants/{tenantId}/roles/{role}/members` (Admin): who holds one of Switchboard's API roles in the tenant —
 * the users, groups (and apps) assigned to it on the API app's service principal (`appRoleAssignedTo`) →
 * `{role, members:[{principalId, principalType, displayName?, role, assignmentId, createdDateTime?}]}`.
 */
import { api, authorizeTenant, json } from '../lib/api-handler';
import { roleParam, roleRefusal } from '../lib/role-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('roleMembersList', {
  access: 'admin',
  route: 'tenants/{tenantId}/roles/{role}/members',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const role = roleParam(request);
    const outcome = await appRoot().roleAssignments.list(tenantId, role);
    if (outcome.kind !== 'listed') throw roleRefusal(outcome);
    return json(200, { role, members: outcome.members });
  }),
});
