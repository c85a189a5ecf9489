/**
 * `GET /api/portal/{*path}` — the web portal's static files (built by `npm run build` into dist/web), anonymous.
 * Deep links: a path that is no file serves index.html, so the portal's router shows the page. Hashed assets are
 * cached for a year (immutable); index.html and config.json are never cached. `config.json` is the portal's sign-in
 * configuration, built from app settings (AppConfig, through the composition root). Every answer carries a strict
 * Content-Security-Policy; index.html gets a fresh nonce each time, which the portal hands to Fluent UI's styles.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { AppConfig } from '../../shared/config';
import { appRoot } from '../composition-root';
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

/** The placeholder Vite writes where a nonce goes (web/vite.config.mts `html.cspNonce`); replaced per answer. */
export const NONCE_PLACEHOLDER = 'SWITCHBOARD_CSP_NONCE';

/** The sign-in configuration the portal reads at start (no secrets: a SPA's client id and scope are public). */
export function portalConfig(config: Pick<AppConfig, 'authorityHost' | 'portal'>): {
  clientId: string;
  authority: string;
  tenant: string;
  apiScope: string;
  knownAuthorities: string[];
} {
  const host = config.authorityHost.replace(/\/+$/, '');
  return {
    clientId: config.portal.clientId,
    authority: `${host}/${config.portal.tenant}`,
    tenant: config.portal.tenant,
    apiScope: config.portal.apiScope,
    knownAuthorities: [new URL(host).host],
  };
}

/**
 * The policy of every answer. Styles: Fluent UI (Griffel) inserts its CSS at run time into <style> elements it
 * creates — each carries the page's nonce (web/src/main.tsx hands it to Griffel's renderer), so no 'unsafe-inline'.
 * `nonce`: the one of this index.html (absent for other files, whose policy then allows the origin's styles only).
 */
export function contentSecurityPolicy(config: Pick<AppConfig, 'authorityHost'>, nonce?: string): string {
  let authorityOrigin = '';
  try {
    authorityOrigin = new URL(config.authorityHost).origin;
  } catch {
    // An unusable authority is reported by the portal's sign-in; the policy then allows only this origin.
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${nonce ? ` 'nonce-${nonce}'` : ''}`,
    "img-src 'self' data:",
    "font-src 'self'",
    // Prompts play from the API's own media route (GET …/prompts lists their `mediaUrl`).
    "media-src 'self'",
    `connect-src 'self' ${authorityOrigin}`.trim(),
    `frame-src ${authorityOrigin || "'none'"}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function headers(contentType: string, cache: string, nonce?: string): Record<string, string> {
  return {
    'content-type': contentType,
    'cache-control': cache,
    'content-security-policy': contentSecurityPolicy(appRoot().config, nonce),
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
      return { status: 200, jsonBody: portalConfig(appRoot().config), headers: headers(TYPES['.json'], 'no-store') };
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
    // A fresh nonce for every page load: the <meta property="csp-nonce"> Vite wrote carries it to Griffel.
    const nonce = randomBytes(16).toString('base64');
    return {
      status: 200,
      body: index.toString('utf8').replaceAll(NONCE_PLACEHOLDER, nonce),
      headers: headers(TYPES['.html'], 'no-store', nonce),
    };
  },
});
