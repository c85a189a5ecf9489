/**
 * Reading a bulk-import CSV into endpoint bodies, with csv-parse's sync API doing the RFC 4180 work (quotes, doubled
 * quotes, delimiters and newlines inside quoted cells).
 *
 * What is tolerated, and how:
 * - a UTF-8 BOM; CRLF, LF or CR line ends, mixed (normalised to LF before parsing, so line numbers are right);
 * - blank lines and all-empty records (`,,,,,`): skipped, not counted as rows;
 * - header names in any case, with spaces, `_` or `-` (`User Principal Name`, `phone_number`); `upn` for
 *   userPrincipalName; optional columns may be left out of the header; columns in any order;
 * - `;` or tab as the delimiter when the header line uses it (regional Excel saves `;`);
 * - whitespace around cells; a stray `"` inside an unquoted cell (kept as a character);
 * - numberType in any case (`DirectRouting`, as Set-CsPhoneNumberAssignment spells it); keepPartial as
 *   true/false/yes/no/1/0; a phone number with the leading apostrophe our own CSV export adds against formula
 *   injection (`'+14255550100`), so an exported file can be edited and imported again;
 * - trailing empty cells beyond the header (trailing commas);
 * - the extra columns of our own results export (row, status, objectId, error, startedAt, endedAt): ignored, so an
 *   exported results file can be corrected and imported again as it is.
 * What is refused:
 * - the whole file: unreadable CSV (an unclosed quote: says which line), a header missing userPrincipalName or
 *   displayName, unknown or repeated column names, no data rows, more rows than the limit, too many bytes;
 * - one row: fewer cells than the header, or values beyond the header's columns (its cells cannot be trusted to sit
 *   under the right column, so only that is reported for it).
 */
import { parse } from 'csv-parse/sync';
import { NUMBER_TYPES } from '../domain';
import type { BulkFileError, BulkInputRow, BulkLimits, BulkReadResult, FieldError } from './bulk.types';
import { bulkLimits } from './bulk.types';
import { decodeUpload, UploadBody } from './upload';

