/** `GET /api/tenants/{tenantId}/drift` (Admin, Supervisor): the last scan, the findings (`?status=`), the running check. */
import { scopedScanSummary, type FindingStatusFilter } from '../../shared/drift';
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
  const scope = visibleCallQueues(await callQueueCaller.of(principal, tenantId));
  const [view, check] = await Promise.all([
    // A supervisor's scan summary is re-counted from all their findings, whatever `status` lists.
    appRoot().drift.view(tenantId, scope ? 'all' : (status as FindingStatusFilter)),
    driftCheckStatus(client, tenantId),
  ]);
  // A supervisor sees the findings of their call queues' endpoints only (consent findings name no endpoint), and a
  // scan summary counted over those endpoints, never the tenant's.
  if (scope) {
    const queues = await appRoot().endpointCallQueues(tenantId);
    const inScope = (upn: string): boolean => {
      const q = queues.get(upn.toLowerCase());
      return q !== undefined && scope.includes(q);
    };
    const mine = view.findings.filter((f) => f.userPrincipalName !== undefined && inScope(f.userPrincipalName));
    if (view.lastScan) {
      const endpoints = [...queues.values()].filter((q) => scope.includes(q)).length;
      view.lastScan = scopedScanSummary(view.lastScan, { inScope, endpoints, findings: mine });
    }
    view.findings = mine.filter((f) => status === 'all' || f.status === status);
  }
  return json(200, { tenantId: tenantId.toLowerCase(), status, check: check ?? null, ...view });
});
