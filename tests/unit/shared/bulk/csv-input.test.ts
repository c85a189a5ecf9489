import { BulkReadResult, readBulkCsv } from '../../../../shared/bulk';

const HEADER = 'userPrincipalName,displayName,usageLocation,phoneNumber,numberType,queueId';

function rows(r: BulkReadResult) {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.rows;
}
function fileError(r: BulkReadResult) {
  if (r.ok) throw new Error(`expected a file error, got ${r.rows.length} rows`);
  return r.error;
}

describe('readBulkCsv: reading', () => {
  it('maps cells to fields, leaves empty cells out, numbers data rows from 1 and records the line', () => {
    const r = rows(
      readBulkCsv(
        `${HEADER}\ncc1@contoso.com,Sales,US,+14255550100,directRouting,sales\ncc2@contoso.com,Support,,,,\n`,
      ),
    );
    expect(r).toEqual([
      {
        row: 1,
        line: 2,
        errors: [],
        body: {
          userPrincipalName: 'cc1@contoso.com',
          displayName: 'Sales',
          usageLocation: 'US',
          phoneNumber: '+14255550100',
          numberType: 'directRouting',
          queueId: 'sales',
        },
      },
      { row: 2, line: 3, errors: [], body: { userPrincipalName: 'cc2@contoso.com', displayName: 'Support' } },
    ]);
  });

  it('strips a UTF-8 BOM (string and bytes)', () => {
    const text = `\uFEFF${HEADER}\ncc1@contoso.com,Sales,,,,\n`;
    expect(rows(readBulkCsv(text))[0].body).toEqual({ userPrincipalName: 'cc1@contoso.com', displayName: 'Sales' });
    const bytes = new TextEncoder().encode(text);
    expect(bytes[0]).toBe(0xef);
    expect(rows(readBulkCsv(bytes))[0].body).toEqual({ userPrincipalName: 'cc1@contoso.com', displayName: 'Sales' });
  });

  it('reads CRLF, LF and CR line ends, mixed in one file, with correct line numbers', () => {
    const r = rows(readBulkCsv(`${HEADER}\r\na@contoso.com,A,,,,\nb@contoso.com,B,,,,\rc@contoso.com,C,,,,\r\n`));
    expect(r.map((x) => [x.row, x.line, x.body.displayName])).toEqual([
      [1, 2, 'A'],
      [2, 3, 'B'],
      [3, 4, 'C'],
    ]);
  });

  it('handles quoted cells: delimiters, doubled quotes, and newlines inside quotes (line = where the record starts)', () => {
    const csv = `${HEADER}\r\n"a@contoso.com","Sales, ""East""",,,,\r\nb@contoso.com,"two\r\nlines",,,,\r\nc@contoso.com,C,,,,\r\n`;
    const r = rows(readBulkCsv(csv));
    expect(r[0].body.displayName).toBe('Sales, "East"');
    expect(r[1].body.displayName).toBe('two\nlines');
    expect(r.map((x) => [x.row, x.line])).toEqual([
      [1, 2],
      [2, 3],
      [3, 5],
    ]);
  });

  it('skips blank lines and all-empty records without counting them as rows', () => {
    const csv = `\n${HEADER}\n\na@contoso.com,A,,,,\n,,,,,\n   \nb@contoso.com,B,,,,\n\n`;
    const r = rows(readBulkCsv(csv));
    expect(r.map((x) => [x.row, x.line, x.body.displayName])).toEqual([
      [1, 4, 'A'],
      [2, 7, 'B'],
    ]);
  });

  it('accepts header names in any case, with spaces, underscores or dashes, in any order, and upn', () => {
    const r = rows(
      readBulkCsv(
        ' Display Name ,USER_PRINCIPAL_NAME,phone-number,Number Type\nA,a@contoso.com,+14255550100,DirectRouting\n',
      ),
    );
    expect(r[0].body).toEqual({
      displayName: 'A',
      userPrincipalName: 'a@contoso.com',
      phoneNumber: '+14255550100',
      numberType: 'directRouting',
    });
    expect(rows(readBulkCsv('UPN,displayname\na@contoso.com,A\n'))[0].body).toEqual({
      userPrincipalName: 'a@contoso.com',
      displayName: 'A',
    });
  });

  it('detects ; and tab delimiters from the header line', () => {
    expect(rows(readBulkCsv('userPrincipalName;displayName;queueId\na@contoso.com;Sales, East;q1\n'))[0].body).toEqual({
      userPrincipalName: 'a@contoso.com',
      displayName: 'Sales, East',
      queueId: 'q1',
    });
    expect(rows(readBulkCsv('userPrincipalName\tdisplayName\na@contoso.com\tA\n'))[0].body.displayName).toBe('A');
  });

  it('trims whitespace around cells and keeps a stray quote inside an unquoted cell', () => {
    const r = rows(readBulkCsv('userPrincipalName,displayName\n  a@contoso.com  ,  The "A" line \n'));
    expect(r[0].body).toEqual({ userPrincipalName: 'a@contoso.com', displayName: 'The "A" line' });
  });

  it('converts keepPartial words, keeps unknown words for the validator, and undoes the export apostrophe on numbers', () => {
    const r = rows(
      readBulkCsv(
        "userPrincipalName,displayName,keepPartial,phoneNumber\na@c.com,A,yes,'+14255550100\nb@c.com,B,FALSE,\nc@c.com,C,maybe,\n",
      ),
    );
    expect(r.map((x) => x.body.keepPartial)).toEqual([true, false, 'maybe']);
    expect(r[0].body.phoneNumber).toBe('+14255550100');
  });

  it('ignores the extra columns of a results export', () => {
    const r = rows(
      readBulkCsv('row,userPrincipalName,displayName,status,error\n7,a@contoso.com,A,Failed,"boom, it broke"\n'),
    );
    expect(r[0].body).toEqual({ userPrincipalName: 'a@contoso.com', displayName: 'A' });
    expect(r[0].errors).toEqual([]);
  });
});

