/**
 * Who holds Switchboard's API roles in a tenant — the seed's "assign users and groups" portal clicks, as an API:
 * app role assignments of users or groups on the service principal of Switchboard's API app, through
 * `appRoleAssignedTo` (microsoft-graph-docs-contrib api-reference/v1.0/api serviceprincipal-post-approleassignedto.md,
 * serviceprincipal-list-approleassignedto.md, serviceprincipal-delete-approleassignedto.md). The app's service
 * principal is found by the API's audience (its app id, or an identifier URI among `servicePrincipalNames`); the role
 * ids come from its `appRoles`. A group's role reaches its direct members only (group-post-approleassignments.md:
 * "All direct members of the group will be considered assigned").
 *
 * It never touches an assignment it was not asked about: a removal deletes the one assignment of that role to that
 * principal, and nothing when there is none.
 */
import { normalizeGuid } from '../domain';
import type { AppRoleAssignment, ServicePrincipal, TenantGateway } from '../tenant';

/** The roles an admin may assign (Switchboard.Operator belongs to the operator's own tenant, not to customers). */
export const ASSIGNABLE_API_ROLES = ['Switchboard.Admin', 'Switchboard.Supervisor', 'Switchboard.Agent'] as const;
export type AssignableApiRole = (typeof ASSIGNABLE_API_ROLES)[number];

/** A role path segment as written (any case) → the role, or undefined. */
export function assignableRole(raw: string): AssignableApiRole | undefined {
  return ASSIGNABLE_API_ROLES.find((r) => r.toLowerCase() === raw.trim().toLowerCase());
}

export interface RoleMember {
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal' | string;
  displayName?: string;
  /** A user's UPN (users only). */
  userPrincipalName?: string;
  role: AssignableApiRole;
  /** The appRoleAssignment's id. */
  assignmentId: string;
  createdDateTime?: string;
}

export type PrincipalLookup =
  | { kind: 'found'; principalId: string; principalType: 'User' | 'Group'; displayName?: string; upn?: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'notFound'; message: string };

export type AssignOutcome =
  | { kind: 'assigned'; created: boolean; member: RoleMember }
  | Exclude<PrincipalLookup, { kind: 'found' }>
  | { kind: 'noApiApp'; message: string };

export type RemoveOutcome =
  | { kind: 'removed' }
  | { kind: 'notAssigned'; message: string }
  | Exclude<PrincipalLookup, { kind: 'found' }>
  | { kind: 'noApiApp'; message: string };

export interface RoleAssignmentDeps {
  gateway: (tenantId: string) => TenantGateway;
  /** API_AUDIENCE: the API app's client id, or its identifier URI (e.g. `api://switchboard`). */
  apiAudience: string;
}

export class RoleAssignmentService {
  constructor(private readonly d: RoleAssignmentDeps) {}

  /** The API app's service principal in the tenant; undefined when the tenant never consented to it. */
  private async apiServicePrincipal(gateway: TenantGateway): Promise<ServicePrincipal | undefined> {
    const appId = normalizeGuid(this.d.apiAudience);
    return appId ? gateway.getServicePrincipal(appId) : gateway.findServicePrincipalByName(this.d.apiAudience);
  }

  private noApiApp(tenantId: string): { kind: 'noApiApp'; message: string } {
    return {
      kind: 'noApiApp',
      message: `Switchboard's API app (${this.d.apiAudience}) has no service principal in tenant ${tenantId}: an administrator must consent to it first.`,
    };
  }

  private roleId(sp: ServicePrincipal, role: AssignableApiRole): string | undefined {
    return sp.appRoles?.find((r) => r.value === role)?.id;
  }

  /** Everyone (users, groups, apps) holding the role. */
  async list(
    tenantId: string,
    role: AssignableApiRole,
  ): Promise<{ kind: 'listed'; members: RoleMember[] } | { kind: 'noApiApp'; message: string }> {
    const gateway = this.d.gateway(tenantId);
    const sp = await this.apiServicePrincipal(gateway);
    const roleId = sp && this.roleId(sp, role);
    if (!sp || !roleId) return this.noApiApp(tenantId);
    const all = await gateway.listAppRoleAssignedTo(sp.id);
    return { kind: 'listed', members: all.filter((a) => a.appRoleId === roleId).map((a) => member(a, role)) };
  }

