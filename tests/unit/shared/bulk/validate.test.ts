import {
  bulkFormatOf,
  BulkUploadResult,
  describeRejections,
  InventoryNumber,
  readBulkJsonValue,
  validateBulkRows,
  validateBulkUpload,
} from '../../../../shared/bulk';

const HEADER = 'userPrincipalName,displayName,usageLocation,phoneNumber,numberType,queueId';
const SERVICE = ['voiceApplicationAssignment'];
const free = (numberType = 'directRouting'): InventoryNumber => ({
  numberType,
  assignmentStatus: 'unassigned',
  capabilities: SERVICE,
});
/** +1 425 555 0000 … 0299: valid US numbers. */
const num = (i: number) => `+1425555${String(i).padStart(4, '0')}`;

function inventoryOf(n: number): Map<string, InventoryNumber> {
  return new Map(Array.from({ length: n }, (_, i) => [num(i), free()] as [string, InventoryNumber]));
}

function ok(r: BulkUploadResult) {
  if (!r.ok) throw new Error(`file error ${r.error.code}: ${r.error.message}`);
  return r;
}

describe('validateBulkUpload: CSV', () => {
  it('accepts good rows with the normalised request, and counts 10 bad rows among 200 exactly', () => {
    const bad = new Set([3, 17, 42, 43, 88, 100, 150, 151, 199, 200]);
    const lines = Array.from({ length: 200 }, (_, k) => {
      const row = k + 1;
      if (!bad.has(row)) return `cc${row}@contoso.com,Line ${row},US,${num(row)},directRouting,q${row}`;
      // a different mistake per bad row
      switch (row % 5) {
        case 0:
          return `cc${row}@contoso.com,Line ${row},UK,${num(row)},directRouting,q${row}`; // usage location
        case 1:
          return `cc${row},Line ${row},US,${num(row)},directRouting,q${row}`; // UPN without domain
        case 2:
          return `cc${row}@contoso.com,,US,${num(row)},directRouting,q${row}`; // no display name
        case 3:
          return `cc${row}@contoso.com,Line ${row},US,4255550100,directRouting,q${row}`; // not E.164
        default:
          return `cc${row}@contoso.com,Line ${row},US,${num(row)},sipTrunk,q${row}`; // bad number type
      }
    });
    const r = ok(validateBulkUpload('text/csv', [HEADER, ...lines].join('\r\n'), { inventory: inventoryOf(201) }));
    expect(r.total).toBe(200);
    expect(r.accepted).toHaveLength(190);
    expect(r.rejected).toHaveLength(10);
    expect(r.rejected.map((x) => x.row)).toEqual([...bad].sort((a, b) => a - b));
    expect(r.rejected.every((x) => x.line === x.row + 1)).toBe(true);
    expect(r.rejected.find((x) => x.row === 100)?.errors).toEqual([
      { field: 'usageLocation', message: expect.stringContaining('did you mean "GB"') },
    ]);
    expect(r.accepted[0]).toEqual({
      row: 1,
      line: 2,
      request: {
        userPrincipalName: 'cc1@contoso.com',
        upnKey: 'cc1@contoso.com',
        displayName: 'Line 1',
        usageLocation: 'US',
        usageLocationSource: 'request',
        phoneNumber: num(1),
        numberType: 'directRouting',
        queueId: 'q1',
        keepPartial: false,
      },
    });
  });

  it('rejects every later use of a UPN (case-insensitive), naming the first row', () => {
    const csv = [
      HEADER,
      'cc-sales@contoso.com,Sales,,,,',
      'cc-support@contoso.com,Support,,,,',
      'CC-Sales@Contoso.COM,Sales again,,,,',
      '',
      'cc-sales@contoso.com,Sales thrice,,,,',
    ].join('\n');
    const r = ok(validateBulkUpload('text/csv', csv, { inventory: {} }));
    expect(r.accepted.map((a) => a.row)).toEqual([1, 2]);
    expect(r.rejected).toEqual([
      {
        row: 3,
        line: 4,
        errors: [{ field: 'userPrincipalName', message: expect.stringContaining('already used on row 1 (line 2)') }],
      },
      {
        row: 4,
        line: 6,
        errors: [{ field: 'userPrincipalName', message: expect.stringContaining('already used on row 1 (line 2)') }],
      },
    ]);
  });

  it('treats a UPN used by a row rejected for something else as used', () => {
    const csv = [HEADER, 'a@contoso.com,,,,,', 'a@contoso.com,A,,,,'].join('\n');
    const r = ok(validateBulkUpload('text/csv', csv, { inventory: {} }));
    expect(r.accepted).toEqual([]);
    expect(r.rejected.map((x) => [x.row, x.errors.map((e) => e.field)])).toEqual([
      [1, ['displayName']],
      [2, ['userPrincipalName']],
    ]);
  });

  it('rejects a number used twice after E.164 normalisation', () => {
    const csv = [
      HEADER,
      'a@contoso.com,A,,+1 425-555-0100,directRouting,',
      'b@contoso.com,B,,+14255550100,directRouting,',
      'c@contoso.com,C,,0014255550100,directRouting,',
      'd@contoso.com,D,,+1 (425) 555 0101,directRouting,',
    ].join('\n');
    const r = ok(validateBulkUpload('text/csv', csv, { inventory: { [num(100)]: free(), [num(101)]: free() } }));
    expect(r.accepted.map((a) => [a.row, a.request.phoneNumber])).toEqual([
      [1, '+14255550100'],
      [4, '+14255550101'],
    ]);
    expect(r.rejected.map((x) => [x.row, x.errors])).toEqual([
      [
        2,
        [
          {
            field: 'phoneNumber',
            message: '+14255550100 is already used on row 1 (line 2); a number can go on one resource account only',
          },
        ],
      ],
      [
        3,
        [
          {
            field: 'phoneNumber',
            message: '+14255550100 is already used on row 1 (line 2); a number can go on one resource account only',
          },
        ],
      ],
    ]);
  });
});

