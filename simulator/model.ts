// The simulated tenant's data. One object per fact; Graph, bridge and control views are projections of it.

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
export const BRIDGE_AUDIENCE = 'api://teams-admin-bridge';
export const BRIDGE_ROLE = 'TeamsAdmin.Bridge';
export const BOT_ISSUER = 'https://api.botframework.com';

/** Microsoft Graph application permissions (app roles) the simulator knows, name → id. */
export const GRAPH_APP_ROLES: Record<string, string> = {
  'Calls.AccessMedia.All': 'a7a681dc-756e-4909-b988-f160edc6655f',
  'Calls.Initiate.All': '284383ee-7f6e-4e40-a2a8-e85dcb029101',
  'Calls.InitiateGroupCall.All': '4c277553-8a09-487b-8023-29ee378d8324',
  'Calls.JoinGroupCall.All': 'f6b49018-60ab-4f81-83bd-22caeabfed2d',
  'Calls.JoinGroupCallAsGuest.All': 'fd7ccf6b-3d28-418b-9701-cd10f5cd2fd4',
  'Presence.Read.All': 'a70e0c2d-e793-494c-94c4-118fa0a67f42',
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'User.ReadWrite.All': '741f803b-c850-494e-b5df-cde7c675a1ca',
  'LicenseAssignment.ReadWrite.All': '5facf0c1-8979-4e95-abcf-ff3d079771c0',
  'Organization.Read.All': '498476ce-e0fe-48b0-b801-37ba7e2685c6',
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
  'GroupMember.Read.All': '98830695-27a2-44f7-8c18-0c3ebc9698f6',
  'Group.Read.All': '5b567255-7703-4780-807c-7be8301ae99b',
  'TeamsTelephoneNumber.Read.All': '39b17d18-680c-41f4-b9c2-5f01d0a8cd0b',
  'TeamsTelephoneNumber.ReadWrite.All': '0a42382f-155c-4eb1-9bdc-21548ccaa387',
  'TeamsResourceAccount.Read.All': 'b55aa226-33a1-4396-bcf4-edce5e7a31c1',
};

/** Microsoft Graph delegated permissions (oauth2PermissionScopes), name → id. */
export const GRAPH_SCOPES: Record<string, string> = {
  'Presence.Read.All': '9c7a330d-35b3-4aa1-963d-cb2b9f927841',
  'User.Read': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
  'User.Read.All': 'a154be20-db9c-4678-8ab7-66f6cc099a59',
};

export const CALLS_PERMISSIONS = [
  'Calls.AccessMedia.All',
  'Calls.Initiate.All',
  'Calls.InitiateGroupCall.All',
  'Calls.JoinGroupCall.All',
  'Calls.JoinGroupCallAsGuest.All',
];

