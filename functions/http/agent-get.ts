/**
 * `GET /api/tenants/{tenantId}/agents/{upn}` (Admin; Supervisor of a call queue the agent serves; the agent themself):
 * one agent with live state, as the list shows it. 404 unknown (or not a Supervisor's agent); 403 an Agent reading
 * someone else.
 */
import { forbidden, notFound } from '../../shared/http/problem';
import { HttpProblem, api, json, pathParam } from '../lib/api-handler';
import { callQueueCaller } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('agentGet', {
  access: 'agentSelf',
  route: 'tenants/{tenantId}/agents/{upn}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId, scope } = await callQueueCaller(
      request,
      'Switchboard.Admin',
      'Switchboard.Supervisor',
      'Switchboard.Agent',
    );
    const outcome = await appRoot().agents.get(tenantId, pathParam(request, 'upn'), scope);
    if (outcome.kind === 'notFound') throw new HttpProblem(notFound(outcome.detail));
    if (outcome.kind === 'forbidden') throw new HttpProblem(forbidden(outcome.detail));
    return json(200, outcome.agent);
  }),
});
