/**
 * Microsoft Graph side of the TenantGateway: consent reads, users, licences, numbers, batched reads.
 * Paths are exactly those of ../shared/reference/microsoft-graph.md. Every request goes through one retry layer
 * (see graph-client.ts) and is counted.
 */
import type { TokenCredential } from '@azure/identity';
import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import type { GraphRequest } from '@microsoft/microsoft-graph-client';
import { TenantError, ThrottledError, classifyStatus } from './tenant.errors';
import { CredentialAuthProvider, createGraphClient, graphScope } from './graph-client';
import { TokenAcquisitionError } from './gated-credential';
import type { TenantPacer } from './pacing';
import { checkGate, errorFromResponse, networkError, readErrorBody, tokenError } from './http';
import type {
  AppRoleAssignment,
  AssignNumberRequest,
  BatchItemResult,
  DirectoryUser,
  NumberAssignment,
  NumberOperation,
  OAuth2PermissionGrant,
  Page,
  ServicePrincipal,
  SubscribedSku,
  UsersByIds,
} from './model';
import { RetryEvents, RetryOptions, Sleep, ThrottleGate, parseRetryAfter, realSleep, retryOptions } from './retry';
import type { NumberType } from '../domain/enums';

export const NUMBERS_PATH = '/admin/teams/telephoneNumberManagement/numberAssignments';
export const NUMBER_OPERATIONS_PATH = '/admin/teams/telephoneNumberManagement/operations';
export const BATCH_LIMIT = 20;
/** Values per `in (…)` clause: Graph limits a directory `$filter` to 15 expressions by default. */
export const FILTER_IN_LIMIT = 15;

export const DEFAULT_USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'usageLocation',
  'accountEnabled',
  'assignedLicenses',
  'assignedPlans',
];

export interface GraphAdapterOptions {
  tenantId: string;
  graphBaseUrl: string;
  credential: TokenCredential;
  retry?: Partial<RetryOptions>;
  sleep?: Sleep;
  events?: RetryEvents;
  /** Shared per (tenant, app) with the bridge client; a private one when omitted. */
  gate?: ThrottleGate;
  /** The tenant's shared request budget; unpaced when omitted. */
  pacer?: TenantPacer;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface RawResult {
  status: number;
  headers: Headers;
  text: string;
}

/** OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Reads the operation id out of `Location: …/telephoneNumberManagement/operations('<id>')` (or `/operations/<id>`). */
export function operationIdFromLocation(location: string | null): string | undefined {
  if (!location) return undefined;
  const m = /operations\('([^']+)'\)/.exec(location) ?? /operations\/([^/?#]+)/.exec(location);
  return m ? decodeURIComponent(m[1]) : undefined;
}

export class GraphTenantAdapter {
  readonly tenantId: string;
  private readonly client: Client;
  private readonly retry: RetryOptions;
  private readonly sleep: Sleep;
  private readonly gate: ThrottleGate;
  private readonly auth: CredentialAuthProvider;
  private readonly pacer?: TenantPacer;
  private requests = 0;

  constructor(o: GraphAdapterOptions) {
    this.tenantId = o.tenantId;
    this.retry = retryOptions(o.retry);
    this.sleep = o.sleep ?? realSleep;
    this.gate = o.gate ?? new ThrottleGate();
    this.pacer = o.pacer;
    this.client = createGraphClient({
      baseUrl: o.graphBaseUrl,
      credential: o.credential,
      retry: this.retry,
      sleep: this.sleep,
      events: o.events ?? {},
      onRequest: () => {
        this.requests++;
      },
      gate: this.gate,
      pacer: o.pacer,
    });
    this.auth = new CredentialAuthProvider(o.credential, graphScope(o.graphBaseUrl));
  }

  /** HTTP requests sent to Graph by this adapter (each retry counts). */
  get requestCount(): number {
    return this.requests;
  }

  // ---- consent -------------------------------------------------------------------------------------------------

  async getServicePrincipal(appId: string): Promise<ServicePrincipal | undefined> {
    return this.getOrUndefined<ServicePrincipal>(`/servicePrincipals(appId=${odataString(appId)})`);
  }

  async listAppRoleAssignments(servicePrincipalId: string): Promise<AppRoleAssignment[]> {
    return this.listAll<AppRoleAssignment>(`/servicePrincipals/${enc(servicePrincipalId)}/appRoleAssignments`);
  }

