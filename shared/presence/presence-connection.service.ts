/**
 * A tenant's delegated presence connection. Graph takes presence change-notification subscriptions with a delegated
 * token only ("Application: Not supported", microsoftgraph/microsoft-graph-docs-contrib
 * concepts/changenotifications-for-presence.md), so an Admin of the tenant connects once: `begin` answers the
 * tenant's authorize URL (the bot's client id, Presence.Read.All + offline_access, PKCE S256, `state` =
 * `{tenantId}.{nonce}` with the nonce and verifier kept server-side for 10 minutes); `complete` takes the code back
 * (the state used once), redeems it as the confidential client and stores the refresh token sealed. `accessToken`
 * gives the subscription manager a Graph token from it, rotating the stored refresh token each time; a tenant not
 * connected gets none (no subscriptions: polling only).
 */
import { createHash, randomBytes } from 'node:crypto';
import { PRESENCE_DELEGATED_SCOPE, DelegatedTokenError, type DelegatedTokenPort } from './presence-delegated.entra';
import type { PresenceConnectionsRepository } from './presence-connections.repository';
import type { TokenSeal } from './token-seal';

const PENDING_LIFETIME_MS = 10 * 60_000;
/** An access token is used until this long before it expires. */
const EARLY_MS = 5 * 60_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class PresenceConnectError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'PresenceConnectError';
  }
}

export interface PresenceConnectionView {
  tenantId: string;
  connected: boolean;
  connectedBy?: string;
  connectedByOid?: string;
  connectedAt?: string;
  /** Whether presence subscriptions are made for this tenant (connected and PRESENCE_NOTIFICATION_URL set). */
  subscriptions: 'on' | 'off';
  detail: string;
}

