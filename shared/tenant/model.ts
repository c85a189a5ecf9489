/** Shapes the tenant adapters return (the subset of Graph / bridge objects provisioning and drift read). */
import type { NumberType } from '../domain/enums';

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName?: string;
  appRoles?: { id: string; value: string | null; allowedMemberTypes?: string[] }[];
  oauth2PermissionScopes?: { id: string; value: string }[];
}

export interface AppRoleAssignment {
  id: string;
  appRoleId: string;
  resourceId: string;
  principalId: string;
  /** User, Group or ServicePrincipal. */
  principalType?: string;
  principalDisplayName?: string;
  resourceDisplayName?: string;
  createdDateTime?: string;
}

/** The tenant's organization object (`GET /organization`): its country decides default usage locations. */
export interface Organization {
  id: string;
  displayName?: string;
  /** ISO 3166 alpha-2 country of the organization's address. */
  countryLetterCode?: string | null;
}

export interface DirectoryGroup {
  id: string;
  displayName?: string;
  securityEnabled?: boolean;
  mailEnabled?: boolean;
}

export interface OAuth2PermissionGrant {
  id: string;
  clientId: string;
  resourceId: string;
  scope: string;
  consentType: 'AllPrincipals' | 'Principal' | string;
  principalId?: string | null;
}

export interface AssignedLicense {
  skuId: string;
  disabledPlans: string[];
}

export interface AssignedPlan {
  servicePlanId: string;
  service?: string;
  capabilityStatus: string;
  assignedDateTime?: string;
}

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName?: string;
  usageLocation?: string | null;
  accountEnabled?: boolean;
  assignedLicenses?: AssignedLicense[];
  assignedPlans?: AssignedPlan[];
  [other: string]: unknown;
}

export interface SubscribedSku {
  id?: string;
  skuId: string;
  skuPartNumber: string;
  capabilityStatus?: string;
  consumedUnits: number;
  prepaidUnits: { enabled: number; suspended?: number; warning?: number; lockedOut?: number };
  servicePlans?: { servicePlanId: string; servicePlanName: string }[];
}

export type AssignmentStatus =
  | 'unassigned'
  | 'userAssigned'
  | 'conferenceAssigned'
  | 'voiceApplicationAssigned'
  | 'thirdPartyAppAssigned'
  | 'policyAssigned';

export interface NumberAssignment {
  id: string;
  telephoneNumber: string;
  numberType: NumberType;
  assignmentStatus: AssignmentStatus | string;
  activationState?: string;
  assignmentTargetId?: string | null;
  assignmentCategory?: string | null;
  capabilities?: string[];
  isoCountryCode?: string | null;
  locationId?: string | null;
  [other: string]: unknown;
}

export interface AssignNumberRequest {
  telephoneNumber: string;
  assignmentTargetId: string;
  numberType: NumberType;
  assignmentCategory?: 'primary' | 'private' | 'alternate';
  locationId?: string;
}

export interface NumberOperation {
  id: string;
  createdDateTime?: string;
  status: 'notStarted' | 'running' | 'succeeded' | 'failed' | 'skipped' | string;
  numbers?: { resourceLocation?: string; status?: string; statusDetail?: string | null }[];
}

export interface Page<T> {
  items: T[];
  /** Opaque: pass back to get the next page. */
  nextLink?: string;
}

/** A resource account as the Teams admin bridge (New/Get-CsOnlineApplicationInstance) reports it. */
export interface ApplicationInstance {
  objectId: string;
  tenantId: string;
  userPrincipalName: string;
  applicationId: string;
  displayName: string;
  phoneNumber: string | null;
}

export interface ApplicationInstanceSync {
  objectId: string;
  applicationId: string | null;
  synced: boolean;
}

export interface BatchItemResult<T> {
  /** The id asked for. */
  id: string;
  status: number;
  value?: T;
  /** Set when the item failed (404 → kind notFound). */
  error?: import('./tenant.errors').TenantError;
}

export interface RequestCounts {
  graph: number;
  bridge: number;
}

/** Users read by id (drift scans): those found, and the id groups whose read failed (each with its error). */
export interface UsersByIds {
  users: DirectoryUser[];
  failed: { ids: string[]; error: import('./tenant.errors').TenantError }[];
}