describe('validateBulkRows: the number inventory', () => {
  const row = (body: Record<string, unknown>, n = 1) => ({ row: n, body, errors: [] });
  const req = (phoneNumber: string, numberType = 'directRouting', upn = 'a@contoso.com') =>
    row({ userPrincipalName: upn, displayName: 'A', phoneNumber, numberType });

  it('rejects a number that is not in the inventory', () => {
    const r = validateBulkRows([req(num(5))], { inventory: inventoryOf(1) });
    expect(r.rejected[0].errors).toEqual([
      {
        field: 'phoneNumber',
        message: expect.stringContaining(`${num(5)} is not in the tenant's phone number inventory`),
      },
    ]);
  });

  it('finds inventory numbers however their keys are spelt, from a Map or a plain object', () => {
    expect(validateBulkRows([req(num(1))], { inventory: { '+1 425 555 0001': free() } }).accepted).toHaveLength(1);
    expect(
      validateBulkRows([req(num(1))], { inventory: new Map([['tel:+14255550001', free()]]) }).accepted,
    ).toHaveLength(1);
  });

  it('rejects a numberType that differs from the inventory, saying which to use', () => {
    const r = validateBulkRows([req(num(0), 'operatorConnect')], { inventory: { [num(0)]: free('callingPlan') } });
    expect(r.rejected[0].errors).toEqual([
      {
        field: 'numberType',
        message: `is operatorConnect but the tenant's inventory lists ${num(0)} as callingPlan; set numberType to callingPlan`,
      },
    ]);
  });

  it('rejects a user number (no voiceApplicationAssignment capability)', () => {
    const inventory = { [num(0)]: { ...free(), capabilities: ['userAssignment'] } };
    const r = validateBulkRows([req(num(0))], { inventory });
    expect(r.rejected[0].errors).toEqual([
      {
        field: 'phoneNumber',
        message: expect.stringMatching(/cannot go on a resource account: its capabilities are userAssignment/),
      },
    ]);
    const none = validateBulkRows([req(num(0))], { inventory: { [num(0)]: { ...free(), capabilities: null } } });
    expect(none.rejected[0].errors[0].message).toContain('its capabilities are none');
  });

  it('rejects a number assigned to something else, naming a known account by UPN', () => {
    const inventory = {
      [num(0)]: { ...free(), assignmentStatus: 'voiceApplicationAssigned', assignmentTargetId: 'OBJ-B' },
      [num(1)]: { ...free(), assignmentStatus: 'userAssigned', assignmentTargetId: 'obj-x' },
    };
    const r = validateBulkRows([req(num(0)), req(num(1), 'directRouting', 'c@contoso.com')], {
      inventory,
      existingAccounts: { 'b@contoso.com': 'obj-b' },
    });
    expect(r.rejected.map((x) => x.errors)).toEqual([
      [
        {
          field: 'phoneNumber',
          message: `${num(0)} is already assigned (voiceApplicationAssigned) to b@contoso.com (object id OBJ-B); pick an unassigned number, or unassign it first`,
        },
      ],
      [{ field: 'phoneNumber', message: expect.stringContaining('(userAssigned) to object id obj-x') }],
    ]);
  });

  it('accepts a number already on the very account the row is for (re-import is idempotent)', () => {
    const inventory = {
      [num(0)]: { ...free(), assignmentStatus: 'voiceApplicationAssigned', assignmentTargetId: 'obj-a' },
    };
    const r = validateBulkRows([req(num(0), 'directRouting', 'A@Contoso.com')], {
      inventory,
      existingAccounts: new Map([['a@contoso.com', 'OBJ-A']]),
    });
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toHaveLength(1);
  });

  it('can let number types through that need not be in the inventory', () => {
    const r = validateBulkRows([req(num(9), 'directRouting'), req(num(8), 'callingPlan', 'b@contoso.com')], {
      inventory: {},
      inventoryRequiredFor: ['callingPlan', 'operatorConnect'],
    });
    expect(r.accepted.map((a) => a.row)).toEqual([1]);
    expect(r.rejected.map((x) => x.errors[0].message)).toEqual([expect.stringContaining('not in the tenant')]);
  });

  it('does not compare an invalid numberType with the inventory (the validator already reports it)', () => {
    const r = validateBulkRows([req(num(0), 'sip')], { inventory: { [num(0)]: free() } });
    expect(r.rejected[0].errors).toEqual([{ field: 'numberType', message: expect.stringContaining('must be one of') }]);
  });
});

