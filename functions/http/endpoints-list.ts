/** `GET /api/tenants/{tenantId}/endpoints` (Admin, Supervisor): one page of the tenant's endpoints (`top`, `continuationToken`). */
import { authorize, json, topParam, durableApi } from '../lib/api-handler';
import { endpointService } from './endpoint-ref';

durableApi('endpointsList', 'tenants/{tenantId}/endpoints', 'GET', async (request, client) => {
  const tenantId = request.params.tenantId;
  await authorize(request, tenantId, 'Switchboard.Admin', 'Switchboard.Supervisor');
  const page = await endpointService(client).list(tenantId, {
    top: topParam(request),
    continuationToken: request.query.get('continuationToken') ?? undefined,
  });
  return json(200, page);
});
