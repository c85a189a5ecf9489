// Directory: users, licences (assignLicense, subscribedSkus), service principals, app-role assignments,
// delegated grants, presence.
import { SimResponse, json } from '../http';
import {
  App,
  AppRoleAssignment,
  AssignedLicense,
  skuConsumedUnits,
  skuEnabledUnits,
  SERVICE_PLANS,
  Tenant,
  User,
} from '../model';
import { isRecord, newId } from '../util';
import { compileFilter, page, select } from './odata';
import { GraphCtx, GraphFailure, GraphRoute, badRequest, context, notFound } from './router';

const USER_READ = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const USER_WRITE = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];
const LICENSE_WRITE = ['LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'];
const ORG_READ = ['Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All'];
const APP_READ = ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All'];
const ROLE_WRITE = ['AppRoleAssignment.ReadWrite.All'];
const GRANT_WRITE = ['DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'];
const PRESENCE_READ = ['Presence.Read.All', 'Presence.ReadWrite.All'];

const DEFAULT_USER_PROPS = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

export function userFullView(tenant: Tenant, u: User): Record<string, unknown> {
  return {
    id: u.id,
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: null,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    accountEnabled: u.accountEnabled,
    usageLocation: u.usageLocation,
    assignedLicenses: u.assignedLicenses.map((l) => ({ disabledPlans: l.disabledPlans, skuId: l.skuId })),
    assignedPlans: u.assignedLicenses.flatMap((l) => {
      const sku = tenant.skus.find((s) => s.skuId === l.skuId);
      return (SERVICE_PLANS[sku?.skuPartNumber ?? ''] ?? []).map((p) => ({
        assignedDateTime: u.createdDateTime,
        capabilityStatus: 'Enabled',
        service: 'MicrosoftCommunicationsOnline',
        servicePlanId: p.servicePlanId,
      }));
    }),
    createdDateTime: u.createdDateTime,
    userType: 'Member',
    onPremisesSyncEnabled: null,
  };
}

function userView(ctx: GraphCtx, u: User): Record<string, unknown> {
  const full = userFullView(ctx.tenant, u);
  const sel = ctx.req.query.get('$select');
  if (sel) return select(full, sel, 'microsoft.graph.user');
  const out: Record<string, unknown> = {};
  for (const k of DEFAULT_USER_PROPS) out[k] = full[k];
  return out;
}

function findUser(ctx: GraphCtx, idOrUpn: string): User {
  const u = ctx.core.visibleUser(ctx.tenant, idOrUpn);
  if (!u) throw notFound(idOrUpn);
  return u;
}

function getUser(ctx: GraphCtx): SimResponse {
  const u = findUser(ctx, ctx.params[0]);
  const sel = ctx.req.query.get('$select');
  return json(200, {
    '@odata.context': context(ctx, sel ? `users(${sel})/$entity` : 'users/$entity'),
    ...userView(ctx, u),
  });
}

const USER_FILTER_PROPS = [
  'id',
  'userPrincipalName',
  'accountEnabled',
  'displayName',
  'mail',
  'usageLocation',
  'userType',
];

function listUsers(ctx: GraphCtx): SimResponse {
  const q = ctx.req.query;
  const now = Date.now();
  let users = [...ctx.tenant.users.values()].filter((u) => u.visibleAt <= now);
  const filter = q.get('$filter');
  if (filter) {
    const pred = compileFilter(filter, USER_FILTER_PROPS);
    users = users.filter((u) => pred(userFullView(ctx.tenant, u)));
  }
  const p = page(users, q, `${ctx.root}/users`, 100, 999, 'skiptoken');
  const body: Record<string, unknown> = { '@odata.context': context(ctx, 'users') };
  if (q.get('$count') === 'true') body['@odata.count'] = users.length;
  if (p.nextLink) body['@odata.nextLink'] = p.nextLink;
  body.value = p.items.map((u) => userView(ctx, u));
  return json(200, body);
}

