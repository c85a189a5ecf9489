/**
 * The Durable Functions runtime of the devhost: a local stand-in for the Durable extension + the DTFx Azure Storage
 * backend (reference §2–§6). The host creates it with {@link createDurableRuntime} once its HTTP server listens.
 *
 * Layout of a task hub `H` (naming.ts, store.ts):
 * - table `HInstances`: one row per instance (PK escaped id, RK ""): Name, Input, Output, CustomStatus, RuntimeStatus,
 *   CreatedTime, LastUpdatedTime, CompletedTime, ExecutionId.
 * - table `HHistory`: PK instance id; RK 16-hex position; one row per event of the current execution, plus the
 *   `sentinel` row (ExecutionId, HistoryCount, the last episode's outbox and consumed message ids) whose ETag guards
 *   every episode's commit. Rows past HistoryCount (a crashed partial commit, an older execution) are ignored.
 * - queues `h-control-00..03` (partition = FNV-1a(instanceId) mod 4): JSON {mid, instanceId, executionId, event};
 *   timers are control messages delayed until FireAt. `h-workitems`: {mid, instanceId, executionId,
 *   taskScheduledId, name, input}. Messages over ~45 KB are stored as `large-<mid>` rows of the history partition.
 * Episodes (orchestrations.ts): receive control messages → per-instance batch → OrchestratorStarted + new events →
 * invoke the orchestrator → host-side replay (replayer.ts) finds new work → commit history → instance row →
 * outbound messages → delete consumed messages. Activities (activities.ts) run work items and report back.
 * Redelivered messages are dropped by message id / completed sequence id; an episode whose consumed messages come
 * back re-sends its outbox (the crash fell between commit and delete).
 */
import os from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DurableRuntime, HostContext } from '../types';
import { ActivityDispatcher } from './activities';
import { DurableHttpApi, clientBindingData } from './http-api';
import { Hub, type DurableSettings } from './hub';
import { DEFAULT_HUB_NAME, DEFAULT_PARTITION_COUNT, taskHubNames } from './naming';
import { OrchestrationDispatcher } from './orchestrations';
import { DEFAULT_LEASE_SECONDS, MessageLeases } from './queues';
import { timeSpanMs } from './replayer';
import { TaskHubStore } from './store';

export { clientBindingData } from './http-api';

/** Resolves `%Setting%` expressions the way the host does for binding and extension settings. */
function resolveSetting(value: string, settings: Record<string, string | undefined>): string {
  return value.replace(/%([^%]+)%/g, (whole, name: string) => settings[name] ?? whole);
}

function positiveInt(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : fallback;
}

type DurableSection = NonNullable<NonNullable<HostContext['hostJson']['extensions']>['durableTask']>;

/** `extensions.durableTask` of host.json, keys matched case-insensitively as the host's configuration does. */
function durableSection(ctx: HostContext): DurableSection {
  const lowerKeys = <T>(obj: unknown): T => {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return obj as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k.toLowerCase()] = v;
    return out as T;
  };
  const extensions = lowerKeys<Record<string, unknown>>(ctx.hostJson.extensions ?? {});
  const durable = lowerKeys<Record<string, unknown>>(extensions.durabletask ?? {});
  const provider = lowerKeys<Record<string, unknown>>(durable.storageprovider ?? {});
  return {
    hubName: durable.hubname as string | undefined,
    maxConcurrentActivityFunctions: durable.maxconcurrentactivityfunctions as number | undefined,
    maxConcurrentOrchestratorFunctions: durable.maxconcurrentorchestratorfunctions as number | undefined,
    storageProvider: {
      partitionCount: provider.partitioncount as number | undefined,
      connectionStringName: provider.connectionstringname ?? provider.connectionname,
      controlQueueVisibilityTimeout: provider.controlqueuevisibilitytimeout,
      workItemQueueVisibilityTimeout: provider.workitemqueuevisibilitytimeout,
    },
  };
}

