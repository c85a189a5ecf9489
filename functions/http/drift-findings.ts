/** `GET /api/tenants/{tenantId}/drift` (Admin, Supervisor): the last scan, the findings (`?status=`), the running check. */
import type { FindingStatusFilter } from '../../shared/drift';
import { driftCheckStatus } from '../../orchestrations/drift/drift-check.client';
import { appRoot } from '../composition-root';
import { callQueueCaller, visibleCallQueues } from '../lib/callqueue-access';
import { authorizeTenant, json, validationProblem, durableApi } from '../lib/api-handler';

const STATUSES: readonly FindingStatusFilter[] = ['open', 'resolved', 'all'];

durableApi('drift', 'tenants/{tenantId}/drift', 'GET', 'supervisorFiltered', async (request, client) => {
  const { tenantId, principal } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
  const status = (request.query.get('status') ?? 'open').trim().toLowerCase();
  if (!(STATUSES as readonly string[]).includes(status)) {
    throw validationProblem([{ field: 'status', message: `must be one of ${STATUSES.join(', ')}` }]);
  }
  const [view, check] = await Promise.all([
    appRoot().drift.view(tenantId, status as FindingStatusFilter),
    driftCheckStatus(client, tenantId),
  ]);
  // A supervisor sees the findings of their call queues' endpoints only (consent findings name no endpoint).
  const scope = visibleCallQueues(await callQueueCaller.of(principal, tenantId));
  if (scope) {
    const queues = await appRoot().endpointCallQueues(tenantId);
    view.findings = view.findings.filter((f) => {
      const q = f.userPrincipalName ? queues.get(f.userPrincipalName.toLowerCase()) : undefined;
      return q !== undefined && scope.includes(q);
    });
  }
  return json(200, { tenantId: tenantId.toLowerCase(), status, check: check ?? null, ...view });
});
