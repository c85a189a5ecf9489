/**
 * Table `callQueueSupervisors` (PartitionKey tenantId, RowKey `{supervisorId}|{queueId}`): who supervises which call
 * queue (issue 15 item 4), assigned by an Admin. Keyed by the supervisor's Entra object id first, so the scope of a
 * signed-in supervisor (their token's `oid`) is one range read of one partition.
 */
import { TableClient, odata } from '@azure/data-tables';
import { z } from 'zod';
import { compositeKey, deleteEntityIfExists, ensureTable, readEntity, tableClient } from '../storage';

export const supervisorAssignmentSchema = z.object({
  tenantId: z.string(),
  queueId: z.string(),
  /** Entra object id of the supervisor (the `oid` of their tokens). */
  supervisorId: z.string(),
  userPrincipalName: z.string(),
  assignedAt: z.string(),
});
export type SupervisorAssignment = z.infer<typeof supervisorAssignmentSchema>;
/** An assignment as the API shows it (`…/supervisors[/{upn}]`): the tenant is the route's. */
export const supervisorAssignmentViewSchema = supervisorAssignmentSchema.omit({ tenantId: true });

export class CallQueueSupervisorsRepository {
  readonly client: TableClient;
  constructor(connectionString: string, tableName = 'callQueueSupervisors') {
    this.client = tableClient(connectionString, tableName);
  }

  /** Records the assignment; answers whether it is new. */
  async put(a: SupervisorAssignment): Promise<boolean> {
    await ensureTable(this.client);
    const pk = a.tenantId.toLowerCase();
    const rk = compositeKey(a.supervisorId.toLowerCase(), a.queueId);
    const existed = await readEntity(this.client, pk, rk);
    await this.client.upsertEntity(
      {
        partitionKey: pk,
        rowKey: rk,
        queueId: a.queueId,
        supervisorId: a.supervisorId.toLowerCase(),
        userPrincipalName: a.userPrincipalName.toLowerCase(),
        assignedAt: existed ? String(existed.assignedAt) : a.assignedAt,
      },
      'Replace',
    );
    return !existed;
  }

  async delete(tenantId: string, queueId: string, supervisorId: string): Promise<boolean> {
    await ensureTable(this.client);
    return deleteEntityIfExists(this.client, tenantId.toLowerCase(), compositeKey(supervisorId.toLowerCase(), queueId));
  }

  /** The call queues assigned to one supervisor. */
  async queuesOf(tenantId: string, supervisorId: string): Promise<string[]> {
    await ensureTable(this.client);
    const prefix = `${compositeKey(supervisorId.toLowerCase())}|`;
    const end = `${compositeKey(supervisorId.toLowerCase())}}`;
    const filter = odata`PartitionKey eq ${tenantId.toLowerCase()} and RowKey ge ${prefix} and RowKey lt ${end}`;
    const out: string[] = [];
    for await (const e of this.client.listEntities<{ queueId: string }>({ queryOptions: { filter } }))
      out.push(e.queueId);
    return out;
  }

  /** The supervisors of one call queue (a partition scan on a small table). */
  async ofQueue(tenantId: string, queueId: string): Promise<SupervisorAssignment[]> {
    await ensureTable(this.client);
    const filter = odata`PartitionKey eq ${tenantId.toLowerCase()} and queueId eq ${queueId}`;
    const out: SupervisorAssignment[] = [];
    for await (const e of this.client.listEntities<Record<string, string>>({ queryOptions: { filter } }))
      out.push({
        tenantId: tenantId.toLowerCase(),
        queueId: e.queueId,
        supervisorId: e.supervisorId,
        userPrincipalName: e.userPrincipalName,
        assignedAt: e.assignedAt,
      });
    return out;
  }
}
