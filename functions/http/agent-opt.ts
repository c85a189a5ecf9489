/**
 * `POST /api/tenants/{tenantId}/callQueues/{queueId}/agents/{upn}/optIn` and `…/optOut` (the agent themself — role
 * Agent, token `oid` the agent's object id —, an Admin, or the call queue's Supervisor) → 200 the agent. Opting in
 * resets the agent's missed-offer count for the call queue and asks for a routing pass. Repeating either is harmless.
 * One operation with its direction in the path: two registrations of one handler.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { forbidden, notFound } from '../../shared/http/problem';
import { HttpProblem, api, json, pathParam } from '../lib/api-handler';
import { callQueueCaller } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

function optHandler(optIn: boolean) {
  return api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId, scope } = await callQueueCaller(
      request,
      'Switchboard.Admin',
      'Switchboard.Supervisor',
      'Switchboard.Agent',
    );
    const outcome = await appRoot().agents.setOptIn(
      tenantId,
      request.params.queueId,
      pathParam(request, 'upn'),
      optIn,
      scope,
    );
    if (outcome.kind === 'notFound') throw new HttpProblem(notFound(outcome.detail));
    if (outcome.kind === 'forbidden') throw new HttpProblem(forbidden(outcome.detail));
    return json(200, outcome.agent);
  });
}

for (const [name, optIn] of [
  ['optIn', true],
  ['optOut', false],
] as const) {
  httpRoute(`agent${name[0].toUpperCase()}${name.slice(1)}`, {
    access: 'agentSelf',
    route: `tenants/{tenantId}/callQueues/{queueId}/agents/{upn}/${name}`,
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: optHandler(optIn),
  });
}
