/**
 * `GET /api/tenants/{tenantId}/agents/licensing` (Admin, Supervisor): the Direct Routing model check — every agent of
 * the caller's call queues (an Admin: all call queues and the `agents` table) with whether they hold Teams Phone
 * (alone or in E5) → `{model: "directRouting", agents:[{userPrincipalName, licensed, skus[]}], unlicensed}`.
 */
import { api, json } from '../lib/api-handler';
import { callQueueCaller } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('agentsLicensing', {
  access: 'supervisorFiltered',
  route: 'tenants/{tenantId}/agents/licensing',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId, scope } = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    return json(200, await appRoot().agentLicensing.report(tenantId, scope));
  }),
});
