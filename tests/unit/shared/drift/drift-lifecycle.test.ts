import { applyScan, applyUpdate, DriftFinding, DriftScan, StoredFinding } from '../../../../shared/drift';

const T1 = '2025-03-01T10:00:00.000Z';
const T2 = '2025-03-01T11:00:00.000Z';
const T3 = '2025-03-01T12:00:00.000Z';

const finding = (subject: string, kind: DriftFinding['kind'], actual: string | null = 'x'): DriftFinding => ({
  subject,
  kind,
  expected: 'e',
  actual,
  message: `${kind} on ${subject}`,
});
const stored = (f: DriftFinding, firstSeen = T1, lastSeen = T1, resolvedAt: string | null = null): StoredFinding => ({
  ...f,
  firstSeen,
  lastSeen,
  resolvedAt,
});
const scan = (findings: DriftFinding[], evaluated: string[] = [], unknown: DriftScan['unknown'] = []): DriftScan => ({
  findings,
  evaluated: [...evaluated, ...findings.map((f) => `${f.subject}|${f.kind}`)],
  unknown,
});

describe('applyScan', () => {
  it('opens new findings with firstSeen = lastSeen = now', () => {
    const u = applyScan([], scan([finding('a', 'licenseMissing')]), T1);
    expect(u.upserts).toEqual([stored(finding('a', 'licenseMissing'), T1, T1, null)]);
    expect(u.opened).toEqual(['a|licenseMissing']);
  });

  it('refreshes lastSeen (and the latest actual) of a finding still present, keeping firstSeen', () => {
    const prev = [stored(finding('a', 'numberChanged', '+1'))];
    const u = applyScan(prev, scan([finding('a', 'numberChanged', '+2')]), T2);
    expect(u.upserts).toEqual([
      { ...finding('a', 'numberChanged', '+2'), firstSeen: T1, lastSeen: T2, resolvedAt: null },
    ]);
    expect(u.refreshed).toEqual(['a|numberChanged']);
  });

  it('resolves a finding whose fact was observed clean', () => {
    const prev = [stored(finding('a', 'licenseMissing'))];
    const u = applyScan(prev, scan([], ['a|licenseMissing']), T2);
    expect(u.upserts).toEqual([{ ...prev[0], resolvedAt: T2 }]);
    expect(u.resolved).toEqual(['a|licenseMissing']);
  });

  it('leaves a finding untouched when its fact is unknown this time, or was not part of the scan', () => {
    const prev = [stored(finding('a', 'licenseMissing')), stored(finding('b', 'notSynced'))];
    const u = applyScan(
      prev,
      scan([], [], [{ subject: 'a', kind: 'licenseMissing', reason: { code: 'throttled', message: '429' } }]),
      T2,
    );
    expect(u.upserts).toEqual([]);
    expect(u.keptUnknown.sort()).toEqual(['a|licenseMissing', 'b|notSynced']);
  });

  it('never lets a finding through for a key the scan lists as unknown', () => {
    const bad: DriftScan = {
      findings: [finding('a', 'licenseMissing')],
      evaluated: ['a|licenseMissing'],
      unknown: [{ subject: 'a', kind: 'licenseMissing', reason: { code: 'timeout', message: 't' } }],
    };
    expect(applyScan([], bad, T1).upserts).toEqual([]);
  });

  it('reopens a resolved finding as a new incident', () => {
    const prev = [stored(finding('a', 'licenseMissing'), T1, T1, T2)];
    const u = applyScan(prev, scan([finding('a', 'licenseMissing')]), T3);
    expect(u.upserts).toEqual([stored(finding('a', 'licenseMissing'), T3, T3, null)]);
    expect(u.opened).toEqual(['a|licenseMissing']);
  });

  it('does not touch resolved findings that stay resolved', () => {
    const prev = [stored(finding('a', 'licenseMissing'), T1, T1, T2)];
    expect(applyScan(prev, scan([], ['a|licenseMissing']), T3).upserts).toEqual([]);
  });

  it('resolves the open findings of retired subjects', () => {
    const prev = [stored(finding('gone', 'numberMissing'))];
    const u = applyScan(prev, scan([]), T2, { retiredSubjects: ['gone'] });
    expect(u.upserts).toEqual([{ ...prev[0], resolvedAt: T2 }]);
  });

  it('applied twice with the same scan, changes only lastSeen', () => {
    const prev = [
      stored(finding('a', 'licenseMissing')),
      stored(finding('b', 'notSynced')),
      stored(finding('c', 'numberMissing')),
    ];
    const s = scan(
      [finding('a', 'licenseMissing'), finding('d', 'usageLocationChanged')],
      ['b|notSynced'],
      [{ subject: 'c', kind: 'numberMissing', reason: { code: 'serverError', message: '500' } }],
    );
    const once = applyUpdate(prev, applyScan(prev, s, T2));
    const second = applyScan(once, s, T3);
    const twice = applyUpdate(once, second);
    const strip = (rows: StoredFinding[]) =>
      rows
        .map(({ lastSeen: _lastSeen, ...rest }) => rest)
        .sort((x, y) => (x.subject + x.kind).localeCompare(y.subject + y.kind));
    expect(strip(twice)).toEqual(strip(once));
    expect(second.opened).toEqual([]);
    expect(second.resolved).toEqual([]);
  });
});
