/**
 * Table `tenants` (PartitionKey `tenants`, RowKey tenant id): the tenants Switchboard serves — the allow-list checked
 * before a token's signing keys are looked up — with their quotas. Table `tenantUsage` (PartitionKey tenant id,
 * RowKey `{quota}|{yyyymmdd}`): what each tenant used of a daily quota, counted under ETags so two instances never
 * both take the last unit.
 */
import type { TableClient } from '@azure/data-tables';
import { ensureTable, properties, readEntity, tableClient, updateWithEtag } from '../storage';
import { z } from 'zod';
import { tenantQuotasSchema, type QuotaKind, type TenantQuotas } from './tenant.schema';

const PARTITION = 'tenants';

/** An onboarded tenant, as `GET /api/admin/tenants[/{tenantId}]` shows it. */
export const tenantRecordSchema = z.object({
  tenantId: z.string(),
  displayName: z.string().optional(),
  quotas: tenantQuotasSchema,
  onboardedAt: z.string(),
  onboardedBy: z.string(),
  updatedAt: z.string(),
});
export type TenantRecord = z.infer<typeof tenantRecordSchema>;

function decode(e: Record<string, unknown>): TenantRecord {
  const p = properties(e);
  return {
    tenantId: String(p.tenantId),
    ...(typeof p.displayName === 'string' ? { displayName: p.displayName } : {}),
    quotas: JSON.parse(String(p.quotas ?? '{}')) as TenantQuotas,
    onboardedAt: String(p.onboardedAt),
    onboardedBy: String(p.onboardedBy),
    updatedAt: String(p.updatedAt),
  };
}

export class TenantsRepository {
  readonly client: TableClient;
  constructor(connectionString: string, tableName = 'tenants') {
    this.client = tableClient(connectionString, tableName);
  }

  async get(tenantId: string): Promise<TenantRecord | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, PARTITION, tenantId.toLowerCase());
    return e ? decode(e) : undefined;
  }

  /** Creates or replaces the tenant; keeps when and by whom it was first onboarded. Answers the record and `created`. */
  async put(
    tenantId: string,
    change: { displayName?: string; quotas: TenantQuotas },
    by: string,
    now: Date,
  ): Promise<{ record: TenantRecord; created: boolean }> {
    await ensureTable(this.client);
    let created = false;
    const r = await updateWithEtag(this.client, PARTITION, tenantId.toLowerCase(), (current) => {
      const before = current ? decode(current) : undefined;
      created = !before;
      return {
        partitionKey: PARTITION,
        rowKey: tenantId.toLowerCase(),
        tenantId: tenantId.toLowerCase(),
        ...(change.displayName ? { displayName: change.displayName } : {}),
        quotas: JSON.stringify(change.quotas),
        onboardedAt: before?.onboardedAt ?? now.toISOString(),
        onboardedBy: before?.onboardedBy ?? by,
        updatedAt: now.toISOString(),
      };
    });
    return { record: decode(r!.entity), created };
  }

  async list(): Promise<TenantRecord[]> {
    await ensureTable(this.client);
    const out: TenantRecord[] = [];
    const filter = `PartitionKey eq '${PARTITION}'`;
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      out.push(decode(e));
    return out.sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  }
}

export type QuotaUse = { granted: true; used: number } | { granted: false; used: number };

export class TenantUsageRepository {
  readonly client: TableClient;
  constructor(connectionString: string, tableName = 'tenantUsage') {
    this.client = tableClient(connectionString, tableName);
  }

  /** Takes `amount` of a day's quota when `used + amount <= limit` (all or nothing). */
  async take(tenantId: string, kind: QuotaKind, day: string, amount: number, limit: number): Promise<QuotaUse> {
    await ensureTable(this.client);
    let outcome: QuotaUse = { granted: false, used: 0 };
    await updateWithEtag(this.client, tenantId.toLowerCase(), `${kind}|${day}`, (current) => {
      const used = Number(current?.used ?? 0);
      if (used + amount > limit) {
        outcome = { granted: false, used };
        return undefined;
      }
      outcome = { granted: true, used: used + amount };
      return { partitionKey: tenantId.toLowerCase(), rowKey: `${kind}|${day}`, used: used + amount };
    });
    return outcome;
  }
}
