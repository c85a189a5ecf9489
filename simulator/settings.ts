// Realism knobs. Start flags / seed set the baseline; POST /_sim/faults changes them at run time; reset restores the baseline.
import { isRecord } from './util';

export interface Faults {
  /** probability (0–1) that a Graph/bridge/token request is answered 429 */
  throttleProbability: number;
  /** probability (0–1) that a Graph/bridge/token request is answered 503 */
  errorProbability: number;
  /** ms after creation before a new application instance / user is visible to reads and sync */
  replicationDelayMs: number;
  /** ms after assignLicense before the licence is effective for number assignment */
  licensePropagationMs: number;
  /** ms a number assign/unassign operation runs */
  numberOperationMs: number;
  /** Retry-After (s) sent with random 429/503 and with token-bucket 429s */
  retryAfterSeconds: number;
  /** token bucket per app per tenant; 0 = unlimited */
  requestsPerSecond: number;
  /** where incoming-call notifications go (the bot's calling webhook) */
  webhookUrl: string;
  /** false = the free Teams Phone Resource Account licences are not yet "purchased" (pool 0) */
  resourceAccountPoolAcquired: boolean;
  /** probability that a new application instance is created with a blank ApplicationId (module 4.0.0 bug) */
  blankApplicationIdProbability: number;
  /** unanswered incoming calls terminate after this (Graph: 15 s) */
  incomingCallTimeoutMs: number;
  /** delay between answer and the establishing/established notifications */
  establishDelayMs: number;
  /** how long a playPrompt takes to complete */
  promptDurationMs: number;
  /** gap between the caller's DTMF tones */
  dtmfIntervalMs: number;
  /** how long an outbound PSTN callee takes to pick up */
  outboundAnswerDelayMs: number;
  /** default caller talk time once connected to an agent (s), when a call does not say */
  defaultHandleTimeS: number;
  /** probability (0–1) that `established` is delivered before `establishing` (Graph: "may arrive out of order") */
  establishSwapProbability: number;
  /** a call's notifications raised within this window go out together in one POST (value[] of several) */
  notificationBatchMs: number;
  /** first retry of a failed webhook delivery after this; doubles per attempt (±50 % jitter) */
  notificationRetryBaseMs: number;
  /** delivery attempts per POST (first try included) before it is dropped */
  notificationMaxAttempts: number;
  /** share (0–1) of callback POSTs signed with Graph's issuer rather than Bot Framework's (deterministic mix) */
  graphIssuerFraction: number;
  /** the callback signing key rotates after this many seconds (0 = never) */
  botKeyRotationS: number;
  /** a retired signing key stays in the JWKS this long */
  botKeyGraceS: number;
  /** a call without a successful keepAlive for this long is dropped with 408/8537 (Graph: 45 min) */
  keepAliveTimeoutMs: number;
  /** fetch every prompt URI and require a mono 16-bit 16 kHz PCM WAV; false skips the fetch */
  promptFetch: boolean;
  /** calls API requests per 15 s per app per tenant (Graph: 50,000) */
  callsRequestsPer15s: number;
  /** presence requests per 30 s per app per tenant (Graph: 1,500) */
  presenceRequestsPer30s: number;
  /** delay before a presence change notification leaves (Graph: seconds at most, not guaranteed) */
  presenceNotificationDelayMs: number;
  /** probability (0–1) that a presence change notification is delivered twice */
  presenceNotificationDuplicateProbability: number;
  /** probability (0–1) that a presence change notification is lost; a `missed` lifecycle notification follows */
  presenceNotificationLossProbability: number;
}

export const DEFAULT_WEBHOOK_URL = 'http://localhost:7071/api/calls/notifications';

export function defaultFaults(): Faults {
  return {
    throttleProbability: 0,
    errorProbability: 0,
    replicationDelayMs: 5000,
    licensePropagationMs: 5000,
    numberOperationMs: 2000,
    retryAfterSeconds: 2,
    requestsPerSecond: 0,
    webhookUrl: DEFAULT_WEBHOOK_URL,
    resourceAccountPoolAcquired: true,
    blankApplicationIdProbability: 0,
    incomingCallTimeoutMs: 15000,
    establishDelayMs: 200,
    promptDurationMs: 2000,
    dtmfIntervalMs: 400,
    outboundAnswerDelayMs: 2000,
    defaultHandleTimeS: 60,
    establishSwapProbability: 0.2,
    notificationBatchMs: 15,
    notificationRetryBaseMs: 1000,
    notificationMaxAttempts: 4,
    graphIssuerFraction: 0.5,
    botKeyRotationS: 86400,
    botKeyGraceS: 3600,
    keepAliveTimeoutMs: 45 * 60 * 1000,
    promptFetch: true,
    callsRequestsPer15s: 50000,
    presenceRequestsPer30s: 1500,
    presenceNotificationDelayMs: 100,
    presenceNotificationDuplicateProbability: 0,
    presenceNotificationLossProbability: 0,
  };
}

const PROBABILITIES = new Set([
  'throttleProbability',
  'errorProbability',
  'blankApplicationIdProbability',
  'establishSwapProbability',
  'graphIssuerFraction',
  'presenceNotificationDuplicateProbability',
  'presenceNotificationLossProbability',
]);

/** Validates and merges a partial settings object; throws Error with a readable message on bad input. */
export function mergeFaults(base: Faults, patch: unknown): Faults {
  if (!isRecord(patch)) throw new Error('body must be a JSON object');
  const next: Faults = { ...base };
  const target = next as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (!(k in base)) throw new Error(`unknown setting '${k}'`);
    const current = (base as unknown as Record<string, unknown>)[k];
    if (typeof current === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`'${k}' must be a number ≥ 0`);
      if (PROBABILITIES.has(k) && v > 1) throw new Error(`'${k}' must be between 0 and 1`);
      target[k] = v;
    } else if (typeof current === 'boolean') {
      if (typeof v !== 'boolean') throw new Error(`'${k}' must be a boolean`);
      target[k] = v;
    } else {
      if (typeof v !== 'string' || !/^https?:\/\//.test(v)) throw new Error(`'${k}' must be an http(s) URL`);
      target[k] = v;
    }
  }
  return next;
}
