/**
 * Pacing: every request a tenant gateway sends first takes a slot from the tenant's shared budget (Graph and the
 * bridge each have their own: Microsoft throttles them separately, per app per tenant). The budget lives in a table
 * (shared/storage/rate-buckets.ts), so all function instances together stay under it instead of living on 429s.
 * A slot further out than the caller will sleep surfaces as a {@link ThrottledError}, which an orchestration waits
 * out with a durable timer, exactly like a Retry-After.
 */
import { ThrottledError, type ErrorSource } from './tenant.errors';
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

/**
 * Slots a process has reserved ahead and not used yet, per (tenant, budget). Reserving a quarter second's worth at a
 * time turns one table write per request into one per block; a block lives one second after it becomes usable, then
 * its leftovers lapse (never carried into a later second, so they cannot add up to a burst). One reservation per
 * budget is in flight at a time; other callers wait for it and share its block.
 */
export class SlotBlocks {
  private readonly blocks = new Map<string, { remaining: number; usableAt: number; expiresAt: number }>();
  private readonly pending = new Map<string, Promise<unknown>>();

  /** Takes `cost` slots from the block, if it has them: the time they are usable at, else undefined. */
  take(key: string, cost: number, now: number): number | undefined {
    const b = this.blocks.get(key);
    if (!b || b.remaining < cost || now >= b.expiresAt) return undefined;
    b.remaining -= cost;
    return b.usableAt;
  }

  put(key: string, size: number, usableAt: number): void {
    this.blocks.set(key, { remaining: size, usableAt, expiresAt: usableAt + BLOCK_LIFETIME_MS });
  }

  inFlight(key: string): Promise<unknown> | undefined {
    return this.pending.get(key);
  }

  track<T>(key: string, p: Promise<T>): Promise<T> {
    const settled = p.finally(() => this.pending.delete(key));
    this.pending.set(
      key,
      settled.catch(() => undefined),
    );
    return settled;
  }
}

const BLOCK_LIFETIME_MS = 1000;

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
    private readonly blocks: SlotBlocks = new SlotBlocks(),
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
    const key = `${this.tenantId.toLowerCase()}|${this.names[service]}`;
    for (;;) {
      const usableAt = this.blocks.take(key, cost, Date.now());
      if (usableAt !== undefined) {
        const wait = usableAt - Date.now();
        if (wait > 0) await this.sleep(wait);
        return;
      }
      const inFlight = this.blocks.inFlight(key);
      if (inFlight) {
        await inFlight;
        continue;
      }
      const size = Math.min(burst, Math.max(cost, Math.ceil(perSecond / 4)));
      const asked = Date.now();
      const r = await this.blocks.track(
        key,
        this.reserver.reserve(this.tenantId, this.names[service], { perSecond, burst }, { count: size, maxWaitMs }),
      );
      if (!r.granted) {
        throw new ThrottledError({
          source: service as ErrorSource,
          status: 429,
          message: `${operation} not sent: the tenant's ${service} budget (${perSecond}/s) is spoken for the next ${Math.ceil(r.retryAfterMs / 1000)} s`,
          operation,
          retryAfterMs: r.retryAfterMs,
        });
      }
      this.blocks.put(key, size, asked + r.waitMs);
    }
  }
}
