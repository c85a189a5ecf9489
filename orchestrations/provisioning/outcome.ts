/**
 * What a provisioning activity returns. Activities do not throw for expected tenant conditions; they say what
 * happened, so the orchestrator (deterministic) decides: go on, wait with a durable timer and try again, or fail.
 */
export interface OutcomeError {
  /** retryable: try again later; permanent: fail the run (after compensation). */
  kind: 'retryable' | 'permanent';
  message: string;
  code?: string;
  /** The service asked us to wait this long (Retry-After). */
  retryAfterMs?: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: OutcomeError };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const retryLater = (message: string, extra: Omit<OutcomeError, 'kind' | 'message'> = {}): Outcome<never> => ({
  ok: false,
  error: { kind: 'retryable', message, ...extra },
});
export const fail = (message: string, extra: Omit<OutcomeError, 'kind' | 'message'> = {}): Outcome<never> => ({
  ok: false,
  error: { kind: 'permanent', message, ...extra },
});

/** Backoff between attempts of a waiting step: capped exponential, never shorter than what the service asked. */
export interface WaitPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** The step fails when the next attempt would start after this long since the step began. */
  deadlineMs: number;
}

export function nextDelayMs(policy: WaitPolicy, attempt: number, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(exponential, retryAfterMs ?? 0);
}
