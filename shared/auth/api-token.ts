/**
 * Bearer tokens for Switchboard's HTTP API (Entra ID v2 access tokens for its app registration). In this order:
 * the token's `tid` must be a tenant Switchboard serves (the onboarding allow-list: an unknown tenant is refused 403
 * before any outbound request); then the signature, RS256 only (keys from the issuer's OpenID configuration),
 * `aud` = API_AUDIENCE, `iss` = API_ISSUER_TEMPLATE with the token's own `tid`, `exp`/`nbf` (60 s skew); and it must be
 * an access token, not an ID token. Yields the caller's tenant, object id, app roles and supervised call queues.
 */
import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import type { AppConfig } from '../config';
import { AuthError } from './auth.errors';
import { OpenIdKeySets } from './jwks';

export const API_ROLES = [
  'Switchboard.Admin',
  'Switchboard.Supervisor',
  'Switchboard.Agent',
  /** Switchboard's operator (in OPERATOR_TENANT_ID only): onboards tenants. */
  'Switchboard.Operator',
] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface Principal {
  tenantId: string;
  oid: string;
  roles: string[];
  /** Queues a supervisor may manage (`queues` claim); empty = none. */
  queues: string[];
  name?: string;
  username?: string;
}

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLOCK_TOLERANCE_S = 60;
/** Entra ID signs its tokens with RS256 (its OpenID configuration: id_token_signing_alg_values_supported). */
export const TOKEN_ALGORITHMS = ['RS256'];

/** The tenants whose tokens are looked at (the root fills it from the onboarding allow-list). */
export interface TenantAdmission {
  isOnboarded(tenantId: string): Promise<boolean>;
}

/** Every tenant admitted: for tools and tests that check tokens outside the app. */
export const ADMIT_ALL: TenantAdmission = { isOnboarded: async () => true };

/**
 * An ID token is not an access token, even when its `aud` matches (an app that is both the API and the client):
 * Entra's ID tokens carry `nonce` / `at_hash` / `c_hash` (OpenID Connect) and no `azp` (v2) or `appid` (v1), which
 * every Entra access token has (Microsoft identity platform: "ID token claims reference" and "Access token claims
 * reference").
 */
export function accessTokenProblem(payload: Record<string, unknown>): string | undefined {
  for (const claim of ['nonce', 'at_hash', 'c_hash']) {
    if (claim in payload) return `The token is an ID token (it has a ${claim} claim); send an access token.`;
  }
  if (typeof payload.azp !== 'string' && typeof payload.appid !== 'string') {
    return 'The token is not an access token (it names no client: no azp or appid claim); send an access token.';
  }
  return undefined;
}

/** Extracts the token from `Authorization: Bearer …` (or accepts a bare token). */
export function bearerToken(header: string | null | undefined): string {
  const v = (header ?? '').trim();
  if (!v) throw new AuthError(401, 'missing_token', 'An Authorization: Bearer token is required.');
  const m = /^Bearer\s+(\S+)$/i.exec(v);
  if (m) return m[1];
  if (/\s/.test(v)) throw new AuthError(401, 'invalid_token', 'The Authorization header must be "Bearer <token>".');
  return v;
}

export function issuerFor(template: string, tenantId: string): string {
  return template.replace(/\{tenantId\}/g, tenantId);
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export class ApiTokenValidator {
  constructor(
    private readonly config: Pick<AppConfig, 'api'>,
    private readonly keySets: OpenIdKeySets = new OpenIdKeySets(),
    private readonly tenants: TenantAdmission = ADMIT_ALL,
  ) {}

  async validate(authorization: string | null | undefined): Promise<Principal> {
    const token = bearerToken(authorization);
    let tid: unknown;
    try {
      tid = decodeJwt(token).tid;
    } catch {
      throw new AuthError(401, 'invalid_token', 'The bearer token is not a JWT.');
    }
    // tid picks the issuer (and so the key source): only a GUID may be substituted into the template.
    if (typeof tid !== 'string' || !TENANT_ID.test(tid)) {
      throw new AuthError(401, 'invalid_token', 'The token has no valid tenant (tid) claim.');
    }
    // The allow-list before any key discovery: a token naming a tenant we do not serve makes no outbound request.
    if (!(await this.tenants.isOnboarded(tid.toLowerCase()))) {
      throw new AuthError(403, 'tenant_not_onboarded', 'Switchboard does not serve this tenant (it is not onboarded).');
    }
    const issuer = issuerFor(this.config.api.issuerTemplate, tid);
    let keys;
    try {
      keys = await this.keySets.forConfiguration(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    } catch (e) {
      throw new AuthError(
        401,
        'invalid_token',
        `Could not load the signing keys of ${issuer}: ${(e as Error).message}`,
      );
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer,
        audience: this.config.api.audience,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'tid'],
        algorithms: TOKEN_ALGORITHMS,
      });
      const notAccess = accessTokenProblem(payload);
      if (notAccess) throw new AuthError(401, 'invalid_token', notAccess);
      const oid = typeof payload.oid === 'string' ? payload.oid : typeof payload.sub === 'string' ? payload.sub : '';
      if (!oid) throw new AuthError(401, 'invalid_token', 'The token has no oid claim.');
      return {
        tenantId: tid.toLowerCase(),
        oid,
        roles: stringArray(payload.roles),
        queues: stringArray(payload.queues),
        name: typeof payload.name === 'string' ? payload.name : undefined,
        username: typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined,
      };
    } catch (e) {
      if (e instanceof AuthError) throw e;
      throw new AuthError(401, 'invalid_token', describeJoseError(e));
    }
  }
}

export function describeJoseError(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (e instanceof joseErrors.JWTClaimValidationFailed)
    return `The token's ${e.claim} claim is not valid here (${e.reason}).`;
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is not valid.';
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'The token was signed with an unknown key.';
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return `The token's signing algorithm is not allowed (only RS256).`;
  if (e instanceof joseErrors.JOSEError) return `The token is not valid (${e.code}).`;
  return 'The token is not valid.';
}