  async listOauth2PermissionGrants(servicePrincipalId: string): Promise<OAuth2PermissionGrant[]> {
    return this.listAll<OAuth2PermissionGrant>('/oauth2PermissionGrants', {
      $filter: `clientId eq ${odataString(servicePrincipalId)}`,
    });
  }

  // ---- users and licences --------------------------------------------------------------------------------------

  async getUser(idOrUpn: string, select: readonly string[] = DEFAULT_USER_SELECT): Promise<DirectoryUser | undefined> {
    return this.getOrUndefined<DirectoryUser>(`/users/${enc(idOrUpn)}`, { $select: select.join(',') });
  }

  async updateUsageLocation(userId: string, usageLocation: string): Promise<void> {
    await this.send('PATCH', `/users/${enc(userId)}`, { body: { usageLocation } });
  }

  /** `assignLicense` with `removeLicenses: []` (Graph requires both arrays). */
  async assignLicense(userId: string, skuId: string, disabledPlans: readonly string[] = []): Promise<void> {
    await this.send('POST', `/users/${enc(userId)}/assignLicense`, {
      body: { addLicenses: [{ skuId, disabledPlans: [...disabledPlans] }], removeLicenses: [] },
    });
  }

  async removeLicense(userId: string, skuId: string): Promise<void> {
    await this.send('POST', `/users/${enc(userId)}/assignLicense`, {
      body: { addLicenses: [], removeLicenses: [skuId] },
    });
  }

  async listSubscribedSkus(): Promise<SubscribedSku[]> {
    return this.listAll<SubscribedSku>('/subscribedSkus');
  }

  /** Deletes a user / resource account's directory object. Returns false when it was already gone. */
  async deleteUser(userId: string): Promise<boolean> {
    try {
      await this.send('DELETE', `/users/${enc(userId)}`);
      return true;
    } catch (e) {
      if (e instanceof TenantError && e.notFound) return false;
      throw e;
    }
  }

  /** Reads many users through `$batch` (20 per request); per-item 429s are retried alone, honouring their Retry-After. */
  async getUsers(
    ids: readonly string[],
    select: readonly string[] = DEFAULT_USER_SELECT,
  ): Promise<BatchItemResult<DirectoryUser>[]> {
    const query = `?$select=${select.join(',')}`;
    return this.batchGet<DirectoryUser>(ids.map((id) => ({ id, url: `/users/${enc(id)}${query}` })));
  }

  /**
   * Users by object id: `GET /users?$filter=id in (…15 ids)` as `$batch` sub-requests (20 per `$batch`), so one HTTP
   * request reads up to 300 users. A failed sub-request makes its ids `failed`; ids not returned do not exist.
   */
  async findUsersByIds(ids: readonly string[], select: readonly string[] = DEFAULT_USER_SELECT): Promise<UsersByIds> {
    return this.findUsersWhereIn('id', ids, select);
  }

  /**
   * Users by UPN, as {@link findUsersByIds} (`userPrincipalName in (…)`, which user's `userPrincipalName` supports):
   * a call queue's 2,000 agents are 134 sub-requests in 7 `$batch` requests. `select` must include
   * `userPrincipalName` to match the answers to the UPNs asked.
   */
  async findUsersByUpns(upns: readonly string[], select: readonly string[] = DEFAULT_USER_SELECT): Promise<UsersByIds> {
    return this.findUsersWhereIn('userPrincipalName', upns, select);
  }

  private async findUsersWhereIn(
    property: 'id' | 'userPrincipalName',
    ids: readonly string[],
    select: readonly string[],
  ): Promise<UsersByIds> {
    const groups: string[][] = [];
    for (let i = 0; i < ids.length; i += FILTER_IN_LIMIT) groups.push(ids.slice(i, i + FILTER_IN_LIMIT));
    const items = groups.map((g, n) => ({
      id: String(n),
      url: `/users?$filter=${encodeURIComponent(`${property} in (${g.map(odataString).join(',')})`)}&$select=${select.join(',')}&$top=${FILTER_IN_LIMIT}`,
    }));
    const results = await this.batchGet<{ value?: DirectoryUser[] }>(items);
    const out: UsersByIds = { users: [], failed: [] };
    results.forEach((r, n) => {
      if (r.value) out.users.push(...(r.value.value ?? []));
      else
        out.failed.push({
          ids: groups[n],
          error:
            r.error ??
            new TenantError({
              kind: 'retryable',
              source: 'graph',
              status: r.status,
              message: `$batch item ${r.status}`,
            }),
        });
    });
    return out;
  }

