// Throttling and fault injection for Graph, bridge and token requests (never /_sim/*), plus the counters behind
// /_sim/state stats. Keyed per app per tenant, as Graph throttles.
import { Faults } from './settings';

export interface Stats {
  requests: number;
  throttled: number;
  faulted: number;
  retryAfterViolations: number;
  notificationsSent: number;
  notificationsFailed: number;
  /** webhook deliveries tried again after a failure (each retry counts) */
  notificationsRetried: number;
  /** Requests per service (`graph` — each $batch sub-request counts —, `bridge`, `token`), throttled ones included. */
  requestsByService: Record<string, number>;
  /** OpenID discovery (configuration and keys) requests per tenant path segment, as clients wrote it. */
  discoveryByTenant: Record<string, number>;
}

export type Decision =
  | { kind: 'ok' }
  | { kind: 'throttled'; retryAfter: number; violation: boolean }
  | { kind: 'unavailable'; retryAfter: number };

/** Requests may arrive this much before the Retry-After instant without counting as a violation (clock jitter). */
const GRACE_MS = 10;

/**
 * A request that arrives on another connection this soon after a throttling answer may already have been on the
 * wire when that answer went out: the client could not have known yet, so it is throttled but not a violation.
 */
export const IN_FLIGHT_GRACE_MS = 250;

interface Throttled {
  /** When the wait ends (epoch ms). */
  until: number;
  /** When the (last) throttling answer for this key was given. */
  answeredAt: number;
  /** Connections that have been answered with it: anything they send before `until` ignores a Retry-After. */
  told: WeakSet<object>;
}

export class Guard {
  stats: Stats = zeroStats();
  private readonly buckets = new Map<string, { tokens: number; last: number }>();
  private readonly waitUntil = new Map<string, Throttled>();

  constructor(private readonly faults: () => Faults) {}

  reset(): void {
    this.stats = zeroStats();
    this.buckets.clear();
    this.waitUntil.clear();
  }

  /**
   * Decide the fate of one request from `key` (= `service|tenantId|appId`: Graph, bridge and token endpoint each
   * throttle on their own), arriving on `connection`. Counts it in stats.
   *
   * While a key is told to wait, every request is throttled again; it counts as a Retry-After violation when the
   * client must have known: it came on a connection already answered with the throttle, or more than
   * IN_FLIGHT_GRACE_MS after the throttling answer (so it was not merely in flight when that answer went out).
   */
  check(key: string, connection?: object): Decision {
    this.stats.requests++;
    const service = key.slice(0, key.indexOf('|'));
    this.stats.requestsByService[service] = (this.stats.requestsByService[service] ?? 0) + 1;
    const now = Date.now();
    const waiting = this.waitUntil.get(key);
    if (waiting !== undefined) {
      if (now + GRACE_MS < waiting.until) {
        this.stats.throttled++;
        const violation =
          (connection !== undefined && waiting.told.has(connection)) || now - waiting.answeredAt > IN_FLIGHT_GRACE_MS;
        if (violation) this.stats.retryAfterViolations++;
        if (violation && process.env.SIM_DEBUG_VIOLATIONS)
          console.error(
            `violation ${key} +${now - waiting.answeredAt}ms told=${connection ? waiting.told.has(connection) : 'n/a'}`,
          );
        if (connection) waiting.told.add(connection);
        return { kind: 'throttled', retryAfter: Math.max(1, Math.ceil((waiting.until - now) / 1000)), violation };
      }
      this.waitUntil.delete(key);
    }
    const f = this.faults();
    if (f.requestsPerSecond > 0) {
      const capacity = Math.max(1, f.requestsPerSecond);
      let b = this.buckets.get(key);
      if (!b) {
        b = { tokens: capacity, last: now };
        this.buckets.set(key, b);
      }
      b.tokens = Math.min(capacity, b.tokens + ((now - b.last) / 1000) * f.requestsPerSecond);
      b.last = now;
      if (b.tokens < 1) {
        const refillS = Math.ceil((1 - b.tokens) / f.requestsPerSecond);
        return this.throttle(key, now, Math.max(1, f.retryAfterSeconds, refillS), connection);
      }
      b.tokens -= 1;
    }
    if (f.throttleProbability > 0 && Math.random() < f.throttleProbability) {
      return this.throttle(key, now, Math.max(1, f.retryAfterSeconds), connection);
    }
    if (f.errorProbability > 0 && Math.random() < f.errorProbability) {
      const retryAfter = Math.max(1, f.retryAfterSeconds);
      this.stats.faulted++;
      this.tell(key, now, retryAfter, connection);
      return { kind: 'unavailable', retryAfter };
    }
    return { kind: 'ok' };
  }

  /**
   * A service-specific limit (`limit` requests per `windowS` seconds for `key` = `service|tenantId|appId`), checked
   * after `check` let the request through: a token bucket of `limit` tokens refilled over the window. A 429 here
   * gets the same Retry-After accounting as any other (violations counted). The request is already counted.
   */
  limit(key: string, limit: number, windowS: number, connection?: object): Decision {
    if (limit <= 0) return { kind: 'ok' };
    const now = Date.now();
    const service = key.slice(0, key.indexOf('|'));
    this.stats.requestsByService[service] = (this.stats.requestsByService[service] ?? 0) + 1;
    const waiting = this.waitUntil.get(key);
    if (waiting !== undefined) {
      if (now + GRACE_MS < waiting.until) {
        this.stats.throttled++;
        const violation =
          (connection !== undefined && waiting.told.has(connection)) || now - waiting.answeredAt > IN_FLIGHT_GRACE_MS;
        if (violation) this.stats.retryAfterViolations++;
        if (connection) waiting.told.add(connection);
        return { kind: 'throttled', retryAfter: Math.max(1, Math.ceil((waiting.until - now) / 1000)), violation };
      }
      this.waitUntil.delete(key);
    }
    const rate = limit / windowS;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: limit, last: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(limit, b.tokens + ((now - b.last) / 1000) * rate);
    b.last = now;
    if (b.tokens < 1) {
      const refillS = Math.ceil((1 - b.tokens) / rate);
      return this.throttle(key, now, Math.max(1, refillS), connection);
    }
    b.tokens -= 1;
    return { kind: 'ok' };
  }

  private throttle(key: string, now: number, retryAfter: number, connection?: object): Decision {
    this.stats.throttled++;
    this.tell(key, now, retryAfter, connection);
    return { kind: 'throttled', retryAfter, violation: false };
  }

  private tell(key: string, now: number, retryAfterS: number, connection?: object): void {
    const told = new WeakSet<object>();
    if (connection) told.add(connection);
    this.waitUntil.set(key, { until: now + retryAfterS * 1000, answeredAt: now, told });
  }
}

function zeroStats(): Stats {
  return {
    requests: 0,
    throttled: 0,
    faulted: 0,
    retryAfterViolations: 0,
    notificationsSent: 0,
    notificationsFailed: 0,
    notificationsRetried: 0,
    requestsByService: { graph: 0, bridge: 0, token: 0 },
    discoveryByTenant: {},
  };
}
