/** TokenSeal: the tenant's refresh token sealed at rest (AES-256-GCM, the tenant id as associated data). */
import { randomBytes } from 'node:crypto';
import { TokenSeal } from '../../../../shared/presence';

const key = randomBytes(32).toString('base64');

it('opens what it sealed, for the same context only', () => {
  const seal = new TokenSeal(key, undefined);
  const sealed = seal.seal('refresh-token-value', 'tenant-a');
  expect(sealed).toMatch(/^v1\./);
  expect(sealed).not.toContain('refresh-token-value');
  expect(seal.open(sealed, 'tenant-a')).toBe('refresh-token-value');
  expect(seal.open(sealed, 'tenant-b')).toBeUndefined();
  expect(seal.seal('refresh-token-value', 'tenant-a')).not.toBe(sealed); // a fresh IV each time
});

it('refuses a tampered value, another key, and garbage', () => {
  const seal = new TokenSeal(key, undefined);
  const sealed = seal.seal('secret', 't');
  const parts = sealed.split('.');
  const ct = Buffer.from(parts[3], 'base64url');
  ct[0] ^= 1;
  expect(seal.open([...parts.slice(0, 3), ct.toString('base64url')].join('.'), 't')).toBeUndefined();
  expect(new TokenSeal(randomBytes(32).toString('base64'), undefined).open(sealed, 't')).toBeUndefined();
  expect(seal.open('not-sealed', 't')).toBeUndefined();
});

it('derives its key from the bot secret when no key is set; a key of the wrong size or neither is refused', () => {
  const a = new TokenSeal(undefined, 'bot-secret');
  expect(new TokenSeal(undefined, 'bot-secret').open(a.seal('x', 't'), 't')).toBe('x');
  expect(new TokenSeal(undefined, 'other-secret').open(a.seal('x', 't'), 't')).toBeUndefined();
  expect(() => new TokenSeal(randomBytes(16).toString('base64'), undefined)).toThrow(/32 bytes/);
  expect(() => new TokenSeal(undefined, undefined)).toThrow(/PRESENCE_TOKEN_KEY or BOT_CLIENT_SECRET/);
});
