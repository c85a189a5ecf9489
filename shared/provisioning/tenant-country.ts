/**
 * The tenant's default usage location: its organization's country (`GET /organization` → `countryLetterCode`), with
 * the DEFAULT_USAGE_LOCATION setting only as the fallback (no organization country, or the read failed). Cached per
 * tenant (bounded): an organization's country rarely changes, and a bulk import of thousands of endpoints must not
 * read it once per row. A fallback is remembered briefly only, so a passing Graph failure does not stick.
 */
import { LRUCache } from 'lru-cache';
import type { TenantGateway } from '../tenant';

const COUNTRY_RE = /^[A-Z]{2}$/;

export interface TenantCountryOptions {
  gateway: (tenantId: string) => Pick<TenantGateway, 'getOrganization'>;
  /** DEFAULT_USAGE_LOCATION. */
  fallback: string;
  /** How long an organization's country is believed (default 1 h). */
  ttlMs?: number;
  /** How long a fallback is believed (default 1 min). */
  fallbackTtlMs?: number;
  /** Tenants remembered at once (default 10,000). */
  max?: number;
  log?: (line: string) => void;
}

export class TenantCountry {
  private readonly cache: LRUCache<string, string>;
  constructor(private readonly o: TenantCountryOptions) {
    this.cache = new LRUCache<string, string>({ max: o.max ?? 10_000, ttl: o.ttlMs ?? 3_600_000 });
  }

  /** The tenant's country (ISO 3166 alpha-2, upper case). Never throws: the setting answers when Graph cannot. */
  async of(tenantId: string): Promise<string> {
    const key = tenantId.toLowerCase();
    const cached = this.cache.get(key);
    if (cached) return cached;
    try {
      const org = await this.o.gateway(key).getOrganization();
      const code = org?.countryLetterCode?.trim().toUpperCase();
      if (code && COUNTRY_RE.test(code)) {
        this.cache.set(key, code);
        return code;
      }
      this.o.log?.(`tenant ${key}: organization has no country; usage location ${this.o.fallback} (setting)`);
    } catch (e) {
      this.o.log?.(`tenant ${key}: organization not read (${(e as Error).message}); usage location ${this.o.fallback}`);
    }
    this.cache.set(key, this.o.fallback, { ttl: this.o.fallbackTtlMs ?? 60_000 });
    return this.o.fallback;
  }
}