describe('readBulkCsv: row shape', () => {
  it('rejects a row with fewer cells than the header, saying how many', () => {
    const r = rows(readBulkCsv(`${HEADER}\na@contoso.com,A\n`));
    expect(r[0].errors).toEqual([
      { field: '(row)', message: expect.stringContaining('has 2 values but the header has 6 columns') },
    ]);
  });

  it('rejects a row with values beyond the header, but tolerates trailing empty cells', () => {
    const r = rows(readBulkCsv(`${HEADER}\na@contoso.com,A,,,,,x\nb@contoso.com,B,,,,,,\n`));
    expect(r[0].errors).toEqual([
      { field: '(row)', message: expect.stringContaining('has 7 values but the header has 6 columns') },
    ]);
    expect(r[1].errors).toEqual([]);
  });

  it('rejects a value under a header cell that has no name', () => {
    const r = rows(readBulkCsv('userPrincipalName,displayName,\na@contoso.com,A,\nb@contoso.com,B,oops\n'));
    expect(r[0].errors).toEqual([]);
    expect(r[1].errors).toEqual([{ field: '(column 3)', message: expect.stringContaining('header cell is empty') }]);
  });
});

describe('readBulkCsv: whole-file errors', () => {
  it('names the missing header columns', () => {
    const e = fileError(readBulkCsv('userPrincipalName,usageLocation\na@contoso.com,US\n'));
    expect(e.code).toBe('missingColumns');
    expect(e.message).toContain('missing the column displayName');
    expect(e.message).toContain(HEADER);
    expect(e.errors).toEqual([{ field: 'displayName', message: 'is a required column' }]);
    expect(e.line).toBe(1);
  });

  it('says so when the first line is data rather than a header', () => {
    const e = fileError(readBulkCsv('a@contoso.com,Sales\nb@contoso.com,Support\n'));
    expect(e.code).toBe('missingColumns');
    expect(e.message).toMatch(/first line looks like data/);
  });

  it('refuses unknown columns, suggesting the column meant', () => {
    const e = fileError(readBulkCsv('userPrincipalName,displayName,phone\na@contoso.com,A,+14255550100\n'));
    expect(e.code).toBe('unknownColumns');
    expect(e.errors).toEqual([{ field: 'phone', message: expect.stringContaining('did you mean phoneNumber?') }]);
  });

  it('refuses a column named twice', () => {
    const e = fileError(readBulkCsv('userPrincipalName,displayName,Display Name\na@contoso.com,A,B\n'));
    expect(e.code).toBe('duplicateColumns');
    expect(e.errors).toEqual([{ field: 'displayName', message: 'appears twice in the header (columns 2 and 3)' }]);
  });

  it('reports an unclosed quote with the line it opens on', () => {
    const e = fileError(readBulkCsv(`${HEADER}\na@contoso.com,A,,,,\nb@contoso.com,"B,,,,\nc@contoso.com,C,,,,\n`));
    expect(e.code).toBe('malformed');
    expect(e.line).toBe(3);
    expect(e.message).toContain('starts on line 3');
  });

  it('refuses an empty file and a header without rows', () => {
    expect(fileError(readBulkCsv('')).code).toBe('empty');
    expect(fileError(readBulkCsv('\r\n\r\n')).code).toBe('empty');
    const e = fileError(readBulkCsv(`${HEADER}\r\n`));
    expect(e.code).toBe('empty');
    expect(e.message).toContain('no data rows');
  });

  it('enforces the row limit (default 5,000; configurable), counting data rows only', () => {
    const body = (n: number) =>
      `${HEADER}\n` + Array.from({ length: n }, (_, i) => `u${i}@contoso.com,U${i},,,,\n`).join('');
    expect(rows(readBulkCsv(body(5000)))).toHaveLength(5000);
    const e = fileError(readBulkCsv(body(5001)));
    expect(e.code).toBe('tooManyRows');
    expect(e.message).toContain('more than 5,000 data rows');
    expect(e.message).toContain('at most 5,000');
    expect(rows(readBulkCsv(body(3), { limits: { maxRows: 3 } }))).toHaveLength(3);
    expect(fileError(readBulkCsv(body(4), { limits: { maxRows: 3 } })).code).toBe('tooManyRows');
    // Blank and all-empty records do not count toward the limit.
    expect(rows(readBulkCsv(`${body(3)}\n\n,,,,,\n,,,,,\n`, { limits: { maxRows: 3 } }))).toHaveLength(3);
  });

  it('stops parsing at the row limit: a malformed line beyond it is never read (issue 17 item 7)', () => {
    const body = `${HEADER}\n` + Array.from({ length: 5 }, (_, i) => `u${i}@contoso.com,U${i},,,,\n`).join('');
    // An unclosed quote after the limit would be a parse error if the parser read that far.
    const e = fileError(readBulkCsv(`${body}"unclosed,x,,,,\n`, { limits: { maxRows: 4 } }));
    expect(e.code).toBe('tooManyRows');
  });

  it('enforces the size limit on UTF-8 bytes', () => {
    const text = `${HEADER}\nå@contoso.com,Ålesund,,,,\n`;
    const bytes = Buffer.byteLength(text, 'utf8');
    expect(bytes).toBeGreaterThan(text.length);
    expect(readBulkCsv(text, { limits: { maxBytes: bytes } }).ok).toBe(true);
    const e = fileError(readBulkCsv(text, { limits: { maxBytes: bytes - 1 } }));
    expect(e.code).toBe('tooLarge');
  });

  it('refuses UTF-16 and invalid UTF-8 with a hint to save as CSV UTF-8', () => {
    const utf16 = Uint8Array.from([0xff, 0xfe, 0x61, 0x00]);
    expect(fileError(readBulkCsv(utf16))).toEqual({ code: 'encoding', message: expect.stringContaining('CSV UTF-8') });
    const latin1 = Uint8Array.from([...Buffer.from(`${HEADER}\na@contoso.com,M`), 0xfc, 0x6c, 0x6c, 0x65, 0x72]);
    expect(fileError(readBulkCsv(latin1))).toEqual({
      code: 'encoding',
      message: expect.stringContaining('not valid UTF-8'),
    });
  });
});
