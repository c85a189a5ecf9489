/**
 * `GET /api/tenants/{tenantId}/reports/callQueues?from&to&interval=15m|1h|1d[&callQueueId][&format=csv]` (Admin;
 * Supervisor for their call queues): per call queue and interval, every figure of docs/metrics.md with the five
 * service levels side by side — from the aggregate buckets, never a scan of the calls.
 */
import { callQueueReportCsv } from '../../shared/reporting';
import { api } from '../lib/api-handler';
import { reportCaller, reportRequest, reportResponse } from '../lib/report-scope';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('reportsCallQueues', {
  access: 'supervisorFiltered',
  route: 'tenants/{tenantId}/reports/callQueues',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const caller = await reportCaller(request);
    const q = reportRequest(request, caller);
    const reports = appRoot().reports;
    // A Supervisor's report reads their call queues only (never the others' buckets).
    const scopes: readonly (string | undefined)[] = q.callQueueId ? [q.callQueueId] : (caller.visible ?? [undefined]);
    const rows = (
      await Promise.all(
        scopes.map((callQueueId) =>
          reports.callQueues({ tenantId: caller.tenantId, ...q, ...(callQueueId ? { callQueueId } : {}) }),
        ),
      )
    ).flat();
    return reportResponse(q, rows, () => callQueueReportCsv(rows));
  }),
});
