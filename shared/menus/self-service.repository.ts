/**
 * Table `selfServices`: PartitionKey tenantId, RowKey serviceId; the settings as the API took them (JSON, without the
 * secret) and the secret sealed apart. With SELF_SERVICE_SECRET_KEY set the secret is sealed with AES-256-GCM (key =
 * SHA-256 of the setting; a fresh 12-byte nonce per write); without it, it is kept as written (`plain:`) — either way
 * it is never returned by the API and never logged.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { TableClient, odata } from '@azure/data-tables';
import { deleteEntityIfExists, ensureTable, readEntity, tableClient } from '../storage';
import type { SelfServiceBody } from './self-service.schema';

export interface SelfServiceRecord extends Omit<SelfServiceBody, 'secret'> {
  tenantId: string;
  serviceId: string;
  updatedAt: string;
}

/** Seals and opens secrets at rest. */
export class SecretBox {
  private readonly key?: Buffer;
  constructor(keySetting?: string) {
    this.key = keySetting ? createHash('sha256').update(keySetting, 'utf8').digest() : undefined;
  }

  seal(secret: string): string {
    if (!this.key) return `plain:${Buffer.from(secret, 'utf8').toString('base64')}`;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
    return `gcm:${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')}`;
  }

  /** The secret, or undefined when it cannot be opened (sealed under another key, or the key is not set). */
  open(sealed: string): string | undefined {
    const [kind, data] = sealed.split(':', 2);
    const raw = Buffer.from(data ?? '', 'base64');
    if (kind === 'plain') return raw.toString('utf8');
    if (kind !== 'gcm' || !this.key || raw.length < 28) return undefined;
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

export class SelfServiceRepository {
  readonly client: TableClient;
  constructor(
    connectionString: string,
    private readonly box: SecretBox,
    tableName = 'selfServices',
  ) {
    this.client = tableClient(connectionString, tableName);
  }

  async get(tenantId: string, serviceId: string): Promise<SelfServiceRecord | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, tenantId.toLowerCase(), serviceId);
    return e ? (JSON.parse(String(e.config)) as SelfServiceRecord) : undefined;
  }

  /** The secret (opened), for signing a request; undefined when there is none or it cannot be opened. */
  async secret(tenantId: string, serviceId: string): Promise<string | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, tenantId.toLowerCase(), serviceId);
    return typeof e?.secret === 'string' ? this.box.open(e.secret) : undefined;
  }

  async put(record: SelfServiceRecord, secret: string): Promise<void> {
    await ensureTable(this.client);
    await this.client.upsertEntity(
      {
        partitionKey: record.tenantId.toLowerCase(),
        rowKey: record.serviceId,
        config: JSON.stringify(record),
        secret: this.box.seal(secret),
      },
      'Replace',
    );
  }

  async list(tenantId: string): Promise<SelfServiceRecord[]> {
    await ensureTable(this.client);
    const out: SelfServiceRecord[] = [];
    const filter = odata`PartitionKey eq ${tenantId.toLowerCase()}`;
    for await (const e of this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter, select: ['config'] },
    }))
      out.push(JSON.parse(String(e.config)) as SelfServiceRecord);
    return out;
  }

  async delete(tenantId: string, serviceId: string): Promise<boolean> {
    await ensureTable(this.client);
    return deleteEntityIfExists(this.client, tenantId.toLowerCase(), serviceId);
  }
}
