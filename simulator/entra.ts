// Entra ID: the v2 token endpoint (client credentials), OIDC metadata and JWKS; and the Bot Framework OIDC/JWKS
// the call notifications are signed against.
import { constants, createPublicKey, randomUUID, verify } from 'node:crypto';
import { thumbprints } from './app-certificate';
import type { SimCore } from './core';
import { SimRequest, SimResponse, json } from './http';
import { apiAccessOf, App, BOT_ISSUER, grantedRoleNames, Tenant } from './model';
import { authorize, logout, preflight, userTokenGrant } from './signin';
import { isRecord, newId, uuidFrom } from './util';

function aadError(
  status: number,
  error: string,
  code: number,
  description: string,
  headers?: Record<string, string>,
): SimResponse {
  const trace = randomUUID();
  const correlation = randomUUID();
  return json(
    status,
    {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    { 'cache-control': 'no-store, no-cache', ...headers },
  );
}

export function openIdConfiguration(core: SimCore, tenant: Tenant): Record<string, unknown> {
  const base = `${core.baseUrl}/${tenant.tenantId}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${core.baseUrl}/${tenant.tenantId}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: core.issuer(tenant.tenantId),
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${core.baseUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid', 'roles'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'NA',
    cloud_instance_name: 'localhost',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

export function jwks(core: SimCore): Record<string, unknown> {
  return { keys: [{ ...core.entraKey.publicJwk, issuer: `${core.baseUrl}/{tenantid}/v2.0` }] };
}

/** Handles /{tenant}/… Entra routes; returns undefined when the path is not an Entra route. */
export function handleEntra(core: SimCore, req: SimRequest, segs: string[]): SimResponse | undefined {
  const tenantSeg = decodeURIComponent(segs[0] ?? '');
  const rest = segs.slice(1).join('/');
  if (tenantSeg === 'common' && rest === 'discovery/instance') {
    return json(200, {
      tenant_discovery_endpoint: `${core.baseUrl}/{tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [
        {
          preferred_network: new URL(core.baseUrl).host,
          preferred_cache: new URL(core.baseUrl).host,
          aliases: [new URL(core.baseUrl).host],
        },
      ],
    });
  }
  const known = [
    'oauth2/v2.0/token',
    'oauth2/v2.0/authorize',
    'oauth2/v2.0/logout',
    'v2.0/.well-known/openid-configuration',
    '.well-known/openid-configuration',
    'discovery/v2.0/keys',
    'discovery/keys',
  ];
  if (!known.includes(rest)) return undefined;
  if (req.method === 'OPTIONS' && rest !== 'oauth2/v2.0/authorize') return preflight(req);
  const tenant = core.tenantByIdOrDomain(tenantSeg);
  // Browsers (MSAL.js) read the metadata and keys cross-origin: Entra allows any origin there.
  const anyOrigin = { 'access-control-allow-origin': '*' };
  if (rest.startsWith('discovery') || rest.endsWith('openid-configuration')) {
    const counts = core.guard.stats.discoveryByTenant;
    counts[tenantSeg] = (counts[tenantSeg] ?? 0) + 1;
  }
  if (rest.startsWith('discovery')) return json(200, jwks(core), anyOrigin);
  if (!tenant) {
    return aadError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenantSeg}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  if (rest.endsWith('openid-configuration')) return json(200, openIdConfiguration(core, tenant), anyOrigin);
  if (rest === 'oauth2/v2.0/authorize') return authorize(core, tenant, req);
  if (rest === 'oauth2/v2.0/logout') return logout(req);
  if (req.method !== 'POST')
    return aadError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
  return token(core, tenant, req);
}

function formBody(req: SimRequest): URLSearchParams {
  return new URLSearchParams(req.rawBody);
}

