/** `GET /api/tenants/{tenantId}/calls/{callId}` (Admin, Supervisor): a call's state and its ordered story. */
import { app } from '@azure/functions';
import { callSummary } from '../../shared/calls';
import { notFound } from '../../shared/http/problem';
import { supervises } from '../../shared/callqueues';
import { HttpProblem, api, json } from '../lib/api-handler';
import { callQueueCaller } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';

app.http('callGet', {
  route: 'tenants/{tenantId}/calls/{callId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { callId } = request.params;
    const { tenantId, scope } = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const stored = await appRoot().calls.get(tenantId, callId);
    // A call of a call queue the Supervisor does not supervise is not theirs to see (404, as if unknown).
    if (!stored || !supervises(scope, stored.record.callQueueId ?? ''))
      throw new HttpProblem(notFound(`No call ${callId} in tenant ${tenantId}.`));
    const events = await appRoot().calls.listEvents(tenantId, callId);
    return json(200, { ...callSummary(stored.record), events });
  }),
});
