// The seed: the default Contoso tenant, and the JSON seed-file format for any other tenant (docs/simulator.md).
import { readFileSync } from 'node:fs';
import {
  AgentProfile,
  App,
  AppRole,
  BRIDGE_AUDIENCE,
  BRIDGE_ROLE,
  GRAPH_APP_ID,
  GRAPH_APP_ROLES,
  GRAPH_AUDIENCE,
  GRAPH_SCOPES,
  NumberType,
  PhoneNumber,
  SKU,
  Tenant,
  User,
} from './model';
import { isRecord, uuidFrom } from './util';

export const DEFAULT_TENANT_ID = '8f2c2a5e-5b8e-4f0e-9a43-0c5b1d3e7a11';
export const DEFAULT_DOMAINS = ['contoso.onmicrosoft.com', 'contoso.com'];
export const API_ROLES = ['Switchboard.Admin', 'Switchboard.Supervisor', 'Switchboard.Agent', 'Switchboard.Operator'];

export const PROVISIONING_PERMISSIONS = [
  'User.ReadWrite.All',
  'LicenseAssignment.ReadWrite.All',
  'Organization.Read.All',
  'Application.Read.All',
  'AppRoleAssignment.ReadWrite.All',
  'TeamsTelephoneNumber.ReadWrite.All',
  // reading a group before assigning it one of Switchboard's API roles (group-get.md: least privileged)
  'GroupMember.Read.All',
];
export const BOT_PERMISSIONS = [
  'Calls.AccessMedia.All',
  'Calls.Initiate.All',
  'Calls.InitiateGroupCall.All',
  'Calls.JoinGroupCall.All',
  'Calls.JoinGroupCallAsGuest.All',
  'Presence.Read.All',
];

// ---- seed-file format -------------------------------------------------------------------------------------------

export interface SeedApp {
  appId?: string;
  displayName: string;
  clientSecret?: string;
  /** PEM certificates registered as the app's credentials (client assertions signed with their keys are accepted). */
  certificates?: string[];
  /** Graph application permissions granted (by name). */
  applicationPermissions?: string[];
  /** Graph delegated permissions granted tenant-wide (AllPrincipals). */
  delegatedPermissions?: string[];
  /** grant the bridge app role TeamsAdmin.Bridge */
  bridge?: boolean;
  /** Switchboard API app roles granted to this app (client-credential tokens for api://switchboard). */
  apiRoles?: string[];
  /** marks the contact-center bot app (tenant.botAppId) */
  bot?: boolean;
  /** marks Switchboard's provisioning app (banner + local-settings) */
  provisioning?: boolean;
  /** marks the vendor's web app (tenant.webAppId, local-settings `webApp`) */
  webApp?: boolean;
}

export interface SeedUser {
  id?: string;
  userPrincipalName: string;
  displayName?: string;
  usageLocation?: string | null;
  /** skuPartNumbers */
  licenses?: string[];
  presence?: { availability: string; activity: string };
  agent?: Partial<AgentProfile>;
}

/** A person's app roles on Switchboard's API (an app role assignment to a user) and, for supervisors, their call queues. */
export interface SeedApiUser {
  userPrincipalName: string;
  roles: string[];
  queues?: string[];
}

/** A security group; members are UPNs of the tenant's users or display names of groups listed before it. */
export interface SeedGroup {
  id?: string;
  displayName: string;
  members?: string[];
}

export interface SeedNumber {
  telephoneNumber: string;
  numberType: NumberType;
  capabilities?: string[];
  city?: string;
  isoCountryCode?: string;
}

export interface SeedInstance {
  objectId?: string;
  userPrincipalName: string;
  displayName: string;
  applicationId?: string;
  synced?: boolean;
  usageLocation?: string;
  /** give it the Teams Phone Resource Account licence */
  licensed?: boolean;
  /** a number from `numbers` to assign */
  phoneNumber?: string;
}

