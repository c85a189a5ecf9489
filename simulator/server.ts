// The HTTPS transport: one port for Entra, Graph (/v1.0, /beta), the bridge (/bridge), Bot Framework OIDC
// (/botframework) and the control API (/_sim).
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleBridge } from './bridge';
import { handleControl } from './control';
import type { SimCore } from './core';
import { botJwks, botOpenIdConfiguration, handleEntra, MANAGED_IDENTITY_HEADER, managedIdentityToken } from './entra';
import { GraphRouter } from './graph/router';
import { json, parseQuery, SimRequest, SimResponse } from './http';

const MAX_BODY = 5 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: SimResponse): void {
  const headers: Record<string, string> = { ...r.headers };
  let payload: string | undefined;
  if (r.text !== undefined) payload = r.text;
  else if (r.body !== undefined) {
    payload = JSON.stringify(r.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json; charset=utf-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  else if (r.status !== 204) headers['content-length'] = '0';
  res.writeHead(r.status, headers);
  res.end(payload);
}

export interface ServerDeps {
  core: SimCore;
  graph: GraphRouter;
  settings: () => object;
}

export function createServer(tls: { key: string; cert: string }, deps: ServerDeps): https.Server {
  const server = https.createServer({ key: tls.key, cert: tls.cert, keepAlive: true }, (req, res) => {
    handle(req, res, deps).catch((e: unknown) => {
      deps.core.log(`internal error on ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent)
        send(res, json(500, { error: { code: 'InternalServerError', message: 'simulator internal error' } }));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65000;
  server.headersTimeout = 66000;
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> {
  const receivedAt = Date.now();
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rawBody = req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req);
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  let body: unknown;
  const ctype = headers['content-type'] ?? '';
  if (rawBody && !ctype.includes('x-www-form-urlencoded')) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      if (path.startsWith('/v1.0') || path.startsWith('/beta')) {
        send(
          res,
          json(400, {
            error: {
              code: 'BadRequest',
              message:
                'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
            },
          }),
        );
        return;
      }
      send(res, json(400, { error: { code: 'BadRequest', message: 'Body is not valid JSON.' } }));
      return;
    }
  }
  const simReq: SimRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    query: parseQuery(q < 0 ? '' : url.slice(q + 1)),
    headers,
    body,
    rawBody,
    connection: req.socket,
    receivedAt,
  };
  send(res, await route(simReq, deps));
}

async function route(req: SimRequest, deps: ServerDeps): Promise<SimResponse> {
  const { core, graph } = deps;
  const segs = req.path.split('/').filter(Boolean);
  const first = segs[0] ?? '';
  if (first === 'v1.0' || first === 'beta') {
    return graph.dispatch(req, first, req.path.slice(first.length + 1) || '/');
  }
  if (first === '_sim') return handleControl(core, req, segs.slice(1), deps.settings);
  if (first === 'bridge') return handleBridge(core, req, segs.slice(1));
  if (first === 'msi' && segs[1] === 'token' && req.method === 'GET')
    return managedIdentityToken(core, req, MANAGED_IDENTITY_HEADER);
  if (first === 'botframework') {
    const rest = segs.slice(1).join('/');
    if (rest === 'v1/.well-known/OpenIdConfiguration' || rest === 'v1/.well-known/openidconfiguration')
      return json(200, botOpenIdConfiguration(core));
    if (rest === 'v1/.well-known/keys') return json(200, botJwks(core));
  }
  if (first) {
    const entra = handleEntra(core, req, segs);
    if (entra) return entra;
  }
  return json(404, { error: { code: 'NotFound', message: `No route for ${req.method} ${req.path}` } });
}
