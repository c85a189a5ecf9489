/**
 * `GET /api/tenants/{tenantId}/agents[?callQueueId=]` (Admin, Supervisor, Agent): agents with their live state
 * (state joined with Teams presence, since, current call). A Supervisor sees the agents of the call queues they
 * supervise (404 for a `callQueueId` outside them), an Agent only themself.
 */
import { api, json } from '../lib/api-handler';
import { callQueueCaller, callQueueNotFound } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('agentsList', {
  access: 'agentSelfFiltered',
  route: 'tenants/{tenantId}/agents',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId, scope } = await callQueueCaller(
      request,
      'Switchboard.Admin',
      'Switchboard.Supervisor',
      'Switchboard.Agent',
    );
    const callQueueId = request.query.get('callQueueId') || undefined;
    const items = await appRoot().agents.list(tenantId, scope, callQueueId);
    if (!items) throw callQueueNotFound(tenantId, callQueueId ?? '');
    return json(200, { items });
  }),
});
