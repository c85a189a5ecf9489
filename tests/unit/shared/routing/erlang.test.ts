import { erlangA, erlangB, erlangC } from '../../../../shared/routing';

describe('Erlang C (reference test vector: λ = 0.2/s, h = 240 s, N = 55, t = 15 s)', () => {
  const r = erlangC({ arrivalRate: 0.2, handleTimeS: 240, agents: 55, thresholdS: 15 });
  it('P_w = 0.2387, ASA = 8.18 s, SL = 84.6 %', () => {
    expect(r.offeredLoad).toBeCloseTo(48, 10);
    expect(r.probabilityOfWaiting).toBeCloseTo(0.2387, 4);
    expect(r.asaS).toBeCloseTo(8.18, 2);
    expect(r.serviceLevel * 100).toBeCloseTo(84.6, 1);
    expect(r.occupancy).toBeCloseTo(48 / 55, 10);
  });

  it('equals the closed form with factorials where that does not overflow', () => {
    const a = 8;
    const n = 10;
    let sum = 0;
    let term = 1;
    for (let k = 0; k < n; k++) {
      sum += term;
      term *= a / (k + 1);
    }
    const top = term * (n / (n - a));
    expect(
      erlangC({ arrivalRate: a / 100, handleTimeS: 100, agents: n, thresholdS: 0 }).probabilityOfWaiting,
    ).toBeCloseTo(top / (sum + top), 12);
  });

  it('refuses a load the agents cannot carry', () => {
    expect(() => erlangC({ arrivalRate: 1, handleTimeS: 10, agents: 10, thresholdS: 20 })).toThrow(RangeError);
  });

  it('Erlang B stays finite for large systems', () => {
    const b = erlangB(2000, 1900);
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThan(1);
  });
});

describe('Erlang A (reference test vector: same system, mean patience 120 s)', () => {
  const r = erlangA({ arrivalRate: 0.2, handleTimeS: 240, agents: 55, patienceS: 120 });
  it('P(W>0) = 0.150, P(abandon) = 1.70 %, E[W] = 2.04 s', () => {
    expect(r.probabilityOfWaiting).toBeCloseTo(0.15, 3);
    expect(r.abandonment * 100).toBeCloseTo(1.7, 2);
    expect(r.meanWaitS).toBeCloseTo(2.04, 2);
  });

  it('tends to Erlang C as patience grows', () => {
    const c = erlangC({ arrivalRate: 0.2, handleTimeS: 240, agents: 55, thresholdS: 0 });
    const a = erlangA({ arrivalRate: 0.2, handleTimeS: 240, agents: 55, patienceS: 1e7 });
    expect(a.probabilityOfWaiting).toBeCloseTo(c.probabilityOfWaiting, 3);
    expect(a.meanWaitS).toBeCloseTo(c.asaS, 1);
  });

  it('holds above full load (abandonment keeps it stable)', () => {
    const a = erlangA({ arrivalRate: 0.3, handleTimeS: 240, agents: 55, patienceS: 120 });
    expect(a.abandonment).toBeGreaterThan(0.05);
    expect(a.abandonment).toBeLessThan(1);
  });
});
