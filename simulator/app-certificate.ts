// A certificate credential for the seeded provisioning app, created once in the data dir: `<name>.pem` holds the
// private key and the certificate together, the file @azure/identity's ClientCertificateCredential reads
// (PROVISIONING_CREDENTIAL=certificate, PROVISIONING_CERTIFICATE_PATH). Callers hold the data-dir lock.
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { writeFileAtomic } from './util';

export interface AppCertificate {
  /** key + certificate, PEM */
  path: string;
  /** the certificate alone, PEM (what an app registration holds) */
  certificate: string;
}

const CERT_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

export async function ensureAppCertificate(dataDir: string, name: string): Promise<AppCertificate> {
  const path = join(dataDir, `${name}.pem`);
  if (!existsSync(path) || !CERT_RE.test(readFileSync(path, 'utf8'))) {
    const notAfter = new Date();
    notAfter.setFullYear(notAfter.getFullYear() + 2);
    const made = await generate([{ name: 'commonName', value: name }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: notAfter,
    });
    writeFileAtomic(path, `${made.private}\n${made.cert}\n`, 0o600);
  }
  const certificate = CERT_RE.exec(readFileSync(path, 'utf8'))![0] + '\n';
  return { path, certificate };
}

/** The thumbprints Entra matches a client assertion's `x5t` (SHA-1) or `x5t#S256` (SHA-256) header against. */
export function thumbprints(certificatePem: string): { sha1: string; sha256: string } {
  const der = new X509Certificate(certificatePem).raw;
  return {
    sha1: createHash('sha1').update(der).digest('base64url'),
    sha256: createHash('sha256').update(der).digest('base64url'),
  };
}
