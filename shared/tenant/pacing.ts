/**
 * Pacing: every request a tenant gateway sends first takes a slot from the tenant's shared budget (Graph and the
 * bridge each have their own: Microsoft throttles them separately, per app per tenant). The budget lives in a table
 * (shared/storage/rate-buckets.ts), so all function instances together stay under it instead of living on 429s.
 * A slot further out than the caller will sleep surfaces as a {@link ThrottledError}, which an orchestration waits
 * out with a durable timer, exactly like a Retry-After.
 */
import { ThrottledError, type ErrorSource } from './errors';
import type { Sleep } from './retry';

export type PacedService = 'graph' | 'bridge';

export interface RateLimits {
  /** Graph requests per second for this tenant (a `$batch` costs one per sub-request). */
  graphPerSecond: number;
  /** Teams admin bridge requests per second for this tenant. */
  bridgePerSecond: number;
}

/** The port the gateway needs (shared/storage RateBuckets implements it). */
export interface RateReserver {
  reserve(
    scope: string,
    name: string,
    spec: { perSecond: number; burst?: number },
    o?: { count?: number; maxWaitMs?: number },
  ): Promise<{ granted: true; waitMs: number } | { granted: false; retryAfterMs: number }>;
}

export class TenantPacer {
  constructor(
    private readonly tenantId: string,
    private readonly limits: RateLimits,
    private readonly reserver: RateReserver,
    private readonly sleep: Sleep,
    /**
     * The budgets' names. Microsoft throttles per service, per app, per tenant: name them after the service host
     * and the app, so two deployments with one app share a budget and two simulators do not.
     */
    private readonly names: Readonly<Record<PacedService, string>> = { graph: 'graph', bridge: 'bridge' },
  ) {}

  /**
   * Waits for `cost` slots of `service`. Beyond `maxWaitMs` nothing is taken and a ThrottledError says when to come
   * back. A quiet tenant may burst one second's worth (a single endpoint's chain is not slowed down); a busy one is
   * held to the rate.
   */
  async acquire(service: PacedService, cost: number, maxWaitMs: number, operation: string): Promise<void> {
    const perSecond = service === 'graph' ? this.limits.graphPerSecond : this.limits.bridgePerSecond;
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) return; // unlimited
    const burst = Math.max(cost, Math.ceil(perSecond));
    const r = await this.reserver.reserve(
      this.tenantId,
      this.names[service],
      { perSecond, burst },
      { count: cost, maxWaitMs },
    );
    if (r.granted) {
      if (r.waitMs > 0) await this.sleep(r.waitMs);
      return;
    }
    throw new ThrottledError({
      source: service as ErrorSource,
      status: 429,
      message: `${operation} not sent: the tenant's ${service} budget (${perSecond}/s) is spoken for the next ${Math.ceil(r.retryAfterMs / 1000)} s`,
      operation,
      retryAfterMs: r.retryAfterMs,
    });
  }
}
