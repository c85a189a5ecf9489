/**
 * Seals a secret at rest (the tenant's delegated refresh token for presence): AES-256-GCM (node:crypto), a fresh
 * 96-bit IV per seal, the tenant id as additional authenticated data (a sealed value copied to another tenant's row
 * does not open). Format `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export class TokenSeal {
  private readonly key: Buffer;

  /**
   * `key`: PRESENCE_TOKEN_KEY, 32 bytes base64; absent → derived (HKDF-SHA256) from `fallbackSecret` (the bot's
   * client secret, without which the refresh token is useless anyway).
   */
  constructor(key: string | undefined, fallbackSecret: string | undefined) {
    if (key) {
      this.key = Buffer.from(key, 'base64');
      if (this.key.length !== 32) throw new Error('PRESENCE_TOKEN_KEY must be 32 bytes, base64');
    } else if (fallbackSecret) {
      this.key = Buffer.from(hkdfSync('sha256', fallbackSecret, 'switchboard', 'presence refresh token seal', 32));
    } else {
      throw new Error('PRESENCE_TOKEN_KEY or BOT_CLIENT_SECRET is required to seal the presence refresh token');
    }
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ct]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** The plain text, or undefined when it was not sealed with this key and context (or was tampered with). */
  open(sealed: string, context: string): string | undefined {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
