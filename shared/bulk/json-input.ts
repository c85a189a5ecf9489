/**
 * Reading a bulk JSON upload: an array of endpoint bodies, exactly as `POST …/endpoints` takes them (row = index + 1).
 * Accepts the raw text/bytes or an already-parsed value. The elements are not judged here: the endpoint validator
 * does that, row by row, so one bad element never hides the others.
 */
import type { BulkLimits, BulkReadResult } from './bulk.types';
import { bulkLimits } from './bulk.types';
import { decodeUpload, UploadBody } from './upload';

export interface JsonReadOptions {
  limits?: Partial<BulkLimits>;
}

/** Reads a JSON upload (text or bytes). Never throws. */
export function readBulkJson(upload: UploadBody, options: JsonReadOptions = {}): BulkReadResult {
  const limits = bulkLimits(options.limits);
  const decoded = decodeUpload(upload, limits);
  if (!decoded.ok) return { ok: false, error: decoded.error };
  let value: unknown;
  try {
    value = JSON.parse(decoded.text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'malformed', message: `The body is not valid JSON (${detail}).` } };
  }
  return readBulkJsonValue(value, { limits });
}

/** Reads an already-parsed JSON body (the HTTP layer may have parsed it). Never throws. */
export function readBulkJsonValue(value: unknown, options: JsonReadOptions = {}): BulkReadResult {
  const limits = bulkLimits(options.limits);
  if (!Array.isArray(value)) {
    return {
      ok: false,
      error: {
        code: 'malformed',
        message:
          'The body must be a JSON array of endpoint objects, e.g. [{"userPrincipalName":"cc-sales@contoso.com","displayName":"Sales"}].',
      },
    };
  }
  if (value.length === 0) {
    return { ok: false, error: { code: 'empty', message: 'The array is empty: give at least one endpoint.' } };
  }
  if (value.length > limits.maxRows) {
    return {
      ok: false,
      error: {
        code: 'tooManyRows',
        message: `The array has ${value.length.toLocaleString('en-US')} endpoints; one import takes at most ${limits.maxRows.toLocaleString('en-US')}. Split it.`,
      },
    };
  }
  const rows = value.map((element: unknown, i) => ({
    row: i + 1,
    body: isPlainObject(element) ? { ...element } : {},
    errors: isPlainObject(element)
      ? []
      : [{ field: '(row)', message: 'must be a JSON object with at least userPrincipalName and displayName' }],
  }));
  return { ok: true, format: 'json', rows };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
