/**
 * What a read of the tenant told us about one fact. Three outcomes, kept apart on purpose:
 * - `value`: the fact was read and is this;
 * - `absent`: the fact was read and there is nothing (no such account, no number, no usage location);
 * - `unknown`: the read failed (429, 5xx, timeout, network, no permission…), so we do not know.
 * Drift is only ever judged on `value` / `absent`. Treating a failed read as "missing" is how a configuration tool
 * reports false drift under throttling (Microsoft365DSC's users know it well); here an unknown fact yields an
 * {@link UnknownFact} record and never a finding.
 */

export type UnknownReasonCode =
  'throttled' | 'serverError' | 'timeout' | 'network' | 'forbidden' | 'notRead' | 'notEvaluated' | 'other';

export interface UnknownReason {
  code: UnknownReasonCode;
  /** What happened, for people (no secrets: tenant adapters already strip them). */
  message: string;
  /** HTTP status of the failed read, when there was one. */
  status?: number;
  /** The service asked to wait this long (Retry-After), ms. */
  retryAfterMs?: number;
}

export type Observed<T> = { kind: 'value'; value: T } | { kind: 'absent' } | { kind: 'unknown'; reason: UnknownReason };

export const observed = <T>(value: T): Observed<T> => ({ kind: 'value', value });
export const absent = <T = never>(): Observed<T> => ({ kind: 'absent' });
export const unknownFact = <T = never>(reason: UnknownReason): Observed<T> => ({ kind: 'unknown', reason });

/** A value read, or absent when the read found nothing (`undefined` / `null`). */
export function fromRead<T>(value: T | null | undefined): Observed<T> {
  return value === undefined || value === null ? absent<T>() : observed(value);
}

/** The structural subset of a tenant adapter's error (shared/tenant's TenantError fits) this module reads. */
export interface ReadErrorLike {
  kind?: string;
  status?: number;
  code?: string;
  message?: string;
  retryAfterMs?: number;
}

/**
 * Classifies a failed read. A 404 is NOT unknown: the caller should turn "not found" into `absent` itself, where the
 * read's meaning allows it (a user that is not found is absent; a 404 on a sub-resource may mean something else).
 */
export function reasonFromError(error: unknown): UnknownReason {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ReadErrorLike;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = typeof e.message === 'string' && e.message ? e.message : String(error);
  const extra = {
    ...(status !== undefined ? { status } : {}),
    ...(typeof e.retryAfterMs === 'number' ? { retryAfterMs: e.retryAfterMs } : {}),
  };
  let code: UnknownReasonCode = 'other';
  if (e.kind === 'throttled' || status === 429) code = 'throttled';
  else if (status === 408 || /timed? ?out|timeout|ETIMEDOUT|AbortError/i.test(`${e.code ?? ''} ${message}`))
    code = 'timeout';
  else if (status === 401 || status === 403) code = 'forbidden';
  else if (status !== undefined && status >= 500) code = 'serverError';
  else if (
    status === undefined &&
    /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket|network|fetch failed/i.test(`${e.code ?? ''} ${message}`)
  )
    code = 'network';
  return { code, message, ...extra };
}

/** An unknown fact from a failed read's error. */
export function failedRead<T = never>(error: unknown): Observed<T> {
  return unknownFact<T>(reasonFromError(error));
}
