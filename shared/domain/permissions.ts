/**
 * Microsoft Graph permissions Switchboard's identities need, with their ids in Graph's service principal
 * (appRoles for application permissions, oauth2PermissionScopes for delegated ones), and the consent diff.
 */
import { z } from 'zod';
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Graph application permissions (app roles): name → appRole id. */
export const GRAPH_APP_ROLE_IDS: Readonly<Record<string, string>> = Object.freeze({
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
  'TeamsTelephoneNumber.ReadWrite.All': '0a42382f-155c-4eb1-9bdc-21548ccaa387',
});

/** Graph delegated permissions (scopes): name → oauth2PermissionScope id. */
export const GRAPH_DELEGATED_SCOPE_IDS: Readonly<Record<string, string>> = Object.freeze({
  'Presence.Read.All': '9c7a330d-35b3-4aa1-963d-cb2b9f927841',
  'User.Read': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
  'User.Read.All': 'a154be20-db9c-4678-8ab7-66f6cc099a59',
});

function invert(m: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])));
}
export const GRAPH_APP_ROLE_NAMES = invert(GRAPH_APP_ROLE_IDS);
export const GRAPH_DELEGATED_SCOPE_NAMES = invert(GRAPH_DELEGATED_SCOPE_IDS);

export interface PermissionSet {
  /** Application permissions (app roles) by name. */
  readonly application: readonly string[];
  /** Delegated permissions (scopes) by name. */
  readonly delegated: readonly string[];
}

/** The contact-center bot (vendor app): the calls API, and presence to route by. */
export const BOT_APP_PERMISSIONS: PermissionSet = Object.freeze({
  application: Object.freeze([
    'Calls.AccessMedia.All',
    'Calls.Initiate.All',
    'Calls.InitiateGroupCall.All',
    'Calls.JoinGroupCall.All',
    'Calls.JoinGroupCallAsGuest.All',
  ]),
  delegated: Object.freeze(['Presence.Read.All']),
});

/**
 * The vendor's web app (the seed's second table): signs people in (User.Read delegated) and reads the directory to
 * pick agents (User.Read.All, delegated and application).
 */
export const WEB_APP_PERMISSIONS: PermissionSet = Object.freeze({
  application: Object.freeze(['User.Read.All']),
  delegated: Object.freeze(['User.Read', 'User.Read.All']),
});

/** Switchboard's provisioning app: directory, licences, numbers, consent checks. */
export const PROVISIONING_APP_PERMISSIONS: PermissionSet = Object.freeze({
  application: Object.freeze([
    'User.ReadWrite.All',
    'LicenseAssignment.ReadWrite.All',
    'Organization.Read.All',
    'Application.Read.All',
    'AppRoleAssignment.ReadWrite.All',
    'TeamsTelephoneNumber.ReadWrite.All',
    'GroupMember.Read.All',
  ]),
  delegated: Object.freeze([]),
});

/** Name of an app-role id (or the id itself when unknown, so diffs still show it). */
export function appRoleName(id: string): string {
  return GRAPH_APP_ROLE_NAMES[id.toLowerCase()] ?? id;
}

/** Splits `oauth2PermissionGrant.scope` strings ("User.Read Presence.Read.All") into distinct scope names. */
export function parseScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes.flatMap((s) => s.split(/\s+/)).filter(Boolean))];
}

export const consentDiffSchema = z.object({
  /** Required permissions that are granted, as `Name` (application) or `Name (delegated)`. */
  granted: z.array(z.string()),
  missing: z.array(z.string()),
  /** Granted Graph permissions the app does not need (least privilege: worth removing). */
  excess: z.array(z.string()),
});
export type ConsentDiff = z.infer<typeof consentDiffSchema>;

const DELEGATED_SUFFIX = ' (delegated)';

/**
 * Compares what the tenant granted with what is required. `appRoles` may hold app-role ids or names (the
 * appRoleAssignments list carries ids); `delegatedScopes` are grant `scope` strings (space-separated names).
 */
export function consentDiff(
  required: PermissionSet,
  grantedAppRoles: readonly string[],
  delegatedScopes: readonly string[],
): ConsentDiff {
  const haveApp = new Set(grantedAppRoles.map((r) => (GRAPH_APP_ROLE_NAMES[r.toLowerCase()] ?? r).toLowerCase()));
  const haveDelegated = new Set(parseScopes(delegatedScopes).map((s) => s.toLowerCase()));
  const granted: string[] = [];
  const missing: string[] = [];
  for (const name of required.application) (haveApp.has(name.toLowerCase()) ? granted : missing).push(name);
  for (const name of required.delegated) {
    (haveDelegated.has(name.toLowerCase()) ? granted : missing).push(name + DELEGATED_SUFFIX);
  }
  const needApp = new Set(required.application.map((n) => n.toLowerCase()));
  const needDelegated = new Set(required.delegated.map((n) => n.toLowerCase()));
  const excess = [
    ...[...new Set(grantedAppRoles.map(appRoleName))].filter((n) => !needApp.has(n.toLowerCase())),
    ...parseScopes(delegatedScopes)
      .filter((s) => !needDelegated.has(s.toLowerCase()))
      .map((s) => s + DELEGATED_SUFFIX),
  ];
  return { granted, missing, excess };
}