/** The columns a bulk CSV may have, in the order the documented header lists them. */
export const CSV_COLUMNS = [
  'userPrincipalName',
  'displayName',
  'usageLocation',
  'phoneNumber',
  'numberType',
  'queueId',
  'applicationId',
  'keepPartial',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** The header the docs and the CLI template show. */
export const CSV_TEMPLATE_HEADER = 'userPrincipalName,displayName,usageLocation,phoneNumber,numberType,queueId';

/** Columns the results export adds (csv-output.ts); their values are ignored on import. */
export const IGNORED_COLUMNS = ['row', 'status', 'objectId', 'error', 'startedAt', 'endedAt'] as const;
const IGNORED_KEYS: ReadonlySet<string> = new Set(IGNORED_COLUMNS.map((c) => normaliseHeaderName(c)));

const REQUIRED_COLUMNS: readonly CsvColumn[] = ['userPrincipalName', 'displayName'];

/** Header spelling → column: case, whitespace, `_` and `-` do not matter. */
export function normaliseHeaderName(name: string): string {
  return name.replace(/[\s_-]+/g, '').toLowerCase();
}
const COLUMN_BY_KEY: ReadonlyMap<string, CsvColumn> = new Map<string, CsvColumn>([
  ...CSV_COLUMNS.map((c) => [normaliseHeaderName(c), c] as [string, CsvColumn]),
  ['upn', 'userPrincipalName'],
]);

export interface CsvReadOptions {
  limits?: Partial<BulkLimits>;
  /** Force a delimiter; by default `,`, or `;` / tab when the header line is written with it. */
  delimiter?: ',' | ';' | '\t';
}

type Raw = { record: string[]; info: { lines: number; error?: unknown }; raw: string };

function fileError(code: BulkFileError['code'], message: string, extra?: Partial<BulkFileError>): BulkReadResult {
  return { ok: false, error: { code, message, ...extra } };
}

/** Picks the delimiter that makes the most known column names out of the first non-blank line. */
function detectDelimiter(text: string): ',' | ';' | '\t' {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  let best: ',' | ';' | '\t' = ',';
  let bestScore = 0;
  for (const d of [',', ';', '\t'] as const) {
    const score = first.split(d).filter((h) => COLUMN_BY_KEY.has(normaliseHeaderName(h.replace(/"/g, '')))).length;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Line on which a quote that never closes was opened. csv-parse only says where the file ended, which is useless when
 * a stray quote swallowed the rest of the file; this walks the text the way the parser does (quotes open only at the
 * start of a cell, `""` inside quotes is a quote).
 */
function unclosedQuoteLine(text: string, delimiter: string): number | undefined {
  let line = 1;
  let inQuotes = false;
  let openedAt = 0;
  let cellStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (ch === '\n') line++;
      continue;
    }
    if (ch === '\n') {
      line++;
      cellStart = true;
    } else if (ch === delimiter) cellStart = true;
    else if (ch === '"' && cellStart) {
      inQuotes = true;
      openedAt = line;
      cellStart = false;
    } else if (ch !== ' ' && ch !== '\t') cellStart = false;
  }
  return inQuotes ? openedAt : undefined;
}

/** Friendly text for csv-parse's error codes (its own messages are written for programmers). */
function describeParseError(e: unknown, text: string, delimiter: string): { message: string; line?: number } {
  const err = e as { code?: unknown; lines?: unknown; message?: unknown };
  let line = typeof err.lines === 'number' ? err.lines : undefined;
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
    line = unclosedQuoteLine(text, delimiter) ?? line;
    return {
      line,
      message:
        `The CSV cannot be read: the quoted value that starts on line ${line ?? '?'} is never closed. ` +
        'Add the closing " (and write a " inside a quoted value as "").',
    };
  }
  const at = line !== undefined ? `line ${line}: ` : '';
  if (err.code === 'CSV_INVALID_CLOSING_QUOTE') {
    return {
      line,
      message: `The CSV cannot be read: ${at}text follows a closing quote. Quote the whole value and write a " inside it as "".`,
    };
  }
  return {
    line,
    message: `The CSV cannot be read: ${at}${typeof err.message === 'string' ? err.message : 'unknown parse error'}`,
  };
}

/**
 * 1-based line where the record starts. csv-parse reports the line it ends on; its raw text also carries the
 * skipped blank (or whitespace-only) lines before it, which are dropped here before counting the record's own lines.
 */
function startLine(r: Raw): number {
  const body = r.raw.replace(/^(?:[ \t]*\n)+/, '').replace(/\n$/, '');
  const inner = body.split('\n').length - 1;
  return r.info.lines - inner;
}

/** The closest known column for a misspelt header (prefix either way, else containment; the shortest wins). */
function suggestColumn(key: string): string | undefined {
  if (key.length < 2) return undefined;
  const byLength = [...COLUMN_BY_KEY].sort((a, b) => a[0].length - b[0].length);
  const prefix = byLength.find(([k]) => k.startsWith(key) || key.startsWith(k));
  if (prefix) return prefix[1];
  return byLength.find(([k]) => k.includes(key) || key.includes(k))?.[1];
}

interface HeaderMap {
  /**
   * Column for each header cell; `null` for a header cell with no name (its values must stay empty); `'ignored'` for
   * a results-export column (its values are skipped).
   */
  columns: (CsvColumn | null | 'ignored')[];
}

function readHeader(
  cells: string[],
  line: number,
): { ok: true; header: HeaderMap } | { ok: false; error: BulkFileError } {
  const columns: HeaderMap['columns'] = [];
  const unknown: FieldError[] = [];
  const seen = new Map<CsvColumn, number>();
  const duplicates: FieldError[] = [];
  cells.forEach((cell, i) => {
    const name = cell.trim();
    if (name === '') {
      columns.push(null);
      return;
    }
    const column = COLUMN_BY_KEY.get(normaliseHeaderName(name));
    if (!column && IGNORED_KEYS.has(normaliseHeaderName(name))) {
      columns.push('ignored');
      return;
    }
    if (!column) {
      const hint = suggestColumn(normaliseHeaderName(name));
      unknown.push({
        field: name,
        message: `is not a known column${hint ? ` (did you mean ${hint}?)` : ''}; the columns are ${CSV_COLUMNS.join(', ')}`,
      });
      columns.push(null);
      return;
    }
    const before = seen.get(column);
    if (before !== undefined) {
      duplicates.push({ field: column, message: `appears twice in the header (columns ${before + 1} and ${i + 1})` });
    } else seen.set(column, i);
    columns.push(column);
  });

  const missing = REQUIRED_COLUMNS.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    const looksLikeData = cells.some((c) => c.includes('@'));
    const message = looksLikeData
      ? `The first line looks like data, not a header. Add a header line first: ${CSV_TEMPLATE_HEADER}`
      : `The header is missing the column${missing.length > 1 ? 's' : ''} ${missing.join(' and ')}. ` +
        `The first line must name the columns, e.g. ${CSV_TEMPLATE_HEADER}`;
    return {
      ok: false,
      error: {
        code: 'missingColumns',
        message,
        line,
        // A data line read as a header yields only noise as "unknown columns": report just what is missing then.
        errors: [
          ...missing.map((c) => ({ field: c, message: 'is a required column' })),
          ...(looksLikeData ? [] : unknown),
        ],
      },
    };
  }
  if (unknown.length > 0) {
    return {
      ok: false,
      error: {
        code: 'unknownColumns',
        message:
          `The header has column${unknown.length > 1 ? 's' : ''} Switchboard does not know: ${unknown.map((u) => `"${u.field}"`).join(', ')}. ` +
          `Rename or remove ${unknown.length > 1 ? 'them' : 'it'} (a misspelt column would otherwise be ignored silently).`,
        line,
        errors: unknown,
      },
    };
  }
  if (duplicates.length > 0) {
    return {
      ok: false,
      error: {
        code: 'duplicateColumns',
        message: 'The header names a column more than once; keep one of each.',
        line,
        errors: duplicates,
      },
    };
  }
  return { ok: true, header: { columns } };
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

/** CSV cells are text; turn them into what the endpoint validator expects (it judges the values). */
function cellValue(column: CsvColumn, cell: string): unknown {
  switch (column) {
    case 'numberType': {
      const canonical = NUMBER_TYPES.find((t) => t.toLowerCase() === cell.toLowerCase());
      return canonical ?? cell;
    }
    case 'keepPartial': {
      const w = cell.toLowerCase();
      if (TRUE_WORDS.has(w)) return true;
      if (FALSE_WORDS.has(w)) return false;
      return cell; // the validator says "must be true or false"
    }
    case 'phoneNumber':
      // Undo the apostrophe a spreadsheet-safe export puts before "+": it is never part of a number.
      return /^'[+=@-]/.test(cell) ? cell.slice(1) : cell;
    default:
      return cell;
  }
}

function toRow(cells: string[], header: HeaderMap, row: number, line: number): BulkInputRow {
  const width = header.columns.length;
  const errors: FieldError[] = [];
  if (cells.length < width) {
    errors.push({
      field: '(row)',
      message:
        `has ${cells.length} value${cells.length === 1 ? '' : 's'} but the header has ${width} columns; ` +
        'give every column a value, leaving optional ones empty (e.g. "a@contoso.com,Sales,,,,")',
    });
  }
  const extra = cells.slice(width).filter((c) => c !== '');
  if (extra.length > 0) {
    errors.push({
      field: '(row)',
      message: `has ${cells.length} values but the header has ${width} columns; remove the extra values or quote a value that contains the delimiter`,
    });
  }
  const body: Record<string, unknown> = {};
  header.columns.forEach((column, i) => {
    const cell = cells[i] ?? '';
    if (cell === '' || column === 'ignored') return; // empty cell = field not given
    if (column === null) {
      errors.push({
        field: `(column ${i + 1})`,
        message: 'has a value but its header cell is empty; name the column or clear the value',
      });
      return;
    }
    body[column] = cellValue(column, cell);
  });
  return { row, line, body, errors };
}

/** Thrown from csv-parse's on_record hook to stop parsing at the row limit. */
class TooManyRows extends Error {}

/** Reads a bulk CSV upload. Never throws. */
export function readBulkCsv(upload: UploadBody, options: CsvReadOptions = {}): BulkReadResult {
  const limits = bulkLimits(options.limits);
  const decoded = decodeUpload(upload, limits);
  if (!decoded.ok) return { ok: false, error: decoded.error };
  // One line-end convention before parsing: csv-parse picks one from the first line, and mixed files are common.
  const text = decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const delimiter = options.delimiter ?? detectDelimiter(text);

  // The parser stops at the row limit: the header and maxRows data rows, and one more to know the file is too long.
  // Blank records do not count (they are skipped below), so they are counted out here too.
  let kept = 0;
  const keepAtMost = limits.maxRows + 2;
  let records: Raw[];
  try {
    records = parse(text, {
      // With info and raw on, csv-parse hands the hook the {record, info, raw} object its types do not describe.
      on_record: ((r: Raw) => {
        if (r.record.some((c) => c !== '') && ++kept >= keepAtMost) throw new TooManyRows();
        return r;
      }) as unknown as (record: string[]) => string[],
      delimiter,
      record_delimiter: '\n',
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      raw: true,
    }) as unknown as Raw[];
  } catch (e) {
    if (e instanceof TooManyRows) {
      return fileError(
        'tooManyRows',
        `The file has more than ${limits.maxRows.toLocaleString('en-US')} data rows; one import takes at most ${limits.maxRows.toLocaleString('en-US')}. Split it into smaller files.`,
      );
    }
    const { message, line } = describeParseError(e, text, delimiter);
    return fileError('malformed', message, line !== undefined ? { line } : {});
  }

  const nonBlank = records.filter((r) => r.record.some((c) => c !== ''));
  if (nonBlank.length === 0) {
    return fileError('empty', `The file is empty. Start it with the header line: ${CSV_TEMPLATE_HEADER}`);
  }
  const [headerRecord, ...data] = nonBlank;
  const header = readHeader(headerRecord.record, startLine(headerRecord));
  if (!header.ok) return { ok: false, error: header.error };
  if (data.length === 0) {
    return fileError('empty', 'The file has a header but no data rows: add one line per endpoint below the header.');
  }
  const rows = data.map((r, i) => toRow(r.record, header.header, i + 1, startLine(r)));
  return { ok: true, format: 'csv', rows };
}
