/**
 * The HTTP front door: the routes of HTTP-triggered functions (under the route prefix), the Durable webhooks
 * (`/runtime/webhooks/durabletask/…`, no prefix), and the admin endpoint `POST /admin/functions/<name>` that func
 * offers to run a non-HTTP function by hand. It listens before the app loads (so `--port 0` is known and
 * WEBSITE_HOSTNAME can be set) and answers 503 until the host is ready.
 *
 * Keys: `authLevel` function/admin is not enforced locally — like `func start`, any (or no) `x-functions-key` /
 * `?code=` is accepted.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  InvocationError,
  type DurableRuntime,
  type Invoker,
  type Logger,
  type RegisteredFunction,
  type RpcTypedData,
} from '../types';
import { fromRpcHttpResponse, toRpcHttpRequest } from './http-data';
import type { HttpRouter } from './router';

/** The host's default request body limit (~100 MB). */
export const MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;
export const DURABLE_WEBHOOK_PREFIX = '/runtime/webhooks/durabletask/';

export interface HttpAppConfig {
  router: HttpRouter;
  invoker: Invoker;
  durable?: DurableRuntime;
  /** Functions by lower-case name, for the admin endpoint. */
  functions: Map<string, RegisteredFunction>;
  /** local.settings.json `Host.CORS` (e.g. `*`), or undefined for no CORS headers. */
  cors?: string;
  /** The library's HTTP proxy when the app enabled HTTP streaming (`HttpUri` capability). */
  streamUri?: string;
  /** Runs a non-HTTP function with the admin endpoint's `input` (returns false when it cannot). */
  invokeByAdmin?: (fn: RegisteredFunction, input: string) => Promise<boolean>;
}

class BodyTooLargeError extends Error {}

export class HttpHost {
  private readonly server: http.Server;
  private app: HttpAppConfig | undefined;
  private stopping = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  port = 0;

