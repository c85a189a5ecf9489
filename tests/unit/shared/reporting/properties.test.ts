/**
 * Reporting properties (fast-check): aggregation does not depend on how records are split into batches or buckets,
 * a record applied twice counts once, and the wait sketch's percentile is within its documented error bound.
 */
import fc from 'fast-check';
import {
  MemoryBuckets,
  OVERFLOW_BIN,
  addWait,
  binLowerMs,
  binOf,
  binUpperMs,
  buildContactRecord,
  contactContribution,
  mergeContributions,
  percentileMs,
  type Contribution,
  type FinishedCall,
  type StoryEntry,
  type WaitHistogram,
} from '../../../../shared/reporting';

const MONTH0 = Date.UTC(2026, 11, 1);
const AGENTS = ['alice', 'bob', 'carol', 'dave'];
const QUEUES = ['support', 'sales', 'billing'];

/** A random finished call: arrival anywhere in a month, a random path through one or two call queues. */
const finishedCall = (callId: string) =>
  fc
    .record({
      arrival: fc.integer({ min: 0, max: 31 * 86_400 - 1 }),
      queue: fc.constantFrom(...QUEUES),
      moveTo: fc.option(fc.constantFrom(...QUEUES), { nil: undefined }),
      wait: fc.integer({ min: 0, max: 900 }),
      offers: fc.array(
        fc.record({ agent: fc.constantFrom(...AGENTS), ring: fc.integer({ min: 1, max: 40 }), missed: fc.boolean() }),
        { maxLength: 3 },
      ),
      end: fc.constantFrom('answered', 'abandoned', 'timedOut', 'callback', 'overflowedOut'),
      talk: fc.integer({ min: 1, max: 1200 }),
      hold: fc.integer({ min: 0, max: 60 }),
      wrapUp: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
      thresholdS: fc.constantFrom(10, 20, 30),
    })
    .map((p): FinishedCall => {
      const story: Omit<StoryEntry, 'seq'>[] = [];
      const at = (sec: number) => MONTH0 + (p.arrival + sec) * 1000;
      story.push({ kind: 'arrived', at: at(0), callQueueId: p.queue });
      story.push({ kind: 'enqueued', at: at(0), callQueueId: p.queue });
      let t = 0;
      let queue = p.queue;
      if (p.moveTo && p.moveTo !== p.queue) {
        t = Math.floor(p.wait / 2);
        story.push({ kind: 'overflowed', at: at(t), callQueueId: queue, detail: `callQueue ${p.moveTo}` });
        queue = p.moveTo;
      }
      p.offers.forEach((o, i) => {
        const id = `${callId}-${i}`;
        story.push({ kind: 'offered', at: at(t), agentId: o.agent, offerId: id, callQueueId: queue });
        t += o.ring;
        if (o.missed || i < p.offers.length - 1 || p.end !== 'answered')
          story.push({ kind: 'offerMissed', at: at(t), agentId: o.agent, offerId: id });
        else story.push({ kind: 'connected', at: at(t), agentId: o.agent, offerId: id });
      });
      t = Math.max(t, p.wait);
      const connected = story.some((e) => e.kind === 'connected');
      if (connected) {
        const agentId = story.find((e) => e.kind === 'connected')?.agentId;
        story.push({ kind: 'held', at: at(t + 5), agentId });
        story.push({ kind: 'resumed', at: at(t + 5 + p.hold), agentId });
        story.push({ kind: 'ended', at: at(t + 5 + p.hold + p.talk) });
        if (p.wrapUp !== undefined)
          story.push({ kind: 'wrapUpEnded', at: at(t + 5 + p.hold + p.talk + p.wrapUp), agentId });
      } else if (p.end === 'timedOut') {
        story.push({ kind: 'timedOut', at: at(t + 1), callQueueId: queue, detail: 'disconnect' });
        story.push({ kind: 'ended', at: at(t + 2) });
      } else if (p.end === 'callback') {
        story.push({ kind: 'callbackRequested', at: at(t + 1), callQueueId: queue });
        story.push({ kind: 'ended', at: at(t + 2) });
        story.push({ kind: 'callbackCompleted', at: at(t + 3600), agentId: 'carol' });
      } else {
        story.push({ kind: 'ended', at: at(t + 1) });
      }
      return {
        callId,
        tenantId: 't',
        serviceLevelThresholdS: Object.fromEntries(QUEUES.map((q) => [q, p.thresholdS])),
        story: story.map((e, i) => ({ ...e, seq: i + 1 })),
      };
    });

const calls = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => finishedCall(`c${i}`))));

