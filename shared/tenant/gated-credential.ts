/**
 * Token acquisition that honours the token endpoint's throttling. `@azure/identity` retries a throttled token
 * request at once, on the same connection, without waiting for Retry-After, and concurrent cache misses each send
 * their own request. This wrapper:
 * - switches the credential's own retries off and records the token endpoint's Retry-After (a pipeline policy),
 * - sends one token request per scope at a time (concurrent callers share it; the credential caches the result),
 * - waits out Retry-After (or backs off) and tries again, a bounded number of times.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { backoffDelay, parseRetryAfter, realSleep, ThrottleGate, type Sleep } from './retry';

/** Credential options that make a credential's token requests report throttling to `gate` and not retry on their own. */
export function throttleAwareCredentialOptions(gate: ThrottleGate): {
  retryOptions: { maxRetries: number };
  additionalPolicies: { policy: PipelinePolicy; position: 'perCall' }[];
} {
  const policy: PipelinePolicy = {
    name: 'switchboardTokenRetryAfter',
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status === 429 || response.status === 503 || response.status === 504) {
        const now = Date.now();
        const ms = parseRetryAfter(response.headers.get('retry-after'), now);
        gate.closeFor(ms ?? 1000, now);
      }
      return response;
    },
  };
  return { retryOptions: { maxRetries: 0 }, additionalPolicies: [{ policy, position: 'perCall' }] };
}

export interface GatedCredentialOptions {
  maxAttempts?: number;
  sleep?: Sleep;
  random?: () => number;
}

export class GatedCredential implements TokenCredential {
  private readonly inflight = new Map<string, Promise<AccessToken | null>>();
  private readonly maxAttempts: number;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(
    private readonly inner: TokenCredential,
    /** The gate the inner credential's pipeline closes on a throttled token request. */
    readonly gate: ThrottleGate,
    o: GatedCredentialOptions = {},
  ) {
    this.maxAttempts = o.maxAttempts ?? 6;
    this.sleep = o.sleep ?? realSleep;
    this.random = o.random ?? Math.random;
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const key = (Array.isArray(scopes) ? scopes : [scopes]).join(' ');
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.acquire(scopes, options).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async acquire(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    for (let attempt = 1; ; attempt++) {
      const wait = this.gate.remainingMs(Date.now());
      if (wait > 0) await this.sleep(wait);
      try {
        return await this.inner.getToken(scopes, options);
      } catch (err) {
        const throttled = this.gate.remainingMs(Date.now()) > 0;
        if (attempt >= this.maxAttempts || !(throttled || isTransient(err))) throw err;
        if (!throttled)
          await this.sleep(backoffDelay(attempt, { baseDelayMs: 500, maxDelayMs: 10_000, random: this.random }));
      }
    }
  }
}

/** Network failures and 5xx from the token endpoint are worth another try; 4xx (bad secret, no consent) are not. */
function isTransient(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  if (typeof status === 'number') return status >= 500 || status === 429 || status === 408;
  const name = (err as { name?: string }).name ?? '';
  return (
    /RestError|AbortError|FetchError/.test(name) ||
    /ECONN|ETIMEDOUT|socket hang up/i.test(String((err as Error)?.message))
  );
}
