/** What the bulk triggers share: a batch's URL path and the 404 for a batch that is not there (or cannot be). */
import { notFound } from '../../shared/http/problem';
import { HttpProblem } from '../lib/api-handler';

const BATCH_ID = /^[A-Za-z0-9-]{1,64}$/;

export const batchPath = (tenantId: string, batchId: string) =>
  `/api/tenants/${encodeURIComponent(tenantId)}/bulk/${encodeURIComponent(batchId)}`;

export const unknownBatch = (tenantId: string, batchId: string) =>
  new HttpProblem(notFound(`No bulk batch ${batchId} in tenant ${tenantId}.`));

/** Throws the 404 for a batch id that cannot name a batch. */
export function checkBatchId(tenantId: string, batchId: string): void {
  if (!BATCH_ID.test(batchId)) throw unknownBatch(tenantId, batchId);
}
