/**
 * Bulk import API:
 * - `POST /api/tenants/{tenantId}/bulk` (Admin): a CSV or a JSON array of endpoint bodies → 202 `{batchId, accepted,
 *   rejected, total, state}` + Location; every row is validated up front; `Idempotency-Key` makes retries safe.
 * - `GET /api/tenants/{tenantId}/bulk/{batchId}` (Admin, Supervisor): progress from the rows' states; `?rows=true`
 *   (with `top` / `continuationToken` to page) adds the rows; `?format=csv` downloads the results.
 * - `POST /api/tenants/{tenantId}/bulk/{batchId}/cancel` (Admin): no further row starts; running rows finish.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { bulkFormatOf, type BulkFileError, type RejectedRow } from '../../shared/bulk';
import type { BulkService, SubmitReply } from '../../shared/bulk';
import { notFound, problem, problemResponse } from '../../shared/http/problem';
import { appRoot } from '../composition-root';
import { HttpProblem, api, authorize, json, validationProblem } from '../lib/api-handler';

const BATCH_ID = /^[A-Za-z0-9-]{1,64}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

const batchPath = (tenantId: string, batchId: string) =>
  `/api/tenants/${encodeURIComponent(tenantId)}/bulk/${encodeURIComponent(batchId)}`;

function fileProblem(error: BulkFileError): HttpResponseInit {
  const status = error.code === 'unsupportedMediaType' ? 415 : error.code === 'tooLarge' ? 413 : 400;
  const title =
    status === 415 ? 'Unsupported media type' : status === 413 ? 'Upload too large' : 'The file cannot be imported';
  return problemResponse(
    problem(status, `bulk-${error.code}`, title, error.message, {
      code: error.code,
      ...(error.line !== undefined ? { line: error.line } : {}),
      ...(error.errors?.length ? { errors: error.errors.map((e) => ({ field: e.field, message: e.message })) } : {}),
    }),
  );
}

/** Per-row reasons flattened as problem `errors[]` (`row` and `line` say where), for a file with no usable row. */
function rowErrors(rejected: readonly RejectedRow[]) {
  return rejected.flatMap((r) =>
    r.errors.map((e) => ({
      row: r.row,
      ...(r.line !== undefined ? { line: r.line } : {}),
      field: e.field,
      message: e.message,
    })),
  );
}

function idempotencyKey(request: HttpRequest): string | undefined {
  const key = request.headers.get('idempotency-key');
  if (key === null) return undefined;
  const trimmed = key.trim();
  if (!IDEMPOTENCY_KEY.test(trimmed)) {
    throw validationProblem([
      { field: 'Idempotency-Key', message: 'must be 1 to 128 visible ASCII characters, e.g. a UUID' },
    ]);
  }
  return trimmed;
}

