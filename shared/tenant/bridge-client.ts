/**
 * Client of the Teams admin bridge: the application-instance cmdlets Graph lacks (New/Get/Sync/Set-
 * CsOnlineApplicationInstance), served over HTTPS at BRIDGE_URL. Plain fetch with a bearer token for BRIDGE_SCOPE
 * from the provisioning credential, through the same retry policy as Graph. Bridge errors arrive as
 * `{error:{code,message,cmdlet}}` and become classified TenantErrors.
 */
import type { TokenCredential } from '@azure/identity';
import { TenantError } from './tenant.errors';
import { TokenAcquisitionError } from './gated-credential';
import type { TenantPacer } from './pacing';
import { checkGate, errorFromResponse, networkError, tokenError } from './http';
import type { ApplicationInstance, ApplicationInstanceSync } from './model';
import { RetryEvents, RetryOptions, Sleep, ThrottleGate, executeWithRetry, realSleep, retryOptions } from './retry';

export const BRIDGE_BATCH_LIMIT = 100;

export interface BridgeClientOptions {
  tenantId: string;
  bridgeUrl: string;
  scope: string;
  credential: TokenCredential;
  retry?: Partial<RetryOptions>;
  sleep?: Sleep;
  events?: RetryEvents;
  /** Shared per (tenant, app) with the Graph adapter; a private one when omitted. */
  gate?: ThrottleGate;
  /** The tenant's shared request budget; unpaced when omitted. */
  pacer?: TenantPacer;
}

export interface NewApplicationInstance {
  userPrincipalName: string;
  displayName: string;
  applicationId: string;
}

export interface ApplicationInstancePatch {
  applicationId?: string;
  displayName?: string;
  onpremPhoneNumber?: string;
}

export interface SyncResult extends ApplicationInstanceSync {
  /** The bridge answered 409 "An item with the same key has already been added.": the mapping existed already. */
  alreadySynced: boolean;
}

export class TeamsAdminBridgeClient {
  readonly tenantId: string;
  private readonly base: string;
  private readonly retry: RetryOptions;
  private readonly sleep: Sleep;
  private readonly gate: ThrottleGate;
  private requests = 0;

  constructor(private readonly o: BridgeClientOptions) {
    this.tenantId = o.tenantId;
    this.base = `${o.bridgeUrl.replace(/\/+$/, '')}/tenants/${encodeURIComponent(o.tenantId)}/applicationInstances`;
    this.retry = retryOptions(o.retry);
    this.sleep = o.sleep ?? realSleep;
    this.gate = o.gate ?? new ThrottleGate();
  }

  get requestCount(): number {
    return this.requests;
  }

  /** New-CsOnlineApplicationInstance. 409 AlreadyExists / 400 InvalidDomain surface as conflict / permanent. */
  async createApplicationInstance(body: NewApplicationInstance): Promise<ApplicationInstance> {
    return this.call<ApplicationInstance>('POST', '', body);
  }

  /** Get-CsOnlineApplicationInstance; undefined while not found (e.g. not replicated yet). */
  async getApplicationInstance(upnOrObjectId: string): Promise<ApplicationInstance | undefined> {
    try {
      return await this.call<ApplicationInstance>('GET', `/${encodeURIComponent(upnOrObjectId)}`);
    } catch (e) {
      if (e instanceof TenantError && e.notFound) return undefined;
      throw e;
    }
  }

  /** Bulk Get (≤ 100 identities per bridge call; chunked here). */
  async getApplicationInstances(
    identities: readonly string[],
  ): Promise<{ found: ApplicationInstance[]; notFound: string[] }> {
    const found: ApplicationInstance[] = [];
    const notFound: string[] = [];
    for (let i = 0; i < identities.length; i += BRIDGE_BATCH_LIMIT) {
      const chunk = identities.slice(i, i + BRIDGE_BATCH_LIMIT);
      const r = await this.call<{ value?: ApplicationInstance[]; notFound?: string[] }>('POST', ':batchGet', {
        identities: chunk,
      });
      found.push(...(r.value ?? []));
      notFound.push(...(r.notFound ?? []));
    }
    return { found, notFound };
  }

