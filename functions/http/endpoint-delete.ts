/** `DELETE /api/tenants/{tenantId}/endpoints/{upn}` (Admin): deprovision → 202 + Location. */
import { conflict, notFound } from '../../shared/http/problem';
import { HttpProblem, authorizeTenant, json, durableApi } from '../lib/api-handler';
import { endpointService, endpointUrl, upnKeyOf } from './endpoint-ref';

durableApi('endpointDelete', 'tenants/{tenantId}/endpoints/{upn}', 'DELETE', 'admin', async (request, client) => {
  const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
  const upnKey = upnKeyOf(request);
  const service = endpointService(client);
  const outcome = await service.requestDeprovision(tenantId, upnKey);
  if (outcome.kind === 'notFound') throw new HttpProblem(notFound(`No endpoint ${upnKey} in tenant ${tenantId}.`));
  if (outcome.kind === 'conflict') throw new HttpProblem(conflict(outcome.detail));
  return json(202, await service.get(tenantId, upnKey), { location: endpointUrl(request, tenantId, upnKey) });
});
