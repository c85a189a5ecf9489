/**
 * The bulk endpoint's entry point: pick the reader by content type, read, validate. A file-level problem (unreadable,
 * too big, wrong header) refuses the whole upload; otherwise every data row is accepted or rejected with reasons.
 */
import { readBulkCsv } from './csv-input';
import { readBulkJson } from './json-input';
import type { BulkFileError, BulkFormat, BulkLimits, BulkReadResult, BulkValidation } from './bulk.types';
import type { UploadBody } from './upload';
import { BulkValidationContext, validateBulkRows } from './validate';

export interface BulkUploadOptions {
  limits?: Partial<BulkLimits>;
  /** CSV delimiter; detected from the header line by default. */
  delimiter?: ',' | ';' | '\t';
}

/** Which reader a Content-Type selects; undefined for types the endpoint does not take (answer 415). */
export function bulkFormatOf(contentType: string | undefined, body?: UploadBody): BulkFormat | undefined {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv' || type === 'application/csv' || type === 'text/comma-separated-values') return 'csv';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === '' && body !== undefined) {
    // No Content-Type: a JSON array starts with "[" (after whitespace / BOM); anything else is taken as CSV.
    const head = typeof body === 'string' ? body.slice(0, 64) : new TextDecoder().decode(body.subarray(0, 64));
    return /^\uFEFF?\s*\[/.test(head) ? 'json' : 'csv';
  }
  return undefined;
}

export function readBulkUpload(
  contentType: string | undefined,
  body: UploadBody,
  options: BulkUploadOptions = {},
): BulkReadResult {
  const format = bulkFormatOf(contentType, body);
  if (format === 'csv') return readBulkCsv(body, options);
  if (format === 'json') return readBulkJson(body, options);
  return {
    ok: false,
    error: {
      code: 'unsupportedMediaType',
      message: `Content-Type "${contentType ?? ''}" is not accepted: send text/csv or application/json.`,
    },
  };
}

export type BulkUploadResult =
  ({ ok: true; format: BulkFormat } & BulkValidation) | { ok: false; error: BulkFileError };

/** Reads and validates a bulk upload. Pure and total: the caller writes all accepted rows, or nothing. */
export function validateBulkUpload(
  contentType: string | undefined,
  body: UploadBody,
  context: BulkValidationContext,
  options: BulkUploadOptions = {},
): BulkUploadResult {
  const read = readBulkUpload(contentType, body, options);
  if (!read.ok) return read;
  return { ok: true, format: read.format, ...validateBulkRows(read.rows, context) };
}