function aggregate(cs: readonly FinishedCall[]): Contribution {
  const out: Contribution = new Map();
  for (const c of cs) mergeContributions(out, contactContribution(buildContactRecord(c)));
  return out;
}

describe('aggregation properties', () => {
  it('any split of the records into batches, merged, equals aggregating them all at once', () => {
    fc.assert(
      fc.property(calls, fc.array(fc.nat()), (cs, cuts) => {
        const all = aggregate(cs);
        // Split at arbitrary points, in an arbitrary order of batches.
        const points = [...new Set(cuts.map((c) => c % (cs.length + 1)))].sort((a, b) => a - b);
        const batches: FinishedCall[][] = [];
        let prev = 0;
        for (const p of [...points, cs.length]) {
          batches.push(cs.slice(prev, p));
          prev = p;
        }
        const merged: Contribution = new Map();
        for (const b of batches.reverse()) mergeContributions(merged, aggregate(b));
        expect(merged).toEqual(all);
      }),
      { numRuns: 100 },
    );
  });

  it('15-minute buckets merged into a day equal the day bucket', async () => {
    await fc.assert(
      fc.asyncProperty(calls, async (cs) => {
        const m = new MemoryBuckets();
        for (const c of cs) m.addContact(buildContactRecord(c));
        for (const cq of await m.listDimensions('t', 'cq')) {
          const d = { kind: 'cq' as const, callQueueId: cq };
          const days = await m.readBuckets('t', d, 'd1', MONTH0, MONTH0 + 40 * 86_400_000);
          for (const day of days) {
            const quarters = await m.readBuckets('t', d, 'm15', day.start, day.start + 86_400_000);
            const sum = new Map([
              ['x', { dimension: d, grain: 'd1' as const, start: 0, metrics: quarters[0].metrics }],
            ]);
            for (const q of quarters.slice(1))
              mergeContributions(
                sum,
                new Map([['x', { dimension: d, grain: 'd1' as const, start: 0, metrics: q.metrics }]]),
              );
            expect(sum.get('x')?.metrics).toEqual(day.metrics);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('applying a record twice counts once, in any order of delivery', () => {
    fc.assert(
      fc.property(calls, fc.array(fc.nat()), (cs, extra) => {
        const once = new MemoryBuckets();
        for (const c of cs) once.addContact(buildContactRecord(c));
        const twice = new MemoryBuckets();
        const deliveries = [...cs, ...extra.map((i) => cs[i % cs.length])].reverse();
        for (const c of deliveries) twice.addContact(buildContactRecord(c));
        expect(twice.cells).toEqual(once.cells);
      }),
      { numRuns: 100 },
    );
  });
});

describe('wait histogram', () => {
  it('hand example: nearest-rank percentiles reported as the bin’s upper edge, capped by the longest wait', () => {
    const h: WaitHistogram = {};
    // seconds: 0.5 1.2 3 7.3 44.2 44.9 61 130 700 4000 — bins (0,1] (1,2] (2,3] (7,8] (44,45]×2 (60,61] (125,130]
    // (690,720] and over 1 h
    for (const ms of [500, 1200, 3000, 7300, 44200, 44900, 61000, 130000, 700000, 4000000]) addWait(h, ms);
    expect(percentileMs(h, 0.5, 4000000)).toBe(45000); // rank 5 → 44.2 s → bin edge 45 s (error 0.8 s ≤ 1 s)
    expect(percentileMs(h, 0.9, 4000000)).toBe(720000); // rank 9 → 700 s → edge 720 s (error 20 s ≤ 30 s)
    expect(percentileMs(h, 1, 4000000)).toBe(4000000); // over 1 h: the longest wait
    expect(percentileMs({}, 0.9, 0)).toBeUndefined();
  });

  it('the sketch’s p90 is never below the exact p90 and at most one bin width above it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3_600_000 }), { minLength: 1, maxLength: 300 }), (waits) => {
        const h: WaitHistogram = {};
        for (const w of waits) addWait(h, w);
        const sorted = [...waits].sort((a, b) => a - b);
        const exact = sorted[Math.ceil(0.9 * sorted.length) - 1];
        const got = percentileMs(h, 0.9, sorted[sorted.length - 1])!;
        const b = binOf(exact);
        expect(b).toBeLessThan(OVERFLOW_BIN);
        expect(got).toBeGreaterThanOrEqual(exact);
        expect(got - exact).toBeLessThanOrEqual(binUpperMs(b) - binLowerMs(b));
        expect(binUpperMs(b) - binLowerMs(b)).toBeLessThanOrEqual(
          exact <= 120_000 ? 1000 : exact <= 600_000 ? 5000 : 30_000,
        );
      }),
    );
  });
});
