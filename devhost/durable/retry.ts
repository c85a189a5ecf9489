/**
 * Host-scheduled retries (reference §3): the SDK only reserves sequence ids; the host decides when the next attempt
 * runs. delay(r) = min(firstRetryInterval × backoffCoefficient^r, maxRetryInterval), r = 0 for the first failure.
 */

export interface RetryOptionsWire {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export function retryDelayMs(options: RetryOptionsWire, failedAttemptIndex: number): number {
  const coefficient =
    typeof options.backoffCoefficient === 'number' && options.backoffCoefficient > 0 ? options.backoffCoefficient : 1;
  const raw = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, failedAttemptIndex);
  const cap =
    typeof options.maxRetryIntervalInMilliseconds === 'number' && options.maxRetryIntervalInMilliseconds > 0
      ? options.maxRetryIntervalInMilliseconds
      : Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(raw, cap));
}