function patchUser(ctx: GraphCtx): SimResponse {
  const u = findUser(ctx, ctx.params[0]);
  const b = ctx.req.body;
  if (!isRecord(b)) throw badRequest('Invalid request body: expected a JSON object.');
  if ('usageLocation' in b) {
    const v = b.usageLocation;
    if (v !== null && (typeof v !== 'string' || !/^[A-Za-z]{2}$/.test(v))) {
      throw badRequest(`Invalid value specified for property 'usageLocation' of resource 'User'.`);
    }
    if (v === null && u.assignedLicenses.length) {
      throw badRequest('Usage location cannot be removed from a user with assigned licenses.');
    }
  }
  if ('displayName' in b && (typeof b.displayName !== 'string' || !b.displayName.trim())) {
    throw badRequest(`Invalid value specified for property 'displayName' of resource 'User'.`);
  }
  if ('accountEnabled' in b && typeof b.accountEnabled !== 'boolean') {
    throw badRequest(`Invalid value specified for property 'accountEnabled' of resource 'User'.`);
  }
  if ('usageLocation' in b)
    u.usageLocation = typeof b.usageLocation === 'string' ? b.usageLocation.toUpperCase() : null;
  if (typeof b.displayName === 'string') u.displayName = b.displayName;
  if (typeof b.accountEnabled === 'boolean') u.accountEnabled = b.accountEnabled;
  return { status: 204 };
}

function deleteUser(ctx: GraphCtx): SimResponse {
  const u = findUser(ctx, ctx.params[0]);
  removeUser(ctx.tenant, u);
  return { status: 204 };
}

/** Deleting a user deletes its application instance; a number left on it is stuck "pending" (a known trap). */
export function removeUser(tenant: Tenant, u: User): void {
  tenant.users.delete(u.id);
  tenant.usersByUpn.delete(u.userPrincipalName.toLowerCase());
  tenant.instances.delete(u.id);
  tenant.presence.delete(u.id);
  tenant.agentProfiles.delete(u.id);
  tenant.appRoleAssignments = tenant.appRoleAssignments.filter((a) => a.principalId !== u.id);
  for (const n of tenant.numbers.values()) {
    if (n.assignmentTargetId === u.id) n.activationState = 'assignmentPending';
  }
}

function assignLicense(ctx: GraphCtx): SimResponse {
  const u = findUser(ctx, ctx.params[0]);
  const b = ctx.req.body;
  if (!isRecord(b) || !Array.isArray(b.addLicenses) || !Array.isArray(b.removeLicenses)) {
    throw badRequest(
      !isRecord(b) || !Array.isArray(b.addLicenses)
        ? "Invalid value specified for property 'addLicenses' of resource 'User'."
        : "Invalid value specified for property 'removeLicenses' of resource 'User'.",
    );
  }
  const adds: { skuId: string; disabledPlans: string[] }[] = [];
  for (const a of b.addLicenses as unknown[]) {
    if (!isRecord(a) || typeof a.skuId !== 'string')
      throw badRequest("Invalid value specified for property 'addLicenses' of resource 'User'.");
    const disabled = Array.isArray(a.disabledPlans)
      ? a.disabledPlans.filter((p): p is string => typeof p === 'string')
      : [];
    adds.push({ skuId: a.skuId.toLowerCase(), disabledPlans: disabled });
  }
  const removes = (b.removeLicenses as unknown[]).map((r) => {
    if (typeof r !== 'string')
      throw badRequest("Invalid value specified for property 'removeLicenses' of resource 'User'.");
    return r.toLowerCase();
  });
  for (const r of removes) {
    if (!u.assignedLicenses.some((l) => l.skuId === r)) throw badRequest('User does not have a corresponding license.');
  }
  for (const a of adds) {
    const sku = ctx.tenant.skus.find((s) => s.skuId === a.skuId);
    if (!sku) throw badRequest(`License ${a.skuId} does not correspond to a valid company License.`);
    if (!u.usageLocation) throw badRequest('License assignment cannot be done for user with invalid usage location.');
    const already = u.assignedLicenses.some((l) => l.skuId === a.skuId);
    if (!already && skuEnabledUnits(ctx.tenant, sku) - skuConsumedUnits(ctx.tenant, sku.skuId) <= 0) {
      throw badRequest(`Subscription with SKU ${sku.skuId} does not have any available licenses.`);
    }
  }
  u.assignedLicenses = u.assignedLicenses.filter((l) => !removes.includes(l.skuId));
  const effectiveAt = Date.now() + ctx.core.faults.licensePropagationMs;
  for (const a of adds) {
    const existing = u.assignedLicenses.find((l) => l.skuId === a.skuId);
    if (existing) existing.disabledPlans = a.disabledPlans;
    else
      u.assignedLicenses.push({
        skuId: a.skuId,
        disabledPlans: a.disabledPlans,
        effectiveAt,
      } satisfies AssignedLicense);
  }
  return json(200, { '@odata.context': context(ctx, 'users/$entity'), ...userView(ctx, u) });
}

