/**
 * `GET /api/portal/{*path}` — the web portal's static files (built by `npm run build` into dist/web), anonymous.
 * Deep links: a path that is no file serves index.html, so the portal's router shows the page. Hashed assets are
 * cached for a year (immutable); index.html and config.json are never cached. `config.json` is the portal's sign-in
 * configuration, built from app settings. Every answer carries a strict Content-Security-Policy.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { settingDefinition } from '../../shared/config';
import { httpRoute } from '../lib/route-access';

const WEB_ROOT = path.resolve(__dirname, '..', '..', 'web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const setting = (name: string): string => process.env[name]?.trim() || settingDefinition(name).default || '';

/** The sign-in configuration the portal reads at start (no secrets: a SPA's client id and scope are public). */
export function portalConfig(): {
  clientId: string;
  authority: string;
  tenant: string;
  apiScope: string;
  knownAuthorities: string[];
} {
  const host = setting('AUTHORITY_HOST').replace(/\/+$/, '');
  const tenant = setting('PORTAL_TENANT');
  return {
    clientId: setting('PORTAL_CLIENT_ID'),
    authority: `${host}/${tenant}`,
    tenant,
    apiScope: setting('PORTAL_API_SCOPE') || `${setting('API_AUDIENCE').replace(/\/+$/, '')}/.default`,
    knownAuthorities: [new URL(host).host],
  };
}

function contentSecurityPolicy(): string {
  let authorityOrigin = '';
  try {
    authorityOrigin = new URL(setting('AUTHORITY_HOST')).origin;
  } catch {
    // An unusable authority is reported by the portal's sign-in; the policy then allows only this origin.
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Fluent UI (Griffel) inserts its atomic CSS at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${authorityOrigin}`.trim(),
    `frame-src ${authorityOrigin || "'none'"}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function headers(contentType: string, cache: string): Record<string, string> {
  return {
    'content-type': contentType,
    'cache-control': cache,
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

async function readWeb(relative: string): Promise<Buffer | undefined> {
  const file = path.resolve(WEB_ROOT, relative);
  if (file !== WEB_ROOT && !file.startsWith(WEB_ROOT + path.sep)) return undefined;
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

httpRoute('portal', {
  access: 'anonymous',
  route: 'portal/{*path}',
  methods: ['GET', 'HEAD'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest): Promise<HttpResponseInit> => {
    const relative = (request.params.path ?? '').replace(/^\/+/, '');
    if (relative === 'config.json') {
      return { status: 200, jsonBody: portalConfig(), headers: headers(TYPES['.json'], 'no-store') };
    }
    if (relative && relative !== 'index.html') {
      const body = await readWeb(relative);
      if (body) {
        const immutable = relative.startsWith('assets/');
        const type = TYPES[path.extname(relative).toLowerCase()] ?? 'application/octet-stream';
        return {
          status: 200,
          body,
          headers: headers(type, immutable ? 'public, max-age=31536000, immutable' : 'no-cache'),
        };
      }
      // A missing asset is a 404 (a stale index.html must not get HTML for a script); other paths are deep links.
      if (relative.startsWith('assets/')) {
        return { status: 404, body: 'Not found', headers: headers(TYPES['.txt'], 'no-store') };
      }
    }
    const index = await readWeb('index.html');
    if (!index) {
      return {
        status: 503,
        body: 'The portal is not built: run `npm run build`.',
        headers: headers(TYPES['.txt'], 'no-store'),
      };
    }
    return { status: 200, body: index, headers: headers(TYPES['.html'], 'no-cache') };
  },
});