export interface SeedTenant {
  tenantId: string;
  displayName?: string;
  domains: string[];
  /** the organization's country (`GET /organization` countryLetterCode); default US, null = unset */
  countryLetterCode?: string | null;
  /** skuPartNumber → purchased seats (PHONESYSTEM_VIRTUALUSER is computed from the pool rule) */
  skus?: Record<string, number>;
  resourceAccountPoolAcquired?: boolean;
  apps?: SeedApp[];
  users?: SeedUser[];
  /** people who may sign in to the portal (browser sign-in at /{tenant}/oauth2/v2.0/authorize) with their API roles */
  apiUsers?: SeedApiUser[];
  /** security groups (members: UPNs or earlier groups' display names) */
  groups?: SeedGroup[];
  /** generate N agent users agent01@<domain>… with MCOEV and presence Available */
  generateAgents?: { count: number; domain?: string; usageLocation?: string };
  numbers?: SeedNumber[];
  applicationInstances?: SeedInstance[];
  apiAudience?: string;
}

export interface SeedFile {
  /** default true: keep the built-in Contoso tenant beside the file's tenants */
  includeDefaultTenant?: boolean;
  tenants: SeedTenant[];
}

/** Trap numbers: callingPlan numbers that are user-type (userAssignment only) and cannot go on a resource account. */
export const DEFAULT_USER_ONLY_NUMBERS = [
  '+14255550155',
  '+14255550156',
  '+14255550157',
  '+14255550158',
  '+14255550159',
];

/**
 * The contact center's lines in the default tenant: numbered resource accounts already bound and synced to the bot,
 * licensed, with a calling-plan number each — what an admin has after setting up Teams for a vendor's contact
 * center. `npm start` registers them as Switchboard endpoints. Their object ids are fixed (derived from the UPN), so
 * a reset rebuilds the very same accounts and the app's endpoint records keep matching them.
 */
export const DEFAULT_CONTACT_CENTER_LINES: readonly {
  userPrincipalName: string;
  displayName: string;
  phoneNumber: string;
}[] = [
  { userPrincipalName: 'cc-sales@contoso.onmicrosoft.com', displayName: 'Contoso Sales', phoneNumber: '+14255550140' },
  {
    userPrincipalName: 'cc-support@contoso.onmicrosoft.com',
    displayName: 'Contoso Support',
    phoneNumber: '+14255550141',
  },
  {
    userPrincipalName: 'cc-billing@contoso.onmicrosoft.com',
    displayName: 'Contoso Billing',
    phoneNumber: '+14255550142',
  },
];

