import { retryDelayMs } from '../../../../devhost/durable/retry';

test('delay(r) = min(first × coefficient^r, max)', () => {
  const base = { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 5 };
  expect([0, 1, 2].map((r) => retryDelayMs(base, r))).toEqual([1000, 1000, 1000]);
  const backoff = { ...base, backoffCoefficient: 2 };
  expect([0, 1, 2, 3].map((r) => retryDelayMs(backoff, r))).toEqual([1000, 2000, 4000, 8000]);
  const capped = { ...backoff, maxRetryIntervalInMilliseconds: 3000 };
  expect([0, 1, 2, 3].map((r) => retryDelayMs(capped, r))).toEqual([1000, 2000, 3000, 3000]);
});