  // ---- numbers -------------------------------------------------------------------------------------------------

  async findNumber(telephoneNumber: string): Promise<NumberAssignment | undefined> {
    const page = await this.listNumbers({ filter: `telephoneNumber eq ${odataString(telephoneNumber)}`, top: 1 });
    return page.items[0];
  }

  async listNumbers(
    options: { filter?: string; top?: number; nextLink?: string } = {},
  ): Promise<Page<NumberAssignment>> {
    if (options.nextLink) return this.page<NumberAssignment>(options.nextLink);
    const query: Record<string, string> = {};
    if (options.filter) query.$filter = options.filter;
    if (options.top) query.$top = String(Math.min(1000, Math.max(1, Math.floor(options.top))));
    return this.page<NumberAssignment>(NUMBERS_PATH, query);
  }

  /** Starts a number assignment; returns the long-running operation's id (from the `Location` header). */
  async assignNumber(request: AssignNumberRequest): Promise<{ operationId: string }> {
    return this.startNumberOperation(`${NUMBERS_PATH}/assignNumber`, { ...request });
  }

  async unassignNumber(request: { telephoneNumber: string; numberType: NumberType }): Promise<{ operationId: string }> {
    return this.startNumberOperation(`${NUMBERS_PATH}/unassignNumber`, { ...request });
  }

  async getNumberOperation(operationId: string): Promise<NumberOperation> {
    const r = await this.send('GET', `${NUMBER_OPERATIONS_PATH}/${enc(operationId)}`);
    return JSON.parse(r.text) as NumberOperation;
  }

  private async startNumberOperation(path: string, body: object): Promise<{ operationId: string }> {
    const r = await this.send('POST', path, { body });
    const operationId = operationIdFromLocation(r.headers.get('location'));
    if (!operationId) {
      throw new TenantError({
        kind: 'permanent',
        source: 'graph',
        status: r.status,
        message: `POST ${path} returned ${r.status} without an operation Location header`,
        operation: `POST ${path}`,
      });
    }
    return { operationId };
  }

  // ---- plumbing ------------------------------------------------------------------------------------------------

  protected async getOrUndefined<T>(path: string, query?: Record<string, string>): Promise<T | undefined> {
    try {
      const r = await this.send('GET', path, { query });
      return JSON.parse(r.text) as T;
    } catch (e) {
      if (e instanceof TenantError && e.notFound) return undefined;
      throw e;
    }
  }

  private async page<T>(pathOrNextLink: string, query?: Record<string, string>): Promise<Page<T>> {
    const r = await this.send('GET', pathOrNextLink, { query });
    const body = JSON.parse(r.text) as { value?: T[]; '@odata.nextLink'?: string };
    return { items: body.value ?? [], nextLink: body['@odata.nextLink'] };
  }

  protected async listAll<T>(path: string, query?: Record<string, string>): Promise<T[]> {
    const items: T[] = [];
    let page = await this.page<T>(path, query);
    items.push(...page.items);
    while (page.nextLink) {
      page = await this.page<T>(page.nextLink);
      items.push(...page.items);
    }
    return items;
  }

  /** One logical Graph call: retried by the middleware; non-2xx becomes a classified TenantError. */
  protected async send(
    method: Method,
    path: string,
    o: { body?: unknown; query?: Record<string, string> } = {},
  ): Promise<RawResult> {
    const operation = `${method} ${path.replace(/^https?:\/\/[^/]+\/v1\.0/, '')}`;
    checkGate(this.gate, this.retry, 'graph', operation);
    const cost = path === '/$batch' ? Math.max(1, (o.body as { requests?: unknown[] })?.requests?.length ?? 1) : 1;
    await this.pacer?.acquire('graph', cost, this.retry.maxWaitMs, operation);
    // The token first (a cache hit after the first call): the Graph client would wrap a token failure into a
    // GraphError and lose whether it is worth waiting for.
    try {
      await this.auth.getAccessToken();
    } catch (e) {
      if (e instanceof TokenAcquisitionError) throw tokenError(operation, e);
      throw e;
    }
    let request: GraphRequest = this.client.api(path).responseType(ResponseType.RAW);
    if (o.query) {
      // The Graph client does not encode query values: do it here (e.g. the + of an E.164 number in $filter).
      for (const [k, v] of Object.entries(o.query)) request = request.query({ [k]: encodeURIComponent(v) });
    }
    let response: Response;
    try {
      switch (method) {
        case 'GET':
          response = (await request.get()) as Response;
          break;
        case 'POST':
          response = (await request.post(o.body ?? {})) as Response;
          break;
        case 'PATCH':
          response = (await request.patch(o.body ?? {})) as Response;
          break;
        case 'DELETE':
          response = (await request.delete()) as Response;
          break;
      }
    } catch (e) {
      // Thrown only for network errors/timeouts (RAW responses are never thrown), after our retries.
      throw networkError('graph', operation, e);
    }
    const text = await response.text();
    if (response.ok) return { status: response.status, headers: response.headers, text };
    throw errorFromResponse({
      source: 'graph',
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      bodyText: text,
      operation,
      attempts: this.retry.maxAttempts,
      retry: this.retry,
    });
  }

