// Sign-in with MSAL.js: authorization code + PKCE against the configured Entra authority. Tokens stay in MSAL's
// session-storage cache; they are never put in URLs or logged.
import {
  InteractionRequiredAuthError,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
} from '@azure/msal-browser';
import { decodeJwt } from 'jose';

export interface PortalConfig {
  clientId: string;
  authority: string;
  tenant: string;
  apiScope: string;
  knownAuthorities: string[];
}

export type Role = 'Switchboard.Admin' | 'Switchboard.Supervisor' | 'Switchboard.Agent';

/** Who is signed in, as the API will see them (from the access token's claims). */
export interface Person {
  name: string;
  username: string;
  tenantId: string;
  roles: Role[];
  queues: string[];
}

export const PORTAL_BASE = '/api/portal/';

export class Auth {
  private account: AccountInfo | null = null;
  person: Person | null = null;

  private constructor(
    readonly config: PortalConfig,
    private readonly msal: PublicClientApplication,
  ) {}

  static async start(): Promise<Auth> {
    const res = await fetch(`${PORTAL_BASE}config.json`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`The portal's configuration could not be read (${res.status}).`);
    const config = (await res.json()) as PortalConfig;
    if (!config.clientId) throw new Error('The portal is not configured: set PORTAL_CLIENT_ID.');
    const redirectUri = `${window.location.origin}${PORTAL_BASE}`;
    const msal = new PublicClientApplication({
      auth: {
        clientId: config.clientId,
        authority: config.authority,
        knownAuthorities: config.knownAuthorities,
        redirectUri,
        postLogoutRedirectUri: redirectUri,
      },
      cache: { cacheLocation: 'sessionStorage' },
    });
    await msal.initialize();
    const auth = new Auth(config, msal);
    const result = await msal.handleRedirectPromise();
    if (result) auth.signedIn(result);
    else {
      const account = msal.getActiveAccount() ?? msal.getAllAccounts()[0] ?? null;
      if (account) {
        auth.account = account;
        msal.setActiveAccount(account);
        await auth.token();
      }
    }
    return auth;
  }

  private signedIn(result: AuthenticationResult): void {
    this.account = result.account;
    this.msal.setActiveAccount(result.account);
    const claims = decodeJwt(result.accessToken);
    const list = (v: unknown): string[] =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    this.person = {
      name: typeof claims.name === 'string' ? claims.name : (result.account?.name ?? ''),
      username: result.account?.username ?? '',
      tenantId: typeof claims.tid === 'string' ? claims.tid : result.tenantId,
      roles: list(claims.roles) as Role[],
      queues: list(claims.queues),
    };
  }

  signIn(): Promise<void> {
    return this.msal.loginRedirect({ scopes: [this.config.apiScope], redirectStartPage: window.location.href });
  }

  async signOut(): Promise<void> {
    await this.msal.logoutRedirect({ account: this.account });
  }

  /** An access token for Switchboard's API (from the cache, refreshed when due); redirects to sign in if needed. */
  async token(): Promise<string> {
    if (!this.account) throw new Error('Not signed in.');
    try {
      const result = await this.msal.acquireTokenSilent({ scopes: [this.config.apiScope], account: this.account });
      this.signedIn(result);
      return result.accessToken;
    } catch (err) {
      if (err instanceof InteractionRequiredAuthError) {
        await this.msal.acquireTokenRedirect({ scopes: [this.config.apiScope], account: this.account });
      }
      throw err;
    }
  }

  has(...roles: Role[]): boolean {
    return !!this.person && roles.some((r) => this.person!.roles.includes(r));
  }
}
