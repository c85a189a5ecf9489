/**
 * `POST /api/tenants/{tenantId}/drift/check` (Admin): run a check now — 202, or the running one when there is one.
 * `remediate` (query or JSON body) overrides DRIFT_AUTO_REMEDIATE for this run.
 */
import type { HttpRequest } from '@azure/functions';
import { startDriftCheck } from '../../orchestrations/drift/drift-check.client';
import { appRoot } from '../composition-root';
import { problem } from '../../shared/http/problem';
import {
  authorizeTenant,
  HttpProblem,
  json,
  optionalJsonBody,
  validationProblem,
  durableApi,
} from '../lib/api-handler';

const driftUrl = (request: HttpRequest, tenantId: string) =>
  new URL(`/api/tenants/${encodeURIComponent(tenantId)}/drift`, request.url).toString();

/** `remediate` from the query (`?remediate=true|false`) or the JSON body (`{"remediate": true}`); undefined = setting. */
async function remediateOption(request: HttpRequest): Promise<boolean | undefined> {
  const query = request.query.get('remediate');
  let value: unknown = query === null ? undefined : query;
  const body = await optionalJsonBody(request);
  if (body !== undefined) {
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

durableApi('driftCheckNow', 'tenants/{tenantId}/drift/check', 'POST', 'admin', async (request, client) => {
  const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
  const remediate = await remediateOption(request);
  const run = await startDriftCheck(client, tenantId, {
    trigger: 'api',
    remediate,
    autoRemediates: (tid) => appRoot().autoRemediates(tid),
    // On-demand checks count against the tenant's daily quota (the timer's do not); one already running is free.
    beforeStart: async () => {
      const q = await appRoot().onboarding.take(tenantId, 'driftScansPerDay', 1);
      if (q.granted) return;
      throw new HttpProblem(
        problem(
          429,
          'tenant-quota',
          'Daily quota reached',
          `The tenant may run ${q.limit} drift checks a day on demand and has used ${q.used} today (UTC); the ` +
            'scheduled checks go on. Try again after midnight UTC.',
          { quota: q.kind, limit: q.limit, used: q.used, retryAfter: q.retryAfterSeconds },
        ),
        { 'retry-after': String(q.retryAfterSeconds) },
      );
    },
  });
  return json(
    202,
    { tenantId: tenantId.toLowerCase(), ...run },
    { location: driftUrl(request, tenantId), 'retry-after': '2' },
  );
});