function token(core: SimCore, tenant: Tenant, req: SimRequest): SimResponse {
  const userGrant = userTokenGrant(core, tenant, req);
  if (userGrant) return userGrant;
  const form = formBody(req);
  let clientId = form.get('client_id') ?? '';
  let secret = form.get('client_secret') ?? '';
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const [id, sec] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id ?? '');
    secret = decodeURIComponent(sec ?? '');
  }
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    return aadError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grant ?? ''}'.`,
    );
  }
  const assertion = form.get('client_assertion');
  if (!clientId && assertion) clientId = String(decodeSegment(assertion, 1)?.sub ?? '');
  const app = tenant.apps.get(clientId);
  if (!app || (!app.clientSecret && app.certificates.length === 0)) {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  const decision = core.guard.check(`token|${tenant.tenantId}|${app.appId}`, req.connection);
  if (decision.kind === 'throttled') {
    return aadError(
      429,
      'temporarily_unavailable',
      50196,
      'The server terminated an operation because it encountered a client request loop. Please contact your app vendor.',
      {
        'retry-after': String(decision.retryAfter),
      },
    );
  }
  if (decision.kind === 'unavailable') {
    return aadError(503, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.', {
      'retry-after': String(decision.retryAfter),
    });
  }
  if (assertion) {
    const problem = checkClientAssertion(core, tenant, app, assertion, form.get('client_assertion_type'));
    if (problem) return problem;
  } else if (!app.clientSecret || secret !== app.clientSecret) {
    return aadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
    );
  }
  const scope = (form.get('scope') ?? '').trim();
  if (!scope.endsWith('/.default') || scope.includes(' ')) {
    return aadError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resourceId = scope.slice(0, -'/.default'.length).replace(/\/$/, '');
  const issued = appAccessToken(core, tenant, app, resourceId);
  if ('error' in issued) return issued.error;
  return json(
    200,
    {
      token_type: 'Bearer',
      expires_in: issued.lifetime,
      ext_expires_in: issued.lifetime,
      access_token: issued.token,
    },
    { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
  );
}

/** An app-only access token for `resourceId` with the app roles granted to `app` on it. */
function appAccessToken(
  core: SimCore,
  tenant: Tenant,
  app: App,
  resourceId: string,
): { token: string; lifetime: number } | { error: SimResponse } {
  const resource = core.resourceFor(tenant, resourceId);
  if (!resource) {
    return {
      error: aadError(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resourceId} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      ),
    };
  }
  const roles = grantedRoleNames(tenant, app.servicePrincipalId, resource);
  const iss = core.issuer(tenant.tenantId);
  const claims: Record<string, unknown> = {
    aud: resource.audience ?? resource.appId,
    iss,
    idp: iss,
    aio: newId(),
    app_displayname: app.displayName,
    appid: app.appId,
    appidacr: '1',
    azp: app.appId,
    azpacr: '1',
    idtyp: 'app',
    oid: app.servicePrincipalId,
    sub: app.servicePrincipalId,
    tid: tenant.tenantId,
    uti: uuidFrom(newId()).replace(/-/g, '').slice(0, 22),
    ver: '2.0',
  };
  if (roles.length) claims.roles = roles;
  const lifetime = 3599;
  return { token: core.mintToken(claims, lifetime), lifetime };
}

/**
 * The App Service managed-identity endpoint (`IDENTITY_ENDPOINT`, protocol 2019-08-01): `GET ?resource=…&api-version=
 * 2019-08-01` with the `X-IDENTITY-HEADER` secret. The identity is the first tenant's provisioning app (a managed
 * identity is a service principal in its own tenant only), so its tokens carry that app's roles.
 */
export function managedIdentityToken(core: SimCore, req: SimRequest, identityHeader: string): SimResponse {
  if ((req.headers['x-identity-header'] ?? '') !== identityHeader)
    return json(401, { statusCode: 401, message: 'Unauthorized: X-IDENTITY-HEADER is missing or wrong.' });
  const query = req.query;
  if (query.get('api-version') !== '2019-08-01')
    return json(400, { statusCode: 400, message: 'api-version must be 2019-08-01.' });
  const resourceParam = query.get('resource');
  if (!resourceParam) return json(400, { statusCode: 400, message: 'The resource parameter is required.' });
  const tenant = [...core.tenants.values()][0];
  const app = tenant?.apps.get(tenant.provisioningAppId);
  if (!tenant || !app) return json(400, { statusCode: 400, message: 'No managed identity is assigned.' });
  const wanted = query.get('client_id') ?? query.get('mi_res_id') ?? query.get('principal_id');
  if (wanted && wanted !== app.appId && wanted !== app.servicePrincipalId)
    return json(400, { statusCode: 400, message: `No user-assigned identity ${wanted} is assigned to this host.` });
  const decision = core.guard.check(`token|${tenant.tenantId}|${app.appId}`, req.connection);
  if (decision.kind !== 'ok')
    return json(
      decision.kind === 'throttled' ? 429 : 503,
      { statusCode: 429, message: 'Try again later.' },
      {
        'retry-after': String(decision.retryAfter),
      },
    );
  const issued = appAccessToken(core, tenant, app, resourceParam.replace(/\/\.default$/, '').replace(/\/$/, ''));
  if ('error' in issued) return issued.error;
  return json(200, {
    access_token: issued.token,
    expires_on: String(Math.floor(Date.now() / 1000) + issued.lifetime),
    resource: resourceParam,
    token_type: 'Bearer',
    client_id: app.appId,
  });
}

/** The secret the managed-identity endpoint expects in X-IDENTITY-HEADER (App Service's IDENTITY_HEADER). */
export const MANAGED_IDENTITY_HEADER = `sim-identity-${uuidFrom('managed-identity-header').slice(0, 8)}`;

