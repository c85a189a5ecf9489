/**
 * Signing keys by OpenID configuration: `{configUrl}` → `jwks_uri` → a jose remote JWKS (which caches keys and
 * refetches on an unknown `kid`, with a cooldown). One key set per configuration URL for the life of the process;
 * the configuration document itself is re-read after `maxAgeMs` (Microsoft: refresh about every 2 hours).
 *
 * The cooldown is 1 s, not jose's 30 s: when the signer rotates its key, the first callback signed with the new key
 * must refresh the set at once. Within 30 s of the last fetch jose would refuse it, and Graph's redeliveries of that
 * callback (seconds apart) would all be refused too — a lost notification. One fetch a second at most still bounds
 * what tokens with made-up `kid`s can make us fetch.
 *
 * The cache is bounded (an LRU of {@link MAX_KEY_SETS} configurations): one per onboarded tenant's issuer at most, and
 * the least recently used goes first, so no stream of tokens can grow it without limit.
 */
import { createRemoteJWKSet } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';

interface Entry {
  keys: Promise<JWTVerifyGetKey>;
  at: number;
}

export const MAX_KEY_SETS = 1000;

export class OpenIdKeySets {
  private readonly cache: LRUCache<string, Entry>;
  constructor(
    private readonly maxAgeMs = 2 * 60 * 60 * 1000,
    private readonly now: () => number = Date.now,
    private readonly cooldownMs = 1_000,
    maxKeySets = MAX_KEY_SETS,
  ) {
    this.cache = new LRUCache({ max: maxKeySets });
  }

  /** How many configurations are cached now. */
  get size(): number {
    return this.cache.size;
  }

  forConfiguration(configUrl: string): Promise<JWTVerifyGetKey> {
    const hit = this.cache.get(configUrl);
    if (hit && this.now() - hit.at < this.maxAgeMs) return hit.keys;
    const keys = this.load(configUrl);
    const entry = { keys, at: this.now() };
    this.cache.set(configUrl, entry);
    // A failed discovery must not be cached.
    keys.catch(() => {
      if (this.cache.get(configUrl) === entry) this.cache.delete(configUrl);
    });
    return keys;
  }

  private async load(configUrl: string): Promise<JWTVerifyGetKey> {
    const res = await fetch(configUrl, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`OpenID configuration ${configUrl} answered ${res.status}`);
    const doc = (await res.json()) as { jwks_uri?: unknown };
    if (typeof doc.jwks_uri !== 'string') throw new Error(`OpenID configuration ${configUrl} has no jwks_uri`);
    return createRemoteJWKSet(new URL(doc.jwks_uri), {
      cacheMaxAge: this.maxAgeMs,
      cooldownDuration: this.cooldownMs,
      timeoutDuration: 10_000,
    });
  }
}
