import { batchProgress, BulkRowProgress } from '../../../../shared/bulk';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const done = (start: number, end: number, status: 'Succeeded' | 'Failed' = 'Succeeded'): BulkRowProgress => ({
  status,
  startedAt: at(start),
  endedAt: at(end),
});

describe('batchProgress', () => {
  it('counts rows by state', () => {
    const p = batchProgress(
      [
        { status: 'Pending' },
        { status: 'Pending' },
        { status: 'Running', startedAt: at(0) },
        done(0, 10),
        done(0, 20, 'Failed'),
        { status: 'Cancelled', endedAt: at(25) },
      ],
      at(30),
    );
    expect(p).toMatchObject({
      total: 6,
      pending: 2,
      running: 1,
      succeeded: 1,
      failed: 1,
      cancelled: 1,
      completed: 3,
      remaining: 3,
      percentComplete: 50,
      done: false,
      startedAt: at(0),
      endedAt: null,
      elapsedMs: 30_000,
    });
  });

  it('measures the rate over the time since the first start while younger than the window', () => {
    // 6 rows finished in the first 60 s → 6 rows/min; 12 left → 2 min.
    const rows = [
      ...Array.from({ length: 6 }, (_, i) => done(0, 10 * (i + 1))),
      ...Array.from({ length: 12 }, () => ({ status: 'Pending' as const })),
    ];
    const p = batchProgress(rows, at(60));
    expect(p.rateWindowMs).toBe(60_000);
    expect(p.finishedInWindow).toBe(6);
    expect(p.ratePerMinute).toBe(6);
    expect(p.etaMs).toBe(120_000);
    expect(p.etaAt).toBe(at(180));
  });

  it('uses a sliding window once the batch is older than it (rows finished earlier do not count)', () => {
    // 100 rows finished in the first minute, then 5 in the last 5 minutes (t = 600..900 s): 1 row/min now.
    const rows: BulkRowProgress[] = [
      ...Array.from({ length: 100 }, () => done(0, 30)),
      ...[650, 700, 750, 800, 850].map((e) => done(e - 10, e)),
      ...Array.from({ length: 10 }, () => ({ status: 'Pending' as const })),
    ];
    const p = batchProgress(rows, at(900), { windowMs: 5 * 60_000 });
    expect(p.rateWindowMs).toBe(300_000);
    expect(p.finishedInWindow).toBe(5);
    expect(p.ratePerMinute).toBe(1);
    expect(p.etaMs).toBe(10 * 60_000);
  });

  it('has no ETA before anything finished, or when the batch stalled for a whole window', () => {
    expect(batchProgress([{ status: 'Pending' }, { status: 'Running', startedAt: at(0) }], at(5))).toMatchObject({
      ratePerMinute: null,
      etaMs: null,
      etaAt: null,
    });
    const stalled = batchProgress([done(0, 10), { status: 'Pending' }], at(3600));
    expect(stalled.ratePerMinute).toBeNull();
    expect(stalled.etaMs).toBeNull();
  });

  it('does not count cancelled rows as work done', () => {
    const p = batchProgress([{ status: 'Cancelled', startedAt: at(0), endedAt: at(5) }, { status: 'Pending' }], at(10));
    expect(p.finishedInWindow).toBe(0);
    expect(p.etaMs).toBeNull();
  });

  it('reports a finished batch with its overall average rate and ETA 0', () => {
    const p = batchProgress([done(0, 60), done(0, 90, 'Failed'), done(30, 120)], at(4000));
    expect(p).toMatchObject({
      done: true,
      endedAt: at(120),
      elapsedMs: 120_000,
      ratePerMinute: 1.5,
      etaMs: 0,
      percentComplete: 100,
    });
  });

  it('treats an empty batch as done and ignores unparseable timestamps and unknown states', () => {
    expect(batchProgress([], at(0))).toMatchObject({ total: 0, done: true, percentComplete: 100, etaMs: 0 });
    const p = batchProgress(
      [{ status: 'Succeeded', startedAt: 'yesterday', endedAt: 'nope' }, { status: 'Weird' as never }],
      at(0),
    );
    expect(p).toMatchObject({ total: 2, succeeded: 1, pending: 1, startedAt: null, ratePerMinute: null });
  });

  it('accepts epoch ms and Date instants', () => {
    const p = batchProgress(
      [{ status: 'Succeeded', startedAt: T0, endedAt: new Date(T0 + 30_000) }, { status: 'Pending' }],
      T0 + 60_000,
    );
    expect(p.ratePerMinute).toBe(1);
    expect(p.etaMs).toBe(60_000);
  });
});
