/**
 * `PATCH /api/tenants/{tenantId}/callQueues/{queueId}` (Admin; Supervisor of it): a JSON merge patch (RFC 7396;
 * `null` removes an optional field, arrays such as `agents` are replaced whole) of the call queue's body. The merged
 * body is validated as PUT validates it, every field at fault named. `If-Match` honoured (412); 404 when unknown, or
 * not one the Supervisor supervises. A Supervisor changes the settings and agents of their call queue, but may not
 * send calls into a call queue they do not supervise: 403 naming the action's `target` (shared/callqueues
 * `supervisorEditProblems`). Creating (PUT) and deleting call queues stay the Admin's.
 */
import { api, json, jsonBody, validationProblem } from '../lib/api-handler';
import {
  actionTargetRefused,
  callQueueCaller,
  callQueueNotFound,
  ifMatchOf,
  preconditionFailed,
  requireCallQueueInScope,
} from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callQueuePatch', {
  access: 'supervisorOfCallQueue',
  route: 'tenants/{tenantId}/callQueues/{queueId}',
  methods: ['PATCH'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const caller = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const { tenantId, scope } = caller;
    const { queueId } = request.params;
    requireCallQueueInScope(caller, queueId);
    const outcome = await appRoot().callQueues.patch(tenantId, queueId, await jsonBody(request), {
      ifMatch: ifMatchOf(request),
      scope,
    });
    if (outcome.kind === 'invalid') throw validationProblem(outcome.errors);
    if (outcome.kind === 'forbidden') throw actionTargetRefused(queueId, outcome.errors);
    if (outcome.kind === 'preconditionFailed') throw preconditionFailed(queueId);
    if (outcome.kind === 'notFound') throw callQueueNotFound(tenantId, queueId);
    return json(200, outcome.record, { etag: outcome.etag });
  }),
});
