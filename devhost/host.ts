/**
 * The devhost: what `func start` does for a Node.js v4 app, in one process.
 *
 * Start order (mirrors the host + worker): settings (local.settings.json → env, env wins) → host.json (+ env
 * overrides) → storage (Azurite when `UseDevelopmentStorage=true` and nothing listens) → HTTP listen (so the port,
 * WEBSITE_HOSTNAME and the durable origin are known) → `@azure/functions-core` stand-in → entry files →
 * appStart hooks → trigger sources (durable, queues, timers) → banner → `devhost ready: <origin>`.
 * Stop order: HTTP stops accepting, trigger sources stop (in-flight work finishes or is returned), appTerminate
 * hooks, Azurite (if we started it).
 */
import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { resolveAppEntry, loadEntryFiles } from './app/load-app';
import { OutputBindingInvoker, connectionSettingOf, resolveQueueName } from './bindings/output-invoker';
import { applyHostJsonEnvOverrides, getPath, readHostJson } from './config/host-json';
import { queueOptionsOf, routePrefixOf } from './config/host-options';
import {
  ConfigError,
  applySettingsToEnv,
  lookupSetting,
  readLocalSettings,
  resolveSettingExpression,
} from './config/settings';
import { CoreApiRegistry, installCoreApi } from './core-api';
import { ConsoleLogger } from './logger';
import { createDurableRuntime } from './durable';
import { HttpRouter } from './http/router';
import { HttpHost } from './http/server';
import { WorkerInvoker, type InputProvider } from './invoker';
import { QueueListener } from './queues/queue-listener';
import { QueueService, messageEncodingFrom } from './queues/queue-service';
import { ensureAzurite, isDevelopmentStorage, type AzuriteHandle } from './storage/azurite';
import { parseSchedule } from './timers/schedule';
import { ScheduleStatusStore, TimerTrigger, timerTriggerValue } from './timers/timer-trigger';
import type { DurableRuntime, HostContext, HostJson, Logger, RegisteredFunction, TriggerSource } from './types';

export interface DevHostOptions {
  appDir: string;
  /** Undefined → FUNCTIONS_HTTP_PORT, local.settings.json Host.LocalHttpPort, then 7071. 0 = any free port. */
  port?: number;
  /** Interface to bind: default loopback (127.0.0.1), or DEVHOST_HOST; `*` = every interface. */
  host?: string;
  logger: Logger;
  /** Show every log level (host.json logging.logLevel is then ignored). */
  verbose?: boolean;
  /** Run Azurite in memory when the devhost starts it. */
  azuriteInMemory?: boolean;
  /** Run `npm run build` when `main` matches nothing and a build script exists (default true). */
  build?: boolean;
  /** How long stop() lets in-flight invocations finish. */
  drainTimeoutMs?: number;
  /** Allowed CORS origins (comma-separated, `*` = any); default local.settings.json `Host.CORS`. */
  cors?: string;
  /** The environment the app sees (default process.env — the app runs in this process). */
  env?: NodeJS.ProcessEnv;
}

const DURABLE_TRIGGERS = new Set(['orchestrationtrigger', 'activitytrigger', 'entitytrigger']);

export class DevHost {
  readonly registry: CoreApiRegistry;
  private readonly http: HttpHost;
  private readonly sources: TriggerSource[] = [];
  private readonly queueListeners = new Map<string, QueueListener[]>();
  private durable: DurableRuntime | undefined;
  private azurite: AzuriteHandle | undefined;
  private stopping: Promise<void> | undefined;
  private started = false;
  appDir: string;
  origin = '';
  hostJson: HostJson = {};

  constructor(private readonly options: DevHostOptions) {
    this.appDir = path.resolve(options.appDir);
    this.registry = new CoreApiRegistry((level, category, message) => options.logger.log(level, message, { category }));
    this.http = new HttpHost(options.logger);
  }

