import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import {
  BULK_ROW_STATES,
  BulkValidation,
  batchProgress,
  csvCell,
  readBulkCsv,
  toCsv,
  validateBulkUpload,
} from '../../../../shared/bulk';

const HEADER = ['userPrincipalName', 'displayName', 'usageLocation', 'phoneNumber', 'numberType', 'queueId'];

/** Every data row in exactly one list; rows 1..total; accepted rows carry no errors, rejected rows at least one. */
function expectPartition(v: BulkValidation) {
  expect(v.accepted.length + v.rejected.length).toBe(v.total);
  const seen = [...v.accepted.map((a) => a.row), ...v.rejected.map((r) => r.row)].sort((a, b) => a - b);
  expect(seen).toEqual(Array.from({ length: v.total }, (_, i) => i + 1));
  for (const r of v.rejected) expect(r.errors.length).toBeGreaterThan(0);
}

// Cells that are sometimes valid, sometimes not, sometimes hostile to CSV.
const cell = fc.oneof(
  fc.constantFrom(
    '',
    'a@contoso.com',
    'A@CONTOSO.com',
    'b@contoso.com',
    'x',
    'US',
    'UK',
    '+14255550100',
    '+14255550101',
  ),
  fc.constantFrom(
    'directRouting',
    'callingPlan',
    'DirectRouting',
    'q1',
    'Sales, East',
    'say "hi"',
    'two\nlines',
    '=1+1',
  ),
  fc.string({ maxLength: 12 }),
);
const inventory = {
  '+14255550100': {
    numberType: 'directRouting',
    assignmentStatus: 'unassigned',
    capabilities: ['voiceApplicationAssignment'],
  },
  '+14255550101': {
    numberType: 'callingPlan',
    assignmentStatus: 'userAssigned',
    assignmentTargetId: 'x',
    capabilities: [],
  },
};

describe('bulk properties', () => {
  it('any text as CSV: never throws; a file error, or every data row accepted xor rejected', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.boolean(), (text, withHeader) => {
        const body = withHeader ? `${HEADER.join(',')}\n${text}` : text;
        const r = validateBulkUpload('text/csv', body, { inventory });
        if (r.ok) expectPartition(r);
        else expect(r.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('generated CSV grids: the row count is the number of non-blank records, partitioned exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 4, maxLength: 8 }), { maxLength: 25 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (grid, eol) => {
          const csv = [
            HEADER.map(csvCell).join(','),
            ...grid.map((cells) => cells.map((c) => csvCell(c)).join(',')),
          ].join(eol);
          const r = validateBulkUpload('text/csv', csv, { inventory });
          // A record is blank when every cell is empty: the writer quotes every cell, so whitespace in one is kept.
          const nonBlank = grid.filter((cells) => cells.some((c) => c !== '')).length;
          if (nonBlank === 0) {
            expect(r.ok).toBe(false);
            return;
          }
          if (!r.ok) throw new Error(r.error.message);
          expect(r.total).toBe(nonBlank);
          expectPartition(r);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('any JSON value: never throws; a file error, or every element accepted xor rejected', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const r = validateBulkUpload('application/json', JSON.stringify(value) ?? 'null', { inventory });
        if (r.ok) {
          expect(Array.isArray(value) && r.total === value.length).toBe(true);
          expectPartition(r);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('arrays of endpoint-ish objects: accepted + rejected = all rows, no UPN accepted twice', () => {
    const endpoint = fc.record(
      {
        userPrincipalName: fc.constantFrom('a@contoso.com', 'A@contoso.com', 'b@contoso.com', 'c@contoso.com', 'bad'),
        displayName: fc.constantFrom('A', '', 'Sales'),
        phoneNumber: fc.constantFrom('+14255550100', '+1 425 555 0100', '+14255550101', '12'),
        numberType: fc.constantFrom('directRouting', 'callingPlan', 'x'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(endpoint, { maxLength: 30 }), (items) => {
        const r = validateBulkUpload('application/json', JSON.stringify(items), { inventory });
        if (!r.ok) {
          expect(items.length).toBe(0);
          return;
        }
        expectPartition(r);
        const keys = r.accepted.map((a) => a.request.upnKey);
        expect(new Set(keys).size).toBe(keys.length);
        const numbers = r.accepted.flatMap((a) => (a.request.phoneNumber ? [a.request.phoneNumber] : []));
        expect(new Set(numbers).size).toBe(numbers.length);
      }),
      { numRuns: 200 },
    );
  });

  it('written cells read back as the neutralised text, and never start a formula', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (rows) => {
          const width = rows[0].length;
          const grid = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
          const csv = toCsv(
            grid[0].map((_, i) => `c${i}`),
            grid,
          );
          const back = parse(csv, { record_delimiter: '\r\n' }) as string[][];
          expect(back.slice(1)).toEqual(grid.map((r) => r.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c))));
          for (const r of back.slice(1)) for (const c of r) expect(c).not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('readBulkCsv never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = readBulkCsv(bytes);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 200 },
    );
  });

  it('progress: counts add up, ETA is null or non-negative, never throws', () => {
    const instant = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.constant(null), fc.constant('garbage'));
    const row = fc.record({ status: fc.constantFrom(...BULK_ROW_STATES), startedAt: instant, endedAt: instant });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.integer({ min: 0, max: 20_000_000 }), (rows, now) => {
        const p = batchProgress(rows, now);
        expect(p.pending + p.running + p.succeeded + p.failed + p.cancelled).toBe(rows.length);
        expect(p.completed + p.remaining).toBe(rows.length);
        expect(p.etaMs === null || p.etaMs >= 0).toBe(true);
        expect(p.ratePerMinute === null || p.ratePerMinute >= 0).toBe(true);
        expect(p.percentComplete).toBeGreaterThanOrEqual(0);
        expect(p.percentComplete).toBeLessThanOrEqual(100);
      }),
      { numRuns: 300 },
    );
  });
});
