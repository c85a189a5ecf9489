/** `GET /api/tenants/{tenantId}/endpoints` (Admin, Supervisor): one page of the tenant's endpoints (`top`, `continuationToken`). */
import { authorizeTenant, continuationTokenParam, json, topParam, durableApi } from '../lib/api-handler';
import { endpointService } from './endpoint-ref';
import { callQueueCaller, visibleCallQueues } from '../lib/callqueue-access';

durableApi('endpointsList', 'tenants/{tenantId}/endpoints', 'GET', 'supervisorFiltered', async (request, client) => {
  const { tenantId, principal } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
  const page = await endpointService(client).list(tenantId, {
    top: topParam(request),
    continuationToken: continuationTokenParam(request),
  });
  // A supervisor sees the endpoints of their call queues only (a page may then hold fewer than `top`).
  const scope = visibleCallQueues(await callQueueCaller.of(principal, tenantId));
  if (scope) page.value = page.value.filter((e) => e.queueId !== undefined && scope.includes(e.queueId));
  return json(200, page);
});
