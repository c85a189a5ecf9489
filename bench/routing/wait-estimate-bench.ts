/**
 * Wait-estimate accuracy (issue 14 item 4), in a discrete-event simulation of one call queue: Poisson arrivals, N
 * agents, FIFO, no abandonment; handle times lognormal (coefficient of variation 0.6, like real talk times) and
 * exponential (memoryless: the case where elapsed time tells nothing). At each arrival three estimates are taken and
 * later set beside the wait that followed: ours (`estimateWaitS`: idle agents first, then the agents' rate), the naive
 * `position × AHT ÷ agents`, and Asterisk's average hold time. Both model-based estimates read the same exponential
 * average of finished handle times. Reports mean absolute error in seconds and as a share of the mean actual wait.
 * Not the full system: the load generator through devhost + simulator is not measured here.
 */
import { asteriskWaitS, estimateWaitS, ewma, naiveWaitS, type EstimateAgent } from '../../shared/routing';
import { seededRandom, type Random } from './prng';

interface Run {
  calls: number;
  agents: number;
  handleMeanS: number;
  load: number;
  handle: 'lognormal' | 'exponential';
  seed: number;
}

function handleTime(r: Random, run: Run): number {
  if (run.handle === 'exponential') return r.exponential(run.handleMeanS);
  const cv = 0.6;
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  const mu = Math.log(run.handleMeanS) - (sigma * sigma) / 2;
  const u1 = 1 - r.next();
  const u2 = r.next();
  return Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
}

function simulate(run: Run) {
  const r = seededRandom(run.seed);
  const arrivalMeanS = run.handleMeanS / (run.agents * run.load);
  // Agents: busy until `freeAt` (s), since `since`.
  const agents = Array.from({ length: run.agents }, () => ({ freeAt: 0, since: 0 }));
  const queue: { arrival: number; est: number[] }[] = [];
  let aht: number | undefined;
  let hold: number | undefined;
  let t = 0;
  const err = [0, 0, 0];
  let waitSum = 0;
  let n = 0;
  const serve = (until: number) => {
    // Start waiting calls on agents as they free up, in time order, until `until`.
    for (;;) {
      if (!queue.length) return;
      const a = agents.reduce((m, x) => (x.freeAt < m.freeAt ? x : m));
      if (a.freeAt > until) return;
      const c = queue.shift()!;
      const start = Math.max(a.freeAt, c.arrival);
      const wait = start - c.arrival;
      const h = handleTime(r, run);
      a.since = start;
      a.freeAt = start + h;
      aht = ewma(aht, h); // known when the call ends; close enough for a long run
      hold = ewma(hold, wait);
      if (c.est.length) {
        c.est.forEach((e, i) => (err[i] += Math.abs(e - wait)));
        waitSum += wait;
        n++;
      }
    }
  };
  for (let i = 0; i < run.calls; i++) {
    t += r.exponential(arrivalMeanS);
    serve(t);
    const measured = i > run.calls / 10; // skip the warm-up
    const view: EstimateAgent[] = agents.map((a) =>
      a.freeAt <= t ? { state: 'available', since: a.freeAt * 1000 } : { state: 'busy', since: a.since * 1000 },
    );
    const input = { now: t * 1000, callsAhead: queue.length, agents: view, handleTimeS: aht ?? run.handleMeanS };
    queue.push({
      arrival: t,
      est: measured ? [estimateWaitS(input)!, naiveWaitS(input)!, asteriskWaitS(hold ?? 0, 0)!] : [],
    });
  }
  serve(Infinity);
  const mae = err.map((e) => e / n);
  const meanWait = waitSum / n;
  const fig = (i: number) => ({ maeS: +mae[i].toFixed(2), maeShareOfWait: +(mae[i] / meanWait).toFixed(3) });
  return {
    ...run,
    measuredCalls: n,
    meanActualWaitS: +meanWait.toFixed(2),
    estimator: fig(0),
    naive: fig(1),
    asterisk: fig(2),
  };
}

export function runWaitEstimateBench(o: { calls?: number } = {}): Record<string, unknown> {
  const calls = o.calls ?? 200_000;
  const base = { calls, agents: 10, handleMeanS: 240, load: 0.92, seed: 14 };
  return {
    lognormal: simulate({ ...base, handle: 'lognormal' }),
    exponential: simulate({ ...base, handle: 'exponential' }),
  };
}
