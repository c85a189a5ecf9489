/**
 * What every API trigger shares: authentication and authorisation, JSON bodies, and turning failures into
 * problem+json — 400 with per-field messages, 401/403 from auth, 404/409 from the service, 500 without internals.
 */
import type { HttpMethod, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { AuthError, requireRole, requireTenant, type ApiRole, type Principal } from '../../shared/auth';
import { ConfigError } from '../../shared/config';
import { normalizeGuid } from '../../shared/domain';
import { BodyTooLargeError, JSON_BODY_MAX_BYTES, readBoundedBody } from '../../shared/http/bounded-body';
import {
  badRequest,
  payloadTooLarge,
  forbidden,
  internalError,
  problem,
  problemResponse,
  unauthorized,
  type FieldProblem,
  type Problem,
} from '../../shared/http/problem';
import { appRoot } from '../composition-root';
import { declareRoute, type Access } from './route-access';

/** Thrown by handlers to answer with a problem. */
export class HttpProblem extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? problem.title);
  }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit => ({
  status,
  jsonBody: body,
  headers: { 'cache-control': 'no-store', ...headers },
});

/**
 * Authenticates the caller and checks they act on their own tenant with one of the roles. The tenant id is checked
 * after authentication (a stranger learns nothing from a 400): a GUID, else 400.
 */
export async function authorize(request: HttpRequest, tenantId: string, ...roles: ApiRole[]): Promise<Principal> {
  const principal = await appRoot().apiTokens.validate(request.headers.get('authorization'));
  requireRole(principal, ...roles);
  requireTenant(principal, tenantIdOf(tenantId));
  return principal;
}

/**
 * {@link authorize} for the route's `{tenantId}`, answering the tenant id normalised once, here at the edge
 * (lower-case GUID): what every service and table then sees.
 */
export async function authorizeTenant(
  request: HttpRequest,
  ...roles: ApiRole[]
): Promise<{ principal: Principal; tenantId: string }> {
  const principal = await authorize(request, request.params.tenantId ?? '', ...roles);
  return { principal, tenantId: tenantIdOf(request.params.tenantId ?? '') };
}

/** A tenant id as the API takes it: a GUID, lower-cased; 400 otherwise. */
export function tenantIdOf(raw: string): string {
  const tenantId = normalizeGuid(raw);
  if (!tenantId) {
    throw validationProblem([{ field: 'tenantId', message: 'must be the tenant id, a GUID (8-4-4-4-12 hex digits)' }]);
  }
  return tenantId;
}

/** A route parameter, percent-decoded (call it after authentication); 400 when its encoding is broken. */
export function pathParam(request: HttpRequest, name: string): string {
  const raw = request.params[name] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw validationProblem([{ field: name, message: 'is not validly percent-encoded' }]);
  }
}

/**
 * The `continuationToken` query parameter, checked to be one this API handed out (a table continuation token:
 * base64 JSON with a partition key); absent or empty is undefined; anything else 400 (it would fail in the storage
 * SDK and answer 500).
 */
export function continuationTokenParam(request: HttpRequest): string | undefined {
  const token = request.query.get('continuationToken');
  if (!token) return undefined;
  let valid = token.length <= 4096 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(token);
  if (valid) {
    try {
      const decoded = JSON.parse(Buffer.from(token, 'base64').toString('latin1')) as unknown;
      valid =
        !!decoded &&
        typeof decoded === 'object' &&
        typeof (decoded as { nextPartitionKey?: unknown }).nextPartitionKey === 'string';
    } catch {
      valid = false;
    }
  }
  if (!valid) {
    throw validationProblem([
      { field: 'continuationToken', message: 'is not a token this API returned; ask for the first page again' },
    ]);
  }
  return token;
}

/** The body as text, at most `limit` bytes (413 beyond, without reading the rest). */
export async function boundedText(request: HttpRequest, limit = JSON_BODY_MAX_BYTES): Promise<string> {
  return new TextDecoder().decode(await boundedBytes(request, limit));
}

/** The body's bytes, at most `limit` (413 beyond, without reading the rest). */
export async function boundedBytes(request: HttpRequest, limit: number): Promise<Uint8Array> {
  return readBoundedBody(request.body, limit, request.headers.get('content-length'));
}

/** Reads a JSON body, or answers 400 saying what is wrong with it. */
export async function jsonBody(request: HttpRequest): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new HttpProblem(
      badRequest(`Send the body as JSON with Content-Type: application/json (got '${type || 'none'}').`),
    );
  }
  const text = await boundedText(request);
  if (!text.trim()) throw new HttpProblem(badRequest('The request body is empty; send a JSON object.'));
  return parseJson(text, (detail) => new HttpProblem(badRequest(`The request body is not valid JSON: ${detail}`)));
}

/** Reads a body that may be absent (any content type): undefined when empty, else its JSON, or 400 on field `body`. */
export async function optionalJsonBody(request: HttpRequest): Promise<unknown> {
  const text = await boundedText(request);
  if (!text.trim()) return undefined;
  return parseJson(text, (detail) => validationProblem([{ field: 'body', message: `is not valid JSON: ${detail}` }]));
}

function parseJson(text: string, invalid: (detail: string) => HttpProblem): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalid((err as Error).message);
  }
}

export function validationProblem(errors: FieldProblem[]): HttpProblem {
  return new HttpProblem(badRequest('Some fields are not valid; see errors[].', errors));
}

/** A list's page size from `?top=` (1 to 1000; larger is capped), undefined when absent, 400 when not a number. */
export function topParam(request: HttpRequest): number | undefined {
  const top = request.query.get('top');
  if (top === null) return undefined;
  if (!/^\d{1,4}$/.test(top)) {
    throw validationProblem([{ field: 'top', message: 'must be a whole number from 1 to 1000' }]);
  }
  return Math.min(1000, Math.max(1, Number(top)));
}

type Handler<A extends unknown[]> = (request: HttpRequest, ...rest: A) => Promise<HttpResponseInit>;

/** Wraps a handler so every failure becomes the right problem+json response (and internals are only logged). */
export function api<A extends [...unknown[], InvocationContext]>(handler: Handler<A>): Handler<A> {
  return async (request, ...rest) => {
    const context = rest[rest.length - 1] as InvocationContext;
    try {
      return await handler(request, ...rest);
    } catch (err) {
      if (err instanceof HttpProblem) return problemResponse(err.problem, err.headers);
      if (err instanceof BodyTooLargeError) return problemResponse(payloadTooLarge(err.message, err.limit));
      if (err instanceof AuthError) {
        const p = err.status === 401 ? unauthorized(err.message) : forbidden(err.message);
        return problemResponse(p, err.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
      }
      if (err instanceof ConfigError) {
        context.error(err.message);
        return problemResponse(
          problem(503, 'configuration', 'Service not configured', 'The service is misconfigured; see its logs.'),
        );
      }
      context.error(
        `${request.method} ${new URL(request.url).pathname} failed: ${(err as Error)?.stack ?? String(err)}`,
      );
      return problemResponse(internalError(context.invocationId));
    }
  };
}

/**
 * Registers an API trigger with the durable client binding: one route, one method, who may call it (route-access.ts),
 * failures as problem+json ({@link api}).
 */
export function durableApi(
  name: string,
  route: string,
  method: HttpMethod,
  access: Access,
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) => Promise<HttpResponseInit>,
): void {
  declareRoute({ name, route, methods: [method], access });
  df.app.client.http(name, { route, methods: [method], handler: api(handler) });
}
