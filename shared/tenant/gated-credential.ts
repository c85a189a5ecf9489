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

/**
 * Credential options that make a credential's token requests report throttling to `gate` and not retry on their own.
 *
 * The policy also hides a throttled answer's status from MSAL: msal-node's bundled msal-common (16.x) looks the
 * Retry-After header up case-sensitively while @azure/identity hands it lower-cased headers, so MSAL falls back to
 * its 60 s default and refuses every token request locally for a minute after one throttled answer. The gate keeps
 * the server's real Retry-After and GatedCredential waits exactly that long instead.
 */
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
        response.headers.delete('retry-after');
        return { ...response, status: 400 };
      }
      return response;
    },
  };
  return { retryOptions: { maxRetries: 0 }, additionalPolicies: [{ policy, position: 'perCall' }] };
}

/**
 * The token endpoint kept throttling (or failing transiently) for longer than this process waits in one call. The
 * caller should try again later — an orchestration with a durable timer — not treat it as a configuration error.
 */
export class TokenUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TokenUnavailableError';
  }
}

/** Wraps any failure to get a token, so adapters can tell it from a failure of the request itself. */
export class TokenAcquisitionError extends Error {
  constructor(
    readonly scope: string,
    readonly original: unknown,
  ) {
    super(`Could not get a token for ${scope}: ${original instanceof Error ? original.message : String(original)}`);
    this.name = 'TokenAcquisitionError';
  }

  get transient(): TokenUnavailableError | undefined {
    return this.original instanceof TokenUnavailableError ? this.original : undefined;
  }
}

export interface GatedCredentialOptions {
  /** How long one getToken may keep waiting out throttling before it gives up with TokenUnavailableError. */
  maxWaitMs?: number;
  sleep?: Sleep;
  random?: () => number;
}

export class GatedCredential implements TokenCredential {
  private readonly inflight = new Map<string, Promise<AccessToken | null>>();
  private readonly maxWaitMs: number;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(
    private readonly inner: TokenCredential,
    /** The gate the inner credential's pipeline closes on a throttled token request. */
    readonly gate: ThrottleGate,
    o: GatedCredentialOptions = {},
  ) {
    this.maxWaitMs = o.maxWaitMs ?? 15_000;
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
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const wait = this.gate.remainingMs(Date.now());
      if (wait > 0) await this.sleep(wait);
      const closuresBefore = this.gate.closures;
      try {
        return await this.inner.getToken(scopes, options);
      } catch (err) {
        // Throttled exactly when this attempt's answer closed the gate (the policy saw a 429/503/504).
        const throttled = this.gate.closures !== closuresBefore;
        if (!(throttled || isTransient(err))) throw err;
        const waited = Date.now() - started;
        if (waited >= this.maxWaitMs) {
          const retryAfterMs = Math.max(this.gate.remainingMs(Date.now()), 5_000);
          throw new TokenUnavailableError(
            `the token endpoint is ${throttled ? 'throttling' : 'failing'} (waited ${Math.round(waited / 1000)} s): ${
              err instanceof Error ? err.message : String(err)
            }`,
            retryAfterMs,
            { cause: err },
          );
        }
        if (!throttled) {
          await this.sleep(backoffDelay(attempt, { baseDelayMs: 500, maxDelayMs: 5_000, random: this.random }) + 100);
        }
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
