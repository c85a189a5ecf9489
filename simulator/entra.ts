// Entra ID: the v2 token endpoint (client credentials), OIDC metadata and JWKS; and the Bot Framework OIDC/JWKS
// the call notifications are signed against.
import { randomUUID } from 'node:crypto';
import type { SimCore } from './core';
import { SimRequest, SimResponse, json } from './http';
import { BOT_ISSUER, grantedRoleNames, Tenant } from './model';
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
    'v2.0/.well-known/openid-configuration',
    '.well-known/openid-configuration',
    'discovery/v2.0/keys',
    'discovery/keys',
  ];
  if (!known.includes(rest)) return undefined;
  const tenant = core.tenantByIdOrDomain(tenantSeg);
  if (rest.startsWith('discovery')) return json(200, jwks(core));
  if (!tenant) {
    return aadError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenantSeg}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  if (rest.endsWith('openid-configuration')) return json(200, openIdConfiguration(core, tenant));
  if (req.method !== 'POST')
    return aadError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
  return token(core, tenant, req);
}

function formBody(req: SimRequest): URLSearchParams {
  return new URLSearchParams(req.rawBody);
}

function token(core: SimCore, tenant: Tenant, req: SimRequest): SimResponse {
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
  const app = tenant.apps.get(clientId);
  if (!app || !app.clientSecret) {
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
  if (form.get('client_assertion')) {
    return aadError(
      401,
      'invalid_client',
      700027,
      'Client assertion failed signature validation. (The simulator supports client secrets only.)',
    );
  }
  if (secret !== app.clientSecret) {
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
  const resource = core.resourceFor(tenant, resourceId);
  if (!resource) {
    return aadError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resourceId} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
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
  return json(
    200,
    {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: core.mintToken(claims, lifetime),
    },
    { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
  );
}

/** POST /_sim/tokens: a user token for Switchboard's own API with its app roles and optional queue scope. */
export function mintApiToken(core: SimCore, body: unknown): SimResponse {
  if (!isRecord(body) || typeof body.tenantId !== 'string')
    return json(400, { error: 'body must be {tenantId, roles:[…], queues?, oid?}' });
  const tenant = core.tenants.get(body.tenantId);
  if (!tenant) return json(404, { error: `unknown tenant ${body.tenantId}` });
  const roles = Array.isArray(body.roles) ? body.roles.filter((r): r is string => typeof r === 'string') : [];
  const oid = typeof body.oid === 'string' ? body.oid : uuidFrom(`${tenant.tenantId}:api-user:${roles.join(',')}`);
  const claims: Record<string, unknown> = {
    aud: typeof body.audience === 'string' ? body.audience : core.apiAudience,
    iss: core.issuer(tenant.tenantId),
    tid: tenant.tenantId,
    oid,
    sub: oid,
    roles,
    azp: uuidFrom('app:switchboard-cli'),
    name: typeof body.name === 'string' ? body.name : 'Simulator user',
    preferred_username: typeof body.upn === 'string' ? body.upn : `sim-user@${tenant.domains[0].id}`,
    ver: '2.0',
  };
  if (Array.isArray(body.queues)) claims.queues = body.queues.filter((q): q is string => typeof q === 'string');
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
  return { keys: [{ ...core.botKey.publicJwk, endorsements: ['msteams', 'skype'] }] };
}
