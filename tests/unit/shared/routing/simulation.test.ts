/**
 * The engine alone in a discrete-event simulation reaches queueing theory: single skill + longest idle against
 * Erlang C (within 2 %), with patience against Erlang A; pooled skills beat separate call queues; relaxation helps.
 * Fixed seeds: the runs repeat exactly. Call counts are chosen so that the batch-means 95 % half-width of the ASA is
 * about 2 % — the estimate is close because the run is long enough, not by luck of the seed.
 */
import {
  poolingScenarios,
  relaxationScenarios,
  simulate,
  singleSkillScenario,
} from '../../../../bench/routing/contact-center-sim';
import { erlangA, erlangC } from '../../../../shared/routing';

// 5 agents, A = 3 Erlangs (h = 180 s), t = 20 s: P_w = 0.24 — small systems converge fastest.
const SYSTEM = { arrivalRate: 3 / 180, handleTimeS: 180, agents: 5, thresholdS: 20 };

it('single skill, longest idle: ASA and SL(20 s) within 2 % of Erlang C', () => {
  const theory = erlangC(SYSTEM);
  const sim = simulate(singleSkillScenario({ ...SYSTEM, seed: 1, calls: 800_000 }));
  expect(sim.abandoned).toBe(0);
  expect(sim.answered).toBe(sim.offered);
  expect(Math.abs(sim.asaS / theory.asaS - 1)).toBeLessThan(0.02);
  expect(Math.abs(sim.serviceLevel / theory.serviceLevel - 1)).toBeLessThan(0.02);
  expect(Math.abs(sim.probabilityOfWaiting - theory.probabilityOfWaiting)).toBeLessThan(0.01);
  // Theory lies within the run's own confidence interval.
  expect(Math.abs(sim.asaS - theory.asaS)).toBeLessThan(sim.asaHalfWidthS);
});

it('with exponential patience: near Erlang A', () => {
  const theory = erlangA({ ...SYSTEM, arrivalRate: 4 / 180, patienceS: 120 });
  const sim = simulate(
    singleSkillScenario({ ...SYSTEM, arrivalRate: 4 / 180, patienceS: 120, seed: 2, calls: 120_000 }),
  );
  expect(sim.abandoned).toBeGreaterThan(0);
  expect(Math.abs(sim.abandonment / theory.abandonment - 1)).toBeLessThan(0.05);
  expect(Math.abs(sim.meanWaitS / theory.meanWaitS - 1)).toBeLessThan(0.05);
  expect(Math.abs(sim.probabilityOfWaiting - theory.probabilityOfWaiting)).toBeLessThan(0.01);
});

it('skills-based pooling beats separate call queues at equal staffing', () => {
  const { separate, pooled } = poolingScenarios({
    seed: 3,
    arrivalRatePerSkill: 3 / 180,
    handleTimeS: 180,
    agentsPerSkill: 4,
    calls: 40_000,
    thresholdS: 20,
  });
  const apart = simulate(separate);
  const together = simulate(pooled);
  expect(together.asaS).toBeLessThan(apart.asaS / 2);
  expect(together.serviceLevel).toBeGreaterThan(apart.serviceLevel);
  // Both call types gain: a pooled call queue does not starve one type.
  for (const type of ['sales', 'support']) {
    expect(together.byCallType[type].asaS).toBeLessThan(apart.byCallType[type].asaS);
  }
});

it('repeats exactly for a seed', () => {
  const o = singleSkillScenario({ ...SYSTEM, seed: 9, calls: 5_000 });
  expect(simulate(o)).toEqual(simulate(o));
  expect(simulate({ ...o, seed: 10 }).asaS).not.toBe(simulate(o).asaS);
});

it('relaxation lets waiting calls reach less skilled agents after their wait: much shorter waits', () => {
  const { strict, relaxed } = relaxationScenarios({
    seed: 4,
    arrivalRate: 3.6 / 180,
    handleTimeS: 180,
    experts: 4,
    juniors: 4,
    relaxAfterS: 30,
    calls: 20_000,
    thresholdS: 20,
  });
  const before = simulate(strict);
  const after = simulate(relaxed);
  // Strict: only the 4 experts serve (90 % occupancy); relaxed: juniors help once a call has waited 30 s.
  expect(after.asaS).toBeLessThan(before.asaS / 5);
  expect(after.serviceLevel).toBeGreaterThan(before.serviceLevel);
});
