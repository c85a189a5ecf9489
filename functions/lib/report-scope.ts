/**
 * What a report or real-time route shares: the caller (Admin or Supervisor) and the call queues they may see —
 * through the one scope check (functions/lib/callqueue-access.ts: the token's claim and supervisor assignments).
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { requireQueueScope, type Principal } from '../../shared/auth';
import { parseReportRequest, type ReportRequest } from '../../shared/reporting';
import { json, validationProblem } from './api-handler';
import { callQueueCaller, visibleCallQueues } from './callqueue-access';

export interface ReportCaller {
  principal: Principal;
  tenantId: string;
  /** undefined: every call queue (Admin); else the call queues in scope. */
  visible: readonly string[] | undefined;
}

export async function reportCaller(request: HttpRequest): Promise<ReportCaller> {
  const caller = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
  return { principal: caller.principal, tenantId: caller.tenantId, visible: visibleCallQueues(caller) };
}

/** The report's query, 400 naming every bad field; 403 for a call queue outside the caller's scope. */
export function reportRequest(request: HttpRequest, caller: ReportCaller): ReportRequest {
  const parsed = parseReportRequest((name) => request.query.get(name));
  if (!parsed.ok) throw validationProblem(parsed.errors);
  if (parsed.request.callQueueId) requireQueueScope(caller.principal, parsed.request.callQueueId, caller.visible ?? []);
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
