/**
 * `DELETE /api/tenants/{tenantId}/callQueues/{queueId}/supervisors/{upn}` (Admin): ends the assignment → 204; 404
 * when the user was not assigned to it. (A `queues` claim in the supervisor's token is the directory's, not ours.)
 */
import { notFound } from '../../shared/http/problem';
import { HttpProblem, api, pathParam } from '../lib/api-handler';
import { callQueueCaller } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callQueueSupervisorDelete', {
  access: 'admin',
  route: 'tenants/{tenantId}/callQueues/{queueId}/supervisors/{upn}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await callQueueCaller(request, 'Switchboard.Admin');
    const { queueId } = request.params;
    const upn = pathParam(request, 'upn');
    if (!(await appRoot().callQueues.unassignSupervisor(tenantId, queueId, upn)))
      throw new HttpProblem(notFound(`${upn} is not assigned to call queue ${queueId}.`));
    return { status: 204, headers: { 'cache-control': 'no-store' } };
  }),
});
