/**
 * Function-level retry policies (`retry: {strategy: 'fixedDelay' | 'exponentialBackoff', maxRetryCount, …}` in the
 * v4 library, sent as `retryOptions`). The host applies them to timer triggers (and Event Hubs / Cosmos DB / Kafka,
 * which the devhost does not run); queue triggers retry through the dequeue count instead and HTTP never retries.
 * Each retry carries a retry context `{retryCount, maxRetryCount, exception}`; `maxRetryCount: -1` retries forever.
 */
import {
  InvocationError,
  type InvocationRequest,
  type InvocationResult,
  type Invoker,
  type RegisteredFunction,
} from '../types';

export interface RetryPolicy {
  strategy: 'fixedDelay' | 'exponentialBackoff';
  maxRetryCount: number;
  /** Delay before retry `n` (1-based). */
  delayMs(retry: number): number;
}

interface RpcDuration {
  seconds?: number | string;
  nanos?: number;
}

function durationMs(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object') {
    const d = value as RpcDuration;
    return Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6);
  }
  return 0;
}

/** Reads the registered retryOptions; undefined when the function has none. */
export function retryPolicyOf(fn: RegisteredFunction): RetryPolicy | undefined {
  const options = fn.metadata.retryOptions as Record<string, unknown> | undefined;
  if (!options) return undefined;
  const strategy = String(options.retryStrategy ?? options.strategy ?? '').toLowerCase();
  const maxRetryCount = Number(options.maxRetryCount ?? 0);
  if (strategy === 'fixeddelay') {
    const delay = durationMs(options.delayInterval);
    return { strategy: 'fixedDelay', maxRetryCount, delayMs: () => delay };
  }
  if (strategy === 'exponentialbackoff') {
    const min = durationMs(options.minimumInterval);
    const max = Math.max(min, durationMs(options.maximumInterval));
    // The host doubles from the minimum interval, capped at the maximum.
    return { strategy: 'exponentialBackoff', maxRetryCount, delayMs: (n) => Math.min(max, min * 2 ** (n - 1)) };
  }
  return undefined;
}

/** Invokes, retrying failures per the policy; gives up early when `shouldStop()` turns true (host shutdown). */
export async function invokeWithRetry(
  invoker: Invoker,
  fn: RegisteredFunction,
  request: InvocationRequest,
  policy: RetryPolicy | undefined,
  shouldStop: () => boolean,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<InvocationResult> {
  if (!policy) return invoker.invoke(fn, request);
  let lastException: { message?: string; stackTrace?: string; source?: string } | undefined;
  for (let retry = 0; ; retry++) {
    try {
      return await invoker.invoke(fn, {
        ...request,
        retryContext:
          retry === 0
            ? undefined
            : { retryCount: retry, maxRetryCount: policy.maxRetryCount, exception: lastException },
      });
    } catch (err) {
      const outOfRetries = policy.maxRetryCount !== -1 && retry >= policy.maxRetryCount;
      if (outOfRetries || shouldStop()) throw err;
      lastException =
        err instanceof InvocationError
          ? { message: err.message, stackTrace: err.stackTrace, source: err.functionName }
          : { message: String(err) };
      await sleep(policy.delayMs(retry + 1));
      if (shouldStop()) throw err;
    }
  }
}
