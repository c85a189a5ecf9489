/** `GET /api/tenants/{tenantId}/agents[?callQueueId=]` (Admin, Supervisor): agents with their live state. */
import { app } from '@azure/functions';
import { api, authorize, json } from '../lib/api-handler';
import { appRoot } from '../composition-root';

app.http('agentsList', {
  route: 'tenants/{tenantId}/agents',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = request.params;
    await authorize(request, tenantId, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const agents = await appRoot().callQueues.listAgents(tenantId, request.query.get('callQueueId') ?? undefined);
    return json(200, {
      items: agents.map(({ etag: _etag, tenantId: _t, ...a }) => ({ ...a, since: new Date(a.since).toISOString() })),
    });
  }),
});