/** A TimeSpan ("00:00:30") or a number of seconds; 5 s .. 7 days. */
function leaseSeconds(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_LEASE_SECONDS;
  const text = String(value).trim();
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : timeSpanMs(text) / 1000;
  return Math.min(7 * 24 * 3600, Math.max(5, Math.round(seconds)));
}

export function durableSettings(ctx: HostContext): {
  hubName: string;
  partitionCount: number;
  settings: DurableSettings;
} {
  const durable = durableSection(ctx);
  const hubName = resolveSetting(String(durable.hubName ?? DEFAULT_HUB_NAME), ctx.settings);
  const partitionCount = Math.min(16, positiveInt(durable.storageProvider?.partitionCount, DEFAULT_PARTITION_COUNT));
  // Episodes and activities mostly wait on storage, so more of them in flight than the extension's 10 × cores keeps
  // throughput up against Azurite; host.json can lower it.
  const cores = Math.max(1, os.cpus().length);
  return {
    hubName,
    partitionCount,
    settings: {
      maxConcurrentActivities: positiveInt(durable.maxConcurrentActivityFunctions, 50 * cores),
      maxConcurrentOrchestrations: positiveInt(durable.maxConcurrentOrchestratorFunctions, 50 * cores),
      maximumShortTimer: '6.00:00:00',
      longRunningTimerInterval: '3.00:00:00',
      controlLeaseSeconds: leaseSeconds(durable.storageProvider?.controlQueueVisibilityTimeout),
      workItemLeaseSeconds: leaseSeconds(durable.storageProvider?.workItemQueueVisibilityTimeout),
    },
  };
}

class Runtime implements DurableRuntime {
  private readonly hub: Hub;
  private readonly leases: MessageLeases;
  private readonly orchestrations: OrchestrationDispatcher;
  private readonly activities: ActivityDispatcher;
  private readonly api: DurableHttpApi;
  private started = false;

  constructor(private readonly ctx: HostContext) {
    const { hubName, partitionCount, settings } = durableSettings(ctx);
    const names = taskHubNames(hubName, partitionCount);
    const connectionSetting = durableSection(ctx).storageProvider?.connectionStringName;
    const store = new TaskHubStore(
      ctx.storageConnectionString(typeof connectionSetting === 'string' ? connectionSetting : undefined),
      names,
    );
    this.hub = new Hub(ctx, store, settings);
    this.leases = new MessageLeases(ctx.logger);
    this.orchestrations = new OrchestrationDispatcher(this.hub, this.leases);
    this.activities = new ActivityDispatcher(this.hub, this.leases);
    this.api = new DurableHttpApi(this.hub);
  }

  clientBindingData(): string {
    return clientBindingData(this.ctx.origin, this.hub.store.names.hub);
  }

  async handleHttp(req: IncomingMessage, res: ServerResponse, subPath: string): Promise<void> {
    await this.api.handle(req, res, subPath);
  }

  async start(): Promise<void> {
    if (this.started) return;
    // The SDK rewrites webhook origins to localhost:7071 unless WEBSITE_HOSTNAME is set (reference §4).
    if (!process.env.WEBSITE_HOSTNAME) process.env.WEBSITE_HOSTNAME = new URL(this.ctx.origin).host;
    await this.hub.store.ensureCreated();
    this.leases.start();
    this.orchestrations.start();
    this.activities.start();
    this.started = true;
    const names = this.hub.store.names;
    this.ctx.logger.info(
      `[durable] task hub '${names.hub}' (${names.controlQueues.length} control queues, ${names.workItemQueue}, ${names.instancesTable}, ${names.historyTable})`,
    );
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.hub.dispose();
    await Promise.all([this.orchestrations.stop(), this.activities.stop()]);
    this.leases.stop();
  }
}

export function createDurableRuntime(ctx: HostContext): DurableRuntime {
  return new Runtime(ctx);
}
