/** `GET /api/tenants/{tenantId}/drift` (Admin, Supervisor): the last scan, the findings (`?status=`), the running check. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { FindingStatusFilter } from '../../shared/drift';
import { driftCheckStatus } from '../../orchestrations/drift/drift-check.client';
import { appRoot } from '../composition-root';
import { api, authorize, json, validationProblem } from '../lib/api-handler';

const STATUSES: readonly FindingStatusFilter[] = ['open', 'resolved', 'all'];

df.app.client.http('drift', {
  route: 'tenants/{tenantId}/drift',
  methods: ['GET'],
  handler: api(
    async (request: HttpRequest, client: df.DurableClient, _context: InvocationContext): Promise<HttpResponseInit> => {
      const tenantId = request.params.tenantId;
      await authorize(request, tenantId, 'Switchboard.Admin', 'Switchboard.Supervisor');
      const status = (request.query.get('status') ?? 'open').trim().toLowerCase();
      if (!(STATUSES as readonly string[]).includes(status)) {
        throw validationProblem([{ field: 'status', message: `must be one of ${STATUSES.join(', ')}` }]);
      }
      const [view, check] = await Promise.all([
        appRoot().drift.view(tenantId, status as FindingStatusFilter),
        driftCheckStatus(client, tenantId),
      ]);
      return json(200, { tenantId: tenantId.toLowerCase(), status, check: check ?? null, ...view });
    },
  ),
});