export function defaultSeedTenant(): SeedTenant {
  const numbers: SeedNumber[] = [];
  for (let i = 0; i < 60; i++) {
    const telephoneNumber = `+1425555${String(100 + i).padStart(4, '0')}`;
    const userOnly = DEFAULT_USER_ONLY_NUMBERS.includes(telephoneNumber);
    numbers.push({
      telephoneNumber,
      numberType: 'callingPlan',
      city: 'Redmond',
      capabilities: userOnly ? ['userAssignment'] : ['voiceApplicationAssignment', 'conferenceAssignment'],
    });
  }
  for (let i = 0; i < 30; i++) {
    numbers.push({
      telephoneNumber: `+1206555${String(200 + i).padStart(4, '0')}`,
      numberType: 'directRouting',
      city: 'Seattle',
      capabilities: ['userAssignment', 'voiceApplicationAssignment', 'conferenceAssignment'],
    });
  }
  for (let i = 0; i < 10; i++) {
    numbers.push({
      telephoneNumber: `+1312555${String(300 + i).padStart(4, '0')}`,
      numberType: 'operatorConnect',
      city: 'Chicago',
      capabilities: ['userAssignment', 'voiceApplicationAssignment'],
    });
  }
  return {
    tenantId: DEFAULT_TENANT_ID,
    displayName: 'Contoso',
    domains: DEFAULT_DOMAINS,
    skus: { MCOEV: 50, MCOPSTN1: 0 },
    resourceAccountPoolAcquired: true,
    apps: [
      {
        appId: uuidFrom('app:contact-center-bot'),
        displayName: 'Contoso Contact Center Bot',
        clientSecret: 'sim-bot-secret-' + uuidFrom('secret:bot').slice(0, 8),
        applicationPermissions: BOT_PERMISSIONS,
        delegatedPermissions: ['User.Read', 'Presence.Read.All'],
        bot: true,
      },
      {
        // The seed's second table: the web app signs people in and reads the directory.
        appId: uuidFrom('app:contact-center-web'),
        displayName: 'Contoso Contact Center Web App',
        clientSecret: 'sim-web-secret-' + uuidFrom('secret:web').slice(0, 8),
        applicationPermissions: ['User.Read.All'],
        delegatedPermissions: ['User.Read', 'User.Read.All'],
        webApp: true,
      },
      {
        appId: uuidFrom('app:partial-vendor'),
        displayName: 'Fabrikam Voice (partially consented)',
        clientSecret: 'sim-partial-secret-' + uuidFrom('secret:partial').slice(0, 8),
        applicationPermissions: [
          'Calls.AccessMedia.All',
          'Calls.Initiate.All',
          'Calls.JoinGroupCall.All',
          'Presence.Read.All',
        ],
        delegatedPermissions: ['User.Read'],
      },
      {
        appId: uuidFrom('app:switchboard-provisioning'),
        displayName: 'Switchboard Provisioning',
        clientSecret: 'sim-provisioning-secret-' + uuidFrom('secret:provisioning').slice(0, 8),
        applicationPermissions: PROVISIONING_PERMISSIONS,
        bridge: true,
        provisioning: true,
      },
    ],
    generateAgents: { count: 50, domain: 'contoso.com', usageLocation: 'US' },
    users: [
      { userPrincipalName: 'admin@contoso.com', displayName: 'Megan Bowen', usageLocation: 'US' },
      { userPrincipalName: 'supervisor@contoso.com', displayName: 'Nestor Wilke', usageLocation: 'US' },
    ],
    apiUsers: [
      { userPrincipalName: 'admin@contoso.com', roles: ['Switchboard.Admin'] },
      { userPrincipalName: 'supervisor@contoso.com', roles: ['Switchboard.Supervisor'], queues: ['sales', 'support'] },
      { userPrincipalName: 'agent01@contoso.com', roles: ['Switchboard.Agent'] },
      { userPrincipalName: 'agent02@contoso.com', roles: ['Switchboard.Agent'] },
      { userPrincipalName: 'agent03@contoso.com', roles: ['Switchboard.Agent'] },
    ],
    numbers,
    applicationInstances: DEFAULT_CONTACT_CENTER_LINES.map((line) => ({
      ...line,
      synced: true,
      licensed: true,
      usageLocation: 'US',
    })),
  };
}

export function loadSeedFile(path: string): SeedFile {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isRecord(parsed) || !Array.isArray(parsed.tenants)) throw new Error(`seed file ${path}: expected {tenants:[…]}`);
  return parsed as unknown as SeedFile;
}

export function seedTenants(file?: SeedFile): SeedTenant[] {
  const own = file?.tenants ?? [];
  if (file?.includeDefaultTenant === false) return own;
  const replacedDefault = own.find((t) => t.tenantId === DEFAULT_TENANT_ID);
  return [replacedDefault ?? defaultSeedTenant(), ...own.filter((t) => t.tenantId !== DEFAULT_TENANT_ID)];
}

// ---- building a tenant ------------------------------------------------------------------------------------------

function appRole(value: string, id: string, memberTypes: string[]): AppRole {
  return {
    id,
    value,
    displayName: value,
    description: `Allows the app to ${value}.`,
    allowedMemberTypes: memberTypes,
    isEnabled: true,
    origin: 'Application',
  };
}

