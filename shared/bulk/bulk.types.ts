/**
 * Shapes of a bulk import, from the raw upload to the accepted/rejected split.
 *
 * Row numbers (one rule for CSV and JSON, used in every message): `row` is the 1-based number of the DATA record.
 * The CSV header is row 0 and is never counted; blank lines (and lines whose cells are all empty, like Excel's
 * `,,,,,`) are skipped and not counted either. JSON arrays: `row` is the element's index + 1. For CSV each row also
 * carries `line`, the 1-based line of the file where the record starts (the header is usually line 1), so a user with
 * blank lines or multi-line quoted cells can still find it in an editor.
 */
import type { EndpointRequest, FieldError } from '../domain';

export type { EndpointRequest, FieldError };

export type BulkFormat = 'csv' | 'json';

/** One data record as read from the upload, before validation. */
export interface BulkInputRow {
  /** 1-based data-row number (header not counted). */
  row: number;
  /** CSV only: 1-based line of the file where the record starts. */
  line?: number;
  /** The endpoint body the row stands for (CSV cells mapped to field names; empty cells omitted). */
  body: Record<string, unknown>;
  /**
   * Problems with the record's shape found while reading (e.g. the wrong number of cells). A row with such errors is
   * rejected with exactly these: its cells cannot be trusted to sit under the right column.
   */
  errors: FieldError[];
}

export type BulkFileErrorCode =
  | 'unsupportedMediaType'
  | 'tooLarge'
  | 'encoding'
  | 'malformed'
  | 'empty'
  | 'missingColumns'
  | 'unknownColumns'
  | 'duplicateColumns'
  | 'tooManyRows';

/** The whole upload is unusable: nothing is accepted (the caller answers 400/413/415 with this). */
export interface BulkFileError {
  code: BulkFileErrorCode;
  /** A sentence that says what is wrong and what to do. */
  message: string;
  /** CSV: the line the problem is on, when there is one. */
  line?: number;
  /** Per-column details (missing / unknown / duplicate columns). */
  errors?: FieldError[];
}

export type BulkReadResult =
  { ok: true; format: BulkFormat; rows: BulkInputRow[] } | { ok: false; error: BulkFileError };

export interface AcceptedRow {
  row: number;
  line?: number;
  request: EndpointRequest;
}

export interface RejectedRow {
  row: number;
  line?: number;
  /** Every reason, each naming the field to fix (`(row)` when it is the record's shape). */
  errors: FieldError[];
}

/** Every data row is in exactly one of the two lists, in row order. */
export interface BulkValidation {
  /** Number of data rows read (= accepted.length + rejected.length). */
  total: number;
  accepted: AcceptedRow[];
  rejected: RejectedRow[];
}

export interface BulkLimits {
  /** Most data rows one import may hold. */
  maxRows: number;
  /** Most bytes (UTF-8) the upload may have. */
  maxBytes: number;
}

/**
 * 5,000 rows per import (the brief's default). 4 MiB fits 5,000 rows of the longest legal values (UPN 113, display
 * name 256, the rest under 100 characters) with room to spare.
 */
export const DEFAULT_BULK_LIMITS: Readonly<BulkLimits> = Object.freeze({ maxRows: 5000, maxBytes: 4 * 1024 * 1024 });

export function bulkLimits(overrides?: Partial<BulkLimits>): BulkLimits {
  const pick = (v: number | undefined, d: number) =>
    v !== undefined && Number.isFinite(v) && v > 0 ? Math.floor(v) : d;
  return {
    maxRows: pick(overrides?.maxRows, DEFAULT_BULK_LIMITS.maxRows),
    maxBytes: pick(overrides?.maxBytes, DEFAULT_BULK_LIMITS.maxBytes),
  };
}

/** "row 12" / "row 12 (line 14)": how every message refers to a row. */
export function rowLabel(r: { row: number; line?: number }): string {
  return r.line !== undefined ? `row ${r.row} (line ${r.line})` : `row ${r.row}`;
}
