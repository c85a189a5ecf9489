/** `GET /api/tenants/{tenantId}/endpoints/{upn}` (Admin, Supervisor): the endpoint, its status and step log. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { notFound } from '../../shared/http/problem';
import { HttpProblem, api, authorize, json } from '../lib/api-handler';
import { endpointService, upnKeyOf } from './endpoint-ref';

df.app.client.http('endpointGet', {
  route: 'tenants/{tenantId}/endpoints/{upn}',
  methods: ['GET'],
  handler: api(
    async (request: HttpRequest, client: df.DurableClient, _context: InvocationContext): Promise<HttpResponseInit> => {
      const tenantId = request.params.tenantId;
      const upnKey = upnKeyOf(request);
      await authorize(request, tenantId, 'Switchboard.Admin', 'Switchboard.Supervisor');
      const view = await endpointService(client).get(tenantId, upnKey);
      if (!view) throw new HttpProblem(notFound(`No endpoint ${upnKey} in tenant ${tenantId}.`));
      return json(200, view);
    },
  ),
});
