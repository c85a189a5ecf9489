/**
 * `DELETE /api/tenants/{tenantId}/callQueues/{queueId}` (Admin): 204, or 409 naming the calls still waiting or being
 * offered in it (they would be stranded), 404 when unknown, 412 on a stale `If-Match`.
 */
import { conflict } from '../../shared/http/problem';
import { HttpProblem, api } from '../lib/api-handler';
import { callQueueCaller, callQueueNotFound, ifMatchOf, preconditionFailed } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callQueueDelete', {
  access: 'admin',
  route: 'tenants/{tenantId}/callQueues/{queueId}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await callQueueCaller(request, 'Switchboard.Admin');
    const { queueId } = request.params;
    const outcome = await appRoot().callQueues.delete(tenantId, queueId, { ifMatch: ifMatchOf(request) });
    if (outcome.kind === 'notFound') throw callQueueNotFound(tenantId, queueId);
    if (outcome.kind === 'preconditionFailed') throw preconditionFailed(queueId);
    if (outcome.kind === 'callsWaiting') {
      const p = conflict(
        `Call queue ${queueId} has ${outcome.callIds.length} call(s) waiting or being offered; delete it when they have been answered or have left.`,
      );
      throw new HttpProblem({
        ...p,
        type: 'https://switchboard.dev/problems/call-queue-has-calls',
        callIds: outcome.callIds,
      });
    }
    return { status: 204, headers: { 'cache-control': 'no-store' } };
  }),
});
