/**
 * Entra's token endpoint for the bot as a confidential web client (OAuth 2.0 authorization code flow, Microsoft
 * identity platform: `POST /{tenant}/oauth2/v2.0/token`, grant_type authorization_code with code_verifier, then
 * refresh_token; client_secret in the form). Hand-written (a form POST) rather than MSAL: MSAL keeps refresh tokens in
 * its own cache and never hands them out, and we must store the tenant's refresh token sealed in a table row and
 * rotate it on every refresh.
 */

export const PRESENCE_DELEGATED_SCOPE = 'https://graph.microsoft.com/Presence.Read.All offline_access';

export interface DelegatedTokens {
  accessToken: string;
  /** Entra returns a new refresh token with each redemption (offline_access): store it in place of the old one. */
  refreshToken?: string;
  expiresAt: number;
}

export class DelegatedTokenError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Entra's `error` (e.g. `invalid_grant`: the code or refresh token is spent, expired or revoked). */
    readonly error?: string,
  ) {
    super(message);
    this.name = 'DelegatedTokenError';
  }
}

/** The port: redeem an authorization code, or refresh. */
export interface DelegatedTokenPort {
  redeem(
    tenantId: string,
    r: { code: string; redirectUri: string; codeVerifier: string; scope: string },
  ): Promise<DelegatedTokens>;
  refresh(tenantId: string, refreshToken: string, scope: string): Promise<DelegatedTokens>;
}

export class EntraDelegatedTokens implements DelegatedTokenPort {
  constructor(
    private readonly o: {
      authorityHost: string;
      clientId: string;
      clientSecret?: string;
      fetch?: typeof fetch;
      now?: () => number;
    },
  ) {}

  /** The authorize endpoint of a tenant. */
  authorizeUrl(tenantId: string): string {
    return `${this.o.authorityHost}/${tenantId}/oauth2/v2.0/authorize`;
  }

  get clientId(): string {
    return this.o.clientId;
  }

  private async post(tenantId: string, form: Record<string, string>): Promise<DelegatedTokens> {
    if (!this.o.clientSecret) throw new DelegatedTokenError('BOT_CLIENT_SECRET is not set', 500);
    const res = await (this.o.fetch ?? fetch)(`${this.o.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: this.o.clientId,
        client_secret: this.o.clientSecret,
        ...form,
      }).toString(),
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok || typeof body.access_token !== 'string') {
      const description = typeof body.error_description === 'string' ? body.error_description : '';
      throw new DelegatedTokenError(
        `token endpoint → ${res.status}: ${description.split('\n')[0].slice(0, 300)}`,
        res.status,
        typeof body.error === 'string' ? body.error : undefined,
      );
    }
    const expiresIn = Number(body.expires_in) || 3599;
    return {
      accessToken: body.access_token,
      ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
      expiresAt: (this.o.now ?? Date.now)() + expiresIn * 1000,
    };
  }

  redeem(
    tenantId: string,
    r: { code: string; redirectUri: string; codeVerifier: string; scope: string },
  ): Promise<DelegatedTokens> {
    return this.post(tenantId, {
      grant_type: 'authorization_code',
      code: r.code,
      redirect_uri: r.redirectUri,
      code_verifier: r.codeVerifier,
      scope: r.scope,
    });
  }

  refresh(tenantId: string, refreshToken: string, scope: string): Promise<DelegatedTokens> {
    return this.post(tenantId, { grant_type: 'refresh_token', refresh_token: refreshToken, scope });
  }
}
