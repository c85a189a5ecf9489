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
  it('groups users into $batch requests of ≤ 20 × 15 and instances and APS mappings into batch calls of ≤ 100', () => {
    const upns = Array.from({ length: 650 }, (_, i) => `u${i}@contoso.com`);
    const p = planDriftReads(upns, { inventorySize: 2500, botApps: 2 });
    expect(p.userBatches.map((b) => b.length)).toEqual([300, 300, 50]);
    expect(p.userReads).toBe(20 + 20 + 4);
    expect(p.instanceBatches.map((b) => b.length)).toEqual([100, 100, 100, 100, 100, 100, 50]);
    expect(p.syncBatches).toEqual(p.instanceBatches);
    expect(p.userBatches.flat()).toEqual(upns);
    expect(p.numberPages).toBe(3);
    expect(p.consentReads).toBe(6);
    expect(p.requests).toEqual({
      graphRequests: 3 + 3 + 6,
      graphOperations: 44 + 3 + 6,
      bridgeRequests: 7 + 7,
      totalRequests: 3 + 3 + 6 + 7 + 7,
    });
  });

  it('falls back to one user per sub-request when asked', () => {
    const upns = Array.from({ length: 45 }, (_, i) => `u${i}@contoso.com`);
    const p = planDriftReads(upns, { userFilterSize: 1 });
    expect(p.userBatches.map((b) => b.length)).toEqual([20, 20, 5]);
    expect(p.userReads).toBe(45);
  });

  it('reads each endpoint once, whatever the case of its UPN', () => {
    expect(planDriftReads(['A@contoso.com', 'a@contoso.com', ' ', 'b@contoso.com']).endpoints).toEqual([
      'a@contoso.com',
      'b@contoso.com',
    ]);
  });

  it('costs this much per 1,000 endpoints', () => {
    // 4 $batch (67 sub-requests of ≤ 15 ids) + 1 number page + 3 consent reads; 10 batchGet + 10 sync:batchGet.
    expect(expectedRequestsPer1000()).toEqual({
      graphRequests: 8,
      graphOperations: 71,
      bridgeRequests: 20,
      totalRequests: 28,
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
          expect(p.userBatches.every((x) => x.length >= 1 && x.length <= Math.min(g, 20) * 15)).toBe(true);
          expect(p.userReads).toBe(p.userBatches.reduce((s, x) => s + Math.ceil(x.length / 15), 0));
          expect(p.instanceBatches.every((x) => x.length >= 1 && x.length <= Math.min(b, 100))).toBe(true);
          expect(p.userBatches.flat()).toEqual(upns);
          expect(p.instanceBatches.flat()).toEqual(upns);
          expect(p.userBatches.length).toBe(Math.ceil(n / (Math.min(g, 20) * 15)));
          expect(p.syncBatches).toEqual(p.instanceBatches);
        },
      ),
      { numRuns: 100 },
    );
  });
});
