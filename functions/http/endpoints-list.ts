/** `GET /api/tenants/{tenantId}/endpoints` (Admin, Supervisor): one page of the tenant's endpoints (`top`, `continuationToken`). */
import { authorizeTenant, continuationTokenParam, json, topParam, durableApi } from '../lib/api-handler';
import { endpointService } from './endpoint-ref';

durableApi('endpointsList', 'tenants/{tenantId}/endpoints', 'GET', async (request, client) => {
  const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
  const page = await endpointService(client).list(tenantId, {
    top: topParam(request),
    continuationToken: continuationTokenParam(request),
  });
  return json(200, page);
});
