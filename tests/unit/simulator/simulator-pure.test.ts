// Pure parts of the simulator: OData filter/paging, the load schedule, the resource-account pool rule, the guard.
import { Guard, IN_FLIGHT_GRACE_MS } from '../../../simulator/guard';
import { compileFilter, ODataError, page } from '../../../simulator/graph/odata';
import { schedule } from '../../../simulator/load';
import { skuEnabledUnits, SKU } from '../../../simulator/model';
import { buildTenant, defaultSeedTenant } from '../../../simulator/seed';
import { defaultFaults, mergeFaults } from '../../../simulator/settings';
import { mulberry32 } from '../../../simulator/util';

describe('OData $filter', () => {
  const rows = [
    { userPrincipalName: 'Agent01@contoso.com', accountEnabled: true, id: '1' },
    { userPrincipalName: 'agent02@contoso.com', accountEnabled: false, id: '2' },
    { userPrincipalName: "o'brien@contoso.com", accountEnabled: true, id: '3' },
  ];
  const run = (f: string): string[] =>
    rows.filter(compileFilter(f, ['userPrincipalName', 'accountEnabled', 'id'])).map((r) => r.id);

  test('eq is case-insensitive on strings, exact on booleans; quotes are doubled', () => {
    expect(run("userPrincipalName eq 'agent01@contoso.com'")).toEqual(['1']);
    expect(run('accountEnabled eq false')).toEqual(['2']);
    expect(run("userPrincipalName eq 'o''brien@contoso.com'")).toEqual(['3']);
  });
  test('startswith, and, or, in', () => {
    expect(run("startswith(userPrincipalName,'agent') and accountEnabled eq true")).toEqual(['1']);
    expect(run("id eq '1' or id eq '3'")).toEqual(['1', '3']);
    expect(run("id in ('2','3')")).toEqual(['2', '3']);
  });
  test('unknown properties and bad syntax are errors', () => {
    expect(() => run("mail eq 'x'")).toThrow(ODataError);
    expect(() => run('id gt 3')).toThrow(ODataError);
  });
});

describe('paging', () => {
  const all = Array.from({ length: 7 }, (_, i) => i);
  test('$top/$skip produce a nextLink that keeps the filter and ends on the last page', () => {
    const q = new URLSearchParams({ $filter: "numberType eq 'callingPlan'", $top: '3' });
    const p1 = page(all, q, 'https://h/v1.0/x', 500, 1000, 'skip');
    expect(p1.items).toEqual([0, 1, 2]);
    expect(p1.nextLink).toBe("https://h/v1.0/x?$filter=numberType%20eq%20'callingPlan'&$top=3&$skip=3");
    const p3 = page(all, new URLSearchParams({ $top: '3', $skip: '6' }), 'https://h/v1.0/x', 500, 1000, 'skip');
    expect(p3.items).toEqual([6]);
    expect(p3.nextLink).toBeUndefined();
  });
  test('$top above the maximum is refused', () => {
    expect(() => page(all, new URLSearchParams({ $top: '1001' }), 'u', 500, 1000, 'skip')).toThrow(
      /between 1 and 1000/,
    );
  });
});

describe('load schedule', () => {
  const req = { arrivalsPerMinute: 120, durationS: 60, patienceMeanS: 30, handleTimeMeanS: 120, seed: 42 };
  test('is reproducible from the seed and differs for another seed', () => {
    expect(schedule(req)).toEqual(schedule(req));
    expect(schedule({ ...req, seed: 43 })).not.toEqual(schedule(req));
  });
  test('arrivals fall inside the window, in order, with a Poisson-like count', () => {
    const a = schedule({ ...req, durationS: 600 });
    expect(a.every((x, i) => x.atMs < 600000 && (i === 0 || x.atMs >= a[i - 1].atMs))).toBe(true);
    // mean 1200 arrivals; 5 standard deviations ≈ 173
    expect(Math.abs(a.length - 1200)).toBeLessThan(173);
  });
  test('mulberry32 is deterministic', () => {
    const r1 = mulberry32(1);
    const r2 = mulberry32(1);
    expect([r1(), r1(), r1()]).toEqual([r2(), r2(), r2()]);
  });
});

describe('resource-account pool', () => {
  test('25 + 1 per 10 Teams Phone licences; 0 when not acquired', () => {
    const tenant = buildTenant(defaultSeedTenant(), { apiAudience: 'api://switchboard', now: 0 });
    const pool = tenant.skus.find((s) => s.skuId === SKU.resourceAccount.skuId)!;
    expect(skuEnabledUnits(tenant, pool)).toBe(30);
    tenant.skus.find((s) => s.skuPartNumber === 'MCOEV')!.prepaidEnabled = 600;
    expect(skuEnabledUnits(tenant, pool)).toBe(85);
    pool.acquired = false;
    expect(skuEnabledUnits(tenant, pool)).toBe(0);
  });
});

describe('guard', () => {
  test('token bucket throttles, remembers Retry-After per client and counts early returns as violations', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const faults = { ...defaultFaults(), requestsPerSecond: 1, retryAfterSeconds: 5 };
      const g = new Guard(() => faults);
      const told = {};
      const other = {};
      expect(g.check('graph|t|a', told).kind).toBe('ok');
      const second = g.check('graph|t|a', told);
      expect(second).toMatchObject({ kind: 'throttled', retryAfter: 5, violation: false });
      // On the connection that was answered with the throttle: the client knew, so it is a violation at once.
      expect(g.check('graph|t|a', told)).toMatchObject({ kind: 'throttled', violation: true });
      // On another connection right away it may have been in flight: throttled, but not (yet) a violation …
      expect(g.check('graph|t|a', other)).toMatchObject({ kind: 'throttled', violation: false });
      // … and that connection has now been told too.
      expect(g.check('graph|t|a', other)).toMatchObject({ kind: 'throttled', violation: true });
      // Past the in-flight grace, any connection (or none) should have known.
      jest.advanceTimersByTime(IN_FLIGHT_GRACE_MS + 1);
      expect(g.check('graph|t|a', {})).toMatchObject({ kind: 'throttled', violation: true });
      // another app is not affected
      expect(g.check('graph|t|b').kind).toBe('ok');
      expect(g.stats).toMatchObject({ requests: 7, throttled: 5, retryAfterViolations: 3 });
      // once Retry-After has passed, requests are fine again
      jest.advanceTimersByTime(5000);
      expect(g.check('graph|t|a', told).kind).toBe('ok');
    } finally {
      jest.useRealTimers();
    }
  });
  test('settings validation', () => {
    expect(mergeFaults(defaultFaults(), { replicationDelayMs: 10 }).replicationDelayMs).toBe(10);
    expect(() => mergeFaults(defaultFaults(), { nope: 1 })).toThrow(/unknown setting/);
    expect(() => mergeFaults(defaultFaults(), { errorProbability: 1.5 })).toThrow();
    expect(() => mergeFaults(defaultFaults(), { webhookUrl: 'ftp://x' })).toThrow();
  });
});