export function skuView(tenant: Tenant, skuId: string): Record<string, unknown> | undefined {
  const s = tenant.skus.find((k) => k.skuId === skuId);
  if (!s) return undefined;
  return {
    accountName: tenant.displayName,
    accountId: tenant.tenantId,
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    consumedUnits: skuConsumedUnits(tenant, s.skuId),
    id: `${tenant.tenantId}_${s.skuId}`,
    prepaidUnits: { enabled: skuEnabledUnits(tenant, s), suspended: 0, warning: 0, lockedOut: 0 },
    servicePlans: (SERVICE_PLANS[s.skuPartNumber] ?? []).map((p) => ({
      ...p,
      provisioningStatus: 'Success',
      appliesTo: 'User',
    })),
    skuId: s.skuId,
    skuPartNumber: s.skuPartNumber,
    subscriptionIds: [],
  };
}

function subscribedSkus(ctx: GraphCtx): SimResponse {
  const sel = ctx.req.query.get('$select');
  const value = ctx.tenant.skus.map((s) => select(skuView(ctx.tenant, s.skuId)!, sel, 'microsoft.graph.subscribedSku'));
  return json(200, { '@odata.context': context(ctx, 'subscribedSkus'), value });
}

// ---- service principals ---------------------------------------------------------------------------------------

function spView(ctx: GraphCtx, app: App): Record<string, unknown> {
  const full = {
    id: app.servicePrincipalId,
    accountEnabled: true,
    appDisplayName: app.displayName,
    appId: app.appId,
    appOwnerOrganizationId: app.clientSecret ? ctx.tenant.tenantId : 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
    displayName: app.displayName,
    servicePrincipalNames: app.audience ? [app.appId, app.audience] : [app.appId],
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMultipleOrgs',
    tags: [],
    appRoles: app.appRoles,
    oauth2PermissionScopes: app.oauth2PermissionScopes,
  };
  return select(full, ctx.req.query.get('$select'), 'microsoft.graph.servicePrincipal');
}

