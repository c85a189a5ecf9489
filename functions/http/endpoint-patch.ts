/**
 * `PATCH /api/tenants/{tenantId}/endpoints/{upn}` (Admin), body `{menuId}` or `{queueId}`: points the endpoint at a
 * menu or a call queue — only Switchboard's routing changes, so no reprovisioning. 400 when the body is not exactly
 * one of them or names nothing that exists; 404 for an unknown endpoint; 200 with the endpoint.
 */
import { notFound } from '../../shared/http/problem';
import { HttpProblem, api, authorizeTenant, json, jsonBody, validationProblem } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { upnKeyOf } from './endpoint-ref';
import { httpRoute } from '../lib/route-access';

httpRoute('endpointPatch', {
  access: 'admin',
  route: 'tenants/{tenantId}/endpoints/{upn}',
  methods: ['PATCH'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const upnKey = upnKeyOf(request);
    const body = (await jsonBody(request)) as Record<string, unknown>;
    const keys = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : [];
    const id = (k: string) => typeof body[k] === 'string' && /^[a-z0-9-]{1,64}$/.test(body[k] as string);
    if (keys.length !== 1 || !['menuId', 'queueId'].includes(keys[0]))
      throw validationProblem([{ field: 'body', message: 'must be {"menuId": "…"} or {"queueId": "…"}, exactly one' }]);
    if (!id(keys[0]))
      throw validationProblem([{ field: keys[0], message: 'must be 1-64 lower-case letters, digits or dashes' }]);
    const binding = keys[0] === 'menuId' ? { menuId: body.menuId as string } : { queueId: body.queueId as string };
    const outcome = await appRoot().rebindEndpoint(tenantId, upnKey, binding);
    if (outcome.kind === 'invalid') throw validationProblem(outcome.errors);
    if (outcome.kind === 'notFound') throw new HttpProblem(notFound(`No endpoint ${upnKey} in tenant ${tenantId}.`));
    return json(200, outcome.endpoint);
  }),
});