  /**
   * A user or group of the tenant: an object id (a user's UPN is accepted and resolved). A user is read first, then
   * a group; anything else (an app's service principal, a device, an id of another tenant) is not found.
   */
  async principal(tenantId: string, raw: string): Promise<PrincipalLookup> {
    const value = raw.trim();
    const gateway = this.d.gateway(tenantId);
    const id = normalizeGuid(value);
    if (!id && !/^[^@\s]+@[^@\s]+$/.test(value))
      return { kind: 'invalid', message: "must be a user's or group's object id (a GUID), or a user's UPN" };
    const user = await gateway.getUser(id ?? value, ['id', 'userPrincipalName', 'displayName']);
    if (user)
      return {
        kind: 'found',
        principalId: user.id.toLowerCase(),
        principalType: 'User',
        displayName: user.displayName,
        upn: user.userPrincipalName,
      };
    const group = id ? await gateway.getGroup(id) : undefined;
    if (group)
      return {
        kind: 'found',
        principalId: group.id.toLowerCase(),
        principalType: 'Group',
        displayName: group.displayName,
      };
    return { kind: 'notFound', message: `no user or group ${value} in tenant ${tenantId}` };
  }

  /** Assigns the role; an assignment that exists already is answered as it is (`created: false`). */
  async assign(tenantId: string, role: AssignableApiRole, principalRef: string): Promise<AssignOutcome> {
    const who = await this.principal(tenantId, principalRef);
    if (who.kind !== 'found') return who;
    const gateway = this.d.gateway(tenantId);
    const sp = await this.apiServicePrincipal(gateway);
    const roleId = sp && this.roleId(sp, role);
    if (!sp || !roleId) return this.noApiApp(tenantId);
    const existing = await this.find(gateway, sp.id, roleId, who.principalId);
    if (existing) return { kind: 'assigned', created: false, member: member(existing, role, who.upn) };
    try {
      const created = await gateway.assignAppRole(sp.id, { principalId: who.principalId, appRoleId: roleId });
      return { kind: 'assigned', created: true, member: member(created, role, who.upn) };
    } catch (e) {
      // Two PUTs at once: Graph refuses the second ("Permission being assigned already exists on the object").
      const raced = await this.find(gateway, sp.id, roleId, who.principalId);
      if (raced) return { kind: 'assigned', created: false, member: member(raced, role, who.upn) };
      throw e;
    }
  }

  /** Removes the assignment of `role` to the principal, and only that one. */
  async remove(tenantId: string, role: AssignableApiRole, principalRef: string): Promise<RemoveOutcome> {
    const who = await this.principal(tenantId, principalRef);
    if (who.kind !== 'found') return who;
    const gateway = this.d.gateway(tenantId);
    const sp = await this.apiServicePrincipal(gateway);
    const roleId = sp && this.roleId(sp, role);
    if (!sp || !roleId) return this.noApiApp(tenantId);
    const existing = await this.find(gateway, sp.id, roleId, who.principalId);
    if (!existing) return { kind: 'notAssigned', message: `${principalRef} does not hold ${role}` };
    await gateway.removeAppRoleAssignment(sp.id, existing.id);
    return { kind: 'removed' };
  }

  private async find(
    gateway: TenantGateway,
    spId: string,
    roleId: string,
    principalId: string,
  ): Promise<AppRoleAssignment | undefined> {
    const all = await gateway.listAppRoleAssignedTo(spId);
    return all.find((a) => a.appRoleId === roleId && a.principalId.toLowerCase() === principalId);
  }
}

function member(a: AppRoleAssignment, role: AssignableApiRole, upn?: string): RoleMember {
  return {
    principalId: a.principalId.toLowerCase(),
    principalType: a.principalType ?? 'User',
    ...(a.principalDisplayName ? { displayName: a.principalDisplayName } : {}),
    ...(upn ? { userPrincipalName: upn } : {}),
    role,
    assignmentId: a.id,
    ...(a.createdDateTime ? { createdDateTime: a.createdDateTime } : {}),
  };
}
