/**
 * `GET /api/tenants/{tenantId}/callQueues/{queueId}/supervisors` (Admin, Supervisor of it): the assignments
 * `{value: [{queueId, userPrincipalName, supervisorId, assignedAt}]}`.
 */
import { api, json } from '../lib/api-handler';
import { callQueueCaller, callQueueNotFound, requireCallQueueInScope } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callQueueSupervisorsList', {
  access: 'supervisorOfCallQueue',
  route: 'tenants/{tenantId}/callQueues/{queueId}/supervisors',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const caller = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const { queueId } = request.params;
    requireCallQueueInScope(caller, queueId);
    if (!(await appRoot().callQueues.get(caller.tenantId, queueId))) throw callQueueNotFound(caller.tenantId, queueId);
    const value = (await appRoot().callQueues.listSupervisors(caller.tenantId, queueId)).map(
      ({ tenantId: _t, ...a }) => a,
    );
    return json(200, { value });
  }),
});
