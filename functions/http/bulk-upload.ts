/**
 * `POST /api/tenants/{tenantId}/bulk` (Admin): a CSV or a JSON array of endpoint bodies → 202 `{batchId, accepted,
 * rejected, total, state}` + Location; every row is validated up front; `Idempotency-Key` makes retries safe.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import {
  bulkFormatOf,
  type BulkFileError,
  type BulkUploadService,
  type RejectedRow,
  type SubmitReply,
} from '../../shared/bulk';
import { BodyTooLargeError } from '../../shared/http/bounded-body';
import { problem, problemResponse } from '../../shared/http/problem';
import { appRoot } from '../composition-root';
import { api, authorizeTenant, boundedBytes, json, validationProblem } from '../lib/api-handler';
import { batchPath } from './bulk-batch-ref';
import { httpRoute } from '../lib/route-access';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

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

async function upload(request: HttpRequest, service: BulkUploadService, tenantId: string, oid: string) {
  const key = idempotencyKey(request);
  const contentType = request.headers.get('content-type') ?? undefined;
  // Refuse early what the readers would refuse anyway, before reading a possibly large body.
  if (contentType && bulkFormatOf(contentType) === undefined) {
    return fileProblem({
      code: 'unsupportedMediaType',
      message: `Content-Type "${contentType}" is not accepted: send text/csv or application/json.`,
    });
  }
  let body: Uint8Array;
  try {
    // Capped while read: a declared length over the limit is refused unread, a chunked one as soon as it passes it.
    body = await boundedBytes(request, service.maxBytes);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    const size = err.declared !== undefined ? `is ${err.declared} bytes` : `is larger than ${service.maxBytes} bytes`;
    return fileProblem({
      code: 'tooLarge',
      message: `The upload ${size}; the limit is ${service.maxBytes} bytes. Split it into smaller files.`,
    });
  }
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
    case 'quotaExceeded':
      return problemResponse(
        problem(
          429,
          'tenant-quota',
          'Daily quota reached',
          `This upload has ${outcome.accepted} importable rows; the tenant may import ${outcome.limit} bulk rows a day ` +
            `and has used ${outcome.used} today (UTC). Nothing was imported; try again after midnight UTC or ask ` +
            `the operator for a larger quota.`,
          { quota: 'bulkRowsPerDay', limit: outcome.limit, used: outcome.used, retryAfter: outcome.retryAfterSeconds },
        ),
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

httpRoute('bulkUpload', {
  access: 'admin',
  route: 'tenants/{tenantId}/bulk',
  methods: ['POST'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId, principal } = await authorizeTenant(request, 'Switchboard.Admin');
    return upload(request, appRoot().bulkUpload, tenantId, principal.oid);
  }),
});
