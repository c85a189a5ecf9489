/**
 * Drift API: `GET /api/tenants/{tenantId}/drift` (Admin, Supervisor) — the last scan and the findings;
 * `POST /api/tenants/{tenantId}/drift/check` (Admin) — run a check now (202; the running one when there is one).
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { FindingStatusFilter } from '../../shared/drift';
import { driftCheckStatus, startDriftCheck } from '../../orchestrations/drift/drift-check.client';
import { appRoot } from '../composition-root';
import { api, authorize, json, validationProblem } from '../lib/api-handler';

const STATUSES: readonly FindingStatusFilter[] = ['open', 'resolved', 'all'];

const driftUrl = (request: HttpRequest, tenantId: string) =>
  new URL(`/api/tenants/${encodeURIComponent(tenantId)}/drift`, request.url).toString();

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

/** `remediate` from the query (`?remediate=true|false`) or the JSON body (`{"remediate": true}`); undefined = setting. */
async function remediateOption(request: HttpRequest): Promise<boolean | undefined> {
  const query = request.query.get('remediate');
  let value: unknown = query === null ? undefined : query;
  const text = await request.text();
  if (text.trim()) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw validationProblem([{ field: 'body', message: `is not valid JSON: ${(err as Error).message}` }]);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw validationProblem([{ field: 'body', message: 'must be a JSON object, e.g. {"remediate": true}' }]);
    }
    const unknownKeys = Object.keys(body).filter((k) => k !== 'remediate');
    if (unknownKeys.length > 0) {
      throw validationProblem(unknownKeys.map((k) => ({ field: k, message: 'is not a known field (only remediate)' })));
    }
    if ('remediate' in body) value = (body as { remediate: unknown }).remediate;
  }
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw validationProblem([{ field: 'remediate', message: 'must be true or false' }]);
}

df.app.client.http('driftCheckNow', {
  route: 'tenants/{tenantId}/drift/check',
  methods: ['POST'],
  handler: api(
    async (request: HttpRequest, client: df.DurableClient, _context: InvocationContext): Promise<HttpResponseInit> => {
      const tenantId = request.params.tenantId;
      await authorize(request, tenantId, 'Switchboard.Admin');
      const remediate = await remediateOption(request);
      const run = await startDriftCheck(client, tenantId, {
        trigger: 'api',
        remediate,
        autoRemediates: (tid) => appRoot().autoRemediates(tid),
      });
      return json(
        202,
        { tenantId: tenantId.toLowerCase(), ...run },
        { location: driftUrl(request, tenantId), 'retry-after': '2' },
      );
    },
  ),
});