async function upload(request: HttpRequest, service: BulkService, tenantId: string, oid: string) {
  const key = idempotencyKey(request);
  const contentType = request.headers.get('content-type') ?? undefined;
  // Refuse early what the readers would refuse anyway, before reading a possibly large body.
  if (contentType && bulkFormatOf(contentType) === undefined) {
    return fileProblem({
      code: 'unsupportedMediaType',
      message: `Content-Type "${contentType}" is not accepted: send text/csv or application/json.`,
    });
  }
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > service.maxBytes) {
    return fileProblem({
      code: 'tooLarge',
      message: `The upload is ${declared} bytes; the limit is ${service.maxBytes} bytes. Split it into smaller files.`,
    });
  }
  const body = new Uint8Array(await request.arrayBuffer());
  const outcome = await service.submit({ tenantId, createdBy: oid, contentType, body, idempotencyKey: key });
  switch (outcome.kind) {
    case 'fileError':
      return fileProblem(outcome.error);
    case 'nothingAccepted':
      return problemResponse(
        problem(
          400,
          'bulk-no-rows-accepted',
          'No row can be imported',
          `None of the ${outcome.total} rows can be imported; nothing was created. Fix the rows listed in errors[] and upload again.`,
          { errors: rowErrors(outcome.rejected), total: outcome.total, accepted: 0, rejected: outcome.rejected },
        ),
      );
    case 'keyReused':
      return problemResponse(
        problem(
          422,
          'idempotency-key-reused',
          'Idempotency-Key already used',
          `This Idempotency-Key was already used for a different upload (batch ${outcome.batchId}). Use a new key for a new file.`,
          { batchId: outcome.batchId },
        ),
      );
    case 'inventoryUnavailable':
      return problemResponse(
        problem(503, 'tenant-unavailable', 'Tenant unavailable', outcome.detail, {
          retryAfter: outcome.retryAfterSeconds,
        }),
        { 'retry-after': String(outcome.retryAfterSeconds) },
      );
    case 'queueFailed':
      return problemResponse(
        problem(
          503,
          'queue-unavailable',
          'Batch not fully queued',
          `${outcome.detail} Send the same request again${key ? ' with the same Idempotency-Key' : ''} to finish queueing it.`,
          { batchId: outcome.batchId },
        ),
        { 'retry-after': '5', location: new URL(batchPath(tenantId, outcome.batchId), request.url).toString() },
      );
    case 'accepted': {
      const reply: SubmitReply = outcome.reply;
      return json(202, reply, {
        location: new URL(batchPath(tenantId, reply.batchId), request.url).toString(),
        'retry-after': '2',
        ...(outcome.replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
    }
  }
}

app.http('bulkUpload', {
  route: 'tenants/{tenantId}/bulk',
  methods: ['POST'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const tenantId = request.params.tenantId;
    const principal = await authorize(request, tenantId, 'Switchboard.Admin');
    return upload(request, appRoot().bulkService(), tenantId, principal.oid);
  }),
});

app.http('bulkBatch', {
  route: 'tenants/{tenantId}/bulk/{batchId}',
  methods: ['GET'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId, batchId } = request.params;
    await authorize(request, tenantId, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const unknown = () => new HttpProblem(notFound(`No bulk batch ${batchId} in tenant ${tenantId}.`));
    if (!BATCH_ID.test(batchId)) throw unknown();
    const format = (request.query.get('format') ?? '').toLowerCase();
    if (format !== '' && format !== 'json' && format !== 'csv') {
      throw validationProblem([{ field: 'format', message: 'must be json or csv' }]);
    }
    const service = appRoot().bulkService();
    if (format === 'csv') {
      const csv = await service.resultsCsv(tenantId, batchId);
      if (csv === undefined) throw unknown();
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
    const top = request.query.get('top');
    if (top !== null && !/^\d{1,4}$/.test(top)) {
      throw validationProblem([{ field: 'top', message: 'must be a whole number from 1 to 1000' }]);
    }
    const continuationToken = request.query.get('continuationToken') ?? undefined;
    const rowsParam = (request.query.get('rows') ?? '').toLowerCase();
    const rows = rowsParam === 'true' || rowsParam === '1' || top !== null || continuationToken !== undefined;
    const view = await service.status(tenantId, batchId, {
      rows,
      top: top === null ? undefined : Math.min(1000, Math.max(1, Number(top))),
      continuationToken,
    });
    if (!view) throw unknown();
    return json(200, view);
  }),
});

app.http('bulkCancel', {
  route: 'tenants/{tenantId}/bulk/{batchId}/cancel',
  methods: ['POST'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId, batchId } = request.params;
    const principal = await authorize(request, tenantId, 'Switchboard.Admin');
    const unknown = () => new HttpProblem(notFound(`No bulk batch ${batchId} in tenant ${tenantId}.`));
    if (!BATCH_ID.test(batchId)) throw unknown();
    const view = await appRoot().bulkService().cancel(tenantId, batchId, principal.oid);
    if (!view) throw unknown();
    return json(200, view, { location: new URL(batchPath(tenantId, batchId), request.url).toString() });
  }),
});