  /**
   * Sync-CsOnlineApplicationInstance. "An item with the same key has already been added." (409 AlreadyExists) means
   * the mapping is in place: reported as done with `alreadySynced: true`. 404 (not replicated yet) is thrown (notFound).
   */
  async syncApplicationInstance(objectId: string, applicationId?: string): Promise<SyncResult> {
    try {
      const r = await this.call<ApplicationInstanceSync>(
        'POST',
        `/${encodeURIComponent(objectId)}/sync`,
        applicationId ? { applicationId } : {},
      );
      return { ...r, alreadySynced: false };
    } catch (e) {
      if (e instanceof TenantError && e.conflict && e.code === 'AlreadyExists') {
        return { objectId, applicationId: applicationId ?? null, synced: true, alreadySynced: true };
      }
      throw e;
    }
  }

  async getApplicationInstanceSync(objectId: string): Promise<ApplicationInstanceSync> {
    return this.call<ApplicationInstanceSync>('GET', `/${encodeURIComponent(objectId)}/sync`);
  }

  /**
   * The APS mappings of many accounts (≤ 100 object ids per bridge call; chunked here): `POST
   * …/applicationInstances/sync:batchGet`. Accounts the bridge cannot see are in `notFound`.
   */
  async getApplicationInstanceSyncs(
    objectIds: readonly string[],
  ): Promise<{ found: ApplicationInstanceSync[]; notFound: string[] }> {
    const found: ApplicationInstanceSync[] = [];
    const notFound: string[] = [];
    for (let i = 0; i < objectIds.length; i += BRIDGE_BATCH_LIMIT) {
      const chunk = objectIds.slice(i, i + BRIDGE_BATCH_LIMIT);
      const r = await this.call<{ value?: ApplicationInstanceSync[]; notFound?: string[] }>('POST', '/sync:batchGet', {
        identities: chunk,
      });
      found.push(...(r.value ?? []));
      notFound.push(...(r.notFound ?? []));
    }
    return { found, notFound };
  }

  /** Set-CsOnlineApplicationInstance. */
  async updateApplicationInstance(
    upnOrObjectId: string,
    patch: ApplicationInstancePatch,
  ): Promise<ApplicationInstance> {
    return this.call<ApplicationInstance>('PATCH', `/${encodeURIComponent(upnOrObjectId)}`, patch);
  }

  private async call<T>(method: string, suffix: string, body?: unknown): Promise<T> {
    const url = this.base + suffix;
    const operation = `${method} applicationInstances${suffix}`;
    checkGate(this.gate, this.retry, 'bridge', operation);
    await this.o.pacer?.acquire('bridge', 1, this.retry.maxWaitMs, operation);
    let token: string;
    try {
      const t = await this.o.credential.getToken(this.o.scope);
      if (!t) throw new Error('the credential returned no token');
      token = t.token;
    } catch (e) {
      throw tokenError(operation, new TokenAcquisitionError(this.o.scope, e));
    }
    let result;
    try {
      result = await executeWithRetry(
        () => {
          this.requests++;
          return fetch(url, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'application/json',
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(this.retry.timeoutMs),
          });
        },
        this.retry,
        this.sleep,
        this.o.events,
        Date.now,
        this.gate,
        this.o.pacer
          ? () => this.o.pacer!.acquire('bridge', 1, Number.POSITIVE_INFINITY, `${operation} (retry)`)
          : undefined,
      );
    } catch (e) {
      throw networkError('bridge', operation, e);
    }
    const { response, attempts } = result;
    const text = await response.text();
    if (response.ok) return (text ? JSON.parse(text) : {}) as T;
    throw errorFromResponse({
      source: 'bridge',
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      bodyText: text,
      operation,
      attempts,
      retry: this.retry,
    });
  }
}
