/**
 * `GET /api/tenants/{tenantId}/bulk/{batchId}` (Admin, Supervisor): progress from the rows' states; `?rows=true`
 * (with `top` / `continuationToken` to page) adds the rows; `?format=csv` downloads the results.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { appRoot } from '../composition-root';
import { callQueueCaller, visibleCallQueues } from '../lib/callqueue-access';
import {
  api,
  authorizeTenant,
  continuationTokenParam,
  json,
  pathParam,
  topParam,
  validationProblem,
} from '../lib/api-handler';
import { checkBatchId, unknownBatch } from './bulk-batch-ref';
import { httpRoute } from '../lib/route-access';

httpRoute('bulkBatch', {
  access: 'supervisorOfCallQueue',
  route: 'tenants/{tenantId}/bulk/{batchId}',
  methods: ['GET'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId, principal } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    // A supervisor reads only the rows of their call queues (and a batch without any is unknown to them).
    const scope = visibleCallQueues(await callQueueCaller.of(principal, tenantId));
    const batchId = pathParam(request, 'batchId');
    checkBatchId(tenantId, batchId);
    const format = (request.query.get('format') ?? '').toLowerCase();
    if (format !== '' && format !== 'json' && format !== 'csv') {
      throw validationProblem([{ field: 'format', message: 'must be json or csv' }]);
    }
    const service = appRoot().bulkStatus;
    if (format === 'csv') {
      const csv = await service.resultsCsv(tenantId, batchId, scope);
      if (csv === undefined) throw unknownBatch(tenantId, batchId);
      return {
        status: 200,
        body: csv,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="bulk-${batchId}.csv"`,
          'cache-control': 'no-store',
        },
      };
    }
    const top = topParam(request);
    const continuationToken = continuationTokenParam(request);
    const rowsParam = (request.query.get('rows') ?? '').toLowerCase();
    const rows = rowsParam === 'true' || rowsParam === '1' || top !== undefined || continuationToken !== undefined;
    const view = await service.status(tenantId, batchId, {
      rows,
      top,
      continuationToken,
      scope,
    });
    if (!view) throw unknownBatch(tenantId, batchId);
    return json(200, view);
  }),
});
