// The simulator's state and shared services. Handlers get one SimCore; nothing here knows about sockets.
import { CallFaults } from './calls/faults';
import type { CallEngine } from './calls/engine';
import { Guard } from './guard';
import { SigningKey, signJwt, verifyJwt } from './jwt';
import type { LoadGenerator } from './load';
import { appByAudience, Presence, Tenant, User } from './model';
import { buildTenant, SeedTenant } from './seed';
import { Faults } from './settings';
import { Timers } from './util';

export interface TokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid?: string;
  oid?: string;
  roles?: string[];
  [k: string]: unknown;
}

export interface CoreOptions {
  seeds: SeedTenant[];
  baselineFaults: Faults;
  apiAudience: string;
  entraKey: SigningKey;
  botKey: SigningKey;
  quiet: boolean;
  /** Registered on every tenant's provisioning app (certificate credential), PEM. */
  provisioningCertificate?: string;
}

export class SimCore {
  baseUrl = '';
  port = 0;
  tenants = new Map<string, Tenant>();
  faults: Faults;
  readonly guard: Guard;
  /** Scripted faults of the calls API (POST /_sim/faults/calls) and its request log. */
  readonly callFaults = new CallFaults();
  readonly timers = new Timers();
  readonly apiAudience: string;
  readonly entraKey: SigningKey;
  readonly botKey: SigningKey;
  readonly quiet: boolean;
  calls!: CallEngine;
  loads!: LoadGenerator;
  private readonly seeds: SeedTenant[];
  private readonly baselineFaults: Faults;
  private readonly provisioningCertificate?: string;
  private readonly tokenCache = new Map<string, TokenClaims>();
  /** Told of every change of a user's presence (the presence change-notification subscriptions). */
  onPresenceChanged?: (tenant: Tenant, userId: string, before?: Presence, after?: Presence) => void;

  constructor(opts: CoreOptions) {
    this.seeds = opts.seeds;
    this.baselineFaults = opts.baselineFaults;
    this.faults = { ...opts.baselineFaults };
    this.apiAudience = opts.apiAudience;
    this.entraKey = opts.entraKey;
    this.botKey = opts.botKey;
    this.quiet = opts.quiet;
    this.provisioningCertificate = opts.provisioningCertificate;
    this.guard = new Guard(() => this.faults);
    this.loadSeed();
  }

  private loadSeed(): void {
    this.tenants.clear();
    const now = Date.now();
    for (const s of this.seeds) {
      const tenant = buildTenant(s, { apiAudience: this.apiAudience, now });
      this.observePresence(tenant);
      const provisioning = tenant.apps.get(tenant.provisioningAppId);
      if (provisioning && this.provisioningCertificate) provisioning.certificates.push(this.provisioningCertificate);
      this.tenants.set(s.tenantId, tenant);
    }
    this.applyPoolSetting();
  }

  /** Every write of a user's presence (control API, calls ringing and ending) is told to onPresenceChanged. */
  private observePresence(tenant: Tenant): void {
    const map = tenant.presence;
    const set = map.set.bind(map);
    map.set = (userId: string, value: Presence) => {
      const before = map.get(userId);
      set(userId, value);
      this.onPresenceChanged?.(tenant, userId, before ? { ...before } : undefined, { ...value });
      return map;
    };
  }

  /** Back to the seed: state rebuilt, faults back to the start-up baseline, stats zeroed, calls and loads dropped. */
  reset(): void {
    this.calls?.hangUpAll();
    this.timers.clearAll();
    this.calls?.reset();
    this.loads?.reset();
    this.faults = { ...this.baselineFaults };
    this.guard.reset();
    this.callFaults.reset();
    this.tokenCache.clear();
    this.loadSeed();
  }

  setFaults(f: Faults): void {
    const poolChanged = f.resourceAccountPoolAcquired !== this.faults.resourceAccountPoolAcquired;
    this.faults = f;
    if (poolChanged) this.applyPoolSetting();
  }

  /** The resourceAccountPoolAcquired knob overrides every tenant's pool when set to false. */
  private applyPoolSetting(): void {
    for (const t of this.tenants.values()) {
      const pool = t.skus.find((s) => s.skuPartNumber === 'PHONESYSTEM_VIRTUALUSER');
      if (!pool) continue;
      const seeded = this.seeds.find((s) => s.tenantId === t.tenantId)?.resourceAccountPoolAcquired !== false;
      pool.acquired = seeded && this.faults.resourceAccountPoolAcquired;
    }
  }

  log(msg: string): void {
    if (!this.quiet) console.log(`[simulator] ${msg}`);
  }

  issuer(tenantId: string): string {
    return `${this.baseUrl}/${tenantId}/v2.0`;
  }

  /** Finds a tenant by id or by one of its domains (token endpoints accept either). */
  tenantByIdOrDomain(idOrDomain: string): Tenant | undefined {
    const direct = this.tenants.get(idOrDomain);
    if (direct) return direct;
    const lower = idOrDomain.toLowerCase();
    for (const t of this.tenants.values()) if (t.domains.some((d) => d.id.toLowerCase() === lower)) return t;
    return undefined;
  }

  /** A user visible to reads right now (replication delay honoured), by id or UPN. */
  visibleUser(tenant: Tenant, idOrUpn: string): User | undefined {
    const u = tenant.users.get(idOrUpn) ?? tenant.usersByUpn.get(idOrUpn.toLowerCase());
    if (!u || u.visibleAt > Date.now()) return undefined;
    return u;
  }

  mintToken(claims: Record<string, unknown>, lifetimeS = 3599): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(this.entraKey, { iat: now, nbf: now, exp: now + lifetimeS, ...claims });
  }

  /**
   * Verifies an Entra token the simulator issued, for `audiences`. Caches verified tokens (benchmarks send the same
   * token thousands of times).
   */
  verifyToken(
    token: string | undefined,
    audiences: string[],
  ): { ok: true; claims: TokenClaims } | { ok: false; reason: string } {
    if (!token) return { ok: false, reason: 'Access token is empty.' };
    const nowS = Math.floor(Date.now() / 1000);
    let claims = this.tokenCache.get(token);
    if (!claims) {
      const v = verifyJwt(this.entraKey, token, nowS);
      if (!v.ok) return { ok: false, reason: `Access token validation failure. ${v.reason}` };
      claims = v.claims as TokenClaims;
      if (this.tokenCache.size > 20000) this.tokenCache.clear();
      this.tokenCache.set(token, claims);
    } else if (typeof claims.exp === 'number' && claims.exp < nowS) {
      return { ok: false, reason: 'Lifetime validation failed, the token is expired.' };
    }
    if (!audiences.includes(claims.aud))
      return { ok: false, reason: 'Access token validation failure. Invalid audience.' };
    const tenant = this.tenants.get(claims.tid);
    if (!tenant || claims.iss !== this.issuer(claims.tid)) {
      return { ok: false, reason: 'Access token validation failure. Invalid issuer.' };
    }
    return { ok: true, claims };
  }

  /** The app a client-credential token was issued to, if it still exists. */
  callerApp(claims: TokenClaims): { tenant: Tenant; appId: string } | undefined {
    const tenant = this.tenants.get(claims.tid);
    if (!tenant || typeof claims.appid !== 'string') return undefined;
    return { tenant, appId: claims.appid };
  }

  resourceFor(tenant: Tenant, audience: string) {
    return appByAudience(tenant, audience);
  }
}
