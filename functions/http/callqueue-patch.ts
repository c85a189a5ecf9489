/**
 * `PATCH /api/tenants/{tenantId}/callQueues/{queueId}` (Admin): a JSON merge patch (RFC 7396; `null` removes an
 * optional field, arrays such as `agents` are replaced whole) of the call queue's body. The merged body is validated
 * as PUT validates it, every field at fault named. `If-Match` honoured (412); 404 when unknown.
 */
import { api, json, jsonBody, validationProblem } from '../lib/api-handler';
import { callQueueCaller, callQueueNotFound, ifMatchOf, preconditionFailed } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callQueuePatch', {
  access: 'admin',
  route: 'tenants/{tenantId}/callQueues/{queueId}',
  methods: ['PATCH'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await callQueueCaller(request, 'Switchboard.Admin');
    const { queueId } = request.params;
    const outcome = await appRoot().callQueues.patch(tenantId, queueId, await jsonBody(request), {
      ifMatch: ifMatchOf(request),
    });
    if (outcome.kind === 'invalid') throw validationProblem(outcome.errors);
    if (outcome.kind === 'preconditionFailed') throw preconditionFailed(queueId);
    if (outcome.kind === 'notFound') throw callQueueNotFound(tenantId, queueId);
    return json(200, outcome.record, { etag: outcome.etag });
  }),
});
