import fc from 'fast-check';
import { chunk, expectedRequestsPer1000, planDriftReads } from '../../../../shared/drift';

describe('chunk', () => {
  it('splits into groups of at most n, in order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 20)).toEqual([]);
    expect(chunk([1, 2], 0)).toEqual([[1], [2]]);
  });
});

describe('planDriftReads', () => {
  it('groups users into $batch requests of ≤ 20 and instances into batchGet calls of ≤ 100', () => {
    const upns = Array.from({ length: 250 }, (_, i) => `u${i}@contoso.com`);
    const p = planDriftReads(upns, { inventorySize: 2500, botApps: 2 });
    expect(p.userBatches.map((b) => b.length)).toEqual([...Array(12).fill(20), 10]);
    expect(p.instanceBatches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(p.userBatches.flat()).toEqual(upns);
    expect(p.numberPages).toBe(3);
    expect(p.consentReads).toBe(6);
    expect(p.requests).toEqual({
      graphRequests: 13 + 3 + 6,
      graphOperations: 250 + 3 + 6,
      bridgeRequests: 3 + 250,
      totalRequests: 13 + 3 + 6 + 3 + 250,
    });
  });

  it('reads each endpoint once, whatever the case of its UPN', () => {
    expect(planDriftReads(['A@contoso.com', 'a@contoso.com', ' ', 'b@contoso.com']).endpoints).toEqual([
      'a@contoso.com',
      'b@contoso.com',
    ]);
  });

  it('costs this much per 1,000 endpoints', () => {
    // 50 $batch + 1 number page + 3 consent reads; 10 batchGet + 1,000 sync reads.
    expect(expectedRequestsPer1000()).toEqual({
      graphRequests: 54,
      graphOperations: 1004,
      bridgeRequests: 1010,
      totalRequests: 1064,
    });
    expect(expectedRequestsPer1000({ readSync: false }).bridgeRequests).toBe(10);
  });

  it('never puts more than the limits in a group, and covers every endpoint once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 200 }),
        (n, g, b) => {
          const upns = Array.from({ length: n }, (_, i) => `u${i}@contoso.com`);
          const p = planDriftReads(upns, { graphBatchSize: g, bridgeBatchSize: b });
          expect(p.userBatches.every((x) => x.length >= 1 && x.length <= Math.min(g, 20))).toBe(true);
          expect(p.instanceBatches.every((x) => x.length >= 1 && x.length <= Math.min(b, 100))).toBe(true);
          expect(p.userBatches.flat()).toEqual(upns);
          expect(p.instanceBatches.flat()).toEqual(upns);
          expect(p.userBatches.length).toBe(Math.ceil(n / Math.min(g, 20)));
        },
      ),
      { numRuns: 100 },
    );
  });
});