describe('validateBulkUpload: JSON and content types', () => {
  it('validates each element, row = index + 1', () => {
    const body = JSON.stringify([
      { userPrincipalName: 'a@contoso.com', displayName: 'A' },
      { userPrincipalName: 'b@contoso.com', displayName: 'B', phonenumber: num(1) },
      'not an object',
      { userPrincipalName: 'A@contoso.com', displayName: 'A2' },
    ]);
    const r = ok(validateBulkUpload('application/json; charset=utf-8', body, { inventory: {} }));
    expect(r.format).toBe('json');
    expect(r.accepted.map((a) => a.row)).toEqual([1]);
    expect(r.rejected).toEqual([
      { row: 2, errors: [{ field: 'phonenumber', message: expect.stringContaining('is not a known field') }] },
      { row: 3, errors: [{ field: '(row)', message: expect.stringContaining('must be a JSON object') }] },
      { row: 4, errors: [{ field: 'userPrincipalName', message: expect.stringContaining('already used on row 1') }] },
    ]);
    expect(describeRejections(r.rejected)).toEqual([
      expect.stringMatching(/^row 2: phonenumber is not a known field/),
      'row 3: the row must be a JSON object with at least userPrincipalName and displayName',
      expect.stringMatching(/^row 4: userPrincipalName A@contoso.com is already used on row 1/),
    ]);
  });

  it('refuses a body that is not an array, is not JSON, is empty, or is too long', () => {
    const err = (r: BulkUploadResult) => (r.ok ? undefined : r.error.code);
    expect(err(validateBulkUpload('application/json', '{"userPrincipalName":"a@b.com"}', { inventory: {} }))).toBe(
      'malformed',
    );
    expect(err(validateBulkUpload('application/json', '[{"a":1},', { inventory: {} }))).toBe('malformed');
    expect(err(validateBulkUpload('application/json', '[]', { inventory: {} }))).toBe('empty');
    expect(err(validateBulkUpload('application/json', '[{},{}]', { inventory: {} }, { limits: { maxRows: 1 } }))).toBe(
      'tooManyRows',
    );
    const bom = new TextEncoder().encode('\uFEFF[{"userPrincipalName":"a@contoso.com","displayName":"A"}]');
    expect(ok(validateBulkUpload('application/json', bom, { inventory: {} })).accepted).toHaveLength(1);
    expect(readBulkJsonValue({ rows: [] }).ok).toBe(false);
  });

  it('picks the reader by Content-Type, sniffs when there is none, and refuses others (415)', () => {
    expect(bulkFormatOf('text/csv; charset=utf-8')).toBe('csv');
    expect(bulkFormatOf('Application/JSON')).toBe('json');
    expect(bulkFormatOf('application/vnd.api+json')).toBe('json');
    expect(bulkFormatOf(undefined, '  [{}]')).toBe('json');
    expect(bulkFormatOf(undefined, `${HEADER}\n`)).toBe('csv');
    expect(bulkFormatOf('application/xml', '<a/>')).toBeUndefined();
    const r = validateBulkUpload('application/xml', '<a/>', { inventory: {} });
    expect(r).toEqual({
      ok: false,
      error: { code: 'unsupportedMediaType', message: expect.stringContaining('text/csv') },
    });
  });
});
