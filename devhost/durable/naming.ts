/**
 * Task hub naming and partitioning, as the DTFx Azure Storage provider lays a hub out (reference §6).
 */

export const DEFAULT_HUB_NAME = 'TestHubName';
export const DEFAULT_PARTITION_COUNT = 4;

/** The real extension's rule: 3–45 characters, alphanumeric, starting with a letter. */
export function validateHubName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(name)) {
    throw new Error(
      `Task hub name "${name}" is invalid: it must be 3 to 45 characters long, contain only letters and digits, and start with a letter.`,
    );
  }
  return name;
}

export interface TaskHubNames {
  hub: string;
  instancesTable: string;
  historyTable: string;
  controlQueues: string[];
  workItemQueue: string;
}

export function taskHubNames(hub: string, partitionCount = DEFAULT_PARTITION_COUNT): TaskHubNames {
  validateHubName(hub);
  const lower = hub.toLowerCase();
  return {
    hub,
    instancesTable: `${hub}Instances`,
    historyTable: `${hub}History`,
    controlQueues: Array.from({ length: partitionCount }, (_, i) => `${lower}-control-${String(i).padStart(2, '0')}`),
    workItemQueue: `${lower}-workitems`,
  };
}

/** 32-bit FNV-1a over the UTF-8 bytes of the string. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The control queue partition an instance belongs to. */
export function partitionOf(instanceId: string, partitionCount = DEFAULT_PARTITION_COUNT): number {
  return fnv1a(instanceId) % partitionCount;
}

/**
 * Table keys may not contain `/ \ # ?` or control characters; escape those (and `%` itself) so any valid instance id
 * becomes a valid PartitionKey, reversibly.
 */
// eslint-disable-next-line no-control-regex
const KEY_UNSAFE = /[%/\\#?\u0000-\u001f\u007f-\u009f]/g;

export function escapeKey(value: string): string {
  return value.replace(KEY_UNSAFE, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

export function unescapeKey(value: string): string {
  return value.replace(/%([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Instance ids the HTTP API accepts (DTFx refuses these characters; `@` prefixes are reserved for entities). */
export function validateInstanceId(id: string): string | undefined {
  if (!id || !id.trim()) return 'Instance ID must not be empty.';
  if (id.length > 256) return 'Instance ID must not exceed 256 characters.';
  // eslint-disable-next-line no-control-regex
  if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(id)) return `Instance ID '${id}' contains invalid characters.`;
  if (id.startsWith('@')) return `Instance ID '${id}' must not start with '@'.`;
  return undefined;
}

/** History row key for a position in the execution's history: 16 hex digits so rows sort by position. */
export function historyRowKey(position: number): string {
  return position.toString(16).padStart(16, '0');
}

export const SENTINEL_ROW_KEY = 'sentinel';
