import {
  TenantError,
  ThrottledError,
  backoffDelay,
  classifyStatus,
  decideRetry,
  executeWithRetry,
  operationIdFromLocation,
  odataString,
  parseRetryAfter,
  retryOptions,
} from '../../../shared/tenant';
import { errorFromResponse } from '../../../shared/tenant/http';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('Retry-After', () => {
  it('reads delta-seconds exactly', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
  });
  it('reads an HTTP date relative to now (never negative)', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', NOW)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-3', NOW)).toBeUndefined();
  });
});

describe('backoff', () => {
  const o = { baseDelayMs: 500, maxDelayMs: 4000 };
  it('is full jitter over an exponentially growing, capped ceiling', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { ...o, random: () => 0.999999 }))).toEqual([
      499, 999, 1999, 3999, 3999,
    ]);
    expect(backoffDelay(3, { ...o, random: () => 0 })).toBe(0);
    expect(backoffDelay(2, { ...o, random: () => 0.5 })).toBe(500);
  });
});

describe('decideRetry', () => {
  const o = retryOptions({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 });
  it('is done on success and gives up on non-retryable statuses', () => {
    expect(decideRetry({ attempt: 1, status: 200 }, o, NOW)).toEqual({ action: 'done' });
    expect(decideRetry({ attempt: 1, status: 403 }, o, NOW)).toEqual({ action: 'giveUp', reason: 'notRetryable' });
    expect(decideRetry({ attempt: 1, status: 500 }, o, NOW)).toEqual({ action: 'giveUp', reason: 'notRetryable' });
  });
  it('honours Retry-After exactly, even beyond the backoff cap', () => {
    expect(decideRetry({ attempt: 1, status: 429, retryAfter: '3' }, o, NOW)).toEqual({
      action: 'retry',
      delayMs: 3000,
      honouredRetryAfter: true,
    });
  });
  it('backs off without Retry-After, and on network errors', () => {
    expect(decideRetry({ attempt: 2, status: 503 }, o, NOW)).toEqual({
      action: 'retry',
      delayMs: 100,
      honouredRetryAfter: false,
    });
    expect(decideRetry({ attempt: 1 }, o, NOW)).toEqual({ action: 'retry', delayMs: 50, honouredRetryAfter: false });
  });
  it('stops after maxAttempts, keeping the wait the service asked for', () => {
    expect(decideRetry({ attempt: 3, status: 429, retryAfter: '2' }, o, NOW)).toEqual({
      action: 'giveUp',
      reason: 'attemptsExhausted',
      retryAfterMs: 2000,
    });
  });
  it('hands long waits back to the caller when they exceed maxWaitMs', () => {
    const short = retryOptions({ ...o, maxWaitMs: 1000 });
    expect(decideRetry({ attempt: 1, status: 429, retryAfter: '5' }, short, NOW)).toEqual({
      action: 'giveUp',
      reason: 'waitTooLong',
      retryAfterMs: 5000,
    });
  });
});

describe('executeWithRetry', () => {
  const res = (status: number, retryAfter?: string) => ({
    status,
    headers: { get: (n: string) => (n.toLowerCase() === 'retry-after' ? (retryAfter ?? null) : null) },
  });
  it('sleeps exactly the Retry-After between attempts and returns the final response', async () => {
    const sleeps: number[] = [];
    const script = [res(429, '2'), res(503), res(200)];
    const r = await executeWithRetry(
      async (n) => script[n - 1],
      retryOptions({ random: () => 0.5, baseDelayMs: 100 }),
      async (ms) => {
        sleeps.push(ms);
      },
    );
    expect(sleeps).toEqual([2000, 100]);
    expect(r.attempts).toBe(3);
    expect(r.response.status).toBe(200);
  });
  it('re-throws the network error after the last attempt', async () => {
    let calls = 0;
    await expect(
      executeWithRetry(
        async () => {
          calls++;
          throw new TypeError('fetch failed');
        },
        retryOptions({ maxAttempts: 2 }),
        async () => undefined,
      ),
    ).rejects.toThrow('fetch failed');
    expect(calls).toBe(2);
  });
});

describe('error classification', () => {
  it('maps statuses to kinds', () => {
    expect(classifyStatus(429)).toBe('throttled');
    expect(classifyStatus(503, true)).toBe('throttled');
    expect(classifyStatus(503)).toBe('retryable');
    expect(classifyStatus(404)).toBe('notFound');
    expect(classifyStatus(409)).toBe('conflict');
    expect(classifyStatus(403)).toBe('permanent');
    expect(classifyStatus(400)).toBe('permanent');
  });
  it('builds a ThrottledError with retryAfterMs from a 429', () => {
    const e = errorFromResponse({
      source: 'graph',
      status: 429,
      retryAfter: '4',
      bodyText: JSON.stringify({ error: { code: 'TooManyRequests', message: 'slow down' } }),
      operation: 'GET /users/x',
      attempts: 5,
      retry: retryOptions(),
    });
    expect(e).toBeInstanceOf(ThrottledError);
    expect(e).toMatchObject({
      kind: 'throttled',
      status: 429,
      code: 'TooManyRequests',
      retryAfterMs: 4000,
      retryable: true,
    });
    expect(e.message).toBe('GET /users/x failed: 429 TooManyRequests: slow down');
  });
  it('keeps the bridge cmdlet and code', () => {
    const e = errorFromResponse({
      source: 'bridge',
      status: 409,
      retryAfter: null,
      bodyText: JSON.stringify({
        error: { code: 'AlreadyExists', message: 'exists', cmdlet: 'New-CsOnlineApplicationInstance' },
      }),
      operation: 'POST applicationInstances',
      attempts: 1,
      retry: retryOptions(),
    });
    expect(e).toBeInstanceOf(TenantError);
    expect(e).toMatchObject({
      kind: 'conflict',
      conflict: true,
      code: 'AlreadyExists',
      cmdlet: 'New-CsOnlineApplicationInstance',
    });
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ kind: 'conflict', source: 'bridge', status: 409 });
  });
});

describe('Graph helpers', () => {
  it('reads the number operation id from Location', () => {
    expect(
      operationIdFromLocation(
        "https://graph.microsoft.com/v1.0/admin/teams/telephoneNumberManagement/operations('a1b2-c3')",
      ),
    ).toBe('a1b2-c3');
    expect(operationIdFromLocation('/admin/teams/telephoneNumberManagement/operations/xyz?x=1')).toBe('xyz');
    expect(operationIdFromLocation(null)).toBeUndefined();
  });
  it('quotes OData strings', () => {
    expect(odataString("o'brien")).toBe("'o''brien'");
  });
});
