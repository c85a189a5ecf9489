// RS256 JWTs with node:crypto (synchronous, fast enough for thousands of verifications per second).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './util';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

/** Loads `<dir>/<name>.key.pem` or creates it, so tokens stay valid across restarts. */
export function loadOrCreateKey(dir: string, name: string): SigningKey {
  const file = join(dir, `${name}.key.pem`);
  let pem: string;
  if (existsSync(file)) {
    pem = readFileSync(file, 'utf8');
  } else {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileAtomic(file, pem, 0o600);
  }
  const privateKey = createPrivateKey(pem);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, unknown>;
  const kid = createHash('sha256').update(String(jwk.n)).digest('base64url').slice(0, 27);
  return {
    kid,
    privateKey,
    publicKey: createPublicKey(privateKey),
    publicJwk: { kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e, alg: 'RS256' },
  };
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const head = b64({ typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid });
  const body = b64(claims);
  const sig = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key.privateKey).toString('base64url');
  return `${head}.${body}.${sig}`;
}

/** Returns the claims when the signature is ours and the token is within nbf/exp; otherwise a reason. */
export function verifyJwt(
  key: SigningKey,
  token: string,
  nowS: number,
): { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'IDX14100: JWT is not well formed.' };
  let claims: Record<string, unknown>;
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'IDX14100: JWT is not well formed.' };
  }
  if (header.alg !== 'RS256' || header.kid !== key.kid) return { ok: false, reason: 'Signing key not found.' };
  const good = verify(
    'RSA-SHA256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    key.publicKey,
    Buffer.from(parts[2], 'base64url'),
  );
  if (!good) return { ok: false, reason: 'Invalid signature.' };
  if (typeof claims.exp === 'number' && claims.exp < nowS)
    return { ok: false, reason: 'Lifetime validation failed, the token is expired.' };
  if (typeof claims.nbf === 'number' && claims.nbf > nowS + 300) return { ok: false, reason: 'Token not yet valid.' };
  return { ok: true, claims };
}
