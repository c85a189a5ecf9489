/**
 * `GET /api/tenants/{tenantId}/calls` (Admin, Supervisor), two views:
 * - `?state=active[&callQueueId=]` (the default): the live calls, waiting ones with their position in their call
 *   queue and their wait so far;
 * - `?from&to[&callQueueId][&agent][&result][&caller][&top][&continuationToken]`: finished calls (contact records)
 *   that arrived in [from, to), paged — a page may hold fewer than `top`; follow `continuationToken`.
 * A Supervisor sees only calls of their call queues, and callers' numbers masked (shared/auth/caller-privacy.ts).
 */
import type { HttpRequest } from '@azure/functions';
import { callerFor } from '../../shared/auth';
import { compareWaitingCalls } from '../../shared/calls';
import type { FieldProblem } from '../../shared/http/problem';
import { CALL_SEARCH_PARAMS, parseCallSearch, type ContactRecord } from '../../shared/reporting';
import { api, continuationTokenParam, json, topParam, validationProblem } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import {
  callQueueCaller,
  requireCallQueueInScope,
  visibleCallQueues,
  type CallQueueCaller,
} from '../lib/callqueue-access';
import { httpRoute } from '../lib/route-access';

httpRoute('callsList', {
  access: 'supervisorFiltered',
  route: 'tenants/{tenantId}/calls',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const who = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const { principal, tenantId } = who;
    const state = request.query.get('state');
    if (state === null && CALL_SEARCH_PARAMS.some((p) => request.query.has(p))) return search(request, who);
    if ((state ?? 'active') !== 'active') throw validationProblem([{ field: 'state', message: 'must be active' }]);
    const callQueueId = request.query.get('callQueueId') ?? undefined;
    if (callQueueId) requireCallQueueInScope(who, callQueueId);
    const visible = visibleCallQueues(who);
    const now = Date.now();
    const calls = (await appRoot().calls.listActive(tenantId, callQueueId)).filter(
      (c) => !visible || (c.callQueueId !== undefined && visible.includes(c.callQueueId)),
    );
    const waiting = calls.filter((c) => c.phase === 'queued' || c.phase === 'offered').sort(compareWaitingCalls);
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
        ...(c.callerPhone ? { callerPhone: callerFor(principal, c.callerPhone) } : {}),
        ...(position.has(c.callId) ? { position: position.get(c.callId) } : {}),
        ...(c.arrivedAt && !c.connectedAt ? { waitS: Math.round((now - c.arrivedAt) / 1000) } : {}),
      })),
    });
  }),
});

async function search(request: HttpRequest, who: CallQueueCaller) {
  const { principal, tenantId } = who;
  const parsed = parseCallSearch((n) => request.query.get(n));
  const errors: FieldProblem[] = parsed.ok ? [] : [...parsed.errors];
  let top: number | undefined;
  let continuationToken: string | undefined;
  try {
    top = topParam(request);
  } catch {
    errors.push({ field: 'top', message: 'must be a whole number from 1 to 1000' });
  }
  try {
    continuationToken = continuationTokenParam(request);
  } catch {
    errors.push({
      field: 'continuationToken',
      message: 'is not a token this API returned; ask for the first page again',
    });
  }
  if (!parsed.ok || errors.length > 0) throw validationProblem(errors);
  const { from, to, result, agent, caller, callQueueId } = parsed.search;
  if (callQueueId) requireCallQueueInScope(who, callQueueId);
  let agentId = agent;
  if (agent?.includes('@')) {
    agentId = (await appRoot().agentRecords.list(tenantId)).find((a) => a.userPrincipalName === agent)?.agentId;
    if (!agentId) return json(200, { items: [] });
  }
  const visible = visibleCallQueues(who);
  const inScope = (r: ContactRecord) =>
    r.callQueues.some(
      (s) => (!callQueueId || s.callQueueId === callQueueId) && (!visible || visible.includes(s.callQueueId)),
    );
  const page = await appRoot().reporting.searchContacts(
    tenantId,
    {
      from,
      to,
      ...(result ? { outcome: result } : {}),
      ...(agentId ? { agentId } : {}),
      ...(caller ? { caller } : {}),
    },
    {
      top: top ?? 100,
      ...(continuationToken ? { continuationToken } : {}),
      ...(callQueueId || visible ? { keep: inScope } : {}),
    },
  );
  return json(200, {
    items: page.items.map((r) => ({
      callId: r.callId,
      arrivedAt: new Date(r.arrivedAt).toISOString(),
      endedAt: new Date(r.endedAt).toISOString(),
      result: r.outcome,
      ...(r.caller ? { caller: callerFor(principal, r.caller) } : {}),
      ...(r.endpoint ? { endpoint: r.endpoint } : {}),
      callQueueIds: r.callQueues.map((s) => s.callQueueId),
      ...(r.connection ? { agentId: r.connection.agentId, waitS: r.connection.waitMs / 1000 } : {}),
      durationS: r.durations.totalMs / 1000,
      handleS: r.durations.handleMs / 1000,
    })),
    ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
  });
}