  constructor(
    private readonly logger: Logger,
    private readonly maxBodyBytes = MAX_REQUEST_BODY_BYTES,
  ) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
  }

  /**
   * Listens on loopback (127.0.0.1; `localhost` clients fall back to it from ::1) unless `host` says otherwise (`*`:
   * every interface — the devhost has no TLS and the app's own auth only); resolves with the actual port (`0` picks a
   * free one).
   */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE')
          reject(new Error(`Port ${port} is unavailable (already in use). Choose another with --port.`));
        else if (err.code === 'EACCES') reject(new Error(`Port ${port} cannot be used (permission denied).`));
        else reject(err);
      };
      this.server.once('error', onError);
      const onListening = () => {
        this.server.off('error', onError);
        this.port = (this.server.address() as AddressInfo).port;
        resolve(this.port);
      };
      if (host === '*') this.server.listen(port, onListening);
      else this.server.listen(port, host, onListening);
    });
  }

  /** From now on requests reach the app. */
  setApp(app: HttpAppConfig): void {
    this.app = app;
  }

  /**
   * Stops accepting connections and new requests; waits (at most `graceMs`) for in-flight requests to finish.
   * Returns true when all finished in time.
   */
  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const drained = await this.waitIdle(graceMs);
    this.server.closeAllConnections();
    await closed;
    return drained;
  }

  private waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    try {
      await this.route(req, res);
    } catch (err) {
      this.logger.error(`HTTP ${req.method} ${req.url} failed in the devhost: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, 500, 'Internal Server Error');
      else res.destroy();
    } finally {
      this.inFlight--;
      if (this.stopping) res.shouldKeepAlive = false;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((w) => w());
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const app = this.app;
    if (this.stopping) {
      res.setHeader('Connection', 'close');
      return send(res, 503, 'The host is shutting down.');
    }
    if (!app) return send(res, 503, 'The host is starting.');
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? `localhost:${this.port}`}`);
    if (app.cors) applyCors(req, res, app.cors);
    if (app.cors && req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.writeHead(204).end();
      return;
    }

    if (url.pathname.startsWith(DURABLE_WEBHOOK_PREFIX) || url.pathname === DURABLE_WEBHOOK_PREFIX.slice(0, -1)) {
      if (!app.durable) return send(res, 404, 'This app uses no Durable Functions.');
      const sub = url.pathname.slice(DURABLE_WEBHOOK_PREFIX.length) + url.search;
      await app.durable.handleHttp(req, res, sub);
      return;
    }

    const admin = /^\/admin\/functions\/([^/]+)\/?$/i.exec(url.pathname);
    if (admin && req.method === 'POST') return this.adminInvoke(req, res, decodeURIComponent(admin[1]!), app);

    const found = app.router.lookup(req.method ?? 'GET', url.pathname);
    if (found.kind === 'notFound' && url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      // The host's landing page when no function owns the root.
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end('<!doctype html><title>Functions</title><p>Your Functions 4.0 app is up and running (devhost).</p>');
      return;
    }
    if (found.kind === 'notFound') return send(res, 404, '');
    if (found.kind === 'methodNotAllowed') {
      res.setHeader('Allow', found.allow.join(', '));
      return send(res, 405, '');
    }

    if (app.streamUri) return this.invokeStreaming(req, res, url, found.route.fn, found.params, app);

    let body: Buffer;
    try {
      body = await readBody(req, this.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.setHeader('Connection', 'close');
        return send(res, 413, `Request body too large (limit ${this.maxBodyBytes} bytes).`);
      }
      throw err;
    }
    const { fn } = found.route;
    const httpData = toRpcHttpRequest(req, url, found.params, body);
    let result;
    try {
      result = await app.invoker.invoke(fn, { triggerData: { http: httpData } });
    } catch (err) {
      // The invoker already logged the failure with its invocation id; the host answers a bare 500.
      if (err instanceof InvocationError) return send(res, 500, '');
      throw err;
    }
    const output = pickHttpOutput(fn, result.returnValue, result.outputData);
    const parts = fromRpcHttpResponse(output);
    for (const [name, value] of parts.headers) res.setHeader(name, value);
    res.statusCode = parts.status;
    if (req.method === 'HEAD' || parts.status === 204 || parts.status === 304) {
      res.end();
      return;
    }
    res.setHeader('Content-Length', parts.body.length);
    res.end(parts.body);
  }

  /**
   * HTTP streaming (`app.setup({enableHttpStream: true})`): like the host, forward the raw request to the library's
   * proxy (its capability `HttpUri`) tagged with the invocation id, invoke the function with the headers and route
   * parameters as trigger metadata, and pipe the proxy's response — which the library writes — back to the client.
   */
  private async invokeStreaming(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    fn: RegisteredFunction,
    params: Record<string, string>,
    app: HttpAppConfig,
  ): Promise<void> {
    const invocationId = randomUUID();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const target = new URL(url.pathname + url.search, app.streamUri);
    const responded = new Promise<void>((resolve, reject) => {
      const proxyReq = http.request(target, {
        method: req.method,
        headers: {
          ...req.headers,
          'x-ms-invocation-id': invocationId,
          'x-forwarded-host': url.host,
          'x-forwarded-proto': url.protocol.replace(':', ''),
        },
      });
      let answered = false;
      proxyReq.once('response', (proxyRes) => {
        answered = true;
        res.statusCode = proxyRes.statusCode ?? 200;
        for (const [name, value] of Object.entries(proxyRes.headers)) {
          if (value !== undefined && name !== 'x-ms-invocation-id' && name !== 'connection' && name !== 'keep-alive') {
            res.setHeader(name, value);
          }
        }
        // Answered before the client finished sending (the function refused the body, e.g. 413): like Kestrel, close
        // the connection after the answer instead of reading the rest — the unread bytes would otherwise be taken for
        // the next request on this keep-alive connection.
        if (!req.complete) {
          res.setHeader('connection', 'close');
          res.once('finish', () => {
            req.unpipe(proxyReq);
            req.socket.destroy();
          });
        }
        proxyRes.pipe(res);
        proxyRes.once('end', () => {
          if (!req.complete) {
            req.unpipe(proxyReq);
            proxyReq.destroy();
            req.resume();
          }
          resolve();
        });
        proxyRes.once('error', reject);
      });
      // A function may answer before reading the whole body (a 413 on Content-Length): the library's proxy then
      // drops the rest, and writing it fails. Like the host, the answer stands — stop forwarding, never crash.
      proxyReq.on('error', (err) => {
        if (!answered) reject(err);
        req.unpipe(proxyReq);
        req.resume();
      });
      req.pipe(proxyReq);
    });
    const triggerMetadata: Record<string, RpcTypedData> = { Headers: { json: JSON.stringify(headers) } };
    for (const [name, value] of Object.entries(params)) triggerMetadata[name] = { string: value };
    const httpData = toRpcHttpRequest(req, url, params, Buffer.alloc(0));
    try {
      await app.invoker.invoke(fn, { invocationId, triggerData: { http: httpData }, triggerMetadata });
    } catch (err) {
      if (!(err instanceof InvocationError)) throw err;
      if (!res.headersSent) send(res, 500, '');
      responded.catch(() => undefined);
      return;
    }
    await responded;
  }

  /** func's `POST /admin/functions/<name>` with `{"input": "..."}`: runs a non-HTTP function once, answers 202. */
  private async adminInvoke(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    app: HttpAppConfig,
  ): Promise<void> {
    const fn = app.functions.get(name.toLowerCase());
    if (!fn) return send(res, 404, `No function named "${name}".`);
    let input = '';
    try {
      const text = (await readBody(req, this.maxBodyBytes)).toString('utf8');
      const parsed: unknown = text ? JSON.parse(text) : {};
      const raw = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).input : undefined;
      input = raw === undefined || raw === null ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
    } catch {
      return send(res, 400, 'Expected a JSON body like {"input": "..."}.');
    }
    if (!app.invokeByAdmin) return send(res, 400, 'Not supported.');
    const accepted = await app.invokeByAdmin(fn, input).catch(() => false);
    if (!accepted)
      return send(res, 400, `Function "${fn.metadata.name}" cannot be invoked through the admin endpoint.`);
    send(res, 202, '');
  }
}

