/**
 * Writing exports as CSV with csv-stringify (the csv-parse project's writer): every cell quoted (an empty one too),
 * quotes doubled, lines ended with CRLF (RFC 4180), and a spreadsheet formula-injection defence (OWASP "CSV
 * Injection"): a text cell starting with = + - @ (or tab / CR, which some spreadsheets skip before a formula) gets a
 * leading apostrophe, so Excel, LibreOffice and Sheets show it as text instead of evaluating it. Cell text comes from
 * users and from Graph error messages, so it must never run as a formula in the admin's spreadsheet.
 *
 * Phone numbers start with "+" and are therefore written as `'+14255550100`; the bulk CSV reader removes that
 * apostrophe again, so an exported file can be corrected and imported back.
 */
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text as it is safe to show in a spreadsheet cell (before CSV quoting). */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Numbers and booleans we produce ourselves cannot carry a formula; "-1" as a number stays a number.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return neutraliseFormula(text);
}

const STRINGIFY_OPTIONS = { quoted: true, quoted_empty: true, record_delimiter: 'windows' } as const;

/** One cell as the export writes it: neutralised, then quoted. */
export function csvCell(value: unknown): string {
  return stringify([[cellText(value)]], { ...STRINGIFY_OPTIONS, record_delimiter: '' });
}

export interface CsvWriteOptions {
  /** Start with a UTF-8 BOM, so Excel opens non-ASCII names correctly (default false). */
  bom?: boolean;
}

/** A whole CSV document: header line, then one line per row, every cell quoted, each line ended with CRLF. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: CsvWriteOptions = {},
): string {
  const cells = [header, ...rows].map((r) => r.map(cellText));
  return stringify(cells, { ...STRINGIFY_OPTIONS, bom: !!options.bom });
}

/** One row of a batch's results, as `GET …/bulk/{batchId}` rows and the bulkRows table hold them. */
export interface BulkResultRow {
  row: number;
  userPrincipalName?: string;
  displayName?: string;
  phoneNumber?: string;
  numberType?: string;
  queueId?: string;
  status: string;
  /** Resource account object id, once created. */
  objectId?: string;
  /** What went wrong (a sentence), for Failed / rejected rows. */
  error?: string;
  startedAt?: string;
  endedAt?: string;
}

export const BULK_RESULT_COLUMNS = [
  'row',
  'userPrincipalName',
  'displayName',
  'phoneNumber',
  'numberType',
  'queueId',
  'status',
  'objectId',
  'error',
  'startedAt',
  'endedAt',
] as const satisfies readonly (keyof BulkResultRow)[];

/** The results of a batch as CSV (the same first columns as the import, so a failed row can be fixed and re-imported). */
export function bulkResultsCsv(rows: readonly BulkResultRow[], options: CsvWriteOptions = {}): string {
  return toCsv(
    BULK_RESULT_COLUMNS,
    rows.map((r) => BULK_RESULT_COLUMNS.map((c) => r[c])),
    options,
  );
}