  get functions(): RegisteredFunction[] {
    return [...this.registry.functions.values()];
  }

  async start(): Promise<string> {
    const { logger } = this.options;
    const env = this.options.env ?? process.env;
    if (!existsSync(this.appDir) || !statSync(this.appDir).isDirectory()) {
      throw new ConfigError(`App folder ${this.appDir} does not exist`);
    }

    // 1. Settings and host.json. The worker runs with the app folder as its working directory.
    const localSettings = readLocalSettings(this.appDir);
    applySettingsToEnv(localSettings.Values, env);
    this.hostJson = applyHostJsonEnvOverrides(readHostJson(this.appDir), env);
    if (logger instanceof ConsoleLogger) {
      logger.configureLevels(getPath(this.hostJson, 'logging', 'logLevel'), this.options.verbose === true);
    }
    const entry = resolveAppEntry(this.appDir, logger, { build: this.options.build });
    process.chdir(this.appDir);
    const settings = env as Record<string, string | undefined>;

    // 2. Storage.
    const storage = lookupSetting(settings, 'AzureWebJobsStorage');
    if (isDevelopmentStorage(storage)) {
      this.azurite = await ensureAzurite({
        inMemory: this.options.azuriteInMemory,
        location: path.join(this.appDir, '.azurite'),
        log: (line) => logger.info(line),
      });
    }

    // 3. HTTP listens first so the origin is known before the app (and the durable SDK) reads WEBSITE_HOSTNAME.
    const port = this.options.port ?? portFromSettings(env, localSettings.Host?.LocalHttpPort);
    const actualPort = await this.http.listen(port, this.options.host ?? env.DEVHOST_HOST);
    this.origin = `http://localhost:${actualPort}`;
    env.WEBSITE_HOSTNAME = `localhost:${actualPort}`;
    env.FUNCTIONS_WORKER_RUNTIME ??= 'node';
    env.AZURE_FUNCTIONS_ENVIRONMENT ??= 'Development'; // what func sets locally

    // 4. Load the app under the core API stand-in.
    installCoreApi(this.registry);
    await loadEntryFiles(entry);
    const functions = this.functions;
    if (functions.length === 0) logger.warn('No functions were registered by the app (no app.* calls ran).');
    if (functions.length > 0 && !this.registry.programmingModel) {
      throw new ConfigError(
        'Functions were registered but no programming model was set (is @azure/functions v4 used?)',
      );
    }

    // The worker asks the programming model for its capabilities once the app is loaded (this also locks
    // app.setup); `HttpUri` means the app enabled HTTP streaming through the library's proxy.
    const capabilities = (await this.registry.programmingModel?.getCapabilities?.({})) ?? {};
    const streamUri = typeof capabilities.HttpUri === 'string' ? capabilities.HttpUri : undefined;
    if (streamUri) logger.info(`HTTP streaming enabled (library proxy at ${streamUri})`);

    // 5. Invocation pipeline: worker invoker → host-side output bindings.
    const queueService = new QueueService(
      messageEncodingFrom(getPath(this.hostJson, 'extensions', 'queues', 'messageEncoding')),
    );
    const connection = (setting = 'AzureWebJobsStorage'): string => {
      const value = lookupSetting(settings, setting) ?? lookupSetting(settings, `AzureWebJobs${setting}`);
      if (!value)
        throw new ConfigError(`Storage connection setting "${setting}" is not set (local.settings.json Values or env)`);
      return value;
    };
    const inputProvider: InputProvider = (binding) => {
      if (binding.type.toLowerCase() === 'durableclient') {
        if (!this.durable) throw new Error('durableClient binding used but the durable runtime is not running');
        return { string: this.durable.clientBindingData() };
      }
      return undefined;
    };
    const workerInvoker = new WorkerInvoker(this.registry, logger, inputProvider);
    const invoker = new OutputBindingInvoker(workerInvoker, queueService, settings, connection, logger, (queueName) =>
      this.queueListeners.get(queueName)?.forEach((l) => l.notify()),
    );
    invoker.prepare(functions);

    const ctx: HostContext = {
      appDir: this.appDir,
      hostJson: this.hostJson,
      settings,
      functions,
      invoker,
      logger,
      storageConnectionString: connection,
      origin: this.origin,
    };

    // 6. Trigger sources (validated before anything runs).
    // `AzureWebJobs.<name>.Disabled=true` turns a function off, as in the host (HTTP 404, no listener).
    const disabled = new Set(functions.filter((fn) => isDisabled(fn, settings)));
    const enabled = functions.filter((fn) => !disabled.has(fn));
    const router = new HttpRouter(enabled, routePrefixOf(this.hostJson));
    // The processing lease is the devhost's own knob (the host's is internal); tests shorten it.
    const lease = Number(lookupSetting(settings, 'DEVHOST_QUEUE_LEASE_SECONDS') ?? '');
    const queueOptions = queueOptionsOf(
      this.hostJson,
      this.options.drainTimeoutMs ?? 30_000,
      Number.isInteger(lease) && lease >= 2 ? lease : undefined,
    );
    const timers: TimerTrigger[] = [];
    const statusStore = new ScheduleStatusStore(path.join(this.appDir, '.devhost', 'timers'));
    const timeZone = lookupSetting(settings, 'WEBSITE_TIME_ZONE') || undefined;
    for (const fn of enabled) {
      const type = fn.trigger.type.toLowerCase();
      if (type === 'queuetrigger') {
        const queueName = resolveQueueName(fn.trigger, settings, `${fn.metadata.name}: queue trigger`);
        const listener = new QueueListener(
          fn,
          queueName,
          connection(connectionSettingOf(fn.trigger)),
          queueService,
          invoker,
          logger,
          queueOptions,
        );
        const list = this.queueListeners.get(queueName) ?? [];
        list.push(listener);
        this.queueListeners.set(queueName, list);
        this.sources.push(listener);
      } else if (type === 'timertrigger') {
        const expression = resolveSettingExpression(String(fn.trigger.schedule ?? ''), settings);
        const schedule = parseSchedule(expression, timeZone);
        const useMonitor =
          typeof fn.trigger.useMonitor === 'boolean' ? fn.trigger.useMonitor : schedule.minIntervalMs() >= 60_000;
        const timer = new TimerTrigger(
          fn,
          schedule,
          { runOnStartup: fn.trigger.runOnStartup === true, useMonitor },
          statusStore,
          invoker,
          logger,
        );
        timers.push(timer);
        this.sources.push(timer);
      } else if (type !== 'httptrigger' && !DURABLE_TRIGGERS.has(type)) {
        logger.warn(
          `Function '${fn.metadata.name}': trigger type ${fn.trigger.type} is not supported by the devhost; it will not run.`,
        );
      }
    }
    if (functions.some(usesDurable)) this.durable = createDurableRuntime(ctx);

    // 7. appStart hooks, then work begins.
    await this.registry.runHooks('appStart', this.hookContext());
    this.http.setApp({
      router,
      invoker,
      durable: this.durable,
      streamUri,
      functions: this.registry.functions,
      cors: this.options.cors ?? (typeof localSettings.Host?.CORS === 'string' ? localSettings.Host.CORS : undefined),
      invokeByAdmin: async (fn, input) => this.invokeByAdmin(fn, input, invoker),
    });
    if (this.durable) await this.durable.start();
    for (const source of this.sources) await source.start();
    this.started = true;

    logger.log('information', formatBanner(functions, router, this.origin, this.queueNames(), timers, disabled), {
      force: true,
    });
    return this.origin;
  }

