/**
 * `GET /api/tenants/{tenantId}/calls?state=active[&callQueueId=]` (Admin, Supervisor): the live calls, waiting ones
 * with their position in their call queue and their wait so far.
 */
import { app } from '@azure/functions';
import { supervises } from '../../shared/callqueues';
import { api, json, validationProblem } from '../lib/api-handler';
import { callQueueCaller } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';

app.http('callsList', {
  route: 'tenants/{tenantId}/calls',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    // A Supervisor sees the calls of the call queues they supervise.
    const { tenantId, scope } = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const state = request.query.get('state') ?? 'active';
    if (state !== 'active') throw validationProblem([{ field: 'state', message: 'must be active' }]);
    const now = Date.now();
    const calls = (await appRoot().calls.listActive(tenantId, request.query.get('callQueueId') ?? undefined)).filter(
      (c) => supervises(scope, c.callQueueId ?? ''),
    );
    const waiting = calls
      .filter((c) => c.phase === 'queued' || c.phase === 'offered')
      .sort((a, b) => (a.arrivedAt ?? 0) - (b.arrivedAt ?? 0));
    const position = new Map<string, number>();
    const perQueue = new Map<string, number>();
    for (const c of waiting) {
      const n = (perQueue.get(c.callQueueId ?? '') ?? 0) + 1;
      perQueue.set(c.callQueueId ?? '', n);
      position.set(c.callId, n);
    }
    return json(200, {
      items: calls.map((c) => ({
        ...c,
        ...(position.has(c.callId) ? { position: position.get(c.callId) } : {}),
        ...(c.arrivedAt && !c.connectedAt ? { waitS: Math.round((now - c.arrivedAt) / 1000) } : {}),
      })),
    });
  }),
});