/** Resolves "{id}" or "(appId='…')" (with or without the leading slash form). */
function resolveSp(ctx: GraphCtx, ref: string): App {
  const m = /^\(appId='([^']+)'\)$/.exec(ref);
  const app = m ? ctx.tenant.apps.get(m[1]) : ctx.tenant.appsBySpId.get(ref.replace(/^\//, ''));
  if (!app) throw notFound(m ? `appId='${m[1]}'` : ref.replace(/^\//, ''));
  return app;
}

function getSp(ctx: GraphCtx): SimResponse {
  const app = resolveSp(ctx, ctx.params[0]);
  return json(200, { '@odata.context': context(ctx, 'servicePrincipals/$entity'), ...spView(ctx, app) });
}

function listSps(ctx: GraphCtx): SimResponse {
  let apps = [...ctx.tenant.apps.values()];
  const filter = ctx.req.query.get('$filter');
  if (filter) {
    const pred = compileFilter(filter, ['appId', 'displayName', 'id', 'servicePrincipalNames']);
    apps = apps.filter((a) =>
      pred({
        appId: a.appId,
        displayName: a.displayName,
        id: a.servicePrincipalId,
        servicePrincipalNames: a.audience ? [a.appId, a.audience] : [a.appId],
      }),
    );
  }
  const p = page(apps, ctx.req.query, `${ctx.root}/servicePrincipals`, 100, 999, 'skiptoken');
  const body: Record<string, unknown> = { '@odata.context': context(ctx, 'servicePrincipals') };
  if (p.nextLink) body['@odata.nextLink'] = p.nextLink;
  body.value = p.items.map((a) => spView(ctx, a));
  return json(200, body);
}

function assignmentView(a: AppRoleAssignment): Record<string, unknown> {
  return { ...a, deletedDateTime: null };
}

function listAssignments(ctx: GraphCtx, which: 'principal' | 'resource'): SimResponse {
  const app = resolveSp(ctx, ctx.params[0]);
  const list = ctx.tenant.appRoleAssignments.filter((a) =>
    which === 'principal' ? a.principalId === app.servicePrincipalId : a.resourceId === app.servicePrincipalId,
  );
  const p = page(
    list,
    ctx.req.query,
    `${ctx.root}/servicePrincipals/${app.servicePrincipalId}/${which === 'principal' ? 'appRoleAssignments' : 'appRoleAssignedTo'}`,
    100,
    999,
    'skiptoken',
  );
  const body: Record<string, unknown> = {
    '@odata.context': context(
      ctx,
      `servicePrincipals('${app.servicePrincipalId}')/${which === 'principal' ? 'appRoleAssignments' : 'appRoleAssignedTo'}`,
    ),
  };
  if (p.nextLink) body['@odata.nextLink'] = p.nextLink;
  body.value = p.items.map(assignmentView);
  return json(200, body);
}

function createAssignment(ctx: GraphCtx): SimResponse {
  const resource = resolveSp(ctx, ctx.params[0]);
  const b = ctx.req.body;
  if (
    !isRecord(b) ||
    typeof b.principalId !== 'string' ||
    typeof b.resourceId !== 'string' ||
    typeof b.appRoleId !== 'string'
  ) {
    throw badRequest('Invalid request body: principalId, resourceId and appRoleId are required.');
  }
  if (b.resourceId !== resource.servicePrincipalId)
    throw badRequest('The resourceId must match the service principal in the request URL.');
  const role = resource.appRoles.find((r) => r.id === b.appRoleId);
  if (!role) throw badRequest('Permission being assigned was not found on application.');
  const principalApp = ctx.tenant.appsBySpId.get(b.principalId);
  const principalGroup = principalApp ? undefined : ctx.tenant.groups.get(b.principalId);
  const principalUser = principalApp || principalGroup ? undefined : ctx.core.visibleUser(ctx.tenant, b.principalId);
  if (!principalApp && !principalUser && !principalGroup) throw notFound(b.principalId);
  if (principalApp && !role.allowedMemberTypes.includes('Application'))
    throw badRequest('The app role is not assignable to applications.');
  // Groups take roles whose allowedMemberTypes include "User" (approle.md: "User" covers users and groups).
  if ((principalUser || principalGroup) && !role.allowedMemberTypes.includes('User'))
    throw badRequest('The app role is not assignable to users.');
  if (
    ctx.tenant.appRoleAssignments.some(
      (a) => a.principalId === b.principalId && a.resourceId === b.resourceId && a.appRoleId === b.appRoleId,
    )
  ) {
    throw badRequest('Permission being assigned already exists on the object.');
  }
  const a: AppRoleAssignment = {
    id: newId(),
    appRoleId: role.id,
    principalId: b.principalId,
    principalType: principalApp ? 'ServicePrincipal' : principalGroup ? 'Group' : 'User',
    principalDisplayName: (principalApp ?? principalGroup ?? principalUser)!.displayName,
    resourceId: resource.servicePrincipalId,
    resourceDisplayName: resource.displayName,
    createdDateTime: new Date().toISOString(),
  };
  ctx.tenant.appRoleAssignments.push(a);
  return json(201, {
    '@odata.context': context(ctx, `servicePrincipals('${resource.servicePrincipalId}')/appRoleAssignedTo/$entity`),
    ...assignmentView(a),
  });
}

function deleteAssignment(ctx: GraphCtx): SimResponse {
  const sp = resolveSp(ctx, ctx.params[0]);
  const id = ctx.params[1];
  const idx = ctx.tenant.appRoleAssignments.findIndex(
    (a) => a.id === id && (a.resourceId === sp.servicePrincipalId || a.principalId === sp.servicePrincipalId),
  );
  if (idx < 0) throw notFound(id);
  ctx.tenant.appRoleAssignments.splice(idx, 1);
  return { status: 204 };
}

function listGrants(ctx: GraphCtx): SimResponse {
  let grants = ctx.tenant.oauth2PermissionGrants;
  const filter = ctx.req.query.get('$filter');
  if (filter) {
    const pred = compileFilter(filter, ['clientId', 'resourceId', 'consentType', 'principalId']);
    grants = grants.filter((g) => pred({ ...g }));
  }
  return json(200, { '@odata.context': context(ctx, 'oauth2PermissionGrants'), value: grants });
}

/** PATCH /oauth2PermissionGrants/{id} `{scope}`: what an admin's consent to more delegated permissions does. */
function updateGrant(ctx: GraphCtx): SimResponse {
  const grant = ctx.tenant.oauth2PermissionGrants.find((g) => g.id === ctx.params[0]);
  if (!grant) throw notFound(ctx.params[0]);
  const b = ctx.req.body;
  if (!isRecord(b) || typeof b.scope !== 'string' || Object.keys(b).some((k) => k !== 'scope')) {
    throw badRequest('Invalid request body: only scope (a space-separated list of permissions) can be updated.');
  }
  grant.scope = b.scope.split(' ').filter(Boolean).join(' ');
  return { status: 204 };
}

// ---- presence ---------------------------------------------------------------------------------------------------

function presenceOf(ctx: GraphCtx, id: string): Record<string, unknown> {
  const p = ctx.tenant.presence.get(id);
  return {
    '@odata.type': '#microsoft.graph.presence',
    id,
    availability: p?.availability ?? 'PresenceUnknown',
    activity: p?.activity ?? 'PresenceUnknown',
  };
}

function presencesByUserId(ctx: GraphCtx): SimResponse {
  const b = ctx.req.body;
  if (!isRecord(b) || !Array.isArray(b.ids) || !b.ids.every((i) => typeof i === 'string')) {
    throw badRequest('The request body must contain ids: an array of user ids.', 'BadRequest');
  }
  if (b.ids.length > 650) throw new GraphFailure(400, 'BadRequest', 'The number of ids exceeds the maximum of 650.');
  return json(200, {
    '@odata.context': context(ctx, 'Collection(microsoft.graph.presence)'),
    value: (b.ids as string[]).map((id) => presenceOf(ctx, id)),
  });
}

function userPresence(ctx: GraphCtx): SimResponse {
  const u = findUser(ctx, ctx.params[0]);
  return json(200, { '@odata.context': context(ctx, 'users/presence/$entity'), ...presenceOf(ctx, u.id) });
}

const SEG = '([^/]+)';
const SP = "(\\(appId='[^']+'\\)|/[^/(]+)";

export function directoryRoutes(): GraphRoute[] {
  return [
    { method: 'GET', re: /^\/users\/?$/, perms: USER_READ, handler: listUsers },
    { method: 'GET', re: new RegExp(`^/users/${SEG}$`), perms: USER_READ, handler: getUser },
    { method: 'PATCH', re: new RegExp(`^/users/${SEG}$`), perms: USER_WRITE, handler: patchUser },
    { method: 'DELETE', re: new RegExp(`^/users/${SEG}$`), perms: USER_WRITE, handler: deleteUser },
    { method: 'POST', re: new RegExp(`^/users/${SEG}/assignLicense$`), perms: LICENSE_WRITE, handler: assignLicense },
    {
      method: 'GET',
      re: new RegExp(`^/users/${SEG}/presence$`),
      perms: PRESENCE_READ,
      handler: userPresence,
      throttle: 'presence',
    },
    {
      method: 'GET',
      re: new RegExp(`^/communications/presences/${SEG}$`),
      perms: PRESENCE_READ,
      handler: (ctx) => json(200, presenceOf(ctx, ctx.params[0])),
      throttle: 'presence',
    },
    {
      method: 'POST',
      re: /^\/communications\/getPresencesByUserId$/,
      perms: PRESENCE_READ,
      handler: presencesByUserId,
      throttle: 'presence',
    },
    { method: 'GET', re: /^\/subscribedSkus$/, perms: ORG_READ, handler: subscribedSkus },
    { method: 'GET', re: /^\/servicePrincipals\/?$/, perms: APP_READ, handler: listSps },
    { method: 'GET', re: new RegExp(`^/servicePrincipals${SP}$`), perms: APP_READ, handler: getSp },
    {
      method: 'GET',
      re: new RegExp(`^/servicePrincipals${SP}/appRoleAssignments$`),
      perms: APP_READ,
      handler: (c) => listAssignments(c, 'principal'),
    },
    {
      method: 'GET',
      re: new RegExp(`^/servicePrincipals${SP}/appRoleAssignedTo$`),
      perms: APP_READ,
      handler: (c) => listAssignments(c, 'resource'),
    },
    {
      method: 'POST',
      re: new RegExp(`^/servicePrincipals${SP}/appRoleAssignedTo$`),
      perms: ROLE_WRITE,
      handler: createAssignment,
    },
    {
      method: 'DELETE',
      re: new RegExp(`^/servicePrincipals${SP}/appRoleAssignedTo/${SEG}$`),
      perms: ROLE_WRITE,
      handler: deleteAssignment,
    },
    {
      method: 'DELETE',
      re: new RegExp(`^/servicePrincipals${SP}/appRoleAssignments/${SEG}$`),
      perms: ROLE_WRITE,
      handler: deleteAssignment,
    },
    { method: 'GET', re: /^\/oauth2PermissionGrants\/?$/, perms: APP_READ, handler: listGrants },
    { method: 'PATCH', re: new RegExp(`^/oauth2PermissionGrants/${SEG}$`), perms: GRANT_WRITE, handler: updateGrant },
  ];
}
