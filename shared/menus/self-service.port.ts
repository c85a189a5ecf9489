/**
 * The line-of-business system, as self-service reaches it: one signed POST with a deadline. The adapter
 * (self-service.http.ts) is built in the composition root; tests use it against a local server.
 */
export interface LineOfBusinessPort {
  /**
   * POSTs `body` to `url` with `headers`; resolves with the status and the body text (bounded), rejects on a network
   * failure or when `timeoutMs` passes (a {@link LineOfBusinessError} whose message names no sent value).
   */
  post(
    url: string,
    o: { headers: Record<string, string>; body: string; timeoutMs: number },
  ): Promise<{
    status: number;
    text: string;
  }>;
}

export class LineOfBusinessError extends Error {}
