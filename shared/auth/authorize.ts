/** Authorisation rules on a validated {@link Principal}: roles, tenant isolation, supervisor queue scope. */
import type { ApiRole, Principal } from './api-token';
import { AuthError } from './auth.errors';

/** The caller must hold at least one of the roles. */
export function requireRole(principal: Principal, ...anyOf: ApiRole[]): void {
  if (!anyOf.some((r) => principal.roles.includes(r))) {
    throw new AuthError(403, 'forbidden', `This needs one of the roles ${anyOf.join(', ')}.`);
  }
}

/** A caller may only act on their own tenant (403 otherwise: never trust a tenant id from the URL alone). */
export function requireTenant(principal: Principal, tenantId: string): void {
  if (principal.tenantId.toLowerCase() !== tenantId.trim().toLowerCase()) {
    throw new AuthError(403, 'wrong_tenant', 'The token belongs to another tenant.');
  }
}

/**
 * Admins may manage every call queue; supervisors those in their `queues` claim and those assigned to them
 * (`assigned`, from the supervisor assignments table: shared/callqueues CallQueueScopes looks them up).
 */
export function canManageQueue(principal: Principal, queueId: string, assigned: readonly string[] = []): boolean {
  if (principal.roles.includes('Switchboard.Admin')) return true;
  return (
    principal.roles.includes('Switchboard.Supervisor') &&
    (principal.queues.includes(queueId) || assigned.includes(queueId))
  );
}

export function requireQueueScope(principal: Principal, queueId: string, assigned: readonly string[] = []): void {
  if (!canManageQueue(principal, queueId, assigned)) {
    throw new AuthError(403, 'queue_not_in_scope', `Queue ${queueId} is not one of the queues you supervise.`);
  }
}

/** Queues a caller may see in lists: all (undefined) for admins, else their scope (claim and assignments). */
export function visibleQueues(principal: Principal, assigned: readonly string[] = []): readonly string[] | undefined {
  if (principal.roles.includes('Switchboard.Admin')) return undefined;
  if (!principal.roles.includes('Switchboard.Supervisor')) return [];
  return [...new Set([...principal.queues, ...assigned])];
}
