/**
 * `PUT /api/tenants/{tenantId}/callQueues/{queueId}/supervisors/{upn}` (Admin): makes a user of the tenant a
 * supervisor of the call queue (issue 15 item 4) → 201 new / 200 already, `{queueId, userPrincipalName, supervisorId,
 * assignedAt}`. 404 unknown call queue; 400 when the UPN is not a user of the tenant. No body.
 */
import { api, json, pathParam, validationProblem } from '../lib/api-handler';
import { callQueueCaller, callQueueNotFound } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callQueueSupervisorPut', {
  access: 'admin',
  route: 'tenants/{tenantId}/callQueues/{queueId}/supervisors/{upn}',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await callQueueCaller(request, 'Switchboard.Admin');
    const { queueId } = request.params;
    const upn = pathParam(request, 'upn');
    const outcome = await appRoot().callQueues.assignSupervisor(tenantId, queueId, upn);
    if (outcome.kind === 'noCallQueue') throw callQueueNotFound(tenantId, queueId);
    if (outcome.kind === 'notAUser')
      throw validationProblem([{ field: 'upn', message: `${upn} is not a user of the tenant` }]);
    const { tenantId: _t, ...assignment } = outcome.assignment;
    return json(outcome.created ? 201 : 200, assignment);
  }),
});