/** POST /_sim/tokens: a user token for Switchboard's own API with its app roles and optional queue scope. */
export function mintApiToken(core: SimCore, body: unknown): SimResponse {
  if (!isRecord(body) || typeof body.tenantId !== 'string')
    return json(400, { error: "body must be {tenantId, roles?:[…], user?, queues?, oid?, kind?: 'access'|'id'}" });
  const tenant = core.tenants.get(body.tenantId);
  if (!tenant) return json(404, { error: `unknown tenant ${body.tenantId}` });
  // `user` (a UPN or object id of the tenant) without `roles`: what Entra would issue that person — the roles assigned
  // to them and to groups they are a direct member of, their object id and UPN.
  const person = typeof body.user === 'string' ? core.visibleUser(tenant, body.user) : undefined;
  if (typeof body.user === 'string' && !person) return json(404, { error: `no user ${body.user} in the tenant` });
  const roles = Array.isArray(body.roles)
    ? body.roles.filter((r): r is string => typeof r === 'string')
    : person
      ? apiAccessOf(tenant, person.id).roles
      : [];
  const oid =
    typeof body.oid === 'string'
      ? body.oid
      : (person?.id ?? uuidFrom(`${tenant.tenantId}:api-user:${roles.join(',')}`));
  const claims: Record<string, unknown> = {
    aud: typeof body.audience === 'string' ? body.audience : core.apiAudience,
    iss: core.issuer(tenant.tenantId),
    tid: tenant.tenantId,
    oid,
    sub: oid,
    roles,
    azp: uuidFrom('app:switchboard-cli'),
    name: typeof body.name === 'string' ? body.name : (person?.displayName ?? 'Simulator user'),
    preferred_username:
      typeof body.upn === 'string' ? body.upn : (person?.userPrincipalName ?? `sim-user@${tenant.domains[0].id}`),
    ver: '2.0',
  };
  if (Array.isArray(body.queues)) claims.queues = body.queues.filter((q): q is string => typeof q === 'string');
  else if (person && apiAccessOf(tenant, person.id).queues) claims.queues = apiAccessOf(tenant, person.id).queues;
  if (body.kind === 'id') {
    // What Entra's ID token of a sign-in looks like (id-token-claims-reference): a nonce, no azp/scp.
    delete claims.azp;
    claims.nonce = newId();
  }
  const lifetime = 3600;
  return json(200, { access_token: core.mintToken(claims, lifetime), expires_in: lifetime, token_type: 'Bearer' });
}

export function botOpenIdConfiguration(core: SimCore): Record<string, unknown> {
  return {
    issuer: BOT_ISSUER,
    authorization_endpoint: `${core.baseUrl}/botframework/v1/authorize`,
    jwks_uri: `${core.baseUrl}/botframework/v1/.well-known/keys`,
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
  };
}

export function botJwks(core: SimCore): Record<string, unknown> {
  return core.calls.tokens.jwks();
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function decodeSegment(jwt: string, index: number): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return undefined;
  }
}

/**
 * A certificate credential's client assertion, checked as Entra does: the JWT-bearer type, a header naming a
 * certificate registered on the app (`x5t` SHA-1 or `x5t#S256` thumbprint), an RS256/PS256 signature by that
 * certificate's key, iss = sub = the client id, aud = this token endpoint, and a current lifetime.
 * Returns the AADSTS error to answer, or undefined when the assertion is good.
 */
function checkClientAssertion(
  core: SimCore,
  tenant: Tenant,
  app: App,
  assertion: string,
  assertionType: string | null,
): SimResponse | undefined {
  const invalid = (code: number, message: string) => aadError(401, 'invalid_client', code, message);
  if (assertionType !== JWT_BEARER)
    return aadError(
      400,
      'invalid_request',
      90014,
      `The request body must contain client_assertion_type=${JWT_BEARER}.`,
    );
  const header = decodeSegment(assertion, 0);
  const claims = decodeSegment(assertion, 1);
  if (!header || !claims || assertion.split('.').length !== 3)
    return invalid(50027, 'Invalid JWT token. The token is malformed.');
  const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  const certificate = app.certificates.find((pem) => {
    const t = thumbprints(pem);
    return t.sha1 === x5t || t.sha256 === x5tS256;
  });
  if (!certificate)
    return invalid(
      700027,
      `Client assertion failed signature validation. The key was not found. Thumbprint of key used by client: '${x5tS256 ?? x5t ?? ''}'. Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.appId}'.`,
    );
  const [h, b, sig] = assertion.split('.');
  const key = createPublicKey(certificate);
  const data = Buffer.from(`${h}.${b}`);
  const signature = Buffer.from(sig, 'base64url');
  const good =
    header.alg === 'RS256'
      ? verify('RSA-SHA256', data, key, signature)
      : header.alg === 'PS256'
        ? verify('RSA-SHA256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
        : false;
  if (!good) return invalid(700027, 'Client assertion failed signature validation.');
  if (claims.iss !== app.appId || claims.sub !== app.appId)
    return invalid(700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
  const audience = `${core.baseUrl}/${tenant.tenantId}/oauth2/v2.0/token`;
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const acceptable = [audience, `${core.baseUrl}/${tenant.tenantId}/oauth2/token`];
  if (!aud.some((a) => typeof a === 'string' && acceptable.some((x) => x.toLowerCase() === a.toLowerCase())))
    return invalid(
      700212,
      `No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`,
    );
  const now = Math.floor(Date.now() / 1000);
  if (
    typeof claims.exp !== 'number' ||
    claims.exp < now - 300 ||
    (typeof claims.nbf === 'number' && claims.nbf > now + 300)
  )
    return invalid(700024, 'Client assertion is not within its valid time range.');
  return undefined;
}