function resourceApps(tenantId: string, apiAudience: string): App[] {
  const graph: App = {
    appId: GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    clientSecret: null,
    certificates: [],
    servicePrincipalId: uuidFrom(`${tenantId}:sp:graph`),
    audience: GRAPH_AUDIENCE,
    appRoles: Object.entries(GRAPH_APP_ROLES).map(([v, id]) => appRole(v, id, ['Application'])),
    oauth2PermissionScopes: Object.entries(GRAPH_SCOPES).map(([value, id]) => ({
      id,
      value,
      adminConsentDisplayName: value,
      adminConsentDescription: value,
      type: 'Admin' as const,
      isEnabled: true,
    })),
  };
  const bridge: App = {
    appId: uuidFrom('app:teams-admin-bridge'),
    displayName: 'Teams Admin Bridge',
    clientSecret: null,
    certificates: [],
    servicePrincipalId: uuidFrom(`${tenantId}:sp:bridge`),
    audience: BRIDGE_AUDIENCE,
    appRoles: [appRole(BRIDGE_ROLE, uuidFrom('role:bridge'), ['Application'])],
    oauth2PermissionScopes: [],
  };
  const api: App = {
    appId: uuidFrom('app:switchboard-api'),
    displayName: 'Switchboard API',
    clientSecret: null,
    certificates: [],
    servicePrincipalId: uuidFrom(`${tenantId}:sp:api`),
    audience: apiAudience,
    appRoles: API_ROLES.map((r) => appRole(r, uuidFrom(`role:${r}`), ['User', 'Application'])),
    oauth2PermissionScopes: [],
  };
  return [graph, bridge, api];
}

export interface BuildOptions {
  apiAudience: string;
  now: number;
}

