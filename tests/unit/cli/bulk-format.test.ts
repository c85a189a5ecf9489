/** The CLI's bulk progress line, summary, rows-to-fix table and exit code. */
import {
  exitCodeFor,
  formatDuration,
  problemRowsTable,
  progressLine,
  type BatchStatus,
} from '../../../cli/bulk-format';

const status = (over: Partial<BatchStatus> = {}): BatchStatus => ({
  batchId: 'b',
  total: 200,
  accepted: 190,
  pending: 100,
  running: 10,
  succeeded: 78,
  failed: 2,
  cancelled: 0,
  rejected: 10,
  state: 'Running',
  createdAt: '2026-11-24T10:00:00.000Z',
  createdBy: 'admin',
  startedAt: '2026-11-24T10:00:01.000Z',
  endedAt: null,
  ratePerMinute: 31.5,
  etaMs: 228_000,
  etaAt: '2026-11-24T10:06:00.000Z',
  percentComplete: 42.1,
  ...over,
});

describe('bulk CLI formatting', () => {
  it('draws done/failed/total, rate and ETA', () => {
    expect(progressLine(status(), 10)).toBe(
      '[####------]  42% · 80/190 done (78 ok, 2 failed) · 31.5/min · ETA 3 min 48 s',
    );
    expect(progressLine(status({ pending: 0, running: 0, succeeded: 188, percentComplete: 100 }), 10)).toContain(
      '[##########] 100% · 190/190 done (188 ok, 2 failed) · 31.5/min · finished',
    );
    expect(progressLine(status({ ratePerMinute: null, etaMs: null }))).toContain('rate unknown · ETA unknown');
  });

  it('formats durations for people', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(3_900_000)).toBe('1 h 05 min');
    expect(formatDuration(null)).toBe('unknown');
  });

  it('lists only the rows to fix, and exits 1 when any row failed, was rejected or cancelled', () => {
    const table = problemRowsTable([
      { row: 1, status: 'Succeeded' },
      { row: 2, line: 3, userPrincipalName: 'a@contoso.com', status: 'Failed', error: 'no licence' },
      { row: 3, status: 'Rejected', error: 'userPrincipalName is not valid' },
    ])!;
    expect(table.split('\n')).toHaveLength(4);
    expect(table).toContain('no licence');
    expect(problemRowsTable([{ row: 1, status: 'Succeeded' }])).toBeUndefined();
    expect(exitCodeFor({ failed: 0, rejected: 0, cancelled: 0 })).toBe(0);
    expect(exitCodeFor({ failed: 0, rejected: 1, cancelled: 0 })).toBe(1);
    expect(exitCodeFor({ failed: 1, rejected: 0, cancelled: 0 })).toBe(1);
    expect(exitCodeFor({ failed: 0, rejected: 0, cancelled: 3 })).toBe(1);
  });
});
