import fc from 'fast-check';
import { validateEndpointRequest } from '../../../shared/domain';

const base = { userPrincipalName: 'CC-Sales@Contoso.com', displayName: ' Sales line ' };

describe('validateEndpointRequest', () => {
  it('normalises a minimal request', () => {
    expect(validateEndpointRequest(base)).toEqual({
      ok: true,
      value: {
        userPrincipalName: 'CC-Sales@contoso.com',
        upnKey: 'cc-sales@contoso.com',
        displayName: 'Sales line',
        keepPartial: false,
      },
    });
  });

  it('normalises a full request and derives the usage location from the number', () => {
    const r = validateEndpointRequest({
      ...base,
      applicationId: 'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE',
      phoneNumber: '+1 425 555 0100',
      numberType: 'directRouting',
      queueId: 'sales',
      keepPartial: true,
    });
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        applicationId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        phoneNumber: '+14255550100',
        numberType: 'directRouting',
        usageLocation: 'US',
        usageLocationSource: 'phoneNumber',
        queueId: 'sales',
        keepPartial: true,
      }),
    });
  });

  const errorsOf = (body: unknown) => {
    const r = validateEndpointRequest(body);
    if (r.ok) throw new Error('expected errors');
    return r.errors;
  };

  it('reports every problem at once, by field', () => {
    const errors = errorsOf({ userPrincipalName: 'nope', phoneNumber: '12345', usageLocation: 'UK', phonenumber: 'x' });
    const fields = errors.map((e) => e.field).sort();
    expect(fields).toEqual([
      'displayName',
      'numberType',
      'phoneNumber',
      'phonenumber',
      'usageLocation',
      'userPrincipalName',
    ]);
    expect(errors.find((e) => e.field === 'phonenumber')?.message).toContain('not a known field');
    expect(errors.find((e) => e.field === 'numberType')?.message).toContain('required with phoneNumber');
  });

  it('rejects numberType without phoneNumber', () => {
    expect(errorsOf({ ...base, numberType: 'callingPlan' })).toEqual([
      { field: 'numberType', message: expect.stringContaining('without phoneNumber') },
    ]);
  });

  it('requires the usage location of a Calling Plan number to match its country', () => {
    const errors = errorsOf({ ...base, phoneNumber: '+442071838750', numberType: 'callingPlan', usageLocation: 'US' });
    expect(errors).toEqual([{ field: 'usageLocation', message: expect.stringContaining('must be GB') }]);
    // Direct Routing numbers may be used elsewhere.
    expect(
      validateEndpointRequest({
        ...base,
        phoneNumber: '+442071838750',
        numberType: 'directRouting',
        usageLocation: 'US',
      }).ok,
    ).toBe(true);
  });

  it.each([null, 42, 'x', [], [base]])('rejects a body that is not an object: %j', (body) => {
    expect(errorsOf(body)).toEqual([{ field: '(body)', message: expect.any(String) }]);
  });

  it('rejects wrong types with a message per field', () => {
    const errors = errorsOf({ ...base, keepPartial: 'yes', numberType: 'pstn', phoneNumber: 14255550100, queueId: '' });
    expect(errors.map((e) => e.field).sort()).toEqual(['keepPartial', 'numberType', 'phoneNumber', 'queueId']);
  });

  it('never throws and always returns either a value or non-empty errors (arbitrary input)', () => {
    fc.assert(
      fc.property(fc.anything(), (body) => {
        const r = validateEndpointRequest(body);
        return r.ok ? typeof r.value.upnKey === 'string' : r.errors.length > 0;
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on near-valid records; valid results are normalised', () => {
    const field = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const record = fc.record(
      {
        userPrincipalName: field(fc.oneof(fc.emailAddress(), fc.string())),
        displayName: field(fc.string()),
        applicationId: field(fc.oneof(fc.uuid(), fc.string())),
        usageLocation: field(fc.oneof(fc.constantFrom('US', 'gb', 'DE', 'UK', 'XX'), fc.string())),
        phoneNumber: field(fc.oneof(fc.constantFrom('+14255550100', '+442071838750', '+1425'), fc.string())),
        numberType: field(fc.oneof(fc.constantFrom('callingPlan', 'directRouting', 'operatorConnect'), fc.string())),
        queueId: field(fc.string()),
        keepPartial: field(fc.oneof(fc.boolean(), fc.string())),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(record, (body) => {
        const r = validateEndpointRequest(body);
        if (!r.ok) return r.errors.length > 0 && r.errors.every((e) => e.field.length > 0 && e.message.length > 0);
        const v = r.value;
        return (
          v.upnKey === v.userPrincipalName.toLowerCase() &&
          v.displayName.trim() === v.displayName &&
          v.displayName.length > 0 &&
          (v.phoneNumber === undefined) === (v.numberType === undefined) &&
          (v.phoneNumber === undefined || /^\+[1-9]\d{6,14}$/.test(v.phoneNumber)) &&
          (v.usageLocation === undefined || /^[A-Z]{2}$/.test(v.usageLocation))
        );
      }),
      { numRuns: 500 },
    );
  });
});
