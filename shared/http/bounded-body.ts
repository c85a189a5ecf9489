/**
 * Request bodies read with a cap (issue 17 item 7): a declared `Content-Length` over the cap is refused before a byte
 * is read, and a body without one (chunked) is read chunk by chunk and abandoned — the stream cancelled, nothing more
 * read or kept — as soon as it passes the cap. With the app's HTTP streaming on, the rest never reaches memory.
 */

/** What a JSON body may weigh (an endpoint request is < 1 KB; a call queue of 2,000 agents ~150 KB). */
export const JSON_BODY_MAX_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly declared?: number,
  ) {
    super(
      declared !== undefined
        ? `The body is ${declared} bytes; this route takes at most ${limit} bytes.`
        : `The body is larger than this route takes (at most ${limit} bytes).`,
    );
    this.name = 'BodyTooLargeError';
  }
}

/** The declared length when it is a number (`Content-Length`), else undefined. */
export function declaredLength(header: string | null | undefined): number | undefined {
  if (header === null || header === undefined || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header);
}

/**
 * Reads a body of at most `limit` bytes. Throws {@link BodyTooLargeError} when `Content-Length` says more (without
 * reading), or as soon as the bytes read pass the limit (cancelling the stream).
 */
export async function readBoundedBody(
  body: ReadableStream<Uint8Array> | null | undefined,
  limit: number,
  contentLength?: string | null,
): Promise<Uint8Array> {
  const declared = declaredLength(contentLength);
  if (declared !== undefined && declared > limit) {
    await body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(limit, declared);
  }
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
