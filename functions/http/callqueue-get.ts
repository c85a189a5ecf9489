/** `GET /api/tenants/{tenantId}/callQueues/{queueId}` (Admin, Supervisor): one call queue. */
import { app } from '@azure/functions';
import { notFound } from '../../shared/http/problem';
import { HttpProblem, api, authorize, json } from '../lib/api-handler';
import { appRoot } from '../composition-root';

app.http('callQueueGet', {
  route: 'tenants/{tenantId}/callQueues/{queueId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId, queueId } = request.params;
    await authorize(request, tenantId, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const record = await appRoot().callQueues.get(tenantId, queueId);
    if (!record) throw new HttpProblem(notFound(`No call queue ${queueId} in tenant ${tenantId}.`));
    return json(200, record);
  }),
});
