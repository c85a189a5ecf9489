/**
 * Typed, classified errors from the tenant adapters, so activities can decide: retry now, wait (durable timer) and
 * retry, treat as done, or fail the run. Messages carry the service's code and message, never tokens or secrets.
 */
export type ErrorKind = 'retryable' | 'notFound' | 'conflict' | 'throttled' | 'permanent';
export type ErrorSource = 'graph' | 'bridge' | 'auth';

export interface TenantErrorInit {
  kind: ErrorKind;
  source: ErrorSource;
  /** HTTP status; absent for network errors and timeouts. */
  status?: number;
  /** Graph `error.code`, or the bridge's error code (NotFound, AlreadyExists, …). */
  code?: string;
  message: string;
  /** When the service asked the caller to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  /** What was being done, e.g. `POST /users/{id}/assignLicense`. */
  operation?: string;
  /** The bridge's cmdlet name. */
  cmdlet?: string;
  cause?: unknown;
}

export class TenantError extends Error {
  readonly kind: ErrorKind;
  readonly source: ErrorSource;
  readonly status?: number;
  readonly code?: string;
  readonly retryAfterMs?: number;
  readonly operation?: string;
  readonly cmdlet?: string;

  constructor(init: TenantErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TenantError';
    this.kind = init.kind;
    this.source = init.source;
    this.status = init.status;
    this.code = init.code;
    this.retryAfterMs = init.retryAfterMs;
    this.operation = init.operation;
    this.cmdlet = init.cmdlet;
  }

  /** Worth trying again (now or after {@link retryAfterMs}). */
  get retryable(): boolean {
    return this.kind === 'retryable' || this.kind === 'throttled';
  }
  get notFound(): boolean {
    return this.kind === 'notFound';
  }
  get conflict(): boolean {
    return this.kind === 'conflict';
  }
  get throttled(): boolean {
    return this.kind === 'throttled';
  }
  get permanent(): boolean {
    return this.kind === 'permanent';
  }

  /** A plain, serialisable summary (activity outputs and step logs). */
  toJSON(): Omit<TenantErrorInit, 'cause'> {
    return {
      kind: this.kind,
      source: this.source,
      status: this.status,
      code: this.code,
      message: this.message,
      retryAfterMs: this.retryAfterMs,
      operation: this.operation,
      cmdlet: this.cmdlet,
    };
  }
}

/**
 * The service throttled (429, or 503/504 with Retry-After) and either the retry budget is spent or the caller's
 * `maxWaitMs` is shorter than the wait asked for: an orchestration should wait `retryAfterMs` with a durable timer.
 */
export class ThrottledError extends TenantError {
  declare readonly retryAfterMs: number;
  constructor(init: Omit<TenantErrorInit, 'kind' | 'retryAfterMs'> & { retryAfterMs: number }) {
    super({ ...init, kind: 'throttled' });
    this.name = 'ThrottledError';
  }
}

/** Classifies an HTTP status (and service code) into an {@link ErrorKind}. */
export function classifyStatus(status: number, hasRetryAfter = false): ErrorKind {
  if (status === 429) return 'throttled';
  if ((status === 503 || status === 504) && hasRetryAfter) return 'throttled';
  if (status === 404) return 'notFound';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 408 || status >= 500) return 'retryable';
  return 'permanent';
}

export function isTenantError(e: unknown): e is TenantError {
  return e instanceof TenantError;
}
