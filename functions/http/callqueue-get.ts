/**
 * `GET /api/tenants/{tenantId}/callQueues/{queueId}` (Admin, Supervisor of it): one call queue, with its `ETag`.
 * 404 when unknown, or not one a Supervisor supervises.
 */
import { api, json } from '../lib/api-handler';
import { callQueueCaller, callQueueNotFound, requireCallQueueInScope } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callQueueGet', {
  access: 'supervisorOfCallQueue',
  route: 'tenants/{tenantId}/callQueues/{queueId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const caller = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const { queueId } = request.params;
    requireCallQueueInScope(caller, queueId);
    const found = await appRoot().callQueues.read(caller.tenantId, queueId);
    if (!found) throw callQueueNotFound(caller.tenantId, queueId);
    return json(200, found.record, { etag: found.etag });
  }),
});
