// Entra's browser sign-in for single-page apps: the authorize endpoint (a sign-in page listing the tenant's people who
// hold a role on Switchboard's API) and the authorization-code grant with PKCE (S256) at the token endpoint, with
// refresh tokens and CORS as Entra answers SPAs. MSAL.js runs against it unchanged.
// Also the same flow for a confidential web client (an app of the tenant with a client secret — the bot, as a
// vendor's "connect presence" button uses it): PKCE optional, the code and refresh token redeemed with the client's
// secret from a server (no Origin), delegated Graph scopes (Presence.Read.All, …) — presence change notifications are
// delegated only (microsoftgraph/microsoft-graph-docs-contrib concepts/changenotifications-for-presence.md).
import { createHash, randomBytes } from 'node:crypto';
import type { SimCore } from './core';
import type { SimRequest, SimResponse } from './http';
import { json } from './http';
import { apiAccessOf, delegatedScopes, GRAPH_AUDIENCE, type App, type Tenant, type User } from './model';
import { uuidFrom } from './util';

/** The portal's app registration (a public SPA client): its client id. */
export const PORTAL_CLIENT_ID = uuidFrom('app:switchboard-portal');

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
/** Delegated Graph permissions a confidential client may ask for here. */
const GRAPH_DELEGATED = new Set(['Presence.Read.All', 'Presence.Read', 'User.Read']);

/** A confidential web client of the tenant (an app with a client secret), or undefined. */
function confidentialClient(tenant: Tenant, clientId: string): App | undefined {
  if (clientId === PORTAL_CLIENT_ID) return undefined;
  const app = tenant.apps.get(clientId);
  return app?.clientSecret ? app : undefined;
}
const CODE_LIFETIME_MS = 10 * 60_000;
const REFRESH_LIFETIME_MS = 24 * 3600_000;

interface Grant {
  tenantId: string;
  userId: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  expiresAt: number;
}

