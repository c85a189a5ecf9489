/** The bulk service as the triggers use it: app settings, the table repositories, the queue, the tenant gateway. */
import type { DurableClient } from 'durable-functions';
import { BulkService, NO_PACING, type BulkPacer } from '../../shared/endpoints/bulk';
import {
  bulkBatchesRepository,
  bulkRowsRepository,
  endpointsRepository,
  provisionRequestQueue,
  tenantGateway,
} from '../../shared/services';
import { endpointService } from './workflows';

/** Row starts per tenant: no pacing until the tenant rate limiter is wired in here. */
function pacer(): BulkPacer {
  return NO_PACING;
}

/** With a durable client it can also start rows (queue trigger); without, it serves uploads, status and cancel. */
export function bulkService(client?: DurableClient): BulkService {
  return new BulkService({
    rows: bulkRowsRepository(),
    batches: bulkBatchesRepository(),
    queue: provisionRequestQueue(),
    endpoints: endpointsRepository(),
    gateway: tenantGateway,
    endpointService: client ? endpointService(client) : undefined,
    pacer: pacer(),
  });
}
