/** `GET /api/tenants/{tenantId}/endpoints` (Admin, Supervisor): one page of the tenant's endpoints (`top`, `continuationToken`). */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { api, authorize, json, topParam } from '../lib/api-handler';
import { endpointService } from './endpoint-ref';

df.app.client.http('endpointsList', {
  route: 'tenants/{tenantId}/endpoints',
  methods: ['GET'],
  handler: api(
    async (request: HttpRequest, client: df.DurableClient, _context: InvocationContext): Promise<HttpResponseInit> => {
      const tenantId = request.params.tenantId;
      await authorize(request, tenantId, 'Switchboard.Admin', 'Switchboard.Supervisor');
      const page = await endpointService(client).list(tenantId, {
        top: topParam(request),
        continuationToken: request.query.get('continuationToken') ?? undefined,
      });
      return json(200, page);
    },
  ),
});
