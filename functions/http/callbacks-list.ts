/**
 * `GET /api/tenants/{tenantId}/callbacks?state=pending|dialing|connected|completed|failed[&callQueueId][&top]
 * [&continuationToken]` (Admin, Supervisor of the call queues): the callbacks callers asked for, paged in id order —
 * a Supervisor's page holds only those of their call queues (it may hold fewer than `top`; follow the token), with
 * the number masked as callers' numbers are (shared/auth/caller-privacy.ts).
 */
import { callerFor } from '../../shared/auth';
import { CALLBACK_STATES, type CallbackRecord, type CallbackState } from '../../shared/calls';
import type { FieldProblem } from '../../shared/http/problem';
import { api, continuationTokenParam, json, topParam, validationProblem } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { callQueueCaller, requireCallQueueInScope, visibleCallQueues } from '../lib/callqueue-access';
import { httpRoute } from '../lib/route-access';

httpRoute('callbacksList', {
  access: 'supervisorFiltered',
  route: 'tenants/{tenantId}/callbacks',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const who = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const errors: FieldProblem[] = [];
    const state = request.query.get('state') ?? undefined;
    if (state !== undefined && !(CALLBACK_STATES as readonly string[]).includes(state))
      errors.push({ field: 'state', message: `must be one of ${CALLBACK_STATES.join(', ')}` });
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
    if (errors.length) throw validationProblem(errors);
    const callQueueId = request.query.get('callQueueId') ?? undefined;
    if (callQueueId) requireCallQueueInScope(who, callQueueId);
    const visible = visibleCallQueues(who);
    const page = await appRoot().callbacks.listPage(who.tenantId, {
      ...(state ? { state: state as CallbackState } : {}),
      ...(callQueueId ? { callQueueId } : {}),
      top: top ?? 100,
      ...(continuationToken ? { continuationToken } : {}),
    });
    return json(200, {
      items: page.items.filter((c) => !visible || visible.includes(c.callQueueId)).map((c) => view(c, who.principal)),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  }),
});

function view(c: CallbackRecord, principal: Parameters<typeof callerFor>[0]) {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return {
    callbackId: c.callbackId,
    callId: c.callbackId,
    callQueueId: c.callQueueId,
    number: callerFor(principal, c.number),
    state: c.state,
    arrivedAt: iso(c.arrivedAt),
    requestedAt: iso(c.requestedAt),
    priority: c.priority,
    maxAttempts: c.maxAttempts,
    attempts: c.attempts.map((a) => ({
      n: a.n,
      at: iso(a.at),
      agentId: a.agentId,
      ...(a.callId ? { callId: a.callId } : {}),
      ...(a.result ? { result: a.result } : {}),
      ...(a.endedAt ? { endedAt: iso(a.endedAt) } : {}),
    })),
    ...(c.notBefore && c.state === 'pending' ? { notBefore: iso(c.notBefore) } : {}),
    ...(c.agentId ? { agentId: c.agentId } : {}),
    ...(c.connectedAt ? { connectedAt: iso(c.connectedAt) } : {}),
    ...(c.completedAt ? { completedAt: iso(c.completedAt) } : {}),
    ...(c.failedAt ? { failedAt: iso(c.failedAt) } : {}),
  };
}
