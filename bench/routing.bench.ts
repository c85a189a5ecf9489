/**
 * routing benchmark (issue 13): one JSON object with one key per section.
 *  - `engine`: decision time of the pure engine, 2,000 agents × 50 skills × 500 waiting calls, skills-based, p50/p99
 *    beside the naive scan-everything baseline on the same decisions (ratio), identical offers checked;
 *  - `theory`: the engine alone in a discrete-event simulation against Erlang C / Erlang A, and pooling;
 *  - `latency`: notification received at the webhook → offer request at the simulator, and the webhook's ack, end to
 *    end through devhost + Azurite + simulator at 20 calls/s (bench/routing/latency-bench.ts);
 *  - `quality`: ASA and SL through the real system with the simulator's load generator beside Erlang C and the
 *    engine alone over runs as short, the gap split into ring time, wrap-up and presence lag
 *    (bench/routing/load-quality-bench.ts).
 * BENCH_ROUTING_SECTIONS=engine,theory,latency,quality picks sections; BENCH_ROUTING_SIM_CALLS sets the simulation
 * length (default 2,000,000 calls for the Erlang C run); BENCH_LATENCY_* and BENCH_QUALITY_* knobs (docs/routing.md).
 * `latency` and `quality` share one running system, started once.
 */
import { runEngineBench } from './routing/engine-bench';
import { latencyOptionsFromEnv, runLatencyBench } from './routing/latency-bench';
import { qualityOptionsFromEnv, runQualityBench } from './routing/load-quality-bench';
import { startRoutingSystem, type RoutingSystem } from './routing/routing-system';
import { runTheoryBench } from './routing/theory-bench';
import { runWaitEstimateBench } from './routing/wait-estimate-bench';

type Section = (system: () => Promise<RoutingSystem>) => Promise<Record<string, unknown>> | Record<string, unknown>;

export const SECTIONS: Record<string, Section> = {
  engine: () => runEngineBench({ decisions: Number(process.env.BENCH_ROUTING_DECISIONS ?? 4000) }),
  theory: () =>
    runTheoryBench(process.env.BENCH_ROUTING_SIM_CALLS ? { calls: Number(process.env.BENCH_ROUTING_SIM_CALLS) } : {}),
  latency: async (system) => runLatencyBench(await system(), latencyOptionsFromEnv()),
  quality: async (system) => runQualityBench(await system(), qualityOptionsFromEnv()),
  waitEstimate: () => runWaitEstimateBench(),
};

export async function run(): Promise<Record<string, unknown>> {
  const wanted = (process.env.BENCH_ROUTING_SECTIONS ?? Object.keys(SECTIONS).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of wanted)
    if (!SECTIONS[name])
      throw new Error(`unknown routing bench section "${name}" (known: ${Object.keys(SECTIONS).join(', ')})`);
  let started: Promise<RoutingSystem> | undefined;
  const system = () => (started ??= startRoutingSystem());
  const out: Record<string, unknown> = {};
  try {
    for (const name of wanted) {
      const t0 = Date.now();
      out[name] = await SECTIONS[name](system);
      process.stderr.write(`routing bench: ${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  } finally {
    if (started) await (await started).stop();
  }
  return out;
}
