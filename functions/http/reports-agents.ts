/**
 * `GET /api/tenants/{tenantId}/reports/agents?from&to&interval=15m|1h|1d[&callQueueId][&format=csv]` (Admin;
 * Supervisor for their call queues): per agent and interval — offers, answered, missed offers, handle time, staffed
 * and busy time, occupancy. Without `callQueueId` an Admin gets each agent across every call queue (`*`); a
 * Supervisor gets one row set per call queue they supervise (occupancy is per agent, so null there).
 */
import { agentReportCsv, type AgentReportRow } from '../../shared/reporting';
import { api } from '../lib/api-handler';
import { reportCaller, reportRequest, reportResponse } from '../lib/report-scope';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('reportsAgents', {
  access: 'supervisorFiltered',
  route: 'tenants/{tenantId}/reports/agents',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const caller = await reportCaller(request);
    const q = reportRequest(request, caller);
    const reports = appRoot().reports;
    const scopes: readonly (string | undefined)[] = q.callQueueId ? [q.callQueueId] : (caller.visible ?? [undefined]);
    const rows: AgentReportRow[] = (
      await Promise.all(
        scopes.map((callQueueId) =>
          reports.agents({ tenantId: caller.tenantId, ...q, ...(callQueueId ? { callQueueId } : {}) }),
        ),
      )
    ).flat();
    return reportResponse(q, rows, () => agentReportCsv(rows));
  }),
});
