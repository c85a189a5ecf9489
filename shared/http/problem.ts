/**
 * RFC 9457 problem details (`application/problem+json`). Builders take only what is safe to show: messages are
 * passed through {@link redact} so a token, secret or connection string that slipped into an error never leaves.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://switchboard.dev/problems/';

export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  [/(AccountKey|SharedAccessSignature|sig|client_secret|password|secret)=([^;&\s]+)/gi, '$1=[redacted]'],
];

/** Removes bearer tokens, JWTs and key=value secrets from a message. */
export function redact(text: string): string {
  return SECRET_PATTERNS.reduce((t, [re, replacement]) => t.replace(re, replacement), text);
}

export function problem(
  status: number,
  slug: string,
  title: string,
  detail?: string,
  extra: Record<string, unknown> = {},
): Problem {
  const p: Problem = { type: TYPE_BASE + slug, title, status, ...extra };
  if (detail !== undefined) p.detail = redact(detail);
  return p;
}

export const badRequest = (detail: string, errors?: FieldProblem[]): Problem =>
  problem(
    400,
    'validation',
    'The request is not valid',
    detail,
    errors ? { errors: errors.map((e) => ({ field: e.field, message: redact(e.message) })) } : {},
  );
export const unauthorized = (detail = 'A valid bearer token is required.'): Problem =>
  problem(401, 'unauthorized', 'Authentication required', detail);
export const forbidden = (detail: string): Problem => problem(403, 'forbidden', 'Not allowed', detail);
export const notFound = (detail: string): Problem => problem(404, 'not-found', 'Not found', detail);
export const conflict = (detail: string): Problem => problem(409, 'conflict', 'Conflict', detail);
export const payloadTooLarge = (detail: string, limit: number): Problem =>
  problem(413, 'too-large', 'Request body too large', detail, { limit });
export const tooManyRequests = (detail: string, retryAfterSeconds?: number): Problem =>
  problem(
    429,
    'throttled',
    'Too many requests',
    detail,
    retryAfterSeconds === undefined ? {} : { retryAfter: retryAfterSeconds },
  );
export const serviceUnavailable = (detail: string): Problem =>
  problem(503, 'unavailable', 'Service unavailable', detail);
/** Internal errors never show their message: it may hold anything. */
export const internalError = (correlationId?: string): Problem =>
  problem(
    500,
    'internal',
    'Internal error',
    'Something went wrong on our side.',
    correlationId ? { correlationId } : {},
  );

/** Shape for an HTTP response (v4 `HttpResponseInit`-compatible). */
export function problemResponse(
  p: Problem,
  headers: Record<string, string> = {},
): {
  status: number;
  headers: Record<string, string>;
  jsonBody: Problem;
} {
  return { status: p.status, headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers }, jsonBody: p };
}
