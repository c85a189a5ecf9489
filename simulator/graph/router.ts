// Graph request pipeline: authenticate → route → throttle/fault → permission → handler. $batch runs every
// sub-request through the same pipeline.
import { randomUUID } from 'node:crypto';
import type { SimCore, TokenClaims } from '../core';
import { bearer, graphError, SimRequest, SimResponse, splitUrl } from '../http';
import { GRAPH_APP_ID, GRAPH_AUDIENCE, Tenant } from '../model';
import { isRecord } from '../util';
import { ODataError } from './odata';
import type { CallFaultRule } from '../calls/faults';

export interface GraphCtx {
  core: SimCore;
  tenant: Tenant;
  claims: TokenClaims;
  appId: string;
  roles: Set<string>;
  version: 'v1.0' | 'beta';
  req: SimRequest;
  params: string[];
  /** https://localhost:<port>/<version> */
  root: string;
}

export type GraphHandler = (ctx: GraphCtx) => SimResponse | Promise<SimResponse>;

export interface GraphRoute {
  method: string;
  re: RegExp;
  /** any one of these application permissions suffices; [] = any authenticated app */
  perms: string[];
  handler: GraphHandler;
  betaOnly?: boolean;
  /** a service-specific limit on top of the general one (learn.microsoft.com/graph/throttling-limits) */
  throttle?: 'calls' | 'presence';
}

const GRAPH_AUDIENCES = [GRAPH_AUDIENCE, `${GRAPH_AUDIENCE}/`, GRAPH_APP_ID];
const MAX_BATCH = 20;

export class GraphRouter {
  private readonly routes: GraphRoute[] = [];

  constructor(private readonly core: SimCore) {}

  add(routes: GraphRoute[]): void {
    this.routes.push(...routes);
  }

  /** Entry for a request whose path starts with /v1.0 or /beta. `rel` is the path after the version. */
  async dispatch(req: SimRequest, version: 'v1.0' | 'beta', rel: string, inBatch = false): Promise<SimResponse> {
    const auth = this.core.verifyToken(bearer(req), GRAPH_AUDIENCES);
    if (!auth.ok) {
      return graphError(req, 401, 'InvalidAuthenticationToken', auth.reason, {
        'www-authenticate': `Bearer realm="", authorization_uri="${this.core.baseUrl}/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`,
      });
    }
    const claims = auth.claims;
    const tenant = this.core.tenants.get(claims.tid)!;
    const appId = typeof claims.appid === 'string' ? claims.appid : String(claims.azp ?? '');
    if (rel === '/$batch' && !inBatch) {
      if (req.method !== 'POST')
        return graphError(
          req,
          405,
          'Request_BadRequest',
          'Specified HTTP method is not allowed for the request target.',
        );
      return this.batch(req, version);
    }
    let path = rel;
    try {
      path = decodeURIComponent(rel);
    } catch {
      /* keep raw */
    }
    let matched: GraphRoute | undefined;
    let params: string[] = [];
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      if (r.betaOnly && version !== 'beta') continue;
      pathMatched = true;
      if (r.method !== req.method) continue;
      matched = r;
      params = m.slice(1);
      break;
    }
    if (!matched) {
      if (pathMatched)
        return graphError(
          req,
          405,
          'Request_BadRequest',
          'Specified HTTP method is not allowed for the request target.',
        );
      const seg = path.split('/').filter(Boolean).pop() ?? '';
      return graphError(req, 400, 'BadRequest', `Resource not found for the segment '${seg}'.`);
    }
    let decision = this.core.guard.check(`graph|${tenant.tenantId}|${appId}`, req.connection);
    if (decision.kind === 'ok' && matched.throttle) {
      // Cloud communication service limits: calls 50,000 requests / 15 s, presence 1,500 / 30 s, per app per tenant
      const f = this.core.faults;
      const [limit, windowS] =
        matched.throttle === 'calls' ? [f.callsRequestsPer15s, 15] : [f.presenceRequestsPer30s, 30];
      decision = this.core.guard.limit(
        `${matched.throttle}|${tenant.tenantId}|${appId}`,
        limit,
        windowS,
        req.connection,
      );
    }
    if (decision.kind === 'throttled') {
      return graphError(
        req,
        429,
        'TooManyRequests',
        'Too many requests. Please retry after the time in the Retry-After header.',
        {
          'retry-after': String(decision.retryAfter),
          'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${tenant.tenantId}/${appId}`,
          'x-ms-throttle-limit-percentage': '1.0',
        },
      );
    }
    if (decision.kind === 'unavailable') {
      return graphError(req, 503, 'serviceNotAvailable', 'Service is unavailable. Please try again.', {
        'retry-after': String(decision.retryAfter),
      });
    }
    const roles = new Set(Array.isArray(claims.roles) ? claims.roles : []);
    // A delegated token carries its permissions in `scp` (space-separated), an app-only one in `roles`.
    const granted = typeof claims.scp === 'string' ? new Set(claims.scp.split(' ')) : roles;
    if (matched.perms.length && !matched.perms.some((p) => granted.has(p))) {
      return graphError(req, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    }
    const ctx: GraphCtx = {
      core: this.core,
      tenant,
      claims,
      appId,
      roles,
      version,
      req,
      params,
      root: `${this.core.baseUrl}/${version}`,
    };
    // Scripted faults of the calls API (POST /_sim/faults/calls): before the operation, or after it (`applied`).
    const scripted = matched.throttle === 'calls' ? this.core.callFaults.take(req.method, path) : undefined;
    if (scripted && !scripted.applied) return scriptedFault(req, scripted);
    try {
      const res = await matched.handler(ctx);
      if (scripted) return await scriptedFault(req, scripted);
      const requestId = randomUUID();
      res.headers = {
        'request-id': requestId,
        'client-request-id': req.headers['client-request-id'] ?? requestId,
        ...res.headers,
      };
      return res;
    } catch (e) {
      if (e instanceof ODataError) return graphError(req, 400, 'BadRequest', e.message);
      if (e instanceof GraphFailure) return graphError(req, e.status, e.code, e.message);
      throw e;
    }
  }

