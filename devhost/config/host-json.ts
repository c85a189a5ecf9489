/**
 * host.json: read it, then apply the host's environment overrides. The host reads configuration from environment
 * variables named `AzureFunctionsJobHost__<path>` (double underscore = one level of nesting, `:` also accepted), e.g.
 * `AzureFunctionsJobHost__extensions__queues__batchSize=4`. Keys match case-insensitively (the host's configuration
 * is case-insensitive); an override of an existing key keeps that key's spelling. Numbers and booleans are parsed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HostJson } from '../types';
import { ConfigError } from './settings';

export const HOST_ENV_PREFIX = 'AzureFunctionsJobHost';

export function readHostJson(appDir: string): HostJson {
  const file = path.join(appDir, 'host.json');
  if (!existsSync(file)) {
    throw new ConfigError(`${file} not found: a function app folder needs a host.json (e.g. {"version": "2.0"})`);
  }
  let parsed: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${file} must contain a JSON object`);
  }
  const version = (parsed as Record<string, unknown>).version;
  // The Functions v4 host refuses a host.json without "version": "2.0" (the v1 schema had none).
  if (version === undefined) {
    throw new ConfigError(`${file} is missing the required 'version' property (use "version": "2.0")`);
  }
  if (version !== '2.0') throw new ConfigError(`${file}: 'version' must be "2.0", not ${JSON.stringify(version)}`);
  return parsed as HostJson;
}

/** Returns a copy of `hostJson` with every `AzureFunctionsJobHost__…` variable of `env` applied. */
export function applyHostJsonEnvOverrides(hostJson: HostJson, env: Record<string, string | undefined>): HostJson {
  const result = structuredClone(hostJson) as Record<string, unknown>;
  const prefixLower = HOST_ENV_PREFIX.toLowerCase();
  // Apply shorter paths first so a deeper override is not replaced by a later whole-object one.
  const entries = Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([name, value]) => ({ segments: name.split(/__|:/), value }))
    .filter(({ segments }) => segments.length > 1 && segments[0]!.toLowerCase() === prefixLower)
    .sort((a, b) => a.segments.length - b.segments.length);
  for (const { segments, value } of entries) {
    const keys = segments.slice(1);
    if (keys.some((k) => k === '')) continue;
    let node: Record<string, unknown> = result;
    for (let i = 0; i < keys.length; i++) {
      const key = existingKey(node, keys[i]!);
      if (i === keys.length - 1) {
        node[key] = parseScalar(value);
      } else {
        const next = node[key];
        if (!next || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
    }
  }
  return result as HostJson;
}

/**
 * host.json's own spelling of the keys the devhost and its parts read, so an override like
 * `AzureFunctionsJobHost__Extensions__DurableTask__HubName` lands where `extensions.durableTask.hubName` is read even
 * when host.json does not have that section yet.
 */
const CANONICAL_KEYS = new Map(
  [
    'version',
    'extensions',
    'http',
    'routePrefix',
    'queues',
    'batchSize',
    'newBatchThreshold',
    'maxPollingInterval',
    'visibilityTimeout',
    'maxDequeueCount',
    'messageEncoding',
    'durableTask',
    'hubName',
    'storageProvider',
    'partitionCount',
    'connectionStringName',
    'maxConcurrentActivityFunctions',
    'maxConcurrentOrchestratorFunctions',
    'logging',
    'logLevel',
    'default',
    'functionTimeout',
  ].map((k) => [k.toLowerCase(), k]),
);

function existingKey(node: Record<string, unknown>, key: string): string {
  const lower = key.toLowerCase();
  return Object.keys(node).find((k) => k.toLowerCase() === lower) ?? CANONICAL_KEYS.get(lower) ?? key;
}

/** `4` → 4, `true` → true, anything else stays a string (TimeSpans like `00:00:02` stay strings). */
export function parseScalar(value: string): string | number | boolean {
  const trimmed = value.trim();
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return value;
}

/** Gets a nested host.json value case-insensitively (`getPath(h, 'extensions', 'queues', 'batchSize')`). */
export function getPath(root: unknown, ...keys: string[]): unknown {
  let node = root;
  for (const key of keys) {
    if (!node || typeof node !== 'object') return undefined;
    const obj = node as Record<string, unknown>;
    node = obj[existingKey(obj, key)];
  }
  return node;
}
