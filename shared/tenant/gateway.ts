/**
 * The TenantGateway port: everything provisioning and drift need from a customer tenant, over Microsoft Graph and the
 * Teams admin bridge. Activities depend on this interface; `createTenantGateway` wires the real adapters.
 * Reads that find nothing return `undefined`; every failure is a classified {@link TenantError}.
 */
import type { AppConfig } from '../config';
import type { NumberType } from '../domain/enums';
import { ApplicationInstancePatch, NewApplicationInstance, SyncResult, TeamsAdminBridgeClient } from './bridge-client';
import { CredentialCache } from './credentials';
import { GraphDirectoryAdapter } from './graph-directory';
import type {
  AppRoleAssignment,
  ApplicationInstance,
  ApplicationInstanceSync,
  AssignNumberRequest,
  BatchItemResult,
  DirectoryGroup,
  DirectoryUser,
  NumberAssignment,
  NumberOperation,
  OAuth2PermissionGrant,
  Organization,
  Page,
  RequestCounts,
  ServicePrincipal,
  SubscribedSku,
  UsersByIds,
} from './model';
import { SlotBlocks, TenantPacer, type PacedService, type RateLimits, type RateReserver } from './pacing';
import { RetryEvents, RetryOptions, Sleep, ThrottleGate, realSleep } from './retry';

export interface TenantGateway {
  readonly tenantId: string;

  // consent
  getServicePrincipal(appId: string): Promise<ServicePrincipal | undefined>;
  listAppRoleAssignments(servicePrincipalId: string): Promise<AppRoleAssignment[]>;
  listOauth2PermissionGrants(servicePrincipalId: string): Promise<OAuth2PermissionGrant[]>;

  // the organization, groups, app-role assignments of users and groups (Switchboard's own API roles)
  getOrganization(): Promise<Organization | undefined>;
  getGroup(id: string): Promise<DirectoryGroup | undefined>;
  /** The service principal with `name` (an app id or identifier URI) among its `servicePrincipalNames`. */
  findServicePrincipalByName(name: string): Promise<ServicePrincipal | undefined>;
  listAppRoleAssignedTo(servicePrincipalId: string): Promise<AppRoleAssignment[]>;
  assignAppRole(
    servicePrincipalId: string,
    body: { principalId: string; appRoleId: string },
  ): Promise<AppRoleAssignment>;
  removeAppRoleAssignment(servicePrincipalId: string, assignmentId: string): Promise<boolean>;

  // users and licences
  getUser(idOrUpn: string, select?: readonly string[]): Promise<DirectoryUser | undefined>;
  getUsers(ids: readonly string[], select?: readonly string[]): Promise<BatchItemResult<DirectoryUser>[]>;
  /**
   * Users by object id, `$filter=id in (…)` (≤ 15 ids) per `$batch` sub-request, ≤ 20 sub-requests per `$batch`:
   * 300 users per HTTP request (drift scans). Ids in neither `users` nor `failed` do not exist.
   */
  findUsersByIds(ids: readonly string[], select?: readonly string[]): Promise<UsersByIds>;
  /** Users by UPN, the same way (`userPrincipalName in (…)`): UPNs in neither `users` nor `failed` are no users. */
  findUsersByUpns(upns: readonly string[], select?: readonly string[]): Promise<UsersByIds>;
  updateUsageLocation(userId: string, usageLocation: string): Promise<void>;
  assignLicense(userId: string, skuId: string, disabledPlans?: readonly string[]): Promise<void>;
  removeLicense(userId: string, skuId: string): Promise<void>;
  listSubscribedSkus(): Promise<SubscribedSku[]>;
  deleteUser(userId: string): Promise<boolean>;

  // numbers
  findNumber(telephoneNumber: string): Promise<NumberAssignment | undefined>;
  listNumbers(options?: { filter?: string; top?: number; nextLink?: string }): Promise<Page<NumberAssignment>>;
  assignNumber(request: AssignNumberRequest): Promise<{ operationId: string }>;
  unassignNumber(request: { telephoneNumber: string; numberType: NumberType }): Promise<{ operationId: string }>;
  getNumberOperation(operationId: string): Promise<NumberOperation>;

