/** Table `menus`: PartitionKey tenantId, RowKey menuId, the menu as the API took it (JSON) and when it changed. */
import { TableClient, odata } from '@azure/data-tables';
import { deleteEntityIfExists, ensureTable, readEntity, tableClient } from '../storage';
import { z } from 'zod';
import { menuBodySchema, type MenuBody } from './menu.schema';

const menuRecordFields = z.object({
  tenantId: z.string(),
  menuId: z.string(),
  /** For transfer actions to a user: the user's object id by UPN (resolved when the menu is saved). */
  userIds: z.record(z.string(), z.string()).optional(),
  updatedAt: z.string(),
});
/** A stored menu as the API shows it (`GET …/menus/{menuId}`): the body as the API took it, and the record's fields. */
export const menuRecordSchema = menuBodySchema.extend(menuRecordFields.shape);
export type MenuRecord = MenuBody & z.infer<typeof menuRecordFields>;

export class MenuRepository {
  readonly client: TableClient;
  constructor(connectionString: string, tableName = 'menus') {
    this.client = tableClient(connectionString, tableName);
  }

  async get(tenantId: string, menuId: string): Promise<MenuRecord | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, tenantId.toLowerCase(), menuId);
    return e ? (JSON.parse(String(e.config)) as MenuRecord) : undefined;
  }

  async put(record: MenuRecord): Promise<void> {
    await ensureTable(this.client);
    await this.client.upsertEntity(
      { partitionKey: record.tenantId.toLowerCase(), rowKey: record.menuId, config: JSON.stringify(record) },
      'Replace',
    );
  }

  async list(tenantId: string): Promise<MenuRecord[]> {
    await ensureTable(this.client);
    const out: MenuRecord[] = [];
    const filter = odata`PartitionKey eq ${tenantId.toLowerCase()}`;
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      out.push(JSON.parse(String(e.config)) as MenuRecord);
    return out;
  }

  async delete(tenantId: string, menuId: string): Promise<boolean> {
    await ensureTable(this.client);
    return deleteEntityIfExists(this.client, tenantId.toLowerCase(), menuId);
  }
}
