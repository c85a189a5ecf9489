/** The line-of-business port over HTTP (global fetch): a deadline for the whole exchange, the answer read up to 64 KiB. */
import { LineOfBusinessError, type LineOfBusinessPort } from './self-service.port';

const MAX_ANSWER_BYTES = 64 * 1024;

export class HttpLineOfBusiness implements LineOfBusinessPort {
  async post(
    url: string,
    o: { headers: Record<string, string>; body: string; timeoutMs: number },
  ): Promise<{ status: number; text: string }> {
    const signal = AbortSignal.timeout(o.timeoutMs);
    try {
      const res = await fetch(url, { method: 'POST', headers: o.headers, body: o.body, signal, redirect: 'manual' });
      const reader = res.body?.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > MAX_ANSWER_BYTES) {
          await reader.cancel();
          throw new LineOfBusinessError(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
        }
        chunks.push(value);
      }
      return { status: res.status, text: Buffer.concat(chunks).toString('utf8') };
    } catch (e) {
      if (e instanceof LineOfBusinessError) throw e;
      if (signal.aborted) throw new LineOfBusinessError(`no answer within ${o.timeoutMs / 1000} s`);
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new LineOfBusinessError(`cannot reach it${cause ? ` (${cause})` : ''}`);
    }
  }
}
