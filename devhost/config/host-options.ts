/**
 * Typed views of host.json sections the devhost acts on (after env overrides), with the host's defaults.
 */
import { DEFAULT_LEASE_SECONDS, type QueueListenerOptions } from '../queues/queue-listener';
import type { HostJson } from '../types';
import { durationSettingMs } from './durations';
import { getPath } from './host-json';
import { ConfigError } from './settings';

/** Queue trigger defaults of the host (Storage extension v5). */
export const QUEUE_DEFAULTS = {
  batchSize: 16,
  maxPollingIntervalMs: 60_000,
  visibilityTimeoutMs: 0,
  maxDequeueCount: 5,
} as const;

export function routePrefixOf(hostJson: HostJson): string {
  const prefix = getPath(hostJson, 'extensions', 'http', 'routePrefix');
  return typeof prefix === 'string' ? prefix : 'api';
}

export function queueOptionsOf(
  hostJson: HostJson,
  drainTimeoutMs: number,
  leaseSeconds: number = DEFAULT_LEASE_SECONDS,
): QueueListenerOptions {
  const q = (key: string) => getPath(hostJson, 'extensions', 'queues', key);
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const v = q(key);
    if (v === undefined || v === null) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`host.json extensions.queues.${key} must be an integer between ${min} and ${max}`);
    }
    return n;
  };
  const batchSize = int('batchSize', QUEUE_DEFAULTS.batchSize, 1, 32);
  return {
    batchSize,
    newBatchThreshold: int('newBatchThreshold', Math.floor(batchSize / 2), 0, 1000),
    maxPollingIntervalMs: durationSettingMs(
      q('maxPollingInterval'),
      'extensions.queues.maxPollingInterval',
      QUEUE_DEFAULTS.maxPollingIntervalMs,
    ),
    visibilityTimeoutMs: durationSettingMs(
      q('visibilityTimeout'),
      'extensions.queues.visibilityTimeout',
      QUEUE_DEFAULTS.visibilityTimeoutMs,
    ),
    maxDequeueCount: int('maxDequeueCount', QUEUE_DEFAULTS.maxDequeueCount, 1, 1000),
    drainTimeoutMs,
    leaseSeconds,
  };
}
