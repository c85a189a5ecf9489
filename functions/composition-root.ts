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
import { LRUCache } from 'lru-cache';
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
  AgentLicensingService,
  AgentService,
  AgentsRepository,
  CallQueueScopes,
  CallQueueService,
  CallQueueSupervisorsRepository,
  CallQueuesRepository,
  type TenantUserDirectory,
} from '../shared/callqueues';
import {
  CallAnnouncer,
  CallCallbackFlow,
  CallbackDialer,
  CallbackRepository,
  CallEventsQueue,
  CallMenuFlow,
  HandleTimeRepository,
  CallQueueRouterService,
  CallNotificationIntake,
  CallRepository,
  CallRoutingService,
  CallSupervisionService,
  GraphCallControlFactory,
  GraphPresenceCache,
  routerReadMemo,
  type CallEndpointDirectory,
} from '../shared/calls';
import {
  EntraDelegatedTokens,
  GraphPresenceSubscriptions,
  PresenceConnectionService,
  PresenceConnectionsRepository,
  PresenceNotificationService,
  TokenSeal,
  PresenceSubscriptionsRepository,
  type PresenceEventMessage,
} from '../shared/presence';
import { decideOffers, estimateWaitS, ewma, noAgentActionApplies, overflowsAtArrival } from '../shared/routing';
import {
  AzureSpeechTextToSpeech,
  EspeakTextToSpeech,
  MenuNavigator,
  MenuRepository,
  MenuService,
  positionAndWaitPrompts,
  PromptRepository,
  PromptService,
  espeakAvailable,
  HttpLineOfBusiness,
  SecretBox,
  SelfServiceRepository,
  SelfServiceService,
  type TextToSpeech,
} from '../shared/menus';
import {
  ReportingFeed,
  ReportingRepository,
  ReportingService,
  RealtimeService,
  type FeedCall,
  type FeedCallback,
  type ReportingFeedMessage,
} from '../shared/reporting';
import { autoRemediates, loadConfig, ratesFor, type AppConfig } from '../shared/config';
import { DriftFindingsRepository, DriftScansRepository, DriftService } from '../shared/drift';
import {
  EndpointService,
  EndpointStepsRepository,
  EndpointsRepository,
  rebindEndpoint,
  toView,
  type EndpointBinding,
  readConsent,
  TenantCountry,
  listFreeNumbers,
  type ConsentReport,
} from '../shared/provisioning';
import {
  OnboardingService,
  RoleAssignmentService,
  TenantsRepository,
  TenantUsageRepository,
} from '../shared/onboarding';
import { JsonQueue, RateBuckets } from '../shared/storage';
import { parseE164 } from '../shared/domain';
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
  /** Validates bearer tokens for Switchboard's API (onboarded tenants only; keys cached per issuer). */
  readonly apiTokens: ApiTokenValidator;
  /** The tenants Switchboard serves (table `tenants`) and their daily quotas. */
  readonly onboarding: OnboardingService;
  /** Who holds Switchboard's API roles in a tenant (appRoleAssignedTo on the API app's service principal). */
  readonly roleAssignments: RoleAssignmentService;
  /** Call queue agents who would need a Teams Phone licence under Direct Routing and lack one. */
  readonly agentLicensing: AgentLicensingService;
  /** Each endpoint's call queue (`queueId` asked for), by lower-cased UPN: a supervisor's scope over drift findings. */
  endpointCallQueues(tenantId: string): Promise<Map<string, string>>;
  /** DRIFT_AUTO_REMEDIATE for a tenant. */
  autoRemediates(tenantId: string): boolean;
  /** What the tenant granted the contact-center bot and the web app, and the admin-consent links. */
  consent(tenantId: string): Promise<ConsentReport>;
  /** One page of the tenant's free phone numbers (Graph, through the TenantGateway): the portal's number picker. */
  freeNumbers(tenantId: string, o: { top?: number; token?: string }): ReturnType<typeof listFreeNumbers>;
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
  /** Monitor / barge and the recording's pause / resume of live calls (issue 15 items 5, 6). */
  callSupervision(log?: (line: string) => void): CallSupervisionService;
  readonly callEventsQueue: CallEventsQueue;
  /**
   * Presence change notifications (PRESENCE_NOTIFICATION_URL): the webhook's intake, the presence events trigger and
   * the subscription manager; `presenceNotifications` logs nowhere, `presenceNotificationsFor` through an invocation.
   */
  readonly presenceNotifications: PresenceNotificationService;
  presenceNotificationsFor(log?: (line: string) => void): PresenceNotificationService;
  /**
   * The tenant's delegated presence connection (table `presenceConnections`): an Admin connects once, the subscription
   * manager takes its Graph token from it (presence subscriptions are delegated only).
   */
  readonly presenceConnections: PresenceConnectionService;
  /** Tenants whose calls we route: those with endpoints, and CALLS_TENANTS. */
  callTenants(): Promise<string[]>;
  /** Call queues and their supervisors (tables `callQueues`, `callQueueSupervisors`). */
  readonly callQueues: CallQueueService;
  /** Agents: skills, live state with presence, opt in / out (table `agents`). */
  readonly agents: AgentService;
  /** Which call queues a caller may see and manage (token claim + supervisor assignments). */
  readonly callQueueScopes: CallQueueScopes;
  /** Prompts (blob `prompts`, table `prompts`) and menus (table `menus`). */
  readonly prompts: PromptService;
  readonly menus: MenuService;
  /** Self-services: the line-of-business hooks menus lead to (table `selfServices`, secrets sealed). */
  readonly selfServices: SelfServiceService;
  /** Points an endpoint at a menu or a call queue (which must exist); no reprovisioning. */
  rebindEndpoint(
    tenantId: string,
    upn: string,
    binding: EndpointBinding,
  ): Promise<
    | { kind: 'rebound'; endpoint: ReturnType<typeof toView> }
    | { kind: 'notFound' }
    | { kind: 'invalid'; errors: { field: string; message: string }[] }
  >;
  /** The reporting feed (the `reporting` queue trigger): contact records and agent state time, once each. */
  reportingFeed(log?: (line: string) => void): ReportingFeed;
  /** Contact records and aggregate buckets; historical reports from the buckets. */
  readonly reporting: ReportingRepository;
  readonly reports: ReportingService;
  /** The wallboard's figures (live rows + today's buckets). */
  readonly realtime: RealtimeService;
  /** Callbacks callers asked for (table `callbacks`). */
  readonly callbacks: CallbackRepository;
  /** Call queue configs and agents' live rows (real-time view). */
  readonly callQueueRecords: CallQueuesRepository;
  readonly agentRecords: AgentsRepository;
}

