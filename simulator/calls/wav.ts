// The prompt check: Graph's media platform plays a prompt only from a mono 16-bit 16 kHz PCM WAV it can fetch
// (learn.microsoft.com: "audio prompt … must be a .wav file … mono, 16 bit, 16 kHz"). Reads the RIFF header by hand.
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';

export interface PromptProblem {
  subcode: number;
  message: string;
}

const HEAD_BYTES = 64 * 1024;

/** Fetches the start of `uri`; resolves null when it is a mono 16-bit 16 kHz PCM WAV, else the problem. */
export function checkWav(uri: string, ca: string, timeoutMs = 5000): Promise<PromptProblem | null> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(uri);
    } catch {
      return resolve({ subcode: 8536, message: `Action failed, file could not be downloaded (bad URI ${uri}).` });
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      return resolve({ subcode: 8536, message: `Action failed, file could not be downloaded (${u.protocol}).` });
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.get(
      u,
      { timeout: timeoutMs, ...(u.protocol === 'https:' ? { ca: [...rootCertificates, ca] } : {}) },
      (res) => {
        if ((res.statusCode ?? 500) >= 300) {
          res.resume();
          return resolve({
            subcode: 8536,
            message: `Action failed, file could not be downloaded (HTTP ${res.statusCode}).`,
          });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let settled = false;
        const done = (): void => {
          if (settled) return;
          settled = true;
          res.destroy();
          resolve(wavProblem(Buffer.concat(chunks)));
        };
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= HEAD_BYTES) done();
        });
        res.on('end', done);
        res.on('error', done);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) =>
      resolve({ subcode: 8536, message: `Action failed, file could not be downloaded (${e.message}).` }),
    );
  });
}

/** null when the bytes start a mono 16-bit 16 kHz PCM WAV. */
export function wavProblem(b: Buffer): PromptProblem | null {
  const bad = (why: string): PromptProblem => ({
    subcode: 8535,
    message: `Action failed, file format is invalid: ${why}.`,
  });
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE')
    return bad('not a RIFF/WAVE file');
  let off = 12;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const len = b.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      if (off + 8 + 16 > b.length) return bad('truncated fmt chunk');
      const format = b.readUInt16LE(off + 8);
      const channels = b.readUInt16LE(off + 10);
      const rate = b.readUInt32LE(off + 12);
      const bits = b.readUInt16LE(off + 22);
      if (format !== 1) return bad(`audio format ${format}, PCM (1) needed`);
      if (channels !== 1) return bad(`${channels} channels, mono needed`);
      if (rate !== 16000) return bad(`${rate} Hz, 16000 Hz needed`);
      if (bits !== 16) return bad(`${bits} bits per sample, 16 needed`);
      return null;
    }
    off += 8 + len + (len % 2);
  }
  return bad('no fmt chunk');
}
