import fc from 'fast-check';
import { RESOURCE_ACCOUNT_SKU } from '../../../../shared/domain';
import {
  applyScan,
  applyUpdate,
  compareEndpoint,
  DesiredEndpoint,
  ENDPOINT_DRIFT_KINDS,
  findingKey,
  KINDS_BY_FACT,
  Observed,
  ObservedEndpoint,
  scanTenant,
  StoredFinding,
} from '../../../../shared/drift';

const BOT = '11111111-2222-3333-4444-555555555555';
const OTHER = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

function fact<T>(value: fc.Arbitrary<T>): fc.Arbitrary<Observed<T> | undefined> {
  return fc.oneof(
    value.map((v) => ({ kind: 'value' as const, value: v })),
    fc.constant({ kind: 'absent' as const }),
    fc.constantFrom('throttled', 'serverError', 'timeout').map((code) => ({
      kind: 'unknown' as const,
      reason: { code: code as 'throttled' | 'serverError' | 'timeout', message: code },
    })),
    fc.constant(undefined),
  );
}

const desiredArb: fc.Arbitrary<DesiredEndpoint> = fc.record({
  upn: fc.constantFrom('a@contoso.com', 'B@contoso.com', 'c@contoso.com'),
  displayName: fc.constant('X'),
  applicationId: fc.constantFrom(BOT, BOT.toUpperCase()),
  usageLocation: fc.constantFrom('US', 'gb'),
  phoneNumber: fc.constantFrom(undefined, null, '+14255550100', '+14255550101'),
  numberType: fc.constantFrom(undefined, 'directRouting' as const, 'callingPlan' as const),
  licenseRule: fc.constantFrom('allResourceAccounts' as const, 'numberedOnly' as const),
});

const observedArb: fc.Arbitrary<ObservedEndpoint> = fc.record(
  {
    instance: fact(fc.record({ objectId: fc.constant('o'), applicationId: fc.constantFrom(BOT, OTHER, '', null) })),
    sync: fact(fc.record({ synced: fc.boolean(), applicationId: fc.constantFrom(BOT, OTHER, null, undefined) })),
    usageLocation: fact(fc.constantFrom('US', 'GB', 'us', '')),
    licenses: fact(fc.subarray([RESOURCE_ACCOUNT_SKU.skuId, 'other', { skuId: 'x', disabledPlans: [] }])),
    number: fact(
      fc.record({
        telephoneNumber: fc.constantFrom('+14255550100', '+1 425 555 0101', '+14255550199', ''),
        numberType: fc.constantFrom('directRouting', 'callingPlan', null),
      }),
    ),
  },
  { requiredKeys: [] },
);

describe('drift properties', () => {
  it('an unknown (or unread) fact never yields a finding of the kinds it decides', () => {
    fc.assert(
      fc.property(desiredArb, observedArb, (desired, facts) => {
        const s = compareEndpoint(desired, facts);
        for (const [name, kinds] of Object.entries(KINDS_BY_FACT) as [keyof ObservedEndpoint, readonly string[]][]) {
          const f = facts[name];
          if (f === undefined || f.kind === 'unknown') {
            expect(s.findings.filter((x) => kinds.includes(x.kind))).toEqual([]);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('every endpoint kind is exactly one of evaluated or unknown; findings are evaluated', () => {
    fc.assert(
      fc.property(desiredArb, observedArb, (desired, facts) => {
        const s = compareEndpoint(desired, facts);
        const subject = desired.upn.toLowerCase();
        const unknown = s.unknown.map((u) => findingKey(u.subject, u.kind));
        for (const kind of ENDPOINT_DRIFT_KINDS) {
          const key = findingKey(subject, kind);
          expect(Number(s.evaluated.includes(key)) + Number(unknown.includes(key))).toBe(1);
        }
        for (const f of s.findings) expect(s.evaluated).toContain(findingKey(f.subject, f.kind));
        expect(new Set(s.evaluated).size).toBe(s.evaluated.length);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on facts of the wrong shape (as they may come back from storage)', () => {
    const junk = fc.anything({ maxDepth: 2 });
    const junkFact = fc.oneof(
      junk,
      junk.map((value) => ({ kind: 'value', value })),
      fc.constant({ kind: 'unknown' }),
    );
    fc.assert(
      fc.property(
        desiredArb,
        fc.dictionary(fc.constantFrom(...Object.keys(KINDS_BY_FACT)), junkFact),
        (desired, facts) => {
          const s = compareEndpoint(desired, facts as ObservedEndpoint);
          expect(s.evaluated.length + s.unknown.length).toBe(ENDPOINT_DRIFT_KINDS.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lifecycle: the same scan applied twice changes only lastSeen, and unknown keys are never touched', () => {
    const endpoints = fc.array(fc.record({ desired: desiredArb, observed: observedArb }), { maxLength: 4 });
    fc.assert(
      fc.property(endpoints, endpoints, (firstRun, secondRun) => {
        // A history: an earlier scan, then the scan under test applied twice.
        const earlier = applyUpdate([], applyScan([], scanTenant({ endpoints: firstRun }), '2025-01-01T00:00:00.000Z'));
        const s = scanTenant({ endpoints: secondRun });
        const u1 = applyScan(earlier, s, '2025-01-02T00:00:00.000Z');
        const once = applyUpdate(earlier, u1);
        const u2 = applyScan(once, s, '2025-01-03T00:00:00.000Z');
        const twice = applyUpdate(once, u2);
        const strip = (rows: StoredFinding[]) =>
          rows
            .map(({ lastSeen: _l, ...rest }) => rest)
            .sort((a, b) => findingKey(a.subject, a.kind).localeCompare(findingKey(b.subject, b.kind)));
        expect(strip(twice)).toEqual(strip(once));
        expect(u2.opened).toEqual([]);
        expect(u2.resolved).toEqual([]);

        const unknownKeys = new Set(s.unknown.map((x) => findingKey(x.subject, x.kind)));
        // (With repeated UPNs a key can be unknown for one endpoint and evaluated for another: unknown wins.)
        for (const row of [...u1.upserts, ...u2.upserts]) {
          const key = findingKey(row.subject, row.kind);
          expect(unknownKeys.has(key)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