/** `{text}` prompts: Azure AI Speech when configured, else espeak-ng when on PATH (local), else none. */
function textToSpeech(config: AppConfig): TextToSpeech | undefined {
  const speech = config.menus.speech;
  if (speech) return new AzureSpeechTextToSpeech(speech);
  return espeakAvailable() ? new EspeakTextToSpeech() : undefined;
}

/** How long a tenant found serving (with endpoints) is believed without asking the table again. */
const SERVED_TENANT_TTL_MS = 60_000;
/** Served tenants remembered at once: the webhook's memory stays bounded whatever tenant ids tokens carry. */
export const SERVED_TENANTS_MAX = 10_000;

/** The calls capability's view of the endpoints table (provisioning's), through its port. */
export function endpointDirectory(
  endpoints: Pick<EndpointsRepository, 'list' | 'findByApplicationInstance'>,
  extraTenants: readonly string[],
  o: { maxTenants?: number } = {},
): CallEndpointDirectory {
  // Only tenants found serving are remembered (a refusal is not), each for SERVED_TENANT_TTL_MS, the least recently
  // asked evicted first.
  const served = new LRUCache<string, true>({ max: o.maxTenants ?? SERVED_TENANTS_MAX, ttl: SERVED_TENANT_TTL_MS });
  return {
    async servesTenant(tenantId) {
      const t = tenantId.toLowerCase();
      if (extraTenants.includes(t)) return true;
      if (served.get(t)) return true;
      const page = await endpoints.list(t, { top: 1 });
      if (page.items.length === 0) return false;
      served.set(t, true);
      return true;
    },
    async findByApplicationInstance(tenantId, objectId) {
      // The index row kept by the endpoints' write path: two point reads, never a scan of the tenant's partition.
      const found = await endpoints.findByApplicationInstance(tenantId, objectId);
      if (!found) return undefined;
      const callQueueId = found.actual?.queueId ?? found.desired.queueId;
      const menuId = found.actual?.menuId ?? found.desired.menuId;
      return {
        userPrincipalName: found.desired.userPrincipalName,
        status: found.status,
        ...(callQueueId ? { callQueueId } : {}),
        ...(menuId ? { menuId } : {}),
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

  const onboarding = new OnboardingService({
    tenants: new TenantsRepository(connection),
    usage: new TenantUsageRepository(connection),
    operatorTenantId: config.operatorTenantId,
  });
  const endpoints = new EndpointsRepository(connection);
  const steps = new EndpointStepsRepository(connection);
  const bulkRows = new BulkRowsRepository(connection);
  const bulkBatches = new BulkBatchesRepository(connection);
  const provisionQueue = new ProvisionRequestQueue(connection, config.bulk.queueName);
  const driftFindings = new DriftFindingsRepository(connection);
  const driftScans = new DriftScansRepository(connection);

  // The reporting feed hears of ended calls from the calls' outbox and of agent state spans from the agents' rows.
  // A send that fails (after the storage client's own retries) is logged, never thrown: the call's or agent's write
  // has committed, and failing the router's message would skip the rest of its work on the retry (which finds the
  // transition done). A killed process still repeats the send: the outbox is told again by the retried message (calls)
  // or the agent's next change (spans). docs/metrics.md "The feed".
  const feedQueue = new JsonQueue<ReportingFeedMessage>(connection, config.reporting.queueName);
  const tellFeed = (message: ReportingFeedMessage): Promise<void> =>
    feedQueue.send(message).catch((e: unknown) => {
      console.error(`reporting feed: ${message.kind} of ${message.tenantId} not sent: ${(e as Error).message}`);
    });
  const calls = new CallRepository(connection, {
    onLogged: async (tenantId, callId, entries) => {
      if (entries.some((e) => e.kind === 'ended')) await tellFeed({ kind: 'callEnded', tenantId, callId });
      // A callback completes long after its asking call ended (and was recorded): it is counted on its own.
      if (entries.some((e) => e.kind === 'callbackCompleted'))
        await tellFeed({ kind: 'callbackCompleted', tenantId, callbackId: callId });
    },
  });
  const reporting = new ReportingRepository(connection);
  const reports = new ReportingService(reporting);
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
  const agents = new AgentsRepository(connection, undefined, {
    onStateChanged: (tenantId, agentId, spans) => tellFeed({ kind: 'agentSpans', tenantId, agentId, spans }),
  });
  const reportingFeed = (log?: (line: string) => void): ReportingFeed =>
    new ReportingFeed({
      async loadCall(tenantId, callId): Promise<FeedCall | undefined> {
        const stored = await calls.get(tenantId, callId);
        if (!stored) return undefined;
        const r = stored.record;
        const route = r.arrival?.route;
        const caller = r.arrival?.callerPhone ?? r.arrival?.callerUserId;
        return {
          ended: r.end !== undefined,
          ...(r.connected ? { connectedAgentId: r.connected.agentId } : {}),
          ...(route?.action === 'answer' && route.endpoint ? { endpoint: route.endpoint } : {}),
          ...(caller ? { caller } : {}),
          story: await calls.listEvents(tenantId, callId),
        };
      },
      async loadCallback(tenantId, callbackId): Promise<FeedCallback | undefined> {
        const c = await callbackRecords.get(tenantId, callbackId);
        if (!c) return undefined;
        return {
          state: c.state,
          callQueueId: c.callQueueId,
          ...(c.agentId ? { agentId: c.agentId } : {}),
          ...(c.connectedAt !== undefined ? { connectedAt: c.connectedAt } : {}),
          ...(c.completedAt !== undefined ? { endedAt: c.completedAt } : {}),
        };
      },
      thresholdS: async (tenantId, callQueueId) =>
        (await callQueueRecords.get(tenantId, callQueueId))?.serviceLevelThresholdS,
      repo: reporting,
      requeue: (message, delayMs) => feedQueue.send(message, { delayMs }),
      log,
    });
  const users: TenantUserDirectory = {
    // `userPrincipalName in (15 UPNs)` × 20 per `$batch` (a 2,000-agent call queue: 134 sub-requests, 7 requests):
    // a UPN not returned is no user; a failed read fails the request rather than blame the UPN.
    async resolveUsers(tenantId, upns) {
      const found = await tenantGateway(tenantId).findUsersByUpns(upns, ['id', 'userPrincipalName']);
      if (found.failed.length) throw found.failed[0].error;
      const out = new Map<string, string>();
      for (const u of found.users)
        if (u.id && u.userPrincipalName) out.set(u.userPrincipalName.toLowerCase(), u.id.toLowerCase());
      return out;
    },
  };

  const prompts = new PromptService({
    repo: new PromptRepository(connection),
    tts: textToSpeech(config),
    baseUrl: config.menus.promptsBaseUrl,
  });
  const menuRecords = new MenuRepository(connection);
  const selfServiceRecords = new SelfServiceRepository(connection, new SecretBox(config.menus.selfServiceSecretKey));
  const callQueueExists = async (tenantId: string, queueId: string) =>
    !!(await callQueueRecords.get(tenantId, queueId));
  const menus = new MenuService({
    menus: menuRecords,
    prompts,
    directory: {
      callQueueExists,
      resolveUsers: (tenantId, upns) => users.resolveUsers(tenantId, upns),
      selfServiceExists: async (tenantId, serviceId) => !!(await selfServiceRecords.get(tenantId, serviceId)),
    },
  });
  const selfServices = new SelfServiceService({
    services: selfServiceRecords,
    menus: menuRecords,
    prompts,
    directory: { callQueueExists },
    allowHttpLoopback: config.menus.selfServiceAllowHttpLoopback,
  });
  const handleTimes = new HandleTimeRepository(connection);
  const callbackRecords = new CallbackRepository(connection);
  const navigator = new MenuNavigator({
    menus: menuRecords,
    prompts,
    clockAt: config.menus.clockAt,
    // The line-of-business POST is I/O: its adapter is built here, the navigator reaches it through its port.
    selfServices: { services: selfServiceRecords, lob: new HttpLineOfBusiness() },
  });

  /** The call router and the call queue router of one invocation (each needs the other). */
  const callRouting = (log?: (line: string) => void): CallRoutingService => {
    const menuFlow = new CallMenuFlow({
      calls,
      menus: { step: (tenantId, q) => navigator.step(tenantId, q) },
      apply: (tenantId, callId, input) => service.applyRouterInput(tenantId, callId, input),
      timers: callEventsQueue,
      callbackUri: () => service.callbackUri,
      log,
    });
    // One message's reads made once (the enqueue's checks and the routing pass ask for the same facts).
    const reads = routerReadMemo({ callQueues: callQueueRecords, agents, calls });
    const router = new CallQueueRouterService({
      callQueues: reads.callQueues,
      agents: reads.agents,
      calls: reads.calls,
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
      callbacks: {
        waiting: (tenantId, queueId, now) => callbackDialer.waiting(tenantId, queueId, now),
        dial: (tenantId, callbackId, agentId, offerId) => callbackDialer.dial(tenantId, callbackId, agentId, offerId),
      },
      log,
    });
    const announcer = new CallAnnouncer({
      calls,
      callQueue: (tenantId, queueId) => callQueueRecords.get(tenantId, queueId),
      agents,
      estimate: estimateWaitS,
      prompts: (tenantId, position, estimateS, callbackUri) =>
        prompts.urls(
          tenantId,
          positionAndWaitPrompts(position, estimateS).map((prompt) => ({ prompt })),
          callbackUri ? new URL(callbackUri).origin : undefined,
        ),
      handleTimes: {
        get: (tenantId, queueId) => handleTimes.get(tenantId, queueId),
        record: (tenantId, queueId, sampleS) => handleTimes.record(tenantId, queueId, sampleS, ewma),
      },
      apply: (tenantId, callId, input) => service.applyRouterInput(tenantId, callId, input),
      timers: callEventsQueue,
      callbackUri: () => service.callbackUri,
    });
    // Callbacks (issue 14 item 5): the offer to waiting callers, and the outbound calls that keep their place.
    const callbackDialer = new CallbackDialer({
      callbacks: callbackRecords,
      callControl,
      callbackUri: () => service.callbackUri,
      async agentChanged(tenantId, change) {
        await router.callChanged(tenantId, change);
        if (change.result !== 'connected')
          await router.routeAfterChange(tenantId, change.callQueueId, [change.agentId], Date.now());
      },
      note: (tenantId, callId, input) => service.applyRouterInput(tenantId, callId, input),
      timers: callEventsQueue,
      log,
    });
    const callbackFlow = new CallCallbackFlow({
      calls,
      callbacks: callbackRecords,
      settings: async (tenantId, queueId) => (await reads.callQueues.get(tenantId, queueId))?.callback,
      async country(tenantId, record) {
        const instance = record.arrival?.targetApplicationInstanceId;
        const found = instance ? await endpoints.findByApplicationInstance(tenantId, instance) : undefined;
        const number = found?.desired.phoneNumber;
        const byNumber = number ? parseE164(number) : undefined;
        return (
          (byNumber?.ok ? byNumber.country : undefined) ?? found?.desired.usageLocation ?? config.defaultUsageLocation
        );
      },
      prompts: (tenantId, names, callbackUri) =>
        prompts.urls(
          tenantId,
          names.map((prompt) => ({ prompt })),
          callbackUri ? new URL(callbackUri).origin : undefined,
        ),
      apply: (tenantId, callId, input) => service.applyRouterInput(tenantId, callId, input),
      route: (tenantId, queueId) => router.route(tenantId, queueId, Date.now()),
      timers: callEventsQueue,
      callbackUri: () => service.callbackUri,
      log,
    });
    const service: CallRoutingService = new CallRoutingService({
      calls: reads.calls,
      directory,
      callControl,
      timers: callEventsQueue,
      keepAliveEveryMs: config.calls.keepAliveIntervalS * 1000,
      router,
      menuFlow,
      announcer,
      callbackFlow,
      callbackDialer,
      log,
      callbackUri: config.calls.callbackUrl,
      recordingPolicy: async (tenantId, queueId) => (await reads.callQueues.get(tenantId, queueId))?.recording,
    });
    return service;
  };

  // Presence change notifications: subscriptions over every call queue agent, their webhook and handler.
  const presenceEvents = new JsonQueue<PresenceEventMessage>(connection, config.presence.eventsQueueName);
  const presenceSubscriptions = new PresenceSubscriptionsRepository(connection);
  // Graph takes presence subscriptions with a delegated token only: the tenant's presence connection gives it.
  let presenceConnections: PresenceConnectionService | undefined;
  const presenceConnectionsOf = (): PresenceConnectionService =>
    (presenceConnections ??= new PresenceConnectionService({
      connections: new PresenceConnectionsRepository(connection),
      entra: new EntraDelegatedTokens({
        authorityHost: config.authorityHost,
        clientId: config.bot.appId,
        clientSecret: config.bot.clientSecret,
      }),
      seal: new TokenSeal(config.presence.tokenKey, config.bot.clientSecret),
      notificationsEnabled: !!config.presence.notificationUrl,
      log: (line) => console.log(line),
    }));
  const presenceGraph = new GraphPresenceSubscriptions({
    graphBaseUrl: config.graphBaseUrl,
    token: (tenantId) => presenceConnectionsOf().accessToken(tenantId),
  });
  const presenceNotificationsFor = (log?: (line: string) => void) =>
    new PresenceNotificationService({
      subscriptions: presenceSubscriptions,
      graph: presenceGraph,
      queue: presenceEvents,
      agentIds: async (tenantId) => [
        ...new Set((await callQueueRecords.list(tenantId)).flatMap((q) => q.agents.map((a) => a.agentId))),
      ],
      presenceChanged: (tenantId, ids, trigger) => callRouting(log).presenceChanged(tenantId, ids, trigger),
      notificationUrl: config.presence.notificationUrl,
      connected: (tenantId) => presenceConnectionsOf().connected(tenantId),
      log,
    });

  const supervisors = new CallQueueSupervisorsRepository(connection);
  // A routing pass is a timer message with no deadline: CallRoutingService.handleTimer routes the call queue. A call
  // queue saved (its agents may have changed) also asks for the tenant's presence subscriptions to be brought in line.
  const routingPasses = {
    routingPass: async (tenantId: string, queueId: string, reason: string) => {
      await callEventsQueue.send([
        { kind: 'timer', tenantId, callQueueId: queueId, purpose: reason, dueAt: Date.now() },
      ]);
      if (config.presence.notificationUrl && reason === 'configChanged')
        await presenceEvents.send({ kind: 'reconcile', tenantId: tenantId.toLowerCase(), receivedAt: Date.now() });
    },
  };
  const callQueueService = new CallQueueService({
    callQueues: callQueueRecords,
    agents,
    users,
    supervisors,
    calls: { activeCalls: (tenantId, queueId) => calls.listActive(tenantId, queueId) },
    routing: routingPasses,
  });
  const agentService = new AgentService({
    callQueues: callQueueRecords,
    agents,
    users,
    presence,
    routing: routingPasses,
    callers: { callerOf: async (tenantId, callId) => (await calls.get(tenantId, callId))?.record.arrival?.callerPhone },
  });

  const consentLinks = { authorityHost: config.authorityHost, redirectUri: config.adminConsentRedirectUri };

  // The tenant's organization country, DEFAULT_USAGE_LOCATION only as fallback (issue 17 item 13).
  const tenantCountry = new TenantCountry({
    gateway: tenantGateway,
    fallback: config.defaultUsageLocation,
    log: (line) => console.warn(line),
  });
  const endpointService = (client: df.DurableClient): EndpointService =>
    new EndpointService(
      endpoints,
      steps,
      durableWorkflows(client, { licenseRule: config.resourceAccountLicenseRule, timing: config.provisioningWaits }),
      { applicationId: config.bot.appId, usageLocation: (tenantId) => tenantCountry.of(tenantId) },
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
    apiTokens: new ApiTokenValidator(config, undefined, onboarding),
    onboarding,
    roleAssignments: new RoleAssignmentService({ gateway: tenantGateway, apiAudience: config.api.audience }),
    agentLicensing: new AgentLicensingService({
      callQueues: callQueueRecords,
      agents,
      gateway: tenantGateway,
    }),
    callNotificationIntake: new CallNotificationIntake({
      tokens: new BotNotificationTokenValidator(config),
      directory,
      queue: callEventsQueue,
      callbackUrl: config.calls.callbackUrl,
    }),
    callRouting,
    presenceNotifications: presenceNotificationsFor(),
    presenceNotificationsFor,
    get presenceConnections() {
      return presenceConnectionsOf();
    },
    callQueues: callQueueService,
    agents: agentService,
    callQueueScopes: new CallQueueScopes(supervisors),
    prompts,
    menus,
    selfServices,
    async rebindEndpoint(tenantId, upn, binding) {
      const exists =
        'menuId' in binding
          ? !!(await menuRecords.get(tenantId, binding.menuId))
          : !!(await callQueueRecords.get(tenantId, binding.queueId));
      if (!exists) {
        const [field, id] = 'menuId' in binding ? ['menuId', binding.menuId] : ['queueId', binding.queueId];
        const what = field === 'menuId' ? 'menu' : 'call queue';
        return { kind: 'invalid', errors: [{ field, message: `no ${what} ${id} in this tenant` }] };
      }
      const record = await rebindEndpoint(endpoints, tenantId, upn, binding);
      if (!record) return { kind: 'notFound' };
      return { kind: 'rebound', endpoint: toView(record, await steps.list(tenantId, upn)) };
    },
    calls,
    callSupervision: (log) => {
      const routing = callRouting(log);
      return new CallSupervisionService({
        calls,
        apply: (tenantId, callId, input) => routing.applyRouterInput(tenantId, callId, input),
        resolveUser: async (tenantId, upn) => (await users.resolveUsers(tenantId, [upn])).get(upn.toLowerCase()),
      });
    },
    callEventsQueue,
    reportingFeed,
    reporting,
    reports,
    realtime: new RealtimeService({
      callQueues: (tenantId) => callQueueRecords.list(tenantId),
      agents: (tenantId) => agents.list(tenantId),
      activeCalls: (tenantId) => calls.listActive(tenantId),
      reports,
      async callbacksWaiting(tenantId) {
        const open = [
          ...(await callbackRecords.list(tenantId, { state: 'pending' })),
          ...(await callbackRecords.list(tenantId, { state: 'dialing' })),
        ];
        const out = new Map<string, number>();
        for (const c of open) out.set(c.callQueueId, (out.get(c.callQueueId) ?? 0) + 1);
        return out;
      },
    }),
    callQueueRecords,
    callbacks: callbackRecords,
    agentRecords: agents,
    callTenants: async () => [...new Set([...(await endpoints.tenantIds()), ...config.calls.extraTenants])],
    autoRemediates: (tenantId) => autoRemediates(config, tenantId),
    endpointCallQueues: async (tenantId) =>
      new Map(
        (await endpoints.listAll(tenantId))
          .filter((e) => e.desired.queueId)
          .map((e) => [e.desired.userPrincipalName.toLowerCase(), e.desired.queueId as string]),
      ),
    consent: (tenantId) =>
      readConsent(tenantGateway(tenantId), { appId: config.bot.appId, webAppId: config.webAppId, ...consentLinks }),
    freeNumbers: (tenantId, o) => listFreeNumbers(tenantGateway(tenantId), o),
    endpointService,
    bulkUpload: new BulkUploadService({
      rows: bulkRows,
      batches: bulkBatches,
      queue: provisionQueue,
      endpoints,
      gateway: tenantGateway,
      // The tenant's bulk rows per day (onboarding quota), taken once per new batch for its accepted rows.
      admit: (tenantId, accepted) => onboarding.take(tenantId, 'bulkRowsPerDay', accepted),
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