  // resource accounts (Teams admin bridge)
  createApplicationInstance(body: NewApplicationInstance): Promise<ApplicationInstance>;
  getApplicationInstance(upnOrObjectId: string): Promise<ApplicationInstance | undefined>;
  getApplicationInstances(identities: readonly string[]): Promise<{ found: ApplicationInstance[]; notFound: string[] }>;
  syncApplicationInstance(objectId: string, applicationId?: string): Promise<SyncResult>;
  getApplicationInstanceSync(objectId: string): Promise<ApplicationInstanceSync>;
  /** APS mappings of many accounts, ≤ 100 per bridge request (drift scans). */
  getApplicationInstanceSyncs(
    objectIds: readonly string[],
  ): Promise<{ found: ApplicationInstanceSync[]; notFound: string[] }>;
  updateApplicationInstance(upnOrObjectId: string, patch: ApplicationInstancePatch): Promise<ApplicationInstance>;

  /** HTTP requests this gateway sent (retries included), for benchmarks and logs. */
  requestCounts(): RequestCounts;
}

export interface GatewayOptions {
  /** Retry policy overrides; `maxWaitMs` makes long throttling waits surface as ThrottledError instead of sleeping. */
  retry?: Partial<RetryOptions>;
  sleep?: Sleep;
  events?: RetryEvents;
}

/** Graph adapter + bridge client behind one TenantGateway. */
export class CompositeTenantGateway implements TenantGateway {
  constructor(
    readonly graph: GraphDirectoryAdapter,
    readonly bridge: TeamsAdminBridgeClient,
  ) {
    if (graph.tenantId !== bridge.tenantId) throw new Error('graph and bridge adapters must serve the same tenant');
  }
  get tenantId(): string {
    return this.graph.tenantId;
  }
  getServicePrincipal = (appId: string) => this.graph.getServicePrincipal(appId);
  listAppRoleAssignments = (spId: string) => this.graph.listAppRoleAssignments(spId);
  listOauth2PermissionGrants = (spId: string) => this.graph.listOauth2PermissionGrants(spId);
  getOrganization = () => this.graph.getOrganization();
  getGroup = (id: string) => this.graph.getGroup(id);
  findServicePrincipalByName = (name: string) => this.graph.findServicePrincipalByName(name);
  listAppRoleAssignedTo = (spId: string) => this.graph.listAppRoleAssignedTo(spId);
  assignAppRole = (spId: string, body: { principalId: string; appRoleId: string }) =>
    this.graph.assignAppRole(spId, body);
  removeAppRoleAssignment = (spId: string, assignmentId: string) =>
    this.graph.removeAppRoleAssignment(spId, assignmentId);
  getUser = (idOrUpn: string, select?: readonly string[]) => this.graph.getUser(idOrUpn, select);
  getUsers = (ids: readonly string[], select?: readonly string[]) => this.graph.getUsers(ids, select);
  findUsersByIds = (ids: readonly string[], select?: readonly string[]) => this.graph.findUsersByIds(ids, select);
  findUsersByUpns = (upns: readonly string[], select?: readonly string[]) => this.graph.findUsersByUpns(upns, select);
  updateUsageLocation = (userId: string, usageLocation: string) =>
    this.graph.updateUsageLocation(userId, usageLocation);
  assignLicense = (userId: string, skuId: string, disabledPlans?: readonly string[]) =>
    this.graph.assignLicense(userId, skuId, disabledPlans);
  removeLicense = (userId: string, skuId: string) => this.graph.removeLicense(userId, skuId);
  listSubscribedSkus = () => this.graph.listSubscribedSkus();
  deleteUser = (userId: string) => this.graph.deleteUser(userId);
  findNumber = (telephoneNumber: string) => this.graph.findNumber(telephoneNumber);
  listNumbers = (options?: { filter?: string; top?: number; nextLink?: string }) => this.graph.listNumbers(options);
  assignNumber = (request: AssignNumberRequest) => this.graph.assignNumber(request);
  unassignNumber = (request: { telephoneNumber: string; numberType: NumberType }) => this.graph.unassignNumber(request);
  getNumberOperation = (operationId: string) => this.graph.getNumberOperation(operationId);
  createApplicationInstance = (body: NewApplicationInstance) => this.bridge.createApplicationInstance(body);
  getApplicationInstance = (id: string) => this.bridge.getApplicationInstance(id);
  getApplicationInstances = (ids: readonly string[]) => this.bridge.getApplicationInstances(ids);
  syncApplicationInstance = (objectId: string, applicationId?: string) =>
    this.bridge.syncApplicationInstance(objectId, applicationId);
  getApplicationInstanceSync = (objectId: string) => this.bridge.getApplicationInstanceSync(objectId);
  getApplicationInstanceSyncs = (objectIds: readonly string[]) => this.bridge.getApplicationInstanceSyncs(objectIds);
  updateApplicationInstance = (id: string, patch: ApplicationInstancePatch) =>
    this.bridge.updateApplicationInstance(id, patch);
  requestCounts = (): RequestCounts => ({ graph: this.graph.requestCount, bridge: this.bridge.requestCount });
}

