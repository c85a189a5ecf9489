/**
 * routing benchmark (issue 13): one JSON object with one key per section.
 *  - `engine`: decision time of the pure engine, 2,000 agents × 50 skills × 500 waiting calls, skills-based, p50/p99
 *    beside the naive scan-everything baseline on the same decisions (ratio), identical offers checked;
 *  - `theory`: the engine alone in a discrete-event simulation against Erlang C / Erlang A, and pooling.
 * Sections that need the running system (notification → offer latency, the load generator against Erlang C) are
 * added to SECTIONS by the work that builds that path. BENCH_ROUTING_SECTIONS=engine,theory picks sections;
 * BENCH_ROUTING_SIM_CALLS sets the simulation length (default 2,000,000 calls for the Erlang C run).
 */
import { runEngineBench } from './routing/engine-bench';
import { runTheoryBench } from './routing/theory-bench';
import { runWaitEstimateBench } from './routing/wait-estimate-bench';

type Section = () => Promise<Record<string, unknown>> | Record<string, unknown>;

export const SECTIONS: Record<string, Section> = {
  engine: () => runEngineBench({ decisions: Number(process.env.BENCH_ROUTING_DECISIONS ?? 4000) }),
  theory: () =>
    runTheoryBench(process.env.BENCH_ROUTING_SIM_CALLS ? { calls: Number(process.env.BENCH_ROUTING_SIM_CALLS) } : {}),
  waitEstimate: () => runWaitEstimateBench(),
};

export async function run(): Promise<Record<string, unknown>> {
  const wanted = (process.env.BENCH_ROUTING_SECTIONS ?? Object.keys(SECTIONS).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out: Record<string, unknown> = {};
  for (const name of wanted) {
    const section = SECTIONS[name];
    if (!section)
      throw new Error(`unknown routing bench section "${name}" (known: ${Object.keys(SECTIONS).join(', ')})`);
    out[name] = await section();
  }
  out.notMeasuredHere = [
    'notification → offer latency end to end (devhost + Azurite + simulator at 20 calls/s) and webhook ack',
    'ASA / SL through the real system with the load generator against Erlang C',
  ];
  return out;
}