export const SKU = {
  resourceAccount: { skuId: '440eaaa8-b3e0-484b-a8be-62870b9ba70a', skuPartNumber: 'PHONESYSTEM_VIRTUALUSER' },
  teamsPhone: { skuId: 'e43b5b99-8dfb-405f-9987-dc307f34bcbd', skuPartNumber: 'MCOEV' },
  callingPlan: { skuId: '0dab259f-bf13-4952-b7f8-7db8f131b28d', skuPartNumber: 'MCOPSTN1' },
  // Microsoft 365 E5: includes Teams Phone Standard (the MCOEV plan); licensing-service-plan-reference.
  e5: { skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06', skuPartNumber: 'SPE_E5' },
} as const;

export const SERVICE_PLANS: Record<string, { servicePlanId: string; servicePlanName: string }[]> = {
  PHONESYSTEM_VIRTUALUSER: [
    { servicePlanId: 'f47330e9-c134-43b3-9993-e7f004506889', servicePlanName: 'MCOEV_VIRTUALUSER' },
  ],
  MCOEV: [{ servicePlanId: '4828c8ec-dc2e-4779-b502-87ac9ce28ab7', servicePlanName: 'MCOEV' }],
  MCOPSTN1: [{ servicePlanId: '4ed3ff63-69d7-4fb7-b984-5aec7f605ca8', servicePlanName: 'MCOPSTN1' }],
  SPE_E5: [
    { servicePlanId: '57ff2da0-773e-42df-b2af-ffb7a2317929', servicePlanName: 'TEAMS1' },
    { servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0', servicePlanName: 'EXCHANGE_S_ENTERPRISE' },
    { servicePlanId: '4828c8ec-dc2e-4779-b502-87ac9ce28ab7', servicePlanName: 'MCOEV' },
  ],
};

/** SKUs that count towards the free Teams Phone Resource Account allotment (1 per 10). */
export const POOL_FEEDING_SKUS = new Set(['MCOEV', 'MCOPSTN1', 'MCOCAP']);

export type AccountType = 'user' | 'resourceAccount';

export interface AssignedLicense {
  skuId: string;
  disabledPlans: string[];
  /** epoch ms when the licence becomes effective for Teams (licence propagation). */
  effectiveAt: number;
}

export interface User {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  accountEnabled: boolean;
  usageLocation: string | null;
  assignedLicenses: AssignedLicense[];
  accountType: AccountType;
  createdDateTime: string;
  /** epoch ms from which reads see the object (directory replication). */
  visibleAt: number;
}

export interface AppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
  allowedMemberTypes: string[];
  isEnabled: boolean;
  origin: 'Application';
}

export interface PermissionScope {
  id: string;
  value: string;
  adminConsentDisplayName: string;
  adminConsentDescription: string;
  type: 'Admin' | 'User';
  isEnabled: boolean;
}

/** An application registration with its service principal in the tenant (one per app here). */
export interface App {
  appId: string;
  displayName: string;
  /** client secret; null for resource-only apps (Graph, the bridge, Switchboard's API). */
  clientSecret: string | null;
  /** Certificates (PEM) registered as credentials: a client assertion signed with one of their keys is accepted. */
  certificates: string[];
  servicePrincipalId: string;
  /** identifier URI / audience tokens carry when this app is the resource. */
  audience: string | null;
  appRoles: AppRole[];
  oauth2PermissionScopes: PermissionScope[];
}

export interface AppRoleAssignment {
  id: string;
  appRoleId: string;
  principalId: string;
  principalType: 'ServicePrincipal' | 'User' | 'Group';
  principalDisplayName: string;
  resourceId: string;
  resourceDisplayName: string;
  createdDateTime: string;
}

/** A security group: members are user or group object ids (nested groups allowed). */
export interface Group {
  id: string;
  displayName: string;
  description: string | null;
  members: string[];
  createdDateTime: string;
}

export interface OAuth2PermissionGrant {
  id: string;
  clientId: string;
  consentType: 'AllPrincipals' | 'Principal';
  principalId: string | null;
  resourceId: string;
  scope: string;
}

export interface Sku {
  skuId: string;
  skuPartNumber: string;
  /** purchased seats; for PHONESYSTEM_VIRTUALUSER this is computed (see pool rule). */
  prepaidEnabled: number;
  /** the zero-cost resource-account pool exists only once "purchased". */
  acquired: boolean;
}

export type NumberType = 'callingPlan' | 'directRouting' | 'operatorConnect';
export type AssignmentStatus =
  | 'unassigned'
  | 'userAssigned'
  | 'conferenceAssigned'
  | 'voiceApplicationAssigned'
  | 'thirdPartyAppAssigned'
  | 'policyAssigned';

export interface PhoneNumber {
  id: string;
  telephoneNumber: string;
  operatorId: string | null;
  numberType: NumberType;
  activationState: 'activated' | 'assignmentPending' | 'assignmentFailed' | 'updatePending' | 'updateFailed';
  capabilities: string[];
  locationId: string | null;
  civicAddressId: string | null;
  networkSiteId: string | null;
  assignmentTargetId: string | null;
  assignmentCategory: 'primary' | 'private' | 'alternate' | null;
  portInStatus: string;
  assignmentStatus: AssignmentStatus;
  isoCountryCode: string;
  city: string | null;
  numberSource: 'online' | 'onPremises';
}

export interface NumberOperation {
  id: string;
  createdDateTime: string;
  createdAt: number;
  completesAt: number;
  status: 'notStarted' | 'running' | 'succeeded' | 'failed' | 'skipped';
  kind: 'assign' | 'unassign';
  telephoneNumber: string;
  numberId: string | null;
  statusDetail: string | null;
}

export interface ApplicationInstance {
  objectId: string;
  applicationId: string | null;
  /** APS mapping: the app id the instance was synced with, or null when not synced. */
  apsApplicationId: string | null;
  phoneNumber: string | null;
}

export interface Presence {
  availability: string;
  activity: string;
}

export interface AgentProfile {
  answerDelayMs: number;
  answerProbability: number;
  /** the agent leaves a call this many seconds after joining it (unset: stays until the call ends) */
  hangsUpAfterS?: number;
  /** unanswered rings go to the agent's voicemail after this many seconds (unset: no forwarding) */
  forwardToVoicemailAfterS?: number;
}

/** How a PSTN number the bot calls out to behaves (POST /_sim/callees/{number}). */
export interface CalleeProfile {
  answerDelayMs: number;
  answerProbability: number;
  busy: boolean;
}

export interface Tenant {
  tenantId: string;
  displayName: string;
  domains: { id: string; isVerified: boolean; isDefault: boolean }[];
  /** The organization's country (`GET /organization` countryLetterCode); null when unset. */
  countryLetterCode: string | null;
  botAppId: string;
  /** Switchboard's own provisioning app (banner, local settings) */
  provisioningAppId: string;
  /** The vendor's web app (the seed's second table: User.Read, User.Read.All); '' when the seed has none */
  webAppId: string;
  users: Map<string, User>;
  usersByUpn: Map<string, User>;
  apps: Map<string, App>;
  appsBySpId: Map<string, App>;
  appRoleAssignments: AppRoleAssignment[];
  oauth2PermissionGrants: OAuth2PermissionGrant[];
  groups: Map<string, Group>;
  skus: Sku[];
  numbers: Map<string, PhoneNumber>;
  operations: Map<string, NumberOperation>;
  instances: Map<string, ApplicationInstance>;
  presence: Map<string, Presence>;
  agentProfiles: Map<string, AgentProfile>;
  /**
   * user id → the seed's API people: their roles (seeded as app role assignments, which are what counts, see
   * apiAccessOf) and supervisors' call queues
   */
  apiUsers: Map<string, { roles: string[]; queues?: string[] }>;
}

export function appByAudience(tenant: Tenant, audience: string): App | undefined {
  for (const app of tenant.apps.values()) {
    if (app.audience === audience || app.appId === audience) return app;
  }
  return undefined;
}

/** Names of the app roles that `principalSpId` holds on the resource app `resource`. */
export function grantedRoleNames(tenant: Tenant, principalSpId: string, resource: App): string[] {
  const names: string[] = [];
  for (const a of tenant.appRoleAssignments) {
    if (a.principalId !== principalSpId || a.resourceId !== resource.servicePrincipalId) continue;
    const role = resource.appRoles.find((r) => r.id === a.appRoleId);
    if (role) names.push(role.value);
  }
  return names;
}

/** Switchboard's API app in the tenant (the resource app defining `Switchboard.Admin`). */
export function apiApp(tenant: Tenant): App | undefined {
  return [...tenant.apps.values()].find((a) => a.appRoles.some((r) => r.value === 'Switchboard.Admin'));
}

/** A person's roles on Switchboard's API (assignments to them and their direct groups) and supervisors' call queues. */
export function apiAccessOf(tenant: Tenant, userId: string): { roles: string[]; queues?: string[] } {
  const api = apiApp(tenant);
  const roles = api ? userRoleNames(tenant, userId, api) : [];
  const queues = tenant.apiUsers.get(userId)?.queues;
  return { roles, ...(queues ? { queues } : {}) };
}

export function delegatedScopes(tenant: Tenant, clientSpId: string): string[] {
  return tenant.oauth2PermissionGrants
    .filter((g) => g.clientId === clientSpId)
    .flatMap((g) => g.scope.split(' ').filter(Boolean));
}

export function verifiedDomain(tenant: Tenant, upn: string): boolean {
  const at = upn.lastIndexOf('@');
  if (at < 1) return false;
  const domain = upn.slice(at + 1).toLowerCase();
  return tenant.domains.some((d) => d.isVerified && d.id.toLowerCase() === domain);
}

/** Seats in a SKU: the resource-account pool is 25 + 1 per 10 pool-feeding licences, once acquired. */
export function skuEnabledUnits(tenant: Tenant, sku: Sku): number {
  if (sku.skuPartNumber !== SKU.resourceAccount.skuPartNumber) return sku.prepaidEnabled;
  if (!sku.acquired) return 0;
  const feeding = tenant.skus
    .filter((s) => POOL_FEEDING_SKUS.has(s.skuPartNumber))
    .reduce((sum, s) => sum + s.prepaidEnabled, 0);
  return 25 + Math.floor(feeding / 10);
}

export function skuConsumedUnits(tenant: Tenant, skuId: string): number {
  let n = 0;
  for (const u of tenant.users.values()) if (u.assignedLicenses.some((l) => l.skuId === skuId)) n++;
  return n;
}

/** The groups `objectId` (a user or a group) is a member of, directly (`memberOf`) or through nested groups. */
export function memberOfGroups(tenant: Tenant, objectId: string, transitive: boolean): Group[] {
  const out = new Map<string, Group>();
  const visit = (id: string): void => {
    for (const g of tenant.groups.values()) {
      if (out.has(g.id) || !g.members.includes(id)) continue;
      out.set(g.id, g);
      if (transitive) visit(g.id);
    }
  };
  visit(objectId);
  return [...out.values()];
}

/**
 * The roles a user holds on a resource app (Switchboard's API): app role assignments to the user, and to groups the
 * user is a **direct** member of: "All direct members of the group will be considered assigned"
 * (microsoft-graph-docs-contrib api-reference/v1.0/api/group-post-approleassignments.md; the reference sheet's §4
 * "Groups cover direct members only"), so a member of a nested group gets nothing through the outer group.
 */
export function userRoleNames(tenant: Tenant, userId: string, resource: App): string[] {
  const principals = new Set([userId, ...memberOfGroups(tenant, userId, false).map((g) => g.id)]);
  const names = new Set<string>();
  for (const a of tenant.appRoleAssignments) {
    if (!principals.has(a.principalId) || a.resourceId !== resource.servicePrincipalId) continue;
    const role = resource.appRoles.find((r) => r.id === a.appRoleId);
    if (role) names.add(role.value);
  }
  return [...names];
}
