// A local CA and a localhost server certificate, created once in the data dir and reused on restart.
// Callers hold the data-dir lock (util.withDirLock) while this runs.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { writeFileAtomic } from './util';

export interface TlsMaterial {
  caPath: string;
  ca: string;
  key: string;
  cert: string;
}

export async function ensureTls(dataDir: string): Promise<TlsMaterial> {
  mkdirSync(dataDir, { recursive: true });
  const caPath = join(dataDir, 'ca.pem');
  const caKeyPath = join(dataDir, 'ca.key.pem');
  const certPath = join(dataDir, 'server.pem');
  const keyPath = join(dataDir, 'server.key.pem');
  if (![caPath, caKeyPath].every((f) => existsSync(f))) {
    const notAfter = new Date();
    notAfter.setFullYear(notAfter.getFullYear() + 10);
    const ca = await generate([{ name: 'commonName', value: 'Switchboard Simulator Local CA' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    writeFileAtomic(caKeyPath, ca.private, 0o600);
    writeFileAtomic(caPath, ca.cert);
    // a new CA invalidates any old server certificate
    writeFileAtomic(certPath, '');
  }
  const caPem = readFileSync(caPath, 'utf8');
  if (!existsSync(certPath) || !existsSync(keyPath) || readFileSync(certPath, 'utf8').length === 0) {
    const notAfter = new Date();
    notAfter.setFullYear(notAfter.getFullYear() + 2);
    const server = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: notAfter,
      ca: { key: readFileSync(caKeyPath, 'utf8'), cert: caPem },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    writeFileAtomic(keyPath, server.private, 0o600);
    writeFileAtomic(certPath, server.cert);
  }
  return { caPath, ca: caPem, key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
}