/** Pacing for every gateway a factory builds: the shared budget store and each tenant's limits. */
export interface GatewayPacing {
  reserver: RateReserver;
  limits(tenantId: string): RateLimits;
}

/** Builds gateways for customer tenants, reusing one credential per tenant for the life of the process. */
export class TenantGatewayFactory {
  private readonly credentials: CredentialCache;
  private readonly gates = new Map<string, ThrottleGate>();
  /** Slots reserved ahead, shared by every gateway this factory builds (one per process in the app). */
  private readonly slotBlocks = new SlotBlocks();
  constructor(
    private readonly config: Pick<AppConfig, 'graphBaseUrl' | 'authorityHost' | 'provisioning' | 'bridge'>,
    credentials?: CredentialCache,
    private readonly pacing?: GatewayPacing,
  ) {
    this.credentials = credentials ?? new CredentialCache(config);
  }

  /** `graph|<host>|<app>`, `bridge|<host>|<app>`: what Microsoft's throttling is keyed on (besides the tenant). */
  private budgetNames(): Record<PacedService, string> {
    const p = this.config.provisioning;
    const app = p.clientId ?? p.managedIdentityClientId ?? 'managed-identity';
    const host = (url: string) => {
      try {
        return new URL(url).host.toLowerCase();
      } catch {
        return url;
      }
    };
    return {
      graph: `graph|${host(this.config.graphBaseUrl)}|${app}`,
      bridge: `bridge|${host(this.config.bridge.url)}|${app}`,
    };
  }

  forTenant(tenantId: string, options: GatewayOptions = {}): TenantGateway {
    const credential = this.credentials.forTenant(tenantId);
    const key = tenantId.toLowerCase();
    let gate = this.gates.get(key);
    if (!gate) this.gates.set(key, (gate = new ThrottleGate()));
    const pacer = this.pacing
      ? new TenantPacer(
          tenantId,
          this.pacing.limits(tenantId),
          this.pacing.reserver,
          options.sleep ?? realSleep,
          this.budgetNames(),
          this.slotBlocks,
        )
      : undefined;
    const common = {
      tenantId,
      credential,
      gate,
      pacer,
      retry: options.retry,
      sleep: options.sleep,
      events: options.events,
    };
    return new CompositeTenantGateway(
      new GraphDirectoryAdapter({ ...common, graphBaseUrl: this.config.graphBaseUrl }),
      new TeamsAdminBridgeClient({ ...common, bridgeUrl: this.config.bridge.url, scope: this.config.bridge.scope }),
    );
  }
}
