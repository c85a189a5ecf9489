/**
 * Table `presenceConnections` (PartitionKey tenantId): RowKey `connection` — the tenant's delegated presence
 * connection (the refresh token sealed, who connected it and when; rotated under its ETag); RowKey `state-{nonce}` —
 * a connect in progress (the PKCE verifier sealed, the redirect URI, who started it, its expiry), used once.
 */
import type { TableClient } from '@azure/data-tables';
import { deleteEntityIfExists, ensureTable, readEntity, statusOf, tableClient } from '../storage';

export interface StoredPresenceConnection {
  tenantId: string;
  sealedRefreshToken: string;
  connectedBy: string;
  connectedByOid: string;
  connectedAt: number;
  refreshedAt: number;
  etag?: string;
}

export interface PendingPresenceConnect {
  tenantId: string;
  nonce: string;
  sealedVerifier: string;
  redirectUri: string;
  startedBy: string;
  startedByOid: string;
  expiresAt: number;
}

const CONNECTION = 'connection';
const stateKey = (nonce: string) => `state-${nonce}`;

export class PresenceConnectionsRepository {
  readonly client: TableClient;

  constructor(connectionString: string, tableName = 'presenceConnections') {
    this.client = tableClient(connectionString, tableName);
  }

  async get(tenantId: string): Promise<StoredPresenceConnection | undefined> {
    await ensureTable(this.client);
    const t = tenantId.toLowerCase();
    const e = await readEntity(this.client, t, CONNECTION);
    if (!e) return undefined;
    return {
      tenantId: t,
      sealedRefreshToken: String(e.sealedRefreshToken),
      connectedBy: String(e.connectedBy ?? ''),
      connectedByOid: String(e.connectedByOid ?? ''),
      connectedAt: Number(e.connectedAt),
      refreshedAt: Number(e.refreshedAt),
      etag: (e as { etag?: string }).etag,
    };
  }

  /** Writes the connection if still the one read (`etag`); no `etag`: create or replace. False on a lost race. */
  async put(c: Omit<StoredPresenceConnection, 'etag'>, etag?: string): Promise<boolean> {
    await ensureTable(this.client);
    const entity = {
      partitionKey: c.tenantId.toLowerCase(),
      rowKey: CONNECTION,
      sealedRefreshToken: c.sealedRefreshToken,
      connectedBy: c.connectedBy,
      connectedByOid: c.connectedByOid,
      connectedAt: c.connectedAt,
      refreshedAt: c.refreshedAt,
    };
    try {
      if (etag) await this.client.updateEntity(entity, 'Replace', { etag });
      else await this.client.upsertEntity(entity, 'Replace');
      return true;
    } catch (e) {
      if (statusOf(e) === 412 || statusOf(e) === 404) return false;
      throw e;
    }
  }

  async delete(tenantId: string): Promise<boolean> {
    await ensureTable(this.client);
    return deleteEntityIfExists(this.client, tenantId.toLowerCase(), CONNECTION);
  }

  async putPending(p: PendingPresenceConnect): Promise<void> {
    await ensureTable(this.client);
    await this.client.createEntity({
      partitionKey: p.tenantId.toLowerCase(),
      rowKey: stateKey(p.nonce),
      sealedVerifier: p.sealedVerifier,
      redirectUri: p.redirectUri,
      startedBy: p.startedBy,
      startedByOid: p.startedByOid,
      expiresAt: p.expiresAt,
    });
  }

  /** Reads and deletes a pending connect (a state is good once: the one whose delete succeeds takes it). */
  async takePending(tenantId: string, nonce: string): Promise<PendingPresenceConnect | undefined> {
    await ensureTable(this.client);
    const t = tenantId.toLowerCase();
    const e = await readEntity(this.client, t, stateKey(nonce));
    if (!e) return undefined;
    if (!(await deleteEntityIfExists(this.client, t, stateKey(nonce)))) return undefined;
    return {
      tenantId: t,
      nonce,
      sealedVerifier: String(e.sealedVerifier),
      redirectUri: String(e.redirectUri),
      startedBy: String(e.startedBy ?? ''),
      startedByOid: String(e.startedByOid ?? ''),
      expiresAt: Number(e.expiresAt),
    };
  }
}
