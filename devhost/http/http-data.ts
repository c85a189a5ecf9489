/**
 * Conversions between node:http and the worker's RpcHttpData (reference §1.4): the request the library's HttpRequest
 * is built from, and the response its HttpResponse is turned into (`toRpcHttp`).
 */
import type { IncomingMessage } from 'node:http';
import type { RpcHttpData, RpcTypedData } from '../types';

/** Builds the trigger's RpcHttpData. The body goes as bytes: the library's HttpRequest reads text, JSON and binary from it. */
export function toRpcHttpRequest(
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
): RpcHttpData {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
  }
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) {
    // The host exposes one value per key; repeated keys are joined with commas, as ASP.NET's StringValues do.
    query[key] = url.searchParams.getAll(key).join(',');
  }
  const data: RpcHttpData = {
    method: req.method ?? 'GET',
    url: url.toString(),
    headers,
    query,
    params,
  };
  if (body.length > 0) data.body = { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
  return data;
}

export interface HttpResponseParts {
  status: number;
  headers: [string, string | string[]][];
  body: Buffer;
}

interface RpcCookie {
  name?: string;
  value?: string;
  domain?: { value?: string } | null;
  path?: { value?: string } | null;
  expires?: { value?: { seconds?: number | string } } | null;
  secure?: { value?: boolean } | null;
  httpOnly?: { value?: boolean } | null;
  sameSite?: string | null;
  maxAge?: { value?: number } | null;
}

/** Turns the http output (`{http:{statusCode, headers, cookies, body}}`) into what node:http writes. */
export function fromRpcHttpResponse(data: RpcTypedData | null | undefined): HttpResponseParts {
  const http = data?.http;
  if (!http) {
    // The function returned nothing for its HTTP output: the host answers 204 No Content.
    return { status: 204, headers: [], body: Buffer.alloc(0) };
  }
  const status = Number(http.statusCode ?? 200) || 200;
  const headers: [string, string | string[]][] = [];
  const setCookies: string[] = [];
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    if (name.toLowerCase() === 'set-cookie') setCookies.push(value);
    else if (name.toLowerCase() !== 'content-length' && name.toLowerCase() !== 'transfer-encoding')
      headers.push([name, value]);
  }
  for (const cookie of (http.cookies ?? []) as RpcCookie[]) setCookies.push(formatSetCookie(cookie));
  if (setCookies.length > 0) headers.push(['Set-Cookie', setCookies]);
  return { status, headers, body: typedDataToBuffer(http.body) };
}

export function typedDataToBuffer(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (typeof data.string === 'string') return Buffer.from(data.string, 'utf8');
  if (typeof data.json === 'string') return Buffer.from(data.json, 'utf8');
  if (typeof data.int === 'number') return Buffer.from(String(data.int));
  if (typeof data.double === 'number') return Buffer.from(String(data.double));
  return Buffer.alloc(0);
}

/** RFC 6265 Set-Cookie from the worker's RpcHttpCookie (what ASP.NET's cookie builder writes for the host). */
export function formatSetCookie(cookie: RpcCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  if (cookie.expires?.value?.seconds !== undefined) {
    parts.push(`Expires=${new Date(Number(cookie.expires.value.seconds) * 1000).toUTCString()}`);
  }
  if (cookie.maxAge?.value !== undefined) parts.push(`Max-Age=${Math.trunc(cookie.maxAge.value)}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = cookie.sameSite ?? 'none';
  if (sameSite === 'lax') parts.push('SameSite=Lax');
  else if (sameSite === 'strict') parts.push('SameSite=Strict');
  else if (sameSite === 'explicitNone') parts.push('SameSite=None');
  return parts.join('; ');
}
