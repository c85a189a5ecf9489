/**
 * The one retry layer of the tenant adapters (the Graph client's own RetryHandler is left out of the chain).
 * The decision part is pure and deterministic given `now` and `random`; the executor is small and takes an
 * injectable sleep. Rules: 429/503/504 (and network errors/timeouts) are retried; a `Retry-After` header (seconds or
 * HTTP date) is honoured exactly; otherwise exponential backoff with full jitter, capped; attempts are bounded; and
 * when the wait asked for exceeds `maxWaitMs` we stop and let the caller wait (durable timer) instead of sleeping.
 */
export interface RetryOptions {
  /** Total attempts including the first (default 5). */
  maxAttempts: number;
  /** First backoff ceiling (default 500 ms); doubles each attempt. */
  baseDelayMs: number;
  /** Backoff cap (default 30 s). Does not cap Retry-After, which is honoured as sent. */
  maxDelayMs: number;
  /** Longest single wait this caller is willing to sleep; beyond it the last response is returned (default: no limit). */
  maxWaitMs: number;
  /** Per-attempt timeout (default 30 s). */
  timeoutMs: number;
  /** Statuses worth retrying. */
  retryStatuses: readonly number[];
  /** Random source in [0,1) for jitter (injectable for tests). */
  random: () => number;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxWaitMs: Number.POSITIVE_INFINITY,
  timeoutMs: 30_000,
  retryStatuses: Object.freeze([429, 503, 504]),
  random: Math.random,
});

export function retryOptions(overrides: Partial<RetryOptions> = {}): RetryOptions {
  const o = { ...DEFAULT_RETRY_OPTIONS, ...overrides };
  if (!(o.maxAttempts >= 1)) throw new RangeError('maxAttempts must be ≥ 1');
  return o;
}

/** Parses `Retry-After` (delta-seconds or an HTTP date) into ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // An HTTP date (IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT") always names its day or month.
  const date = /[a-z]{3}/i.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Full-jitter exponential backoff for the given (1-based) failed attempt: uniform in [0, min(cap, base·2^(n-1))]. */
export function backoffDelay(attempt: number, o: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(o.random() * ceiling);
}

export interface AttemptOutcome {
  /** 1-based number of the attempt that just finished. */
  attempt: number;
  /** HTTP status, or undefined for a network error / timeout. */
  status?: number;
  /** The response's Retry-After header, if any. */
  retryAfter?: string | null;
}

export type RetryDecision =
  | { action: 'done' }
  | { action: 'retry'; delayMs: number; honouredRetryAfter: boolean }
  /** Stop retrying. `retryAfterMs` is set when the service asked for a wait the caller should still respect. */
  | { action: 'giveUp'; reason: 'notRetryable' | 'attemptsExhausted' | 'waitTooLong'; retryAfterMs?: number };

export function decideRetry(outcome: AttemptOutcome, o: RetryOptions, now: number): RetryDecision {
  const failedRetryably = outcome.status === undefined || o.retryStatuses.includes(outcome.status);
  if (!failedRetryably)
    return outcome.status !== undefined && outcome.status < 400
      ? { action: 'done' }
      : { action: 'giveUp', reason: 'notRetryable' };
  const retryAfterMs = parseRetryAfter(outcome.retryAfter, now);
  if (outcome.attempt >= o.maxAttempts) return { action: 'giveUp', reason: 'attemptsExhausted', retryAfterMs };
  const delayMs = retryAfterMs ?? backoffDelay(outcome.attempt, o);
  if (delayMs > o.maxWaitMs) return { action: 'giveUp', reason: 'waitTooLong', retryAfterMs: delayMs };
  return { action: 'retry', delayMs, honouredRetryAfter: retryAfterMs !== undefined };
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryEvents {
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; honouredRetryAfter: boolean }) => void;
}

/** Frees a response we will not read (so its connection can be reused). */
function discard(response: unknown): void {
  const body = (response as { body?: { cancel?: () => Promise<void> } | null }).body;
  if (body && typeof body.cancel === 'function') body.cancel().catch(() => undefined);
}