export function buildTenant(seed: SeedTenant, opts: BuildOptions): Tenant {
  const tid = seed.tenantId;
  const created = new Date(opts.now).toISOString();
  const tenant: Tenant = {
    tenantId: tid,
    displayName: seed.displayName ?? tid,
    domains: seed.domains.map((d, i) => ({ id: d, isVerified: true, isDefault: i === 0 })),
    countryLetterCode: seed.countryLetterCode === undefined ? 'US' : seed.countryLetterCode,
    botAppId: '',
    provisioningAppId: '',
    webAppId: '',
    users: new Map(),
    usersByUpn: new Map(),
    apps: new Map(),
    appsBySpId: new Map(),
    appRoleAssignments: [],
    oauth2PermissionGrants: [],
    groups: new Map(),
    skus: [],
    numbers: new Map(),
    operations: new Map(),
    instances: new Map(),
    presence: new Map(),
    agentProfiles: new Map(),
    apiUsers: new Map(),
  };
  const addApp = (app: App): void => {
    tenant.apps.set(app.appId, app);
    tenant.appsBySpId.set(app.servicePrincipalId, app);
  };
  const [graph, bridge, api] = resourceApps(tid, seed.apiAudience ?? opts.apiAudience);
  [graph, bridge, api].forEach(addApp);

  // SKUs: the resource-account pool always exists as a line (enabled 0 until acquired).
  const skuIds: Record<string, string> = {
    MCOEV: SKU.teamsPhone.skuId,
    MCOPSTN1: SKU.callingPlan.skuId,
    SPE_E5: SKU.e5.skuId,
    PHONESYSTEM_VIRTUALUSER: SKU.resourceAccount.skuId,
  };
  for (const [part, seats] of Object.entries(seed.skus ?? {})) {
    if (part === SKU.resourceAccount.skuPartNumber) continue;
    tenant.skus.push({
      skuId: skuIds[part] ?? uuidFrom(`sku:${part}`),
      skuPartNumber: part,
      prepaidEnabled: seats,
      acquired: true,
    });
  }
  tenant.skus.push({
    skuId: SKU.resourceAccount.skuId,
    skuPartNumber: SKU.resourceAccount.skuPartNumber,
    prepaidEnabled: 0,
    acquired: seed.resourceAccountPoolAcquired !== false,
  });
  const skuIdOf = (part: string): string => {
    const s = tenant.skus.find((k) => k.skuPartNumber === part);
    if (!s) throw new Error(`seed ${tid}: unknown sku ${part}`);
    return s.skuId;
  };

  const addUser = (u: SeedUser, accountType: User['accountType']): User => {
    const upn = u.userPrincipalName;
    const local = upn.split('@')[0];
    const user: User = {
      id: u.id ?? uuidFrom(`${tid}:user:${upn.toLowerCase()}`),
      userPrincipalName: upn,
      displayName: u.displayName ?? local,
      givenName: accountType === 'user' ? (u.displayName ?? local).split(' ')[0] : null,
      surname: accountType === 'user' ? ((u.displayName ?? local).split(' ')[1] ?? null) : null,
      mail: accountType === 'user' ? upn : null,
      accountEnabled: accountType === 'user',
      usageLocation: u.usageLocation ?? null,
      assignedLicenses: (u.licenses ?? []).map((p) => ({ skuId: skuIdOf(p), disabledPlans: [], effectiveAt: 0 })),
      accountType,
      createdDateTime: created,
      visibleAt: 0,
    };
    tenant.users.set(user.id, user);
    tenant.usersByUpn.set(upn.toLowerCase(), user);
    if (accountType === 'user') {
      tenant.presence.set(user.id, u.presence ?? { availability: 'Available', activity: 'Available' });
      tenant.agentProfiles.set(user.id, {
        answerDelayMs: u.agent?.answerDelayMs ?? 1500,
        answerProbability: u.agent?.answerProbability ?? 1,
      });
    }
    return user;
  };

  const gen = seed.generateAgents;
  if (gen && gen.count > 0) {
    const domain = gen.domain ?? seed.domains[seed.domains.length - 1];
    const first = ['Adele', 'Alex', 'Diego', 'Grady', 'Henrietta', 'Isaiah', 'Johanna', 'Joni', 'Lee', 'Lidia'];
    const last = ['Vance', 'Wilber', 'Siciliani', 'Archie', 'Mueller', 'Langer', 'Lauer', 'Sherman', 'Gu', 'Holloway'];
    for (let i = 1; i <= gen.count; i++) {
      const n = String(i).padStart(2, '0');
      addUser(
        {
          userPrincipalName: `agent${n}@${domain}`,
          displayName: `${first[(i - 1) % 10]} ${last[Math.floor((i - 1) / 10) % 10]} ${n}`,
          usageLocation: gen.usageLocation ?? 'US',
          licenses: ['MCOEV'],
        },
        'user',
      );
    }
  }
  for (const u of seed.users ?? []) addUser(u, 'user');
  for (const a of seed.apiUsers ?? []) {
    const user = tenant.usersByUpn.get(a.userPrincipalName.toLowerCase());
    if (!user) throw new Error(`seed ${tid}: apiUsers names unknown user ${a.userPrincipalName}`);
    tenant.apiUsers.set(user.id, { roles: [...a.roles], ...(a.queues ? { queues: [...a.queues] } : {}) });
    // A person's API roles are app role assignments to them on the API's service principal, as in Entra: what
    // `GET …/appRoleAssignedTo` lists and what their tokens carry.
    for (const roleName of a.roles) {
      const role = api.appRoles.find((r) => r.value === roleName);
      if (!role) throw new Error(`seed ${tid}: apiUsers names unknown API role ${roleName}`);
      tenant.appRoleAssignments.push({
        id: uuidFrom(`${tid}:ara:${user.id}:${role.id}`),
        appRoleId: role.id,
        principalId: user.id,
        principalType: 'User',
        principalDisplayName: user.displayName,
        resourceId: api.servicePrincipalId,
        resourceDisplayName: api.displayName,
        createdDateTime: created,
      });
    }
  }
  for (const g of seed.groups ?? []) {
    const members = (g.members ?? []).map((m) => {
      const user = tenant.usersByUpn.get(m.toLowerCase());
      const group = [...tenant.groups.values()].find((x) => x.displayName === m);
      const id = user?.id ?? group?.id;
      if (!id) throw new Error(`seed ${tid}: group ${g.displayName} names unknown member ${m}`);
      return id;
    });
    const id = g.id ?? uuidFrom(`${tid}:group:${g.displayName}`);
    tenant.groups.set(id, { id, displayName: g.displayName, description: null, members, createdDateTime: created });
  }

  for (const a of seed.apps ?? []) {
    const appId = a.appId ?? uuidFrom(`${tid}:app:${a.displayName}`);
    const app: App = {
      appId,
      displayName: a.displayName,
      clientSecret: a.clientSecret ?? `sim-secret-${uuidFrom(`${tid}:secret:${appId}`).slice(0, 12)}`,
      certificates: [...(a.certificates ?? [])],
      servicePrincipalId: uuidFrom(`${tid}:sp:${appId}`),
      audience: null,
      appRoles: [],
      oauth2PermissionScopes: [],
    };
    addApp(app);
    if (a.bot) tenant.botAppId = appId;
    if (a.provisioning) tenant.provisioningAppId = appId;
    if (a.webApp) tenant.webAppId = appId;
    const grant = (resource: App, roleName: string): void => {
      const role = resource.appRoles.find((r) => r.value === roleName);
      if (!role) throw new Error(`seed ${tid}: ${resource.displayName} has no app role ${roleName}`);
      tenant.appRoleAssignments.push({
        id: uuidFrom(`${tid}:ara:${app.servicePrincipalId}:${role.id}`),
        appRoleId: role.id,
        principalId: app.servicePrincipalId,
        principalType: 'ServicePrincipal',
        principalDisplayName: app.displayName,
        resourceId: resource.servicePrincipalId,
        resourceDisplayName: resource.displayName,
        createdDateTime: created,
      });
    };
    for (const p of a.applicationPermissions ?? []) grant(graph, p);
    if (a.bridge) grant(bridge, BRIDGE_ROLE);
    for (const r of a.apiRoles ?? []) grant(api, r);
    if (a.delegatedPermissions?.length) {
      tenant.oauth2PermissionGrants.push({
        id: uuidFrom(`${tid}:grant:${app.servicePrincipalId}`),
        clientId: app.servicePrincipalId,
        consentType: 'AllPrincipals',
        principalId: null,
        resourceId: graph.servicePrincipalId,
        scope: a.delegatedPermissions.join(' '),
      });
    }
  }
  if (!tenant.botAppId) {
    const firstClient = [...tenant.apps.values()].find((a) => a.clientSecret);
    tenant.botAppId = firstClient?.appId ?? '';
  }

  for (const n of seed.numbers ?? []) {
    const num: PhoneNumber = {
      id: uuidFrom(`${tid}:number:${n.telephoneNumber}`),
      telephoneNumber: n.telephoneNumber,
      operatorId: n.numberType === 'operatorConnect' ? uuidFrom('operator:fabrikam-telecom') : null,
      numberType: n.numberType,
      activationState: 'activated',
      capabilities: n.capabilities ?? ['userAssignment', 'voiceApplicationAssignment', 'conferenceAssignment'],
      locationId: null,
      civicAddressId: n.numberType === 'callingPlan' ? uuidFrom(`${tid}:civic:${n.city ?? 'hq'}`) : null,
      networkSiteId: null,
      assignmentTargetId: null,
      assignmentCategory: null,
      portInStatus: 'completed',
      assignmentStatus: 'unassigned',
      isoCountryCode: n.isoCountryCode ?? 'US',
      city: n.city ?? null,
      numberSource: n.numberType === 'directRouting' ? 'onPremises' : 'online',
    };
    tenant.numbers.set(num.telephoneNumber, num);
  }

  for (const inst of seed.applicationInstances ?? []) {
    const user = addUser(
      {
        id: inst.objectId,
        userPrincipalName: inst.userPrincipalName,
        displayName: inst.displayName,
        usageLocation: inst.usageLocation ?? (inst.licensed ? 'US' : null),
        licenses: inst.licensed ? [SKU.resourceAccount.skuPartNumber] : [],
      },
      'resourceAccount',
    );
    const applicationId = inst.applicationId ?? tenant.botAppId;
    tenant.instances.set(user.id, {
      objectId: user.id,
      applicationId,
      apsApplicationId: inst.synced === false ? null : applicationId,
      phoneNumber: null,
    });
    if (inst.phoneNumber) {
      const num = tenant.numbers.get(inst.phoneNumber);
      if (!num)
        throw new Error(`seed ${tid}: instance ${inst.userPrincipalName} wants unknown number ${inst.phoneNumber}`);
      num.assignmentTargetId = user.id;
      num.assignmentStatus = 'voiceApplicationAssigned';
      num.assignmentCategory = 'primary';
      tenant.instances.get(user.id)!.phoneNumber = `tel:${inst.phoneNumber}`;
    }
  }
  return tenant;
}
