// The JWT on every callback POST. Microsoft's samples accept two issuers (Bot Framework's and Graph's) with
// aud = the bot's app id and tid = the tenant, keys from the OIDC document (microsoftgraph/microsoft-graph-comms-samples,
// Samples/Common/Sample.Common/Authentication/AuthenticationProvider.cs, ValidateInboundRequestAsync). Both
// issuers are used here, mixed by the graphIssuerFraction knob, so a bot that accepts only one breaks locally.
// Keys rotate (botKeyRotationS); a retired key stays in the JWKS for botKeyGraceS, then leaves.
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { SimCore } from '../core';
import { SigningKey, signJwt } from '../jwt';
import { BOT_ISSUER, GRAPH_APP_ID, GRAPH_AUDIENCE } from '../model';

export const GRAPH_ISSUER = GRAPH_AUDIENCE;
/** Lifetime of a callback token (s). */
export const CALLBACK_TOKEN_LIFETIME_S = 300;

function newKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const kid = createHash('sha256').update(String(jwk.n)).digest('base64url').slice(0, 27);
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: { kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e, alg: 'RS256' },
  };
}

export class CallbackTokens {
  private current: SigningKey;
  private currentSince = Date.now();
  /** retired keys and when they were retired */
  private retired: { key: SigningKey; at: number }[] = [];
  /** POSTs signed so far: drives the deterministic issuer mix */
  private signed = 0;

  constructor(private readonly core: SimCore) {
    this.current = core.botKey;
  }

  reset(): void {
    this.current = this.core.botKey;
    this.currentSince = Date.now();
    this.retired = [];
    this.signed = 0;
  }

  /** Retires the signing key now; the new one signs from the next POST. */
  rotate(): string {
    this.retired.push({ key: this.current, at: Date.now() });
    this.current = newKey();
    this.currentSince = Date.now();
    return this.current.kid;
  }

  private maintain(): void {
    const f = this.core.faults;
    if (f.botKeyRotationS > 0 && Date.now() - this.currentSince >= f.botKeyRotationS * 1000) this.rotate();
    const graceMs = f.botKeyGraceS * 1000;
    this.retired = this.retired.filter((r) => Date.now() - r.at < graceMs);
  }

  /**
   * The issuer of the n-th POST: Graph's when ⌊(n+1)·f⌋ > ⌊n·f⌋ (f = graphIssuerFraction), so the mix is exact
   * over any run of POSTs and the first POST after start or reset is signed by Bot Framework when f < 1.
   */
  private nextIssuer(): string {
    const f = this.core.faults.graphIssuerFraction;
    const n = this.signed++;
    return Math.floor((n + 1) * f) > Math.floor(n * f) ? GRAPH_ISSUER : BOT_ISSUER;
  }

  sign(tenantId: string, botAppId: string): string {
    this.maintain();
    const now = Math.floor(Date.now() / 1000);
    return signJwt(this.current, {
      iss: this.nextIssuer(),
      aud: botAppId,
      tid: tenantId,
      appid: GRAPH_APP_ID,
      serviceurl: `${this.core.baseUrl}/`,
      iat: now,
      nbf: now,
      exp: now + CALLBACK_TOKEN_LIFETIME_S,
    });
  }

  jwks(): Record<string, unknown> {
    this.maintain();
    const keys = [this.current, ...this.retired.map((r) => r.key)];
    return { keys: keys.map((k) => ({ ...k.publicJwk, endorsements: ['msteams', 'skype'] })) };
  }
}
