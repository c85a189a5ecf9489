/**
 * Stands in for `@azure/functions-core`, the in-memory module the Node.js worker provides (reference §1.1).
 * The library requires it lazily and caches a failure as "test mode", so {@link installCoreApi} must run before
 * the app's entry file is required.
 */
import Module from 'node:module';
import type { FunctionMetadata, LogLevel, RegisteredFunction } from './types';

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
type HookCallback = (context: Record<string, unknown>) => unknown;

/** The library's ProgrammingModel, as far as the devhost drives it. */
export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: unknown): InvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: (...args: unknown[]) => unknown): Promise<unknown>;
  getResponse(
    context: unknown,
    result: unknown,
  ): Promise<{
    invocationId: string;
    outputData?: { name: string; data: unknown }[];
    returnValue?: unknown;
  }>;
}

class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  #callback: (() => unknown) | undefined;
  constructor(callback: () => unknown) {
    this.#callback = callback;
  }
  dispose(): void {
    this.#callback?.();
    this.#callback = undefined;
  }
}

export type CoreLogSink = (level: LogLevel, category: string, message: string) => void;

/** Registry the app fills while its entry files load. */
export class CoreApiRegistry {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, HookCallback[]> = {
    appStart: [],
    appTerminate: [],
    preInvocation: [],
    postInvocation: [],
    log: [],
  };
  programmingModel: ProgrammingModel | undefined;
  /** Shared across all hooks of the app's lifetime (the worker's appHookData). */
  readonly appHookData: Record<string, unknown> = {};

  constructor(private readonly logSink: CoreLogSink) {}

  /** The object the app sees as `require('@azure/functions-core')`. */
  readonly api = {
    version: '3.11.0',
    hostVersion: '4.1036.0',
    Disposable,
    registerFunction: (metadata: FunctionMetadata, handler: (...args: unknown[]) => unknown): Disposable => {
      if (this.functions.has(metadata.name.toLowerCase())) {
        throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
      }
      const entry = Object.entries(metadata.bindings).find(([, b]) => /trigger$/i.test(b.type));
      if (!entry) {
        throw new Error(`Function "${metadata.name}" has no trigger binding.`);
      }
      const [triggerBindingName, trigger] = entry;
      this.functions.set(metadata.name.toLowerCase(), { metadata, handler, triggerBindingName, trigger });
      return new Disposable(() => this.functions.delete(metadata.name.toLowerCase()));
    },
    registerHook: (name: string, callback: HookCallback): Disposable => {
      const list = this.hooks[name as HookName];
      if (!list) {
        // The real worker throws a RangeError for hook names it does not know.
        const err = new RangeError(`Unrecognized hook "${name}"`);
        throw err;
      }
      list.push(callback);
      return new Disposable(() => {
        const i = list.indexOf(callback);
        if (i >= 0) list.splice(i, 1);
      });
    },
    setProgrammingModel: (model: ProgrammingModel): void => {
      this.programmingModel = model;
    },
    getProgrammingModel: (): ProgrammingModel | undefined => this.programmingModel,
    log: (level: LogLevel, category: string, message: string): void => {
      const final = this.runLogHooks(level, category, message);
      this.logSink(final.level, category, final.message);
    },
  };

  /**
   * Runs the log hooks synchronously, as the worker does for every log. A hook may change `level` and `message`;
   * like the worker, the change only applies to user logs. A throwing hook does not break logging.
   */
  runLogHooks(
    level: LogLevel,
    category: string,
    message: string,
    invocationContext?: unknown,
  ): { level: LogLevel; message: string } {
    if (this.hooks.log.length === 0) return { level, message };
    const context: Record<string, unknown> = { level, message, category, invocationContext, hookData: {} };
    for (const hook of [...this.hooks.log]) {
      try {
        hook(context);
      } catch {
        // A log hook must never make logging fail.
      }
    }
    if (category !== 'user') return { level, message };
    return { level: context.level as LogLevel, message: String(context.message) };
  }

  async runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const hook of [...this.hooks[name]]) {
      await hook(context);
    }
  }
}

let installed: CoreApiRegistry | undefined;

/**
 * Makes `require('@azure/functions-core')` answer with the registry's API in this process, the way the worker's
 * require proxy does. Idempotent per process; the first registry wins (one app per devhost process).
 */
export function installCoreApi(registry: CoreApiRegistry): CoreApiRegistry {
  if (installed) return installed;
  installed = registry;
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  proto.require = function (this: unknown, id: string): unknown {
    if (id === '@azure/functions-core') return registry.api;
    return original.call(this, id);
  };
  return registry;
}
