/**
 * Endpoints API: `POST|GET /api/tenants/{tenantId}/endpoints`, `GET|DELETE /api/tenants/{tenantId}/endpoints/{upn}`.
 * Admins provision and remove; supervisors may read.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { validateEndpointRequest } from '../../shared/domain';
import { conflict, notFound } from '../../shared/http/problem';
import { appRoot } from '../composition-root';
import { HttpProblem, api, authorize, json, jsonBody, validationProblem } from '../lib/api-handler';

const service = (client: df.DurableClient) => appRoot().endpointService(client);

const location = (request: HttpRequest, tenantId: string, upn: string) =>
  new URL(`/api/tenants/${encodeURIComponent(tenantId)}/endpoints/${encodeURIComponent(upn)}`, request.url).toString();

df.app.client.http('endpoints', {
  route: 'tenants/{tenantId}/endpoints',
  methods: ['GET', 'POST'],
  handler: api(
    async (request: HttpRequest, client: df.DurableClient, _context: InvocationContext): Promise<HttpResponseInit> => {
      const tenantId = request.params.tenantId;
      if (request.method === 'GET') {
        await authorize(request, tenantId, 'Switchboard.Admin', 'Switchboard.Supervisor');
        const top = request.query.get('top');
        if (top !== null && !/^\d{1,4}$/.test(top)) {
          throw validationProblem([{ field: 'top', message: 'must be a whole number from 1 to 1000' }]);
        }
        const page = await service(client).list(tenantId, {
          top: top === null ? undefined : Math.min(1000, Math.max(1, Number(top))),
          continuationToken: request.query.get('continuationToken') ?? undefined,
        });
        return json(200, page);
      }
      await authorize(request, tenantId, 'Switchboard.Admin');
      const validation = validateEndpointRequest(await jsonBody(request));
      if (!validation.ok) throw validationProblem(validation.errors);
      const outcome = await service(client).requestProvision(tenantId, validation.value);
      if (outcome.kind === 'conflict') throw new HttpProblem(conflict(outcome.detail));
      if (outcome.kind === 'notFound') throw new HttpProblem(notFound('endpoint not found'));
      const view = await service(client).get(tenantId, validation.value.upnKey);
      return json(202, view, {
        location: location(request, tenantId, validation.value.userPrincipalName),
        'retry-after': '2',
      });
    },
  ),
});

df.app.client.http('endpoint', {
  route: 'tenants/{tenantId}/endpoints/{upn}',
  methods: ['GET', 'DELETE'],
  handler: api(
    async (request: HttpRequest, client: df.DurableClient, _context: InvocationContext): Promise<HttpResponseInit> => {
      const { tenantId, upn } = request.params;
      const upnKey = decodeURIComponent(upn).trim().toLowerCase();
      if (request.method === 'GET') {
        await authorize(request, tenantId, 'Switchboard.Admin', 'Switchboard.Supervisor');
        const view = await service(client).get(tenantId, upnKey);
        if (!view) throw new HttpProblem(notFound(`No endpoint ${upnKey} in tenant ${tenantId}.`));
        return json(200, view);
      }
      await authorize(request, tenantId, 'Switchboard.Admin');
      const outcome = await service(client).requestDeprovision(tenantId, upnKey);
      if (outcome.kind === 'notFound') throw new HttpProblem(notFound(`No endpoint ${upnKey} in tenant ${tenantId}.`));
      if (outcome.kind === 'conflict') throw new HttpProblem(conflict(outcome.detail));
      return json(202, await service(client).get(tenantId, upnKey), { location: location(request, tenantId, upnKey) });
    },
  ),
});
