/**
 * Routing quality against theory, engine alone (bench/routing/contact-center-sim.ts): the reference test vectors of
 * Erlang C and Erlang A, then simulated single-skill longest-idle routing against Erlang C (ASA, SL(20 s)) and, with
 * exponential patience, against Erlang A; then skills-based pooling against separate call queues at equal staffing,
 * and relaxation against a strict requirement.
 * The system is the example: A = 8 Erlangs, 10 agents (h = 180 s). Every simulated figure carries its
 * batch-means 95 % half-width, so a gap to theory can be told from noise.
 */
import { erlangA, erlangC } from '../../shared/routing';
import { round } from '../stats';
import {
  poolingScenarios,
  relaxationScenarios,
  simulate,
  singleSkillScenario,
  type SimulationResult,
} from './contact-center-sim';

export interface TheoryBenchOptions {
  /** Calls measured in the Erlang C run (the other runs take a share of it). */
  calls?: number;
  seed?: number;
}

const pct = (x: number) => round(x * 100, 2);
const relErrPct = (sim: number, theory: number) => round((sim / theory - 1) * 100, 2);

export function runTheoryBench(o: TheoryBenchOptions = {}): Record<string, unknown> {
  const calls = o.calls ?? 2_000_000;
  const seed = o.seed ?? 2026;
  const system = { arrivalRate: 8 / 180, handleTimeS: 180, agents: 10, thresholdS: 20 };

  const vectorC = erlangC({ arrivalRate: 0.2, handleTimeS: 240, agents: 55, thresholdS: 15 });
  const vectorA = erlangA({ arrivalRate: 0.2, handleTimeS: 240, agents: 55, patienceS: 120 });

  const t0 = Date.now();
  const c = erlangC(system);
  const simC = simulate(singleSkillScenario({ ...system, seed, calls }));

  const patienceS = 120;
  const a = erlangA({ ...system, patienceS });
  const simA = simulate(singleSkillScenario({ ...system, patienceS, seed: seed + 1, calls: Math.round(calls / 2) }));

  const pooling = poolingScenarios({
    seed: seed + 2,
    arrivalRatePerSkill: system.arrivalRate,
    handleTimeS: system.handleTimeS,
    agentsPerSkill: system.agents,
    calls: Math.round(calls / 4),
    thresholdS: system.thresholdS,
  });
  const separate = simulate(pooling.separate);
  const pooled = simulate(pooling.pooled);
  const relax = relaxationScenarios({
    seed: seed + 3,
    arrivalRate: 3.6 / 180,
    handleTimeS: 180,
    experts: 4,
    juniors: 4,
    relaxAfterS: 30,
    calls: Math.round(calls / 10),
    thresholdS: system.thresholdS,
  });
  const strict = simulate(relax.strict);
  const relaxed = simulate(relax.relaxed);
  const brief = (r: SimulationResult) => ({
    asaS: round(r.asaS, 2),
    asaHalfWidthS: round(r.asaHalfWidthS, 2),
    serviceLevelPct: pct(r.serviceLevel),
    probabilityOfWaiting: round(r.probabilityOfWaiting, 3),
  });

  const pool = (r: SimulationResult) => ({
    asaS: round(r.asaS, 2),
    asaHalfWidthS: round(r.asaHalfWidthS, 2),
    serviceLevelPct: pct(r.serviceLevel),
    byCallType: Object.fromEntries(
      Object.entries(r.byCallType).map(([k, v]) => [
        k,
        { asaS: round(v.asaS, 2), serviceLevelPct: pct(v.serviceLevel) },
      ]),
    ),
  });

  return {
    referenceVectors: {
      erlangC: {
        input: 'λ = 0.2/s, h = 240 s, N = 55, t = 15 s',
        probabilityOfWaiting: round(vectorC.probabilityOfWaiting, 4),
        asaS: round(vectorC.asaS, 2),
        serviceLevelPct: round(vectorC.serviceLevel * 100, 1),
        expected: { probabilityOfWaiting: 0.2387, asaS: 8.18, serviceLevelPct: 84.6 },
      },
      erlangA: {
        input: 'same, mean patience 120 s',
        probabilityOfWaiting: round(vectorA.probabilityOfWaiting, 3),
        abandonmentPct: round(vectorA.abandonment * 100, 2),
        meanWaitS: round(vectorA.meanWaitS, 2),
        expected: { probabilityOfWaiting: 0.15, abandonmentPct: 1.7, meanWaitS: 2.04 },
      },
    },
    system: { offeredLoadErlangs: 8, agents: 10, handleTimeS: 180, thresholdS: 20, routingMethod: 'longestIdle' },
    simulationVsErlangC: {
      calls: simC.offered,
      asaS: { simulated: round(simC.asaS, 3), halfWidth95: round(simC.asaHalfWidthS, 3), erlangC: round(c.asaS, 3) },
      asaErrorPct: relErrPct(simC.asaS, c.asaS),
      serviceLevelPct: {
        simulated: pct(simC.serviceLevel),
        halfWidth95: pct(simC.serviceLevelHalfWidth),
        erlangC: pct(c.serviceLevel),
      },
      serviceLevelErrorPct: relErrPct(simC.serviceLevel, c.serviceLevel),
      probabilityOfWaiting: {
        simulated: round(simC.probabilityOfWaiting, 4),
        erlangC: round(c.probabilityOfWaiting, 4),
      },
    },
    simulationVsErlangA: {
      calls: simA.offered,
      patienceS,
      abandonmentPct: { simulated: pct(simA.abandonment), erlangA: pct(a.abandonment) },
      abandonmentErrorPct: relErrPct(simA.abandonment, a.abandonment),
      meanWaitS: { simulated: round(simA.meanWaitS, 3), erlangA: round(a.meanWaitS, 3) },
      meanWaitErrorPct: relErrPct(simA.meanWaitS, a.meanWaitS),
      probabilityOfWaiting: {
        simulated: round(simA.probabilityOfWaiting, 4),
        erlangA: round(a.probabilityOfWaiting, 4),
      },
    },
    pooling: {
      staffing: '2 call types × A = 8 Erlangs; 2 call queues × 10 agents vs one skills-based call queue of the 20',
      calls: separate.offered,
      separateCallQueues: pool(separate),
      pooledSkillsBased: pool(pooled),
      asaRatioSeparateToPooled: round(separate.asaS / pooled.asaS, 2),
    },
    relaxation: {
      setup:
        'A = 3.6 Erlangs needing support ≥ 4; 4 experts (level 5) + 4 juniors (level 2); relaxation after 30 s: −2 levels',
      calls: strict.offered,
      strict: {
        ...brief(strict),
        erlangCExpertsOnlyAsaS: round(erlangC({ ...system, arrivalRate: 3.6 / 180, agents: 4 }).asaS, 1),
      },
      relaxed: brief(relaxed),
    },
    simulationSeconds: round((Date.now() - t0) / 1000, 1),
  };
}