  private queueNames(): Map<RegisteredFunction, string> {
    const out = new Map<RegisteredFunction, string>();
    for (const [name, listeners] of this.queueListeners) for (const l of listeners) out.set(l.fn, name);
    return out;
  }

  private hookContext(): Record<string, unknown> {
    return {
      hookData: this.registry.appHookData,
      appHookData: this.registry.appHookData,
      functionAppDirectory: this.appDir,
    };
  }

  /** func's admin endpoint: queue → message text, timer → a TimerInfo (not past due). */
  private async invokeByAdmin(fn: RegisteredFunction, input: string, invoker: OutputBindingInvoker): Promise<boolean> {
    const type = fn.trigger.type.toLowerCase();
    let triggerData;
    if (type === 'timertrigger') triggerData = { json: timerTriggerValue(null, false) };
    else if (type === 'queuetrigger') triggerData = { string: input };
    else return false;
    void invoker.invoke(fn, { triggerData }).catch(() => undefined);
    return true;
  }

  /** Graceful stop; safe to call more than once (later calls wait for the first). */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const { logger } = this.options;
    const grace = this.options.drainTimeoutMs ?? 30_000;
    logger.info('Stopping the host: no new work; waiting for in-flight invocations…');
    const results = await Promise.allSettled([
      this.http.stop(grace),
      ...this.sources.map((s) => s.stop()),
      ...(this.durable ? [this.durable.stop()] : []),
    ]);
    for (const r of results) if (r.status === 'rejected') logger.warn(`While stopping: ${String(r.reason)}`);
    if (this.started) {
      try {
        await this.registry.runHooks('appTerminate', this.hookContext());
      } catch (err) {
        logger.error(`appTerminate hook failed: ${(err as Error).stack ?? String(err)}`);
      }
    }
    if (this.azurite?.started) {
      await this.azurite.stop();
      logger.info('Stopped Azurite');
    }
  }
}