  /** JSON batching: ≤ 20 requests; each goes through dispatch (auth inherited from the batch request). */
  private async batch(req: SimRequest, version: 'v1.0' | 'beta'): Promise<SimResponse> {
    const body = req.body;
    if (!isRecord(body) || !Array.isArray(body.requests)) {
      return graphError(req, 400, 'BadRequest', 'Invalid batch payload format.');
    }
    const requests = body.requests as unknown[];
    if (requests.length > MAX_BATCH) {
      return graphError(req, 400, 'BadRequest', `Number of included requests exceeds the maximum of ${MAX_BATCH}.`);
    }
    const ids = new Set<string>();
    for (const r of requests) {
      if (!isRecord(r) || typeof r.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string') {
        return graphError(
          req,
          400,
          'BadRequest',
          'Invalid batch payload format: each request needs id, method and url.',
        );
      }
      if (ids.has(r.id))
        return graphError(req, 400, 'BadRequest', `Batch request ids must be unique; '${r.id}' is repeated.`);
      ids.add(r.id);
    }
    const results = new Map<string, Promise<SimResponse>>();
    const run = async (r: Record<string, unknown>): Promise<SimResponse> => {
      const deps = Array.isArray(r.dependsOn)
        ? (r.dependsOn as unknown[]).filter((d): d is string => typeof d === 'string')
        : [];
      for (const d of deps) {
        const dep = results.get(d);
        if (!dep) return graphError(req, 400, 'BadRequest', `Request depends on an unknown request id '${d}'.`);
        const res = await dep;
        if (res.status >= 400) return graphError(req, 424, 'FailedDependency', 'Failed dependency.');
      }
      const url = String(r.url).replace(/^https?:\/\/[^/]+\/(v1\.0|beta)/, '');
      const { path, query } = splitUrl(url.startsWith('/') ? url : `/${url}`);
      const headers: Record<string, string | undefined> = { authorization: req.headers.authorization };
      if (isRecord(r.headers))
        for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
      const sub: SimRequest = {
        method: String(r.method).toUpperCase(),
        path,
        query,
        headers,
        body: r.body,
        rawBody: r.body === undefined ? '' : JSON.stringify(r.body),
      };
      return this.dispatch(sub, version, path, true);
    };
    for (const r of requests as Record<string, unknown>[]) results.set(String(r.id), run(r));
    const responses = [];
    for (const r of requests as Record<string, unknown>[]) {
      const res = await results.get(String(r.id))!;
      const headers: Record<string, string> = { 'Content-Type': 'application/json', ...res.headers };
      const entry: Record<string, unknown> = { id: r.id, status: res.status, headers };
      if (res.text !== undefined) entry.body = res.text;
      else if (res.body !== undefined) entry.body = res.body;
      responses.push(entry);
    }
    return { status: 200, body: { responses } };
  }
}

/** Thrown by handlers for a Graph error answer. */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function notFound(id: string): GraphFailure {
  return new GraphFailure(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function badRequest(message: string, code = 'Request_BadRequest'): GraphFailure {
  return new GraphFailure(400, code, message);
}

export function context(ctx: GraphCtx, fragment: string): string {
  return `https://graph.microsoft.com/${ctx.version}/$metadata#${fragment}`;
}

/** The answer of a scripted calls-API fault: 429 / 503 / 504 with Retry-After, or a request held until it times out. */
async function scriptedFault(req: SimRequest, rule: CallFaultRule): Promise<SimResponse> {
  if (rule.status === 'timeout') {
    await new Promise((resolve) => setTimeout(resolve, CALL_FAULT_HOLD_MS).unref());
    return graphError(req, 504, 'GatewayTimeout', 'The request timed out.');
  }
  const headers = { 'retry-after': String(rule.retryAfterS) };
  if (rule.status === 429)
    return graphError(
      req,
      429,
      'TooManyRequests',
      'Too many requests. Please retry after the time in the Retry-After header.',
      headers,
    );
  if (rule.status === 504) return graphError(req, 504, 'GatewayTimeout', 'The request timed out.', headers);
  return graphError(req, 503, 'serviceNotAvailable', 'Service is unavailable. Please try again.', headers);
}

/** How long a scripted `timeout` holds the request (longer than a sane client timeout). */
const CALL_FAULT_HOLD_MS = 40_000;
