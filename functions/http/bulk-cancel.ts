/** `POST /api/tenants/{tenantId}/bulk/{batchId}/cancel` (Admin): no further row starts; running rows finish. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { appRoot } from '../composition-root';
import { api, authorizeTenant, json, pathParam } from '../lib/api-handler';
import { batchPath, checkBatchId, unknownBatch } from './bulk-batch-ref';
import { httpRoute } from '../lib/route-access';

httpRoute('bulkCancel', {
  access: 'admin',
  route: 'tenants/{tenantId}/bulk/{batchId}/cancel',
  methods: ['POST'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId, principal } = await authorizeTenant(request, 'Switchboard.Admin');
    const batchId = pathParam(request, 'batchId');
    checkBatchId(tenantId, batchId);
    const view = await appRoot().bulkStatus.cancel(tenantId, batchId, principal.oid);
    if (!view) throw unknownBatch(tenantId, batchId);
    return json(200, view, { location: new URL(batchPath(tenantId, batchId), request.url).toString() });
  }),
});
