/**
 * Table clients from the `AzureWebJobsStorage` connection string, tables created on first use (once per process),
 * and the one optimistic-concurrency helper every repository uses.
 */
import { RestError, TableClient, TableEntity, TableEntityResult, type TransactionAction } from '@azure/data-tables';

const DEV_STORAGE = /^\s*UseDevelopmentStorage=true\s*;?\s*$/i;

/** Whether the connection points at a local emulator over http (Azurite), which needs `allowInsecureConnection`. */
function isInsecure(connectionString: string): boolean {
  return (
    DEV_STORAGE.test(connectionString) ||
    /(^|;)\s*TableEndpoint\s*=\s*http:/i.test(connectionString) ||
    /(^|;)\s*DefaultEndpointsProtocol\s*=\s*http\s*(;|$)/i.test(connectionString)
  );
}

export function tableClient(connectionString: string, tableName: string): TableClient {
  return TableClient.fromConnectionString(connectionString, tableName, {
    allowInsecureConnection: isInsecure(connectionString),
  });
}

const ensured = new Map<string, Promise<void>>();

/** Creates the table if missing, once per process per (account, table). Idempotent; failures are retried next time. */
export function ensureTable(client: TableClient): Promise<void> {
  const key = `${client.url}|${client.tableName}`;
  let p = ensured.get(key);
  if (!p) {
    p = client.createTable().then(
      () => undefined,
      (e: unknown) => {
        ensured.delete(key);
        if (e instanceof RestError && e.statusCode === 409) return; // TableAlreadyExists (or being deleted)
        throw e;
      },
    );
    ensured.set(key, p);
  }
  return p;
}

export function statusOf(e: unknown): number | undefined {
  return e instanceof RestError ? e.statusCode : undefined;
}

export class ConcurrencyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrencyError';
  }
}

export type Entity = TableEntity<Record<string, unknown>>;
/** An entity as read back: its keys and ETag as the service returns them. */
export type StoredEntity = Record<string, unknown> & { partitionKey?: string; rowKey?: string; etag?: string };

export interface EtagUpdateOptions {
  maxAttempts?: number;
  /**
   * The entity as this process last wrote it, ETag and all: the first attempt starts from it instead of reading the
   * row (one round trip less); if the row changed since, its write fails 412 and the next attempt reads as usual.
   */
  first?: TableEntityResult<Record<string, unknown>>;
  /** Sleep between conflicting attempts (small, jittered: contention is short-lived). */
  sleep?: (ms: number) => Promise<void>;
}

/** Entity group transactions take at most 100 operations, all in one partition. */
export const MAX_TRANSACTION_OPERATIONS = 100;

/**
 * Submits actions on one partition as entity-group transactions of at most 100 each (each group all or none),
 * `concurrency` groups at a time.
 */
export async function submitInGroups(
  client: TableClient,
  actions: readonly TransactionAction[],
  concurrency = 1,
): Promise<void> {
  const groups: TransactionAction[][] = [];
  for (let i = 0; i < actions.length; i += MAX_TRANSACTION_OPERATIONS) {
    groups.push(actions.slice(i, i + MAX_TRANSACTION_OPERATIONS));
  }
  let next = 0;
  const worker = async () => {
    while (next < groups.length) await client.submitTransaction(groups[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));
}

/** One entity, or undefined when there is none (any other failure throws). */
export async function readEntity<T extends object = Record<string, unknown>>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<TableEntityResult<T> | undefined> {
  try {
    return await client.getEntity<T>(partitionKey, rowKey);
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

/** Deletes one entity: true if it was there, false if it was not (any other failure throws). */
export async function deleteEntityIfExists(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<boolean> {
  try {
    await client.deleteEntity(partitionKey, rowKey);
    return true;
  } catch (e) {
    if (statusOf(e) === 404) return false;
    throw e;
  }
}

/**
 * Read-modify-write with ETags: loads the entity (or undefined), applies `mutate`, then writes it with `If-Match`
 * (or inserts when it did not exist). On 412 (someone else updated it) or 409 (someone else inserted it) reloads and
 * tries again, so concurrent writers converge without losing updates. `mutate` returning undefined means "no change".
 */
export async function updateWithEtag(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
  mutate: (
    current: TableEntityResult<Record<string, unknown>> | undefined,
  ) => Entity | undefined | Promise<Entity | undefined>,
  o: EtagUpdateOptions = {},
): Promise<{ entity: Entity; etag: string } | undefined> {
  const maxAttempts = o.maxAttempts ?? 20;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // An attempt from `first` is extra: it either writes, or reads again (no conflict spent).
  let fromFirst = o.first !== undefined;
  for (let attempt = fromFirst ? 0 : 1; attempt <= maxAttempts; attempt++, fromFirst = false) {
    const current = fromFirst ? o.first : await readEntity(client, partitionKey, rowKey);
    const next = await mutate(current);
    // "No change" is only believed of the row as read: the row as last written may be stale.
    if (!next && fromFirst) continue;
    if (!next) return current ? { entity: current as Entity, etag: current.etag } : undefined;
    const entity = { ...next, partitionKey, rowKey };
    try {
      const r = current
        ? await client.updateEntity(entity, 'Replace', { etag: current.etag })
        : await client.createEntity(entity);
      return { entity, etag: r.etag ?? '' };
    } catch (e) {
      const status = statusOf(e);
      // 404: the row assumed from `first` is gone; read it again like after any other conflict.
      if (status !== 412 && status !== 409 && !(status === 404 && fromFirst)) throw e;
      if (!fromFirst) await sleep(Math.floor(Math.random() * Math.min(200, 5 * 2 ** attempt)));
    }
  }
  throw new ConcurrencyError(`Gave up updating ${partitionKey}/${rowKey} after ${maxAttempts} conflicting attempts`);
}

/**
 * {@link updateWithEtag} for an entity that must exist, through its record type: `mutate` gets the decoded record and
 * returns the new one (or undefined for "no change"). The stored record with its ETag; undefined when there is none.
 */
export async function updateRecord<T extends object>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
  codec: { decode: (entity: StoredEntity) => T; encode: (record: T) => Entity },
  mutate: (current: T) => T | undefined,
  o: EtagUpdateOptions = {},
): Promise<(T & { etag: string }) | undefined> {
  const r = await updateWithEtag(
    client,
    partitionKey,
    rowKey,
    (entity) => {
      if (!entity) return undefined;
      const next = mutate(codec.decode(entity));
      return next ? codec.encode(next) : undefined;
    },
    o,
  );
  return r ? { ...codec.decode(r.entity), etag: r.etag } : undefined;
}

/** Strips the SDK's metadata and the keys, leaving the stored properties. */
export function properties(e: Record<string, unknown>): Record<string, unknown> {
  const { partitionKey: _pk, rowKey: _rk, etag: _etag, timestamp: _ts, ...rest } = e;
  for (const k of Object.keys(rest)) if (k.startsWith('odata.') || k.endsWith('@odata.type')) delete rest[k];
  return rest;
}

/** One page of a listing. */
export interface ListPage<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  continuationToken?: string;
}
