// Request/response values passed between the transport and the handlers (also used for $batch sub-requests).
import { randomUUID } from 'node:crypto';

export interface SimRequest {
  method: string;
  /** path without query, e.g. /v1.0/users/abc */
  path: string;
  query: URLSearchParams;
  /** lower-cased header names */
  headers: Record<string, string | undefined>;
  /** parsed JSON body, or undefined */
  body: unknown;
  rawBody: string;
  /**
   * The TCP connection the request came on (absent for `$batch` sub-requests). HTTP/1.1 sends nothing more on a
   * connection until it has read the previous response, so it tells what the client had been told (see Guard).
   */
  connection?: object;
  /** When the request's head arrived (epoch ms; absent for `$batch` sub-requests). */
  receivedAt?: number;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; `text` wins when set */
  body?: unknown;
  text?: string;
}

export function json(status: number, body?: unknown, headers?: Record<string, string>): SimResponse {
  return { status, body, headers };
}

/** Graph's error body: {error:{code, message, innerError:{date, request-id, client-request-id}}}. */
export function graphError(
  req: SimRequest,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SimResponse {
  const requestId = randomUUID();
  return {
    status,
    headers: {
      'request-id': requestId,
      'client-request-id': req.headers['client-request-id'] ?? requestId,
      ...headers,
    },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': requestId,
          'client-request-id': req.headers['client-request-id'] ?? requestId,
        },
      },
    },
  };
}

export function bearer(req: SimRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m ? m[1].trim() : undefined;
}

/**
 * Parses a query string keeping '+' literal (RFC 3986): OData filters carry E.164 numbers like '+1425…', and
 * URLSearchParams would turn the plus into a space.
 */
export function parseQuery(qs: string): URLSearchParams {
  const out = new URLSearchParams();
  if (!qs) return out;
  for (const part of qs.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    try {
      out.append(decodeURIComponent(k), decodeURIComponent(v));
    } catch {
      out.append(k, v);
    }
  }
  return out;
}

/** Splits a url like "/users?$select=id" (relative to a version root) into path and query. */
export function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  if (q < 0) return { path: url, query: new URLSearchParams() };
  return { path: url.slice(0, q), query: parseQuery(url.slice(q + 1)) };
}