export class PresenceConnectionService {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(
    private readonly deps: {
      connections: PresenceConnectionsRepository;
      entra: DelegatedTokenPort & { authorizeUrl(tenantId: string): string; readonly clientId: string };
      seal: TokenSeal;
      /** PRESENCE_NOTIFICATION_URL is set (subscriptions are the production path). */
      notificationsEnabled: boolean;
      now?: () => number;
      log?: (line: string) => void;
    },
  ) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Starts a connect: the URL to send the Admin's browser to. */
  async begin(tenantId: string, by: { name: string; oid: string }, redirectUri: string): Promise<string> {
    const t = tenantId.toLowerCase();
    const nonce = randomBytes(24).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    await this.deps.connections.putPending({
      tenantId: t,
      nonce,
      sealedVerifier: this.deps.seal.seal(verifier, `${t}.${nonce}`),
      redirectUri,
      startedBy: by.name,
      startedByOid: by.oid,
      expiresAt: this.now + PENDING_LIFETIME_MS,
    });
    const q = new URLSearchParams({
      client_id: this.deps.entra.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      response_mode: 'query',
      scope: PRESENCE_DELEGATED_SCOPE,
      state: `${t}.${nonce}`,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    return `${this.deps.entra.authorizeUrl(t)}?${q.toString()}`;
  }

  /** The callback: redeems the code for the tenant the state names; the state is good once, for 10 minutes. */
  async complete(code: string, state: string): Promise<PresenceConnectionView> {
    const dot = state.indexOf('.');
    const tenantId = state.slice(0, dot).toLowerCase();
    const nonce = state.slice(dot + 1);
    if (dot < 0 || !GUID.test(tenantId) || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce))
      throw new PresenceConnectError('state is not one this app handed out', 400);
    const pending = await this.deps.connections.takePending(tenantId, nonce);
    if (!pending || pending.expiresAt < this.now)
      throw new PresenceConnectError('state is unknown, used or expired: start the connect again', 400);
    const verifier = this.deps.seal.open(pending.sealedVerifier, `${tenantId}.${nonce}`);
    if (!verifier) throw new PresenceConnectError('state could not be opened', 400);
    let tokens;
    try {
      tokens = await this.deps.entra.redeem(tenantId, {
        code,
        redirectUri: pending.redirectUri,
        codeVerifier: verifier,
        scope: PRESENCE_DELEGATED_SCOPE,
      });
    } catch (e) {
      if (e instanceof DelegatedTokenError) throw new PresenceConnectError(`sign-in not accepted: ${e.message}`, 400);
      throw e;
    }
    if (!tokens.refreshToken)
      throw new PresenceConnectError('Entra gave no refresh token (offline_access not granted)', 400);
    await this.deps.connections.put({
      tenantId,
      sealedRefreshToken: this.deps.seal.seal(tokens.refreshToken, tenantId),
      connectedBy: pending.startedBy,
      connectedByOid: pending.startedByOid,
      connectedAt: this.now,
      refreshedAt: this.now,
    });
    this.tokens.set(tenantId, { token: tokens.accessToken, expiresAt: tokens.expiresAt });
    this.deps.log?.(`presence connected for tenant ${tenantId} by ${pending.startedBy}`);
    return this.connection(tenantId);
  }

  async connection(tenantId: string): Promise<PresenceConnectionView> {
    const t = tenantId.toLowerCase();
    const c = await this.deps.connections.get(t);
    const on = !!c && this.deps.notificationsEnabled;
    return {
      tenantId: t,
      connected: !!c,
      ...(c
        ? {
            connectedBy: c.connectedBy,
            connectedByOid: c.connectedByOid,
            connectedAt: new Date(c.connectedAt).toISOString(),
          }
        : {}),
      subscriptions: on ? 'on' : 'off',
      detail: on
        ? 'presence change notifications (delegated subscriptions); polling stays as the fallback'
        : c
          ? 'connected, but PRESENCE_NOTIFICATION_URL is not set: polling only'
          : 'not connected: polling only (an Admin connects presence once; Graph takes presence subscriptions with a delegated token only)',
    };
  }

  async connected(tenantId: string): Promise<boolean> {
    return !!(await this.deps.connections.get(tenantId));
  }

  async disconnect(tenantId: string): Promise<boolean> {
    const t = tenantId.toLowerCase();
    this.tokens.delete(t);
    return this.deps.connections.delete(t);
  }

  /**
   * A delegated Graph access token for the tenant (Presence.Read.All), or undefined when it is not connected. Each
   * refresh stores the new refresh token under the row's ETag; a refresh that lost the race to another instance
   * (its refresh token spent: `invalid_grant`) reads the row again, waiting briefly for the newer one.
   */
  async accessToken(tenantId: string): Promise<string | undefined> {
    const t = tenantId.toLowerCase();
    const cached = this.tokens.get(t);
    if (cached && cached.expiresAt - EARLY_MS > this.now) return cached.token;
    let spent: string | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const c = await this.deps.connections.get(t);
      if (!c) return undefined;
      if (c.sealedRefreshToken === spent) {
        // Another instance spent this refresh token and has not stored the new one yet: wait for it.
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        continue;
      }
      const refreshToken = this.deps.seal.open(c.sealedRefreshToken, t);
      if (!refreshToken) throw new PresenceConnectError('the stored refresh token does not open: connect again', 409);
      let tokens;
      try {
        tokens = await this.deps.entra.refresh(t, refreshToken, PRESENCE_DELEGATED_SCOPE);
      } catch (e) {
        if (e instanceof DelegatedTokenError && e.error === 'invalid_grant' && attempt < 4) {
          spent = c.sealedRefreshToken; // maybe rotated by another instance meanwhile: read the row again
          continue;
        }
        throw e;
      }
      if (tokens.refreshToken) {
        const stored = await this.deps.connections.put(
          { ...c, sealedRefreshToken: this.deps.seal.seal(tokens.refreshToken, t), refreshedAt: this.now },
          c.etag,
        );
        if (!stored) this.deps.log?.(`presence connection of ${t}: rotated by another instance meanwhile`);
      }
      this.tokens.set(t, { token: tokens.accessToken, expiresAt: tokens.expiresAt });
      return tokens.accessToken;
    }
    throw new PresenceConnectError('the presence refresh token was spent and not replaced: connect again', 409);
  }
}
