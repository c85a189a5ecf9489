import { TokenAcquisitionError } from './gated-credential';
/** Helpers shared by the Graph and bridge adapters: reading error bodies and turning responses into TenantErrors. */
import { ErrorSource, TenantError, ThrottledError, classifyStatus } from './tenant.errors';
import { RetryOptions, ThrottleGate, backoffDelay, parseRetryAfter } from './retry';

export interface ServiceErrorBody {
  code?: string;
  message?: string;
  cmdlet?: string;
}

/** Reads `{error:{code,message[,cmdlet]}}` (Graph and bridge share the envelope); tolerant of other bodies. */
export function readErrorBody(text: string): ServiceErrorBody {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'error' in parsed) {
      const e = (parsed as { error: unknown }).error;
      if (e && typeof e === 'object') {
        const r = e as Record<string, unknown>;
        return {
          code: typeof r.code === 'string' ? r.code : undefined,
          message: typeof r.message === 'string' ? r.message : undefined,
          cmdlet: typeof r.cmdlet === 'string' ? r.cmdlet : undefined,
        };
      }
      if (typeof e === 'string') return { code: e };
    }
  } catch {
    /* not JSON */
  }
  return { message: text.slice(0, 500) || undefined };
}

export function errorFromResponse(args: {
  source: ErrorSource;
  status: number;
  retryAfter: string | null;
  bodyText: string;
  operation: string;
  attempts: number;
  retry: RetryOptions;
}): TenantError {
  const body = readErrorBody(args.bodyText);
  const retryAfterMs = parseRetryAfter(args.retryAfter, Date.now());
  const kind = classifyStatus(args.status, retryAfterMs !== undefined);
  const message = `${args.operation} failed: ${args.status}${body.code ? ` ${body.code}` : ''}${body.message ? `: ${body.message}` : ''}`;
  const common = {
    source: args.source,
    status: args.status,
    code: body.code,
    message,
    operation: args.operation,
    cmdlet: body.cmdlet,
  };
  if (kind === 'throttled') {
    // Without Retry-After, suggest the next backoff ceiling so a durable timer has something sensible to wait.
    const suggested = retryAfterMs ?? backoffDelay(args.attempts + 1, { ...args.retry, random: () => 1 });
    return new ThrottledError({ ...common, retryAfterMs: suggested });
  }
  return new TenantError({ ...common, kind, retryAfterMs });
}

/** A network error or timeout after the retry budget: retryable later. */
export function networkError(source: ErrorSource, operation: string, cause: unknown): TenantError {
  const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new TenantError({ kind: 'retryable', source, message: `${operation} failed: ${what}`, operation, cause });
}

/**
 * A failure to get a token: throttling or transient failure of the token endpoint is worth waiting for (throttled,
 * with a Retry-After); anything else (wrong secret, no consent, unknown tenant) is permanent until an admin acts.
 */
export function tokenError(operation: string, err: TokenAcquisitionError): TenantError {
  const transient = err.transient;
  if (transient) {
    return new ThrottledError({
      source: 'auth',
      message: `${operation} not sent: ${err.message}`,
      operation,
      retryAfterMs: transient.retryAfterMs,
      cause: err,
    });
  }
  return new TenantError({
    kind: 'permanent',
    source: 'auth',
    message: `${operation} not sent: ${err.message}`,
    operation,
    cause: err,
  });
}

/**
 * Before a logical call: when the tenant's gate is closed for longer than the caller will sleep (`maxWaitMs`),
 * hand the wait back as a ThrottledError (an orchestration waits with a durable timer instead).
 */
export function checkGate(gate: ThrottleGate, retry: RetryOptions, source: ErrorSource, operation: string): void {
  const wait = gate.remainingMs(Date.now());
  if (wait > retry.maxWaitMs) {
    throw new ThrottledError({
      source,
      status: 429,
      message: `${operation} not sent: the tenant asked us to wait ${Math.ceil(wait / 1000)} s (Retry-After)`,
      operation,
      retryAfterMs: wait,
    });
  }
}
