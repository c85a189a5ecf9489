/**
 * The composition root of the function app: every service, repository, gateway and activity set is built here, once,
 * from the validated configuration, and handed down. Nothing else in the app holds a module-level instance.
 *
 * Functions register at module load (the programming model's rule), before any setting may be read; so the root is
 * built lazily, at the first invocation that needs it ({@link appRoot}), and a missing setting surfaces as a
 * ConfigError there (the API answers 503) rather than failing the app's start.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ApiTokenValidator, BotNotificationTokenValidator } from '../shared/auth';
import {
  BulkBatchesRepository,
  BulkQueueService,
  BulkRowsRepository,
  BulkStatusService,
  BulkUploadService,
  NO_PACING,
  ProvisionRequestQueue,
  type BulkPacer,
} from '../shared/bulk';
import {
  AgentsRepository,
  CallQueueService,
  CallQueuesRepository,
  type TenantUserDirectory,
} from '../shared/callqueues';
import {
  CallEventsQueue,
  CallQueueRouterService,
  CallNotificationIntake,
  CallRepository,
  CallRoutingService,
  GraphCallControlFactory,
  GraphPresenceCache,
  type CallEndpointDirectory,
} from '../shared/calls';
import { decideOffers, noAgentActionApplies, overflowsAtArrival } from '../shared/routing';
import { autoRemediates, loadConfig, ratesFor, type AppConfig } from '../shared/config';
import { DriftFindingsRepository, DriftScansRepository, DriftService } from '../shared/drift';
import {
  EndpointService,
  EndpointStepsRepository,
  EndpointsRepository,
  readConsent,
  type ConsentReport,
} from '../shared/provisioning';
import { RateBuckets } from '../shared/storage';
import { TenantGatewayFactory, type TenantGateway } from '../shared/tenant';
import { createDriftActivities, type DriftActivities } from '../orchestrations/drift/drift.activities';
import { durableWorkflows } from '../orchestrations/provisioning/durable-workflows';
import {
  createProvisioningActivities,
  type ProvisioningActivities,
} from '../orchestrations/provisioning/provisioning.activities';
import { createRecordActivities, type RecordActivities } from '../orchestrations/provisioning/records.activities';

/** Bucket of the rate buckets table that paces a tenant's bulk row starts. */
export const BULK_STARTS_BUCKET = 'bulkStarts';

export interface AppRoot {
  readonly config: AppConfig;
  /** Validates bearer tokens for Switchboard's API (keys cached per issuer). */
  readonly apiTokens: ApiTokenValidator;
  /** DRIFT_AUTO_REMEDIATE for a tenant. */
  autoRemediates(tenantId: string): boolean;
  /** What the tenant granted the contact-center bot, and the admin-consent links. */
  consent(tenantId: string): Promise<ConsentReport>;
  /** Endpoint requests; the durable client starts and inspects their workflows. */
  endpointService(client: df.DurableClient): EndpointService;
  /** Bulk import: uploads; a batch's status, results and cancel; row starts (queue trigger, with the durable client). */
  readonly bulkUpload: BulkUploadService;
  readonly bulkStatus: BulkStatusService;
  bulkQueue(client: df.DurableClient): BulkQueueService;
  readonly provisionQueue: ProvisionRequestQueue;
  readonly drift: DriftService;
  readonly provisioningActivities: ProvisioningActivities;
  readonly recordActivities: RecordActivities;
  readonly driftActivities: DriftActivities;
  /** The calling webhook's work: token, tenant, envelope, `call-events` storage queue. */
  readonly callNotificationIntake: CallNotificationIntake;
  /** The call router (the `call-events` trigger), logging through the invocation. */
  callRouting(log?: (line: string) => void): CallRoutingService;
  readonly calls: CallRepository;
  readonly callEventsQueue: CallEventsQueue;
  /** Tenants whose calls we route: those with endpoints, and CALLS_TENANTS. */
  callTenants(): Promise<string[]>;
  /** Call queues and agents (tables `callQueues`, `agents`). */
  readonly callQueues: CallQueueService;
}

/** How long a tenant found serving (with endpoints) is believed without asking the table again. */
const SERVED_TENANT_TTL_MS = 60_000;