/** The HTTP output: `$return` when it is the http binding, else the first http output binding with data. */
function pickHttpOutput(
  fn: RegisteredFunction,
  returnValue: import('../types').RpcTypedData | null | undefined,
  outputData: { name: string; data: import('../types').RpcTypedData | null | undefined }[],
) {
  const ret = fn.metadata.bindings.$return;
  if (ret && ret.type.toLowerCase() === 'http' && returnValue?.http) return returnValue;
  for (const { name, data } of outputData) {
    const binding = fn.metadata.bindings[name];
    if (binding?.type.toLowerCase() === 'http' && data?.http) return data;
  }
  return returnValue?.http ? returnValue : undefined;
}

function applyCors(req: IncomingMessage, res: ServerResponse, cors: string): void {
  const origin = req.headers.origin;
  if (!origin) return;
  const allowed = cors.split(',').map((s) => s.trim());
  if (allowed.includes('*')) res.setHeader('Access-Control-Allow-Origin', '*');
  else if (allowed.includes(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  } else return;
  if (req.method === 'OPTIONS') {
    const method = req.headers['access-control-request-method'];
    if (method) res.setHeader('Access-Control-Allow-Methods', method);
    const headers = req.headers['access-control-request-headers'];
    if (headers) res.setHeader('Access-Control-Allow-Headers', headers);
  }
}

function send(res: ServerResponse, status: number, text: string): void {
  if (text) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.statusCode = status;
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return reject(new BodyTooLargeError());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
