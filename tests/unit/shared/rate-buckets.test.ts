/**
 * The GCRA planning behind the shared request budgets: slots never exceed the rate plus the burst in any window,
 * refusals take nothing, and waiters are served in order.
 */
import fc from 'fast-check';
import { planReservations } from '../../../shared/storage/rate-buckets';

describe('planReservations', () => {
  it('a fresh bucket grants a burst at once, then spaces slots by 1/rate', () => {
    const spec = { perSecond: 10, burst: 3 };
    const waiters = Array.from({ length: 6 }, () => ({ count: 1, maxWaitMs: Infinity, spec }));
    const { tat, outcomes } = planReservations(0, 1_000, waiters);
    expect(outcomes).toEqual([
      { granted: true, waitMs: 0 },
      { granted: true, waitMs: 0 },
      { granted: true, waitMs: 0 },
      { granted: true, waitMs: 100 },
      { granted: true, waitMs: 200 },
      { granted: true, waitMs: 300 },
    ]);
    expect(tat).toBe(1_600);
  });

  it('refuses beyond maxWaitMs without reserving, and refuses everyone behind a refusal', () => {
    const spec = { perSecond: 1, burst: 1 };
    const { tat, outcomes } = planReservations(5_000, 1_000, [
      { count: 1, maxWaitMs: 10_000, spec },
      { count: 1, maxWaitMs: 1_000, spec },
      { count: 1, maxWaitMs: 60_000, spec },
    ]);
    expect(outcomes[0]).toEqual({ granted: true, waitMs: 4_000 });
    expect(outcomes[1]).toEqual({ granted: false, retryAfterMs: 5_000 });
    expect(outcomes[2].granted).toBe(false);
    expect(tat).toBe(6_000);
  });

  it('a batch of n costs n slots', () => {
    const spec = { perSecond: 20, burst: 20 };
    const { tat, outcomes } = planReservations(0, 0, [{ count: 20, maxWaitMs: 0, spec }]);
    expect(outcomes[0]).toEqual({ granted: true, waitMs: 0 });
    expect(tat).toBe(1_000);
  });

  it('in any window of W ms, granted slots never exceed burst + W·rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 5_000 }), count: fc.integer({ min: 1, max: 5 }) }), {
          maxLength: 80,
        }),
        (perSecond, burst, requests) => {
          const spec = { perSecond, burst: Math.max(burst, 5) };
          let tat = 0;
          const starts: number[] = [];
          for (const r of [...requests].sort((a, b) => a.at - b.at)) {
            const planned = planReservations(tat, r.at, [{ count: r.count, maxWaitMs: Infinity, spec }]);
            tat = planned.tat;
            const o = planned.outcomes[0];
            if (!o.granted) throw new Error('unbounded wait refused');
            // The waiter sends its `count` requests from its start, spaced by the interval after the burst.
            for (let i = 0; i < r.count; i++) starts.push(r.at + o.waitMs);
          }
          starts.sort((a, b) => a - b);
          const window = 1_000;
          for (let i = 0; i < starts.length; i++) {
            let j = i;
            while (j < starts.length && starts[j] < starts[i] + window) j++;
            // A waiter's slots all start at once (it may burst them): allow one extra batch of count ≤ 5.
            expect(j - i).toBeLessThanOrEqual(spec.burst + perSecond + 5);
          }
        },
      ),
    );
  });
});
