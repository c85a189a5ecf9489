/**
 * `endpoints` table: PartitionKey = tenantId, RowKey = lower-cased UPN (encoded). One row per endpoint: the desired
 * state from the request, the actual state last seen, the status, the resource account's object id, timestamps.
 *
 * `endpointsByInstance` (the index, `<table>ByInstance` for other table names): PartitionKey = tenantId, RowKey =
 * the resource account's (application instance's) object id, lower-cased → `upn`. Kept by this repository's write
 * path — every write that records an object id upserts its index row — so the call router finds the endpoint a call
 * arrived on with two point reads, never a partition scan. The endpoint row stays the truth: a reader checks that the
 * endpoint it reaches still carries that object id (an index row left by a crash or a delete is harmless).
 *
 * Endpoints written before the index existed have no index row. The first miss for a tenant backfills it: one scan of
 * the tenant's `endpoints` partition upserts an index row for every endpoint that records an object id, then a marker
 * row (RowKey {@link BACKFILL_MARKER}) says the tenant is done, so later misses (calls to accounts we do not serve)
 * stay two point reads. Idempotent: a backfill run twice, or alongside the write path, writes the same rows.
 */
import { TableClient, odata } from '@azure/data-tables';
import type { ActualEndpoint, DesiredEndpoint, EndpointRecord, EndpointStatus } from '../domain';
import {
  decodeKey,
  encodeKey,
  EtagUpdateOptions,
  deleteEntityIfExists,
  ensureTable,
  properties,
  readEntity,
  tableClient,
  updateWithEtag,
  type ListPage,
} from '../storage';