/**
 * Graph throttles per app per tenant: after a Retry-After, every request of that app to that tenant should wait, not
 * only the one that was told. One gate per (tenant, credential), shared by the Graph adapter and the bridge client.
 */
export class ThrottleGate {
  private until = 0;
  /** How many throttling answers the gate has taken (tells whether a given request was throttled). */
  closures = 0;
  /** After a throttle, one request (the probe) goes first; the others follow once it was not throttled. */
  private probing = false;
  private probe: { done: Promise<void>; settle: () => void } | undefined;

  /** Closes the gate for `ms` from `now` (never shortens an existing wait). */
  closeFor(ms: number, now: number): void {
    this.until = Math.max(this.until, now + ms);
    this.probing = true;
    this.closures++;
  }

  remainingMs(now: number): number {
    return Math.max(0, this.until - now);
  }

  /**
   * Waits until a request may be sent. Returns true when this request is the probe, which must then report its
   * answer with {@link settleProbe}. Releasing every waiting request at once when a wait ends would send a burst
   * into a tenant that may still be throttling.
   */
  async admit(sleep: Sleep, now: () => number): Promise<boolean> {
    for (;;) {
      const wait = this.remainingMs(now());
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      if (!this.probing) return false;
      if (!this.probe) {
        let settle = () => {};
        const done = new Promise<void>((resolve) => (settle = resolve));
        this.probe = { done, settle };
        return true;
      }
      await this.probe.done;
    }
  }

  /** The probe's answer: throttled again keeps later requests waiting for the next probe; anything else opens up. */
  settleProbe(throttled: boolean): void {
    if (!throttled) this.probing = false;
    const probe = this.probe;
    this.probe = undefined;
    probe?.settle();
  }
}

export interface RetryResult<R> {
  response: R;
  attempts: number;
  decision: RetryDecision;
}

/**
 * Runs `send` until it succeeds, fails for good, or the budget is spent. `send` returns a response-like object
 * (status + Retry-After getter) or throws for network errors/timeouts, which are retried with backoff and re-thrown
 * when attempts run out. Returns the last response with the final decision.
 */
export async function executeWithRetry<R extends { status: number; headers: { get(name: string): string | null } }>(
  send: (attempt: number) => Promise<R>,
  o: RetryOptions,
  sleep: Sleep = realSleep,
  events: RetryEvents = {},
  now: () => number = Date.now,
  gate?: ThrottleGate,
  /** Called before each retry (not the first attempt): e.g. to take the retry's slot from the tenant's budget. */
  beforeRetry?: (attempt: number) => Promise<void>,
): Promise<RetryResult<R>> {
  for (let attempt = 1; ; attempt++) {
    let response: R | undefined;
    let error: unknown;
    if (attempt > 1 && beforeRetry) await beforeRetry(attempt);
    const isProbe = gate ? await gate.admit(sleep, now) : false;
    try {
      response = await send(attempt);
    } catch (e) {
      error = e;
    }
    const retryAfter = response?.headers.get('retry-after');
    const at = now();
    const decision = decideRetry({ attempt, status: response?.status, retryAfter }, o, at);
    let throttled = false;
    if (gate && response && o.retryStatuses.includes(response.status)) {
      const ms = parseRetryAfter(retryAfter, at);
      if (ms !== undefined) gate.closeFor(ms, at);
      throttled = ms !== undefined;
    }
    // Settled only after the gate has taken this answer's Retry-After, so no waiter slips out in between.
    if (isProbe) gate?.settleProbe(throttled);
    if (decision.action !== 'retry') {
      if (!response) throw error;
      return { response, attempts: attempt, decision };
    }
    if (response) discard(response);
    events.onRetry?.({
      attempt,
      delayMs: decision.delayMs,
      status: response?.status,
      honouredRetryAfter: decision.honouredRetryAfter,
    });
    await sleep(decision.delayMs);
  }
}
