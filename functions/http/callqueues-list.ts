/**
 * `GET /api/tenants/{tenantId}/callQueues?top=&continuationToken=` (Admin, Supervisor): one page of call queues —
 * a Supervisor's page holds just the call queues they supervise.
 */
import { api, continuationTokenParam, json, topParam } from '../lib/api-handler';
import { callQueueCaller } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callQueuesList', {
  access: 'supervisorFiltered',
  route: 'tenants/{tenantId}/callQueues',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId, scope } = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const page = await appRoot().callQueues.listPage(tenantId, {
      top: topParam(request),
      continuationToken: continuationTokenParam(request),
      ...(scope.all ? {} : { only: scope.queues }),
    });
    return json(200, {
      value: page.items,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  }),
});
