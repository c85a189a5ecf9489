/**
 * `PUT /api/tenants/{tenantId}/callQueues/{queueId}` (Admin): creates or replaces a call queue. 400 names every field
 * at fault, agents that are not users of the tenant included; 201 when created, 200 when replaced; `If-Match`
 * honoured (412), the new `ETag` returned.
 */
import { CALL_QUEUE_ID_RE, parseCallQueueBody } from '../../shared/callqueues';
import { api, json, jsonBody, validationProblem } from '../lib/api-handler';
import { callQueueCaller, callQueueNotFound, ifMatchOf, preconditionFailed } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callQueuePut', {
  access: 'admin',
  route: 'tenants/{tenantId}/callQueues/{queueId}',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await callQueueCaller(request, 'Switchboard.Admin');
    const { queueId } = request.params;
    if (!CALL_QUEUE_ID_RE.test(queueId))
      throw validationProblem([{ field: 'queueId', message: 'must be 1-64 lower-case letters, digits or dashes' }]);
    const raw = await jsonBody(request);
    const parsed = parseCallQueueBody(raw);
    if (!parsed.ok) {
      // Name every field at fault at once: the targets the schema cannot judge (users, the call queue itself) too.
      const seen = new Set(parsed.errors.map((e) => e.field));
      const more = await appRoot().callQueues.actionTargetProblems(tenantId, queueId, raw);
      throw validationProblem([...parsed.errors, ...more.filter((e) => !seen.has(e.field))]);
    }
    const outcome = await appRoot().callQueues.put(tenantId, queueId, parsed.value, { ifMatch: ifMatchOf(request) });
    if (outcome.kind === 'invalid') throw validationProblem(outcome.errors);
    if (outcome.kind === 'preconditionFailed') throw preconditionFailed(queueId);
    if (outcome.kind === 'notFound') throw callQueueNotFound(tenantId, queueId);
    return json(outcome.created ? 201 : 200, outcome.record, { etag: outcome.etag });
  }),
});