export function isDisabled(fn: RegisteredFunction, settings: Record<string, string | undefined>): boolean {
  const value = lookupSetting(settings, `AzureWebJobs.${fn.metadata.name}.Disabled`);
  return value !== undefined && /^(true|1)$/i.test(value.trim());
}

function usesDurable(fn: RegisteredFunction): boolean {
  return Object.values(fn.metadata.bindings).some((b) => {
    const t = b.type.toLowerCase();
    return DURABLE_TRIGGERS.has(t) || t === 'durableclient';
  });
}

function portFromSettings(env: NodeJS.ProcessEnv, localHttpPort: unknown): number {
  const fromEnv = env.FUNCTIONS_HTTP_PORT;
  if (fromEnv && /^\d+$/.test(fromEnv)) return Number(fromEnv);
  if (typeof localHttpPort === 'number') return localHttpPort;
  return 7071;
}

/** func's startup listing: `Functions:` then one line per function with its trigger and route / queue / schedule. */
export function formatBanner(
  functions: RegisteredFunction[],
  router: HttpRouter,
  origin: string,
  queues: Map<RegisteredFunction, string>,
  timers: TimerTrigger[],
  disabled: Set<RegisteredFunction> = new Set(),
): string {
  const lines = ['Functions:', ''];
  const sorted = [...functions].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  for (const fn of sorted) {
    const http = router.routes.find((r) => r.fn === fn);
    const name = fn.metadata.name;
    if (disabled.has(fn)) {
      lines.push(`\t${name}: ${fn.trigger.type} (disabled)`);
      continue;
    }
    if (http) {
      lines.push(`\t${name}: [${http.methods.join(',')}] ${origin}/${http.path}`);
      continue;
    }
    const type = fn.trigger.type;
    const queue = queues.get(fn);
    const timer = timers.find((t) => t.fn === fn);
    if (queue) lines.push(`\t${name}: ${type} (queue: ${queue})`);
    else if (timer)
      lines.push(
        `\t${name}: ${type} (schedule: ${timer.schedule.expression}, next: ${timer.nextOccurrence().toISOString()})`,
      );
    else lines.push(`\t${name}: ${type}`);
  }
  return lines.join('\n') + '\n';
}