const codes = new Map<string, Grant>();
const refreshTokens = new Map<string, Grant>();

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function page(status: number, title: string, body: string): SimResponse {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f3f2f1;color:#1b1b1b;margin:0}
main{max-width:440px;margin:48px auto;background:#fff;padding:32px 40px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 8px} p{margin:0 0 16px}
ul{list-style:none;padding:0;margin:0} li{margin:0 0 8px}
button{width:100%;text-align:left;padding:10px 12px;border:1px solid #8a8886;background:#fff;font:inherit;cursor:pointer}
button:hover,button:focus-visible{background:#edebe9;outline:2px solid #0067b8}
.name{font-weight:600;display:block}.meta{color:#3b3a39;font-size:14px}
</style></head><body><main>${body}</main></body></html>`;
  return {
    status,
    text: html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'",
    },
  };
}

function errorPage(code: number, message: string): SimResponse {
  return page(
    400,
    'Sign in',
    `<h1>Sorry, but we're having trouble signing you in.</h1><p role="alert">AADSTS${code}: ${escapeHtml(message)}</p>`,
  );
}

/** Localhost redirect URIs are registered for the portal's SPA platform (any port, as Entra allows for localhost). */
function redirectAllowed(uri: string): boolean {
  try {
    const u = new URL(uri);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ['localhost', '127.0.0.1'].includes(u.hostname);
  } catch {
    return false;
  }
}

function redirectWith(redirectUri: string, mode: string, params: Record<string, string>): SimResponse {
  const encoded = new URLSearchParams(params).toString();
  const location =
    mode === 'fragment'
      ? `${redirectUri}#${encoded}`
      : `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encoded}`;
  return { status: 302, headers: { location, 'cache-control': 'no-store' } };
}

function people(tenant: Tenant): { user: User; roles: string[]; queues?: string[] }[] {
  const out: { user: User; roles: string[]; queues?: string[] }[] = [];
  for (const user of tenant.users.values()) {
    if (user.accountType !== 'user') continue;
    const a = apiAccessOf(tenant, user.id);
    if (a.roles.length) out.push({ user, ...a });
  }
  return out.sort((a, b) => a.user.userPrincipalName.localeCompare(b.user.userPrincipalName));
}

/**
 * `GET /{tenant}/oauth2/v2.0/authorize`: the sign-in page (one button per person); `POST` with `login` = the chosen
 * person's UPN (and the original parameters) redirects to `redirect_uri` with `code` and `state`.
 */
export function authorize(core: SimCore, tenant: Tenant, req: SimRequest): SimResponse {
  const params = req.method === 'POST' ? new URLSearchParams(req.rawBody) : new URLSearchParams(req.query);
  // The authorize query is form-encoded ('+' is a space, as URLSearchParams writes it); the simulator's query parser
  // keeps '+' literal for Graph's OData, so the scope (which never holds a '+') is read back here.
  if (req.method !== 'POST' && params.has('scope'))
    params.set('scope', (params.get('scope') ?? '').replace(/\+/g, ' '));
  const clientId = params.get('client_id') ?? '';
  const redirectUri = params.get('redirect_uri') ?? '';
  const confidential = confidentialClient(tenant, clientId);
  if (clientId !== PORTAL_CLIENT_ID && !confidential)
    return errorPage(
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'.`,
    );
  if (!redirectAllowed(redirectUri))
    return errorPage(
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
    );
  const mode = params.get('response_mode') === 'fragment' ? 'fragment' : 'query';
  const state = params.get('state') ?? '';
  const fail = (error: string, description: string) =>
    redirectWith(redirectUri, mode, { error, error_description: description, ...(state ? { state } : {}) });
  if (params.get('response_type') !== 'code')
    return fail('unsupported_response_type', 'AADSTS700054: response_type must be code for this application.');
  const challenge = params.get('code_challenge') ?? '';
  if ((!challenge && !confidential) || (challenge && params.get('code_challenge_method') !== 'S256'))
    return fail(
      'invalid_request',
      'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
    );
  const scope = params.get('scope') ?? '';
  if (!scope.trim()) return fail('invalid_request', "AADSTS900144: The request body must contain 'scope'.");

  const login = params.get('login');
  if (req.method === 'POST' && login) {
    const user = core.visibleUser(tenant, login);
    if (!user || apiAccessOf(tenant, user.id).roles.length === 0)
      return fail('access_denied', `AADSTS50105: The signed in user '${login}' is not assigned to a role.`);
    const code = randomBytes(32).toString('base64url');
    codes.set(code, {
      tenantId: tenant.tenantId,
      userId: user.id,
      clientId,
      redirectUri,
      scope,
      nonce: params.get('nonce') ?? undefined,
      codeChallenge: challenge || undefined,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    return redirectWith(redirectUri, mode, {
      code,
      client_info: clientInfo(tenant, user),
      ...(state ? { state } : {}),
    });
  }

  const hidden = [...params.entries()]
    .filter(([k]) => k !== 'login')
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const action = `${core.baseUrl}/${tenant.tenantId}/oauth2/v2.0/authorize`;
  const items = people(tenant)
    .map(
      (p) =>
        `<li><button type="submit" name="login" value="${escapeHtml(p.user.userPrincipalName)}"><span class="name">${escapeHtml(p.user.displayName)}</span><span class="meta">${escapeHtml(p.user.userPrincipalName)} · ${escapeHtml(p.roles.map((r) => r.replace(/^Switchboard\./, '')).join(', '))}${p.queues?.length ? ` · call queues: ${escapeHtml(p.queues.join(', '))}` : ''}</span></button></li>`,
    )
    .join('');
  return page(
    200,
    `Sign in to ${tenant.displayName}`,
    `<h1>Pick an account</h1><p>${escapeHtml(tenant.displayName)} — simulated Microsoft Entra ID sign-in</p><form method="post" action="${escapeHtml(action)}">${hidden}<ul>${items}</ul></form>`,
  );
}

function clientInfo(tenant: Tenant, user: User): string {
  return Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.tenantId })).toString('base64url');
}

function aad(status: number, error: string, code: number, description: string, cors: Record<string, string>) {
  return json(
    status,
    { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code] },
    { 'cache-control': 'no-store', ...cors },
  );
}

/** Entra answers SPA token requests with the caller's origin allowed. */
export function corsHeaders(req: SimRequest): Record<string, string> {
  const origin = req.headers.origin;
  return origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
}

/** The preflight Entra answers on its token and metadata endpoints. */
export function preflight(req: SimRequest): SimResponse {
  return {
    status: 204,
    headers: {
      ...corsHeaders(req),
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'content-type',
      'access-control-max-age': '86400',
    },
  };
}

/** The `authorization_code` and `refresh_token` grants for the portal's SPA client; undefined for other grants. */
export function userTokenGrant(core: SimCore, tenant: Tenant, req: SimRequest): SimResponse | undefined {
  const form = new URLSearchParams(req.rawBody);
  const grantType = form.get('grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return undefined;
  const cors = corsHeaders(req);
  let clientId = form.get('client_id') ?? '';
  let secret = form.get('client_secret') ?? '';
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const [id, sec] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id ?? '');
    secret = decodeURIComponent(sec ?? '');
  }
  const confidential = confidentialClient(tenant, clientId);
  if (confidential) {
    if (secret !== confidential.clientSecret)
      return aad(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        {},
      );
  } else if (clientId !== PORTAL_CLIENT_ID)
    return aad(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'.`,
      cors,
    );
  if (!confidential && !req.headers.origin)
    return aad(
      400,
      'invalid_request',
      9002327,
      "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
      cors,
    );
  let grant: Grant | undefined;
  if (grantType === 'authorization_code') {
    const code = form.get('code') ?? '';
    grant = codes.get(code);
    codes.delete(code);
    if (!grant || grant.expiresAt < Date.now() || grant.tenantId !== tenant.tenantId || grant.clientId !== clientId)
      return aad(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired.', cors);
    if (form.get('redirect_uri') !== grant.redirectUri)
      return aad(
        400,
        'invalid_grant',
        50148,
        'The redirect_uri does not match the one in the authorization request.',
        cors,
      );
    const verifier = form.get('code_verifier') ?? '';
    if (
      (grant.codeChallenge || !confidential) &&
      createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge
    )
      return aad(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge.', cors);
  } else {
    const old = form.get('refresh_token') ?? '';
    grant = refreshTokens.get(old);
    refreshTokens.delete(old);
    if (!grant || grant.expiresAt < Date.now() || grant.tenantId !== tenant.tenantId || grant.clientId !== clientId)
      return aad(400, 'invalid_grant', 700082, 'The refresh token has expired or is not valid.', cors);
    if (form.get('scope')) grant = { ...grant, scope: form.get('scope') as string };
  }
  const user = tenant.users.get(grant.userId);
  const assignment = user ? apiAccessOf(tenant, user.id) : undefined;
  if (!user || !assignment || assignment.roles.length === 0)
    return aad(400, 'invalid_grant', 50105, 'The signed in user is not assigned to a role.', cors);

  const scopes = grant.scope.split(/\s+/).filter(Boolean);
  const resourceScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
  const resources = new Set(resourceScopes.map((s) => s.slice(0, s.lastIndexOf('/'))));
  if (resources.size !== 1)
    return aad(400, 'invalid_scope', 28000, 'Provide exactly one resource in the scope parameter.', cors);
  const resourceId = [...resources][0];
  if (confidential && resourceId === GRAPH_AUDIENCE)
    return graphDelegatedToken(core, tenant, grant, user, resourceScopes, scopes.includes('offline_access'));
  const resource = core.resourceFor(tenant, resourceId);
  if (!resource || confidential || !resource.appRoles.some((r) => r.value === 'Switchboard.Admin'))
    return aad(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resourceId} was not found in the tenant named ${tenant.displayName}.`,
      cors,
    );
  const iss = core.issuer(tenant.tenantId);
  const lifetime = 3599;
  const person = {
    tid: tenant.tenantId,
    oid: user.id,
    sub: user.id,
    name: user.displayName,
    preferred_username: user.userPrincipalName,
    ver: '2.0',
  };
  const accessToken = core.mintToken(
    {
      ...person,
      aud: resource.audience ?? resource.appId,
      iss,
      azp: clientId,
      azpacr: '0',
      scp: resourceScopes.map((s) => s.slice(s.lastIndexOf('/') + 1)).join(' '),
      roles: assignment.roles,
      ...(assignment.queues ? { queues: assignment.queues } : {}),
    },
    lifetime,
  );
  const idToken = core.mintToken({ ...person, aud: clientId, iss, ...(grant.nonce ? { nonce: grant.nonce } : {}) });
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: resourceScopes.join(' '),
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
    id_token: idToken,
    client_info: clientInfo(tenant, user),
  };
  if (scopes.includes('offline_access')) {
    const refresh = randomBytes(48).toString('base64url');
    refreshTokens.set(refresh, { ...grant, expiresAt: Date.now() + REFRESH_LIFETIME_MS });
    body.refresh_token = refresh;
    body.refresh_token_expires_in = REFRESH_LIFETIME_MS / 1000;
  }
  core.log(`signed in ${user.userPrincipalName} (${assignment.roles.join(', ')}) for ${resourceId}`);
  return json(200, body, { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', ...cors });
}

/**
 * A confidential client's delegated Graph token (Presence.Read.All for presence subscriptions): `scp`, no `roles`,
 * and a fresh refresh token with offline_access (Entra rotates refresh tokens: the old one is spent).
 */
function graphDelegatedToken(
  core: SimCore,
  tenant: Tenant,
  grant: Grant,
  user: User,
  resourceScopes: string[],
  offline: boolean,
): SimResponse {
  const names = resourceScopes.map((s) => s.slice(s.lastIndexOf('/') + 1));
  const unknown = names.filter((n) => !GRAPH_DELEGATED.has(n));
  if (unknown.length)
    return aad(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${unknown.join(' ')} is not valid.`,
      {},
    );
  // Presence.Read.All needs admin consent: the client's delegated grants (oauth2PermissionGrants) must hold each scope.
  const app = tenant.apps.get(grant.clientId);
  const consented = new Set(app ? delegatedScopes(tenant, app.servicePrincipalId) : []);
  if (names.some((n) => !consented.has(n)))
    return aad(
      400,
      'invalid_grant',
      65001,
      `The user or administrator has not consented to use the application with ID '${grant.clientId}' named '${app?.displayName ?? ''}'. Send an interactive authorization request for this user and resource.`,
      {},
    );
  const lifetime = 3599;
  const iss = core.issuer(tenant.tenantId);
  const accessToken = core.mintToken(
    {
      aud: GRAPH_AUDIENCE,
      iss,
      tid: tenant.tenantId,
      oid: user.id,
      sub: user.id,
      upn: user.userPrincipalName,
      name: user.displayName,
      appid: grant.clientId,
      azp: grant.clientId,
      azpacr: '1',
      idtyp: 'user',
      scp: names.join(' '),
      ver: '1.0',
    },
    lifetime,
  );
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: resourceScopes.join(' '),
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
  };
  if (offline) {
    const refresh = randomBytes(48).toString('base64url');
    refreshTokens.set(refresh, { ...grant, expiresAt: Date.now() + REFRESH_LIFETIME_MS });
    body.refresh_token = refresh;
  }
  core.log(`signed in ${user.userPrincipalName} for ${grant.clientId}: Graph ${names.join(' ')} (delegated)`);
  return json(200, body, { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' });
}

/** `GET /{tenant}/oauth2/v2.0/logout`: ends the (stateless) session and returns to `post_logout_redirect_uri`. */
export function logout(req: SimRequest): SimResponse {
  const back = req.query.get('post_logout_redirect_uri') ?? '';
  if (back && redirectAllowed(back)) return { status: 302, headers: { location: back, 'cache-control': 'no-store' } };
  return page(200, 'Signed out', '<h1>You signed out of your account</h1><p>You can close this window.</p>');
}
