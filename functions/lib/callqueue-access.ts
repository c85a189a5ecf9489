/**
 * The one check every call queue, agent and call route makes: authenticate, check the role and the tenant, then work
 * out which call queues the caller may see (shared/callqueues CallQueueScopes: the token's `queues` claim and the
 * supervisor assignments). A call queue out of a supervisor's scope answers 404, as an unknown one does: its
 * existence would otherwise leak.
 */
import type { HttpRequest } from '@azure/functions';
import type { ApiRole, Principal } from '../../shared/auth';
import { supervises, type CallQueueScope } from '../../shared/callqueues';
import { notFound, problem, type FieldProblem } from '../../shared/http/problem';
import { appRoot } from '../composition-root';
import { HttpProblem, authorizeTenant } from './api-handler';

export interface CallQueueCaller {
  principal: Principal;
  /** The route's tenant id, normalised (lower-case GUID). */
  tenantId: string;
  scope: CallQueueScope;
}

export async function callQueueCaller(request: HttpRequest, ...roles: ApiRole[]): Promise<CallQueueCaller> {
  const { principal, tenantId } = await authorizeTenant(request, ...roles);
  return { principal, tenantId, scope: await appRoot().callQueueScopes.of(principal, tenantId) };
}

/** The scope of a caller already authenticated (routes that check the role themselves). */
callQueueCaller.of = async (principal: Principal, tenantId: string): Promise<CallQueueCaller> => ({
  principal,
  tenantId,
  scope: await appRoot().callQueueScopes.of(principal, tenantId),
});

export function callQueueNotFound(tenantId: string, queueId: string): HttpProblem {
  return new HttpProblem(notFound(`No call queue ${queueId} in tenant ${tenantId}.`));
}

/** 404 unless the caller may see the call queue (Admin, or its Supervisor). */
export function requireCallQueueInScope(caller: CallQueueCaller, queueId: string): void {
  if (!supervises(caller.scope, queueId)) throw callQueueNotFound(caller.tenantId, queueId);
}

/** The request's `If-Match` header, if any. */
export function ifMatchOf(request: HttpRequest): string | undefined {
  return request.headers.get('if-match') ?? undefined;
}

export function preconditionFailed(queueId: string): HttpProblem {
  return new HttpProblem(
    problem(
      412,
      'precondition-failed',
      'Precondition failed',
      `Call queue ${queueId} has changed since you read it (If-Match); read it again.`,
    ),
  );
}

/** 403 naming each action target a Supervisor may not set (a call queue they do not supervise). */
export function actionTargetRefused(queueId: string, errors: FieldProblem[]): HttpProblem {
  return new HttpProblem(
    problem(
      403,
      'forbidden',
      'Not allowed',
      `Call queue ${queueId}: a supervisor may not send calls into a call queue they do not supervise.`,
      { errors },
    ),
  );
}

/** The call queues the caller may see, or undefined for all of them (Admin). */
export function visibleCallQueues(caller: CallQueueCaller): string[] | undefined {
  return caller.scope.all ? undefined : [...caller.scope.queues];
}
