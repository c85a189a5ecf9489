/**
 * Which tenants Switchboard serves, and how much of their daily quotas they used. The allow-list answer is cached in
 * a bounded LRU (an allowed tenant for a minute, an unknown one for 10 s, at most 10,000 tenants), so a flood of
 * tokens naming made-up tenants costs one table read per tenant per 10 s and no memory growth; a PUT on this instance
 * is seen at once, on other instances within a minute. The operator's own tenant (OPERATOR_TENANT_ID) is always served.
 */
import { LRUCache } from 'lru-cache';
import type { TenantRecord, TenantsRepository, TenantUsageRepository } from './tenants.repository';
import { DEFAULT_TENANT_QUOTAS, type QuotaKind, type TenantBody, type TenantQuotas } from './tenant.schema';

export interface OnboardingDependencies {
  tenants: TenantsRepository;
  usage: TenantUsageRepository;
  /** The operator's tenant, always served (it onboards the others). */
  operatorTenantId?: string;
  now?: () => Date;
  cache?: { max?: number; allowedTtlMs?: number; unknownTtlMs?: number };
}

export type QuotaDecision =
  { granted: true } | { granted: false; limit: number; used: number; retryAfterSeconds: number; kind: QuotaKind };

export class OnboardingService {
  private readonly cache: LRUCache<string, { allowed: boolean }>;
  private readonly unknownTtlMs: number;
  private readonly now: () => Date;

  constructor(private readonly d: OnboardingDependencies) {
    this.now = d.now ?? (() => new Date());
    this.unknownTtlMs = d.cache?.unknownTtlMs ?? 10_000;
    this.cache = new LRUCache({ max: d.cache?.max ?? 10_000, ttl: d.cache?.allowedTtlMs ?? 60_000 });
  }

  get operatorTenantId(): string | undefined {
    return this.d.operatorTenantId?.toLowerCase();
  }

  /** Whether tokens of this tenant are looked at (checked before any key discovery). */
  async isOnboarded(tenantId: string): Promise<boolean> {
    const t = tenantId.toLowerCase();
    if (t === this.operatorTenantId) return true;
    const hit = this.cache.get(t);
    if (hit) return hit.allowed;
    const allowed = (await this.d.tenants.get(t)) !== undefined;
    this.cache.set(t, { allowed }, allowed ? {} : { ttl: this.unknownTtlMs });
    return allowed;
  }

  get(tenantId: string): Promise<TenantRecord | undefined> {
    return this.d.tenants.get(tenantId);
  }

  list(): Promise<TenantRecord[]> {
    return this.d.tenants.list();
  }

  async put(tenantId: string, body: TenantBody, by: string): Promise<{ record: TenantRecord; created: boolean }> {
    const r = await this.d.tenants.put(tenantId, body, by, this.now());
    this.cache.set(tenantId.toLowerCase(), { allowed: true });
    return r;
  }

  /** The tenant's quotas (its record's, else the defaults). */
  async quotas(tenantId: string): Promise<TenantQuotas> {
    return (await this.d.tenants.get(tenantId))?.quotas ?? { ...DEFAULT_TENANT_QUOTAS };
  }

  /** Takes `amount` of today's (UTC) `kind` quota, all or nothing; refused until the next UTC midnight. */
  async take(tenantId: string, kind: QuotaKind, amount: number): Promise<QuotaDecision> {
    const limit = (await this.quotas(tenantId))[kind];
    const now = this.now();
    const day = now.toISOString().slice(0, 10).replace(/-/g, '');
    const r = await this.d.usage.take(tenantId, kind, day, amount, limit);
    if (r.granted) return { granted: true };
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    return {
      granted: false,
      kind,
      limit,
      used: r.used,
      retryAfterSeconds: Math.max(1, Math.ceil((midnight - now.getTime()) / 1000)),
    };
  }
}
