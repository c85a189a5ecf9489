/**
 * `POST /api/tenants/{tenantId}/endpoints` (Admin): provision an endpoint → 202 + Location; repeating a request for
 * the same UPN is idempotent.
 */
import { validateEndpointRequest } from '../../shared/domain';
import { conflict, notFound } from '../../shared/http/problem';
import { HttpProblem, authorizeTenant, json, jsonBody, validationProblem, durableApi } from '../lib/api-handler';
import { endpointService, endpointUrl } from './endpoint-ref';

durableApi('endpointsCreate', 'tenants/{tenantId}/endpoints', 'POST', 'admin', async (request, client) => {
  const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
  const validation = validateEndpointRequest(await jsonBody(request));
  if (!validation.ok) throw validationProblem(validation.errors);
  const service = endpointService(client);
  const outcome = await service.requestProvision(tenantId, validation.value);
  if (outcome.kind === 'conflict') throw new HttpProblem(conflict(outcome.detail));
  if (outcome.kind === 'notFound') throw new HttpProblem(notFound('endpoint not found'));
  const view = await service.get(tenantId, validation.value.upnKey);
  return json(202, view, {
    location: endpointUrl(request, tenantId, validation.value.userPrincipalName),
    'retry-after': '2',
  });
});
