/**
 * What a report or real-time route shares: the caller (Admin or Supervisor) and the call queues they may see —
 * through shared/auth's one check (`canManageQueue` / `requireQueueScope` / `visibleQueues`), never a copy of it.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { requireQueueScope, visibleQueues, type Principal } from '../../shared/auth';
import { parseReportRequest, type ReportRequest } from '../../shared/reporting';
import { authorizeTenant, json, validationProblem } from './api-handler';

export interface ReportCaller {
  principal: Principal;
  tenantId: string;
  /** undefined: every call queue (Admin); else the call queues in scope. */
  visible: readonly string[] | undefined;
}

export async function reportCaller(request: HttpRequest): Promise<ReportCaller> {
  const { principal, tenantId } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
  return { principal, tenantId, visible: visibleQueues(principal) };
}

/** The report's query, 400 naming every bad field; 403 for a call queue outside the caller's scope. */
export function reportRequest(request: HttpRequest, caller: ReportCaller): ReportRequest {
  const parsed = parseReportRequest((name) => request.query.get(name));
  if (!parsed.ok) throw validationProblem(parsed.errors);
  if (parsed.request.callQueueId) requireQueueScope(caller.principal, parsed.request.callQueueId);
  return parsed.request;
}

export function reportResponse(q: ReportRequest, rows: unknown[], csv: () => string): HttpResponseInit {
  if (q.format === 'csv')
    return {
      status: 200,
      body: csv(),
      headers: { 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store' },
    };
  return json(200, {
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    interval: q.interval,
    items: rows,
  });
}
