/** `GET /api/tenants/{tenantId}/endpoints/{upn}` (Admin, Supervisor): the endpoint, its status and step log. */
import { notFound } from '../../shared/http/problem';
import { HttpProblem, authorizeTenant, json, durableApi } from '../lib/api-handler';
import { endpointService, upnKeyOf } from './endpoint-ref';
import { callQueueCaller, visibleCallQueues } from '../lib/callqueue-access';

durableApi(
  'endpointGet',
  'tenants/{tenantId}/endpoints/{upn}',
  'GET',
  'supervisorOfCallQueue',
  async (request, client) => {
    const { tenantId, principal } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const upnKey = upnKeyOf(request);
    const view = await endpointService(client).get(tenantId, upnKey);
    // Outside a supervisor's call queues an endpoint is as unknown as a missing one (its existence is not told).
    const scope = visibleCallQueues(await callQueueCaller.of(principal, tenantId));
    const hidden = !!scope && !(view?.queueId !== undefined && scope.includes(view.queueId));
    if (!view || hidden) throw new HttpProblem(notFound(`No endpoint ${upnKey} in tenant ${tenantId}.`));
    return json(200, view);
  },
);