  /**
   * GETs through `$batch`, ≤ 20 per request. Items answered 429 (or 503/504) are collected and sent again —
   * only those — after the longest Retry-After among them, within the same attempt budget as single requests.
   */
  private async batchGet<T>(items: readonly { id: string; url: string }[]): Promise<BatchItemResult<T>[]> {
    const results = new Map<string, BatchItemResult<T>>();
    for (let i = 0; i < items.length; i += BATCH_LIMIT) {
      let pending = items.slice(i, i + BATCH_LIMIT);
      for (let attempt = 1; pending.length > 0; attempt++) {
        const requests = pending.map((item, n) => ({ id: String(n + 1), method: 'GET', url: item.url }));
        const r = await this.send('POST', '/$batch', { body: { requests } });
        const body = JSON.parse(r.text) as {
          responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
        };
        const retry: { id: string; url: string }[] = [];
        let waitMs = 0;
        for (const resp of body.responses ?? []) {
          const item = pending[Number(resp.id) - 1];
          if (!item) continue;
          const headers = lowerKeys(resp.headers ?? {});
          const retryAfterMs = parseRetryAfter(headers['retry-after'], Date.now());
          const retryable = this.retry.retryStatuses.includes(resp.status);
          if (retryable && retryAfterMs !== undefined) this.gate.closeFor(retryAfterMs, Date.now());
          if (retryable && attempt < this.retry.maxAttempts) {
            const wait = retryAfterMs ?? this.retry.baseDelayMs * 2 ** (attempt - 1);
            if (wait <= this.retry.maxWaitMs) {
              retry.push(item);
              waitMs = Math.max(waitMs, wait);
              continue;
            }
          }
          results.set(item.id, this.batchItemResult<T>(item, resp.status, resp.body, retryAfterMs));
        }
        // Items the service did not answer at all are retried too (defensive: the spec says every id is answered).
        for (const item of pending)
          if (!results.has(item.id) && !retry.includes(item)) {
            if (attempt < this.retry.maxAttempts) retry.push(item);
            else results.set(item.id, this.batchItemResult<T>(item, 503, undefined, undefined));
          }
        pending = retry;
        // The gate (closed by the Retry-After above) makes the next $batch wait; sleep covers items without one.
        if (pending.length > 0) await this.sleep(Math.max(0, waitMs - this.gate.remainingMs(Date.now())));
      }
    }
    return items.map((item) => results.get(item.id) as BatchItemResult<T>);
  }

  private batchItemResult<T>(
    item: { id: string; url: string },
    status: number,
    body: unknown,
    retryAfterMs?: number,
  ): BatchItemResult<T> {
    if (status >= 200 && status < 300) return { id: item.id, status, value: body as T };
    const err = readErrorBody(typeof body === 'string' ? body : JSON.stringify(body ?? {}));
    const operation = `GET ${item.url} (in $batch)`;
    const message = `${operation} failed: ${status}${err.code ? ` ${err.code}` : ''}${err.message ? `: ${err.message}` : ''}`;
    const kind = classifyStatus(status, retryAfterMs !== undefined);
    const error =
      kind === 'throttled'
        ? new ThrottledError({
            source: 'graph',
            status,
            code: err.code,
            message,
            operation,
            retryAfterMs: retryAfterMs ?? this.retry.maxDelayMs,
          })
        : new TenantError({ kind, source: 'graph', status, code: err.code, message, operation, retryAfterMs });
    return { id: item.id, status, error };
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