function toEntity(r: EndpointRecord): Record<string, unknown> {
  const e: Record<string, unknown> = {
    tenantId: r.tenantId,
    upnKey: r.upnKey,
    desired: JSON.stringify(r.desired),
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
  if (r.actual) e.actual = JSON.stringify(r.actual);
  if (r.objectId) e.objectId = r.objectId;
  if (r.runId) e.runId = r.runId;
  if (r.lastError) e.lastError = r.lastError;
  return e;
}

function fromEntity(
  e: Record<string, unknown> & { partitionKey?: string; rowKey?: string; etag?: string },
): EndpointRecord {
  const p = properties(e);
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
  return {
    tenantId: str('tenantId') ?? e.partitionKey ?? '',
    upnKey: str('upnKey') ?? decodeKey(e.rowKey ?? ''),
    desired: JSON.parse(str('desired') ?? '{}') as DesiredEndpoint,
    actual: str('actual') ? (JSON.parse(str('actual') as string) as ActualEndpoint) : undefined,
    status: (str('status') ?? 'Pending') as EndpointStatus,
    objectId: str('objectId'),
    runId: str('runId'),
    lastError: str('lastError'),
    createdAt: str('createdAt') ?? '',
    updatedAt: str('updatedAt') ?? '',
    etag: e.etag,
  };
}

export interface RepositoryOptions {
  /** Table name (default `endpoints`); tests use unique names. */
  tableName?: string;
  now?: () => Date;
  etag?: EtagUpdateOptions;
}

/** The resource account's object id an endpoint row records (set by provisioning, or seen by it). */
/** RowKey of the index's per-tenant "backfilled" marker (never an object id: those are GUIDs). */
export const BACKFILL_MARKER = '~backfilled';

function instanceIdOf(r: Pick<EndpointRecord, 'objectId' | 'actual'>): string | undefined {
  return (r.objectId ?? r.actual?.objectId)?.toLowerCase() || undefined;
}

export class EndpointsRepository {
  readonly client: TableClient;
  /** The index by application-instance object id (see the file's comment). */
  readonly byInstance: TableClient;
  private readonly now: () => Date;
  /** Tenants whose index this process knows to be backfilled (the marker row is the shared truth). */
  private readonly backfilled = new Set<string>();

  constructor(
    connectionString: string,
    private readonly o: RepositoryOptions = {},
  ) {
    const name = o.tableName ?? 'endpoints';
    this.client = tableClient(connectionString, name);
    this.byInstance = tableClient(connectionString, `${name}ByInstance`);
    this.now = o.now ?? (() => new Date());
  }

  /**
   * The endpoint whose resource account has this object id: the index row, then the endpoint row it names (which
   * must still carry the id). Two point reads.
   */
  async findByApplicationInstance(tenantId: string, objectId: string): Promise<EndpointRecord | undefined> {
    await ensureTable(this.byInstance);
    const id = objectId.trim().toLowerCase();
    const pk = encodeKey(tenantId.toLowerCase());
    let row = await readEntity(this.byInstance, pk, encodeKey(id));
    if ((!row || typeof row.upn !== 'string') && (await this.backfillIndex(tenantId))) {
      row = await readEntity(this.byInstance, pk, encodeKey(id));
    }
    if (!row || typeof row.upn !== 'string') return undefined;
    const endpoint = await this.get(tenantId, row.upn);
    return endpoint && instanceIdOf(endpoint) === id ? endpoint : undefined;
  }

  /**
   * Writes the index rows of a tenant's endpoints that predate the index — once per tenant (see the file's comment).
   * True when it scanned now (the caller reads the index again), false when the tenant was already done.
   */
  async backfillIndex(tenantId: string): Promise<boolean> {
    const t = tenantId.toLowerCase();
    if (this.backfilled.has(t)) return false;
    await ensureTable(this.byInstance);
    const pk = encodeKey(t);
    if (await readEntity(this.byInstance, pk, BACKFILL_MARKER)) {
      this.backfilled.add(t);
      return false;
    }
    for (const endpoint of await this.listAll(t)) await this.index(t, endpoint);
    await this.byInstance.upsertEntity(
      { partitionKey: pk, rowKey: BACKFILL_MARKER, at: this.now().toISOString() },
      'Replace',
    );
    this.backfilled.add(t);
    return true;
  }

  /** Upserts the index row of an endpoint that records an object id (idempotent). */
  private async index(tenantId: string, r: EndpointRecord): Promise<void> {
    const id = instanceIdOf(r);
    if (!id) return;
    await ensureTable(this.byInstance);
    await this.byInstance.upsertEntity(
      {
        partitionKey: encodeKey(tenantId.toLowerCase()),
        rowKey: encodeKey(id),
        upn: r.upnKey,
      },
      'Replace',
    );
  }

  static keys(tenantId: string, upn: string): { partitionKey: string; rowKey: string } {
    return { partitionKey: encodeKey(tenantId.toLowerCase()), rowKey: encodeKey(upn.trim().toLowerCase()) };
  }

  async get(tenantId: string, upn: string): Promise<EndpointRecord | undefined> {
    await ensureTable(this.client);
    const { partitionKey, rowKey } = EndpointsRepository.keys(tenantId, upn);
    const e = await readEntity(this.client, partitionKey, rowKey);
    return e && fromEntity(e);
  }

  /**
   * Records a request: creates the endpoint as Pending, or — when it exists — replaces its desired state (repeating a
   * request is idempotent; the orchestration converges the tenant to the latest desired state). Returns the row and
   * whether it was created.
   */
  async putDesired(tenantId: string, desired: DesiredEndpoint): Promise<{ record: EndpointRecord; created: boolean }> {
    let created = false;
    const record = await this.update(tenantId, desired.userPrincipalName, (current) => {
      const now = this.now().toISOString();
      created = !current;
      if (current) {
        const restart = current.status === 'Deprovisioned' || current.status === 'Failed';
        return { ...current, desired, status: restart ? 'Pending' : current.status, updatedAt: now };
      }
      return {
        tenantId: tenantId.toLowerCase(),
        upnKey: desired.userPrincipalName.toLowerCase(),
        desired,
        status: 'Pending',
        createdAt: now,
        updatedAt: now,
      };
    });
    if (!record) throw new Error('unreachable: putDesired always writes');
    return { record, created };
  }

  /**
   * Read-modify-write under ETag concurrency: `mutate` gets the current record (or undefined) and returns the new
   * one, or undefined for "no change". Conflicts reload and re-apply `mutate`. `updatedAt` is set by the caller's
   * mutate (or left as is).
   */
  async update(
    tenantId: string,
    upn: string,
    mutate: (current: EndpointRecord | undefined) => EndpointRecord | undefined,
  ): Promise<EndpointRecord | undefined> {
    await ensureTable(this.client);
    const { partitionKey, rowKey } = EndpointsRepository.keys(tenantId, upn);
    const r = await updateWithEtag(
      this.client,
      partitionKey,
      rowKey,
      (entity) => {
        const next = mutate(entity ? fromEntity(entity) : undefined);
        return next ? { partitionKey, rowKey, ...toEntity(next) } : undefined;
      },
      this.o.etag,
    );
    if (!r) return undefined;
    const record = { ...fromEntity(r.entity), etag: r.etag };
    await this.index(tenantId, record);
    return record;
  }

  /** Convenience: patch fields of an existing endpoint (throws when it does not exist). */
  async patch(
    tenantId: string,
    upn: string,
    change: Partial<Pick<EndpointRecord, 'status' | 'objectId' | 'runId' | 'lastError' | 'actual'>>,
  ): Promise<EndpointRecord> {
    const r = await this.update(tenantId, upn, (current) => {
      if (!current) throw new Error(`endpoint ${upn} of tenant ${tenantId} does not exist`);
      return { ...current, ...change, updatedAt: this.now().toISOString() };
    });
    return r as EndpointRecord;
  }

  async delete(tenantId: string, upn: string): Promise<boolean> {
    await ensureTable(this.client);
    const { partitionKey, rowKey } = EndpointsRepository.keys(tenantId, upn);
    const current = await this.get(tenantId, upn);
    const deleted = await deleteEntityIfExists(this.client, partitionKey, rowKey);
    const id = current && instanceIdOf(current);
    if (id) {
      // Only the index row that still names this endpoint (another endpoint may have taken the account since).
      await ensureTable(this.byInstance);
      const row = await readEntity(this.byInstance, partitionKey, encodeKey(id));
      if (row && row.upn === current.upnKey) await deleteEntityIfExists(this.byInstance, partitionKey, encodeKey(id));
    }
    return deleted;
  }

  /** One page of a tenant's endpoints, in UPN order. */
  async list(
    tenantId: string,
    o: { top?: number; continuationToken?: string } = {},
  ): Promise<ListPage<EndpointRecord>> {
    await ensureTable(this.client);
    const top = Math.min(1000, Math.max(1, Math.floor(o.top ?? 100)));
    const pk = encodeKey(tenantId.toLowerCase());
    const pages = this.client
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${pk}` } })
      .byPage({ maxPageSize: top, continuationToken: o.continuationToken || undefined });
    const { value } = await pages.next();
    if (!value) return { items: [] };
    const page = value as (Record<string, unknown> & { etag?: string })[] & { continuationToken?: string };
    return { items: page.map(fromEntity), continuationToken: page.continuationToken || undefined };
  }

  /** Every endpoint row of a tenant (all pages). */
  async listAll(tenantId: string): Promise<EndpointRecord[]> {
    const all: EndpointRecord[] = [];
    let token: string | undefined;
    do {
      const page = await this.list(tenantId, { top: 1000, continuationToken: token });
      all.push(...page.items);
      token = page.continuationToken;
    } while (token);
    return all;
  }

  /** Tenants with at least one endpoint row, sorted. */
  async tenantIds(): Promise<string[]> {
    await ensureTable(this.client);
    const tenants = new Set<string>();
    for await (const e of this.client.listEntities<Record<string, unknown>>({
      queryOptions: { select: ['PartitionKey'] },
    })) {
      if (typeof e.partitionKey === 'string' && e.partitionKey) tenants.add(decodeKey(e.partitionKey));
    }
    return [...tenants].sort();
  }
}
