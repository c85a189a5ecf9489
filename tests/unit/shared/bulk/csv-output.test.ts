import { parse } from 'csv-parse/sync';
import {
  bulkResultsCsv,
  csvCell,
  neutraliseFormula,
  readBulkCsv,
  toCsv,
  validateBulkRows,
} from '../../../../shared/bulk';

describe('CSV writer', () => {
  it('quotes every cell (csv-stringify), doubles quotes and ends lines with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['plain', 'with,comma'],
          ['say "hi"', 'two\nlines'],
        ],
      ),
    ).toBe('"a","b"\r\n"plain","with,comma"\r\n"say ""hi""","two\nlines"\r\n');
  });

  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+14255550100', `"'+14255550100"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['a=b', '"a=b"'],
  ])('neutralises formula starts: %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers, booleans, dates and empties as values', () => {
    expect(toCsv(['n', 'b', 'd', 'e', 'u'], [[-5, true, new Date(0), null, undefined]])).toBe(
      '"n","b","d","e","u"\r\n"-5","true","1970-01-01T00:00:00.000Z","",""\r\n',
    );
  });

  it('can start with a BOM', () => {
    expect(toCsv(['a'], [], { bom: true })).toBe('\uFEFF"a"\r\n');
  });

  it('exports results that can be fixed and imported again', () => {
    const csv = bulkResultsCsv([
      {
        row: 1,
        userPrincipalName: 'a@contoso.com',
        displayName: 'Sales, East',
        phoneNumber: '+14255550100',
        numberType: 'directRouting',
        status: 'Failed',
        error: '=cmd|"/c calc"!A1 blew up',
      },
    ]);
    const cells = parse(csv, { bom: true }) as string[][];
    expect(cells[0]).toEqual([
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
    ]);
    expect(cells[1][3]).toBe("'+14255550100");
    expect(cells[1][8]).toBe(`'=cmd|"/c calc"!A1 blew up`);

    const read = readBulkCsv(csv);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const inventory = {
      '+14255550100': {
        numberType: 'directRouting',
        assignmentStatus: 'unassigned',
        capabilities: ['voiceApplicationAssignment'],
      },
    };
    const v = validateBulkRows(read.rows, { inventory });
    expect(v.rejected).toEqual([]);
    expect(v.accepted[0].request).toMatchObject({ displayName: 'Sales, East', phoneNumber: '+14255550100' });
  });

  it('neutraliseFormula leaves ordinary text alone', () => {
    expect(neutraliseFormula('Sales line')).toBe('Sales line');
  });
});
