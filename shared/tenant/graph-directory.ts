/**
 * The Graph side of the TenantGateway beyond provisioning's reads: the organization (its country), groups, and the
 * users and groups assigned to an app's roles (`appRoleAssignedTo` on its service principal). Paths as Microsoft's
 * v1.0 reference pages name them (microsoft-graph-docs-contrib api-reference/v1.0/api: organization-get.md,
 * group-get.md, serviceprincipal-list-approleassignedto.md, serviceprincipal-post-approleassignedto.md,
 * serviceprincipal-delete-approleassignedto.md).
 */
import { GraphTenantAdapter, odataString } from './graph-adapter';
import { TenantError } from './tenant.errors';
import type { AppRoleAssignment, DirectoryGroup, Organization, ServicePrincipal } from './model';

export class GraphDirectoryAdapter extends GraphTenantAdapter {
  /** `GET /organization` (Organization.Read.All): the tenant's one organization object. */
  async getOrganization(): Promise<Organization | undefined> {
    const list = await this.listAll<Organization>('/organization', { $select: 'id,displayName,countryLetterCode' });
    return list[0];
  }

  /** `GET /groups/{id}` (GroupMember.Read.All or more); undefined when no group has that id. */
  async getGroup(id: string): Promise<DirectoryGroup | undefined> {
    return this.getOrUndefined<DirectoryGroup>(`/groups/${encodeURIComponent(id)}`, {
      $select: 'id,displayName,securityEnabled,mailEnabled',
    });
  }

  /**
   * The service principal whose app registration has `identifierUri` among its names (`servicePrincipalNames`
   * holds the app id and the identifier URIs): `$filter=servicePrincipalNames/any(n:n eq '…')`.
   */
  async findServicePrincipalByName(name: string): Promise<ServicePrincipal | undefined> {
    const list = await this.listAll<ServicePrincipal>('/servicePrincipals', {
      $filter: `servicePrincipalNames/any(n:n eq ${odataString(name)})`,
    });
    return list[0];
  }

  /** `GET /servicePrincipals/{id}/appRoleAssignedTo`: who holds the app's roles (users, groups, apps). */
  async listAppRoleAssignedTo(servicePrincipalId: string): Promise<AppRoleAssignment[]> {
    return this.listAll<AppRoleAssignment>(
      `/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/appRoleAssignedTo`,
    );
  }

  /** `POST /servicePrincipals/{id}/appRoleAssignedTo {principalId, resourceId, appRoleId}` → 201 + the assignment. */
  async assignAppRole(
    servicePrincipalId: string,
    body: { principalId: string; appRoleId: string },
  ): Promise<AppRoleAssignment> {
    const r = await this.send(
      'POST',
      `/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/appRoleAssignedTo`,
      {
        body: { principalId: body.principalId, resourceId: servicePrincipalId, appRoleId: body.appRoleId },
      },
    );
    return JSON.parse(r.text) as AppRoleAssignment;
  }

  /** `DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}`; false when it was already gone. */
  async removeAppRoleAssignment(servicePrincipalId: string, assignmentId: string): Promise<boolean> {
    const path = `/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/appRoleAssignedTo/${encodeURIComponent(assignmentId)}`;
    try {
      await this.send('DELETE', path);
      return true;
    } catch (e) {
      if (e instanceof TenantError && e.notFound) return false;
      throw e;
    }
  }
}
