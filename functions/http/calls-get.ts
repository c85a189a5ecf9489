/** `GET /api/tenants/{tenantId}/calls/{callId}` (Admin, Supervisor): a call's state and its ordered story. */
import { app } from '@azure/functions';
import { callSummary } from '../../shared/calls';
import { notFound } from '../../shared/http/problem';
import { HttpProblem, api, authorize, json } from '../lib/api-handler';
import { appRoot } from '../composition-root';

app.http('callGet', {
  route: 'tenants/{tenantId}/calls/{callId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId, callId } = request.params;
    await authorize(request, tenantId, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const stored = await appRoot().calls.get(tenantId, callId);
    if (!stored) throw new HttpProblem(notFound(`No call ${callId} in tenant ${tenantId}.`));
    const events = await appRoot().calls.listEvents(tenantId, callId);
    return json(200, { ...callSummary(stored.record), events });
  }),
});
