/**
 * The devhost's internal contracts. The devhost stands in for the Azure Functions host + Node.js worker: it loads a v4
 * function app, keeps a registry of its functions, and invokes them through the library's own ProgrammingModel.
 * Trigger sources (HTTP, queues, timers, Durable) only ever talk to the app through an {@link Invoker}.
 *
 * Protocol reference: ../shared/reference/functions-runtime.md (§1 worker ↔ library).
 */

/** The worker's typed data union (one member set). */
export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
  collectionBytes?: { bytes?: Uint8Array[] | null } | null;
  collectionString?: { string?: string[] | null } | null;
  collectionDouble?: { double?: number[] | null } | null;
  collectionSint64?: { sint64?: (number | string)[] | null } | null;
}

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  params?: Record<string, string> | null;
  statusCode?: string | number | null;
  query?: Record<string, string> | null;
  cookies?: unknown[] | null;
  enableContentNegotiation?: boolean | null;
  rawBody?: RpcTypedData | null;
}

/** One binding as the library registers it (see reference §1.2). */
export interface BindingInfo {
  type: string;
  direction: 'in' | 'out' | 'inout';
  [option: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, BindingInfo>;
  retryOptions?: unknown;
}

/** A function the app registered, with its trigger resolved. */
export interface RegisteredFunction {
  metadata: FunctionMetadata;
  handler: (...args: unknown[]) => unknown;
  /** Binding name of the trigger (the one binding whose type ends in `Trigger`). */
  triggerBindingName: string;
  trigger: BindingInfo;
}

export interface InvocationRequest {
  /** The trigger's data. */
  triggerData: RpcTypedData;
  /** Trigger metadata as typed data (e.g. DequeueCount for queues). */
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Optional fixed invocation id (default: a fresh uuid). */
  invocationId?: string;
  /** Set on retries of a function with a retry policy (the worker's RpcRetryContext). */
  retryContext?: {
    retryCount: number;
    maxRetryCount: number;
    exception?: { message?: string; stackTrace?: string; source?: string };
  };
}

export interface InvocationResult {
  invocationId: string;
  outputData: { name: string; data: RpcTypedData | null | undefined }[];
  returnValue?: RpcTypedData | null;
}

/** Thrown by {@link Invoker.invoke} when the user's function (or a hook) throws. */
export class InvocationError extends Error {
  constructor(
    readonly functionName: string,
    readonly invocationId: string,
    message: string,
    readonly stackTrace: string | undefined,
  ) {
    super(message);
    this.name = 'InvocationError';
  }

  /** The host's text form of a failure, which the Durable extension parses (reference §1.3, §2.5). */
  get hostText(): string {
    return `Result: Failure\nException: ${this.message}\nStack: ${this.stackTrace ?? ''}`;
  }
}

export interface Invoker {
  /**
   * Invokes one function exactly as the worker would: builds non-trigger inputs (e.g. the durable client binding),
   * then getArguments → preInvocation hooks → invokeFunction → postInvocation hooks → getResponse.
   * Throws {@link InvocationError} when the function fails.
   */
  invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationResult>;
}

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What every trigger source gets from the host. */
export interface HostContext {
  appDir: string;
  /** Parsed host.json (after `AzureFunctionsJobHost__…` env overrides). */
  hostJson: HostJson;
  /** App settings: process.env merged with local.settings.json Values (env wins). Resolves `%Name%` binding expressions. */
  settings: Record<string, string | undefined>;
  functions: RegisteredFunction[];
  invoker: Invoker;
  logger: Logger;
  /** Storage connection string from `AzureWebJobsStorage` (or the binding's `connection` setting). */
  storageConnectionString(connectionSetting?: string): string;
  /** `http://localhost:<port>` — the origin the HTTP server listens on. */
  origin: string;
}

export interface HostJson {
  version?: string;
  extensions?: {
    http?: { routePrefix?: string };
    queues?: {
      batchSize?: number;
      newBatchThreshold?: number;
      maxPollingInterval?: string | number;
      visibilityTimeout?: string | number;
      maxDequeueCount?: number;
      messageEncoding?: 'base64' | 'none';
    };
    durableTask?: {
      hubName?: string;
      storageProvider?: { partitionCount?: number; [k: string]: unknown };
      maxConcurrentActivityFunctions?: number;
      maxConcurrentOrchestratorFunctions?: number;
      [k: string]: unknown;
    };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/**
 * A long-running trigger source (queue listener, timer scheduler, durable runtime).
 * `stop()` must stop taking new work and let in-flight invocations finish (or return their messages).
 */
export interface TriggerSource {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Durable Functions runtime (devhost/durable/). Created by the host with `createDurableRuntime(ctx)` exported from
 * `devhost/durable/index.ts` once the HTTP server listens (so `ctx.origin` is final).
 */
export interface DurableRuntime extends TriggerSource {
  /** JSON string handed to every `durableClient` input binding (reference §4). */
  clientBindingData(): string;
  /**
   * Serves the Durable HTTP API (both the SDK's rpcBaseUrl calls and the public management webhooks) for requests under
   * `/runtime/webhooks/durabletask/`; `subPath` is what follows that prefix (no leading slash), query string included.
   */
  handleHttp(
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
    subPath: string,
  ): Promise<void>;
}