/** The calls capability's view of the endpoints table (provisioning's), through its port. */
export function endpointDirectory(
  endpoints: EndpointsRepository,
  extraTenants: readonly string[],
): CallEndpointDirectory {
  const served = new Map<string, number>();
  return {
    async servesTenant(tenantId) {
      const t = tenantId.toLowerCase();
      if (extraTenants.includes(t)) return true;
      const until = served.get(t);
      if (until !== undefined && until > Date.now()) return true;
      const page = await endpoints.list(t, { top: 1 });
      if (page.items.length === 0) return false;
      served.set(t, Date.now() + SERVED_TENANT_TTL_MS);
      return true;
    },
    async findByApplicationInstance(tenantId, objectId) {
      // The index row kept by the endpoints' write path: two point reads, never a scan of the tenant's partition.
      const found = await endpoints.findByApplicationInstance(tenantId, objectId);
      if (!found) return undefined;
      const callQueueId = found.actual?.queueId ?? found.desired.queueId;
      return {
        userPrincipalName: found.desired.userPrincipalName,
        status: found.status,
        ...(callQueueId ? { callQueueId } : {}),
      };
    },
  };
}

export function createAppRoot(config: AppConfig): AppRoot {
  const connection = config.storageConnectionString;
  const rateBuckets = RateBuckets.fromConnectionString(connection);
  // Every gateway draws from the tenant's shared request budgets (TENANT_RATES).
  const gateways = new TenantGatewayFactory(config, undefined, {
    reserver: rateBuckets,
    limits: (tenantId) => ratesFor(config, tenantId),
  });
  /**
   * Activities and API calls never sleep long inside a call: a Retry-After beyond 10 s surfaces as a ThrottledError,
   * and the orchestrator waits it out with a durable timer.
   */
  const tenantGateway = (tenantId: string): TenantGateway =>
    gateways.forTenant(tenantId, { retry: { maxWaitMs: 10_000 } });
  /**
   * A drift scan's gateway: few, short retries — a read that keeps failing becomes an unknown fact (the next scan
   * reads it again) rather than holding the scan up. A new gateway per scan, so its request counts are the scan's.
   */
  const driftGateway = (tenantId: string): TenantGateway =>
    gateways.forTenant(tenantId, { retry: { maxAttempts: 3, maxWaitMs: 5_000 } });

  const endpoints = new EndpointsRepository(connection);
  const steps = new EndpointStepsRepository(connection);
  const bulkRows = new BulkRowsRepository(connection);
  const bulkBatches = new BulkBatchesRepository(connection);
  const provisionQueue = new ProvisionRequestQueue(connection, config.bulk.queueName);
  const driftFindings = new DriftFindingsRepository(connection);
  const driftScans = new DriftScansRepository(connection);

  const calls = new CallRepository(connection);
  const callEventsQueue = new CallEventsQueue(connection, config.calls.eventsQueueName);
  const directory = endpointDirectory(endpoints, config.calls.extraTenants);
  /**
   * The router's Graph calls: one quick retry in place, short waits, a 10 s timeout — beyond that the command goes to
   * the outbox (a delayed call-events message), so a queue handler never sleeps long on Graph.
   */
  const callControl = new GraphCallControlFactory(config, {
    retry: { maxAttempts: 2, maxWaitMs: 2000, timeoutMs: 10_000 },
  });
  const presence = new GraphPresenceCache(config);
  const callQueueRecords = new CallQueuesRepository(connection);
  const agents = new AgentsRepository(connection);
  const users: TenantUserDirectory = {
    async resolveUsers(tenantId, upns) {
      const gateway = tenantGateway(tenantId);
      const found = await Promise.all(upns.map((upn) => gateway.getUser(upn, ['id', 'userPrincipalName'])));
      const out = new Map<string, string>();
      found.forEach((u, i) => {
        if (u?.id) out.set(upns[i].toLowerCase(), u.id.toLowerCase());
      });
      return out;
    },
  };

  /** The call router and the call queue router of one invocation (each needs the other). */
  const callRouting = (log?: (line: string) => void): CallRoutingService => {
    const router = new CallQueueRouterService({
      callQueues: callQueueRecords,
      agents,
      calls,
      decide: (input) => decideOffers(input as Parameters<typeof decideOffers>[0]),
      rules: {
        overflowsAtArrival,
        noAgentActionApplies: (list) => noAgentActionApplies(list as Parameters<typeof noAgentActionApplies>[0]),
      },
      applyRouterInput: (tenantId, callId, input) => service.applyRouterInput(tenantId, callId, input),
      timers: callEventsQueue,
      presence: (tenantId, ids) => presence.presence(tenantId, ids),
      refreshPresence: (tenantId, ids) => presence.refresh(tenantId, ids),
      forgetPresence: (tenantId, ids) => presence.forget(tenantId, ids),
      log,
    });
    const service: CallRoutingService = new CallRoutingService({
      calls,
      directory,
      callControl,
      timers: callEventsQueue,
      keepAliveEveryMs: config.calls.keepAliveIntervalS * 1000,
      router,
      log,
      callbackUri: config.calls.callbackUrl,
    });
    return service;
  };

  const consentLinks = { authorityHost: config.authorityHost, redirectUri: config.adminConsentRedirectUri };

  const endpointService = (client: df.DurableClient): EndpointService =>
    new EndpointService(
      endpoints,
      steps,
      durableWorkflows(client, { licenseRule: config.resourceAccountLicenseRule, timing: config.provisioningWaits }),
      { applicationId: config.bot.appId, usageLocation: config.defaultUsageLocation },
    );

  /**
   * Row starts per tenant at TENANT_RATES `bulkStartsPerSecond` (default: the Graph budget ÷ 8), shared by every
   * instance through the rate buckets table; 0 = unpaced.
   */
  const pacer: BulkPacer = {
    async reserve(tenantId: string): Promise<number> {
      const perSecond = ratesFor(config, tenantId).bulkStartsPerSecond;
      if (!(perSecond > 0)) return NO_PACING.reserve(tenantId);
      const slot = await rateBuckets.reserve(tenantId, BULK_STARTS_BUCKET, { perSecond });
      return slot.granted ? slot.waitMs : slot.retryAfterMs;
    },
  };

  const drift = new DriftService({
    endpoints,
    findings: driftFindings,
    scans: driftScans,
    gateway: driftGateway,
    licenseRule: config.resourceAccountLicenseRule,
    defaultUsageLocation: config.defaultUsageLocation,
    scanRetentionDays: config.driftScanRetentionDays,
  });

  return {
    config,
    apiTokens: new ApiTokenValidator(config),
    callNotificationIntake: new CallNotificationIntake({
      tokens: new BotNotificationTokenValidator(config),
      directory,
      queue: callEventsQueue,
      callbackUrl: config.calls.callbackUrl,
    }),
    callRouting,
    callQueues: new CallQueueService({ callQueues: callQueueRecords, agents, users }),
    calls,
    callEventsQueue,
    callTenants: async () => [...new Set([...(await endpoints.tenantIds()), ...config.calls.extraTenants])],
    autoRemediates: (tenantId) => autoRemediates(config, tenantId),
    consent: (tenantId) => readConsent(tenantGateway(tenantId), { appId: config.bot.appId, ...consentLinks }),
    endpointService,
    bulkUpload: new BulkUploadService({
      rows: bulkRows,
      batches: bulkBatches,
      queue: provisionQueue,
      endpoints,
      gateway: tenantGateway,
    }),
    bulkStatus: new BulkStatusService({ rows: bulkRows, batches: bulkBatches, endpoints }),
    bulkQueue: (client) =>
      new BulkQueueService({
        rows: bulkRows,
        batches: bulkBatches,
        queue: provisionQueue,
        endpointService: endpointService(client),
        pacer,
      }),
    provisionQueue,
    drift,
    provisioningActivities: createProvisioningActivities({ gateway: tenantGateway, consent: consentLinks }),
    recordActivities: createRecordActivities({ endpoints, steps, bulkRows }),
    driftActivities: createDriftActivities({
      drift,
      scans: driftScans,
      // The remediateDrift activity is registered with the durable client binding (functions/register-activities.ts).
      repairFor: (context: InvocationContext) => {
        const service = endpointService(df.getClient(context));
        return (tenantId, upnKey) => service.requestRepair(tenantId, upnKey);
      },
    }),
  };
}

let root: AppRoot | undefined;

/** The app's root, built at first use from the process's settings (a ConfigError until they are valid). */
export function appRoot(): AppRoot {
  return (root ??= createAppRoot(loadConfig(process.env)));
}
