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

/** Admins may manage every queue; supervisors only the queues in their `queues` claim. */
export function canManageQueue(principal: Principal, queueId: string): boolean {
  if (principal.roles.includes('Switchboard.Admin')) return true;
  return principal.roles.includes('Switchboard.Supervisor') && principal.queues.includes(queueId);
}

export function requireQueueScope(principal: Principal, queueId: string): void {
  if (!canManageQueue(principal, queueId)) {
    throw new AuthError(403, 'queue_not_in_scope', `Queue ${queueId} is not one of the queues you supervise.`);
  }
}

/** Queues a caller may see in lists: all (undefined) for admins, else their scope. */
export function visibleQueues(principal: Principal): readonly string[] | undefined {
  return principal.roles.includes('Switchboard.Admin') ? undefined : principal.queues;
}
