/**
 * Proof that a calling callback came from Microsoft: `Authorization: Bearer <JWT>` with `iss` = BOT_TOKEN_ISSUER
 * (https://api.botframework.com; https://graph.microsoft.com is accepted too, as Microsoft's samples do),
 * `aud` = BOT_APP_ID, valid `nbf`/`exp`, signed by a key from BOT_OPENID_CONFIG_URL → jwks_uri (cached ~2 h).
 */
import { jwtVerify } from 'jose';
import type { AppConfig } from '../config';
import { bearerToken, describeJoseError, TOKEN_ALGORITHMS } from './api-token';
import { AuthError } from './auth.errors';
import { OpenIdKeySets } from './jwks';

export const GRAPH_NOTIFICATION_ISSUER = 'https://graph.microsoft.com';

export interface BotNotificationClaims {
  tenantId?: string;
  issuer: string;
  appId: string;
}

export class BotNotificationTokenValidator {
  constructor(
    private readonly config: Pick<AppConfig, 'bot' | 'botToken'>,
    private readonly keySets: OpenIdKeySets = new OpenIdKeySets(),
  ) {}

  /** Throws AuthError(403) — what the callback endpoint answers — on any failure. */
  async validate(authorization: string | null | undefined): Promise<BotNotificationClaims> {
    let token: string;
    try {
      token = bearerToken(authorization);
    } catch (e) {
      throw new AuthError(403, 'invalid_token', (e as Error).message);
    }
    let keys;
    try {
      keys = await this.keySets.forConfiguration(this.config.botToken.openIdConfigUrl);
    } catch (e) {
      throw new AuthError(403, 'invalid_token', `Could not load the bot signing keys: ${(e as Error).message}`);
    }
    const issuers = [...new Set([this.config.botToken.issuer, GRAPH_NOTIFICATION_ISSUER])];
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: issuers,
        audience: this.config.bot.appId,
        clockTolerance: 60,
        requiredClaims: ['exp'],
        algorithms: TOKEN_ALGORITHMS,
      });
      return {
        tenantId: typeof payload.tid === 'string' ? payload.tid : undefined,
        issuer: String(payload.iss),
        appId: this.config.bot.appId,
      };
    } catch (e) {
      throw new AuthError(403, 'invalid_token', describeJoseError(e));
    }
  }
}

/** Convenience for one-off use; long-lived callers should keep one validator (it holds the key cache). */
export function validateBotNotificationToken(
  config: Pick<AppConfig, 'bot' | 'botToken'>,
  authorization: string | null | undefined,
  keySets?: OpenIdKeySets,
): Promise<BotNotificationClaims> {
  return new BotNotificationTokenValidator(config, keySets).validate(authorization);
}
