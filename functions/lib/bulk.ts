/** The bulk service as the triggers use it: app settings, the table repositories, the queue, the tenant gateway. */
import type { DurableClient } from 'durable-functions';
import { BulkService, NO_PACING, type BulkPacer } from '../../shared/bulk';
import {
  bulkBatchesRepository,
  bulkRowsRepository,
  endpointsRepository,
  provisionRequestQueue,
  rateBuckets,
  tenantGateway,
  tenantRates,
} from '../../shared/services';
import { endpointService } from './endpoint-service';

/** Bucket of the rate buckets table that paces a tenant's bulk row starts. */
export const BULK_STARTS_BUCKET = 'bulkStarts';

/**
 * Row starts per tenant at TENANT_RATES `bulkStartsPerSecond` (default: the Graph budget ÷ 8), shared by every
 * instance through the rate buckets table; 0 = unpaced.
 */
const pacer: BulkPacer = {
  async reserve(tenantId: string): Promise<number> {
    const perSecond = tenantRates(tenantId).bulkStartsPerSecond;
    if (!(perSecond > 0)) return NO_PACING.reserve(tenantId);
    const slot = await rateBuckets().reserve(tenantId, BULK_STARTS_BUCKET, { perSecond });
    return slot.granted ? slot.waitMs : slot.retryAfterMs;
  },
};

/** With a durable client it can also start rows (queue trigger); without, it serves uploads, status and cancel. */
export function bulkService(client?: DurableClient): BulkService {
  return new BulkService({
    rows: bulkRowsRepository(),
    batches: bulkBatchesRepository(),
    queue: provisionRequestQueue(),
    endpoints: endpointsRepository(),
    gateway: tenantGateway,
    endpointService: client ? endpointService(client) : undefined,
    pacer,
  });
}
