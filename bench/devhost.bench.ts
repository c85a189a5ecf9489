/**
 * devhost benchmark: 5-activity chains of no-op activities on the devhost + Azurite.
 * - one chain alone, several times in a row: p50/p95 start-to-completed latency (the baseline);
 * - 200 chains started at once: instances/s and p50/p95 latency; ratio = concurrent throughput ÷ sequential throughput.
 * Completion is observed through the public Durable HTTP API (list of Completed instances), polled every 20 ms.
 */
import path from 'node:path';
import { ensureAzurite } from '../devhost/storage/azurite';
import { REPO_ROOT, startDevhost } from '../scripts/lib/processes';
import { percentile, round } from './stats';

const SEQUENTIAL_RUNS = Number(process.env.BENCH_SEQUENTIAL_RUNS ?? 15);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 200);
const POLL_MS = 20;

export async function run(): Promise<Record<string, unknown>> {
  const azurite = await ensureAzurite({ inMemory: true });
  const hub = `Bench${Date.now().toString(36)}`;
  const { host, origin } = await startDevhost({
    appDir: path.join(REPO_ROOT, 'bench', 'apps', 'chain'),
    env: {
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      AzureFunctionsJobHost__extensions__durableTask__hubName: hub,
    },
  });
  try {
    // Warm-up: the first run pays for table/queue creation and module loading.
    await runChains(origin, 1);
    const sequential: number[] = [];
    const seqStarted = performance.now();
    for (let i = 0; i < SEQUENTIAL_RUNS; i++) sequential.push(...(await runChains(origin, 1)).latencies);
    const seqSeconds = (performance.now() - seqStarted) / 1000;
    const sequentialPerSec = SEQUENTIAL_RUNS / seqSeconds;

    const concurrent = await runChains(origin, CONCURRENT);
    const concurrentPerSec = CONCURRENT / concurrent.seconds;
    return {
      chainActivities: 5,
      singleChainRuns: SEQUENTIAL_RUNS,
      singleChainP50Ms: round(percentile(sequential, 50)),
      singleChainP95Ms: round(percentile(sequential, 95)),
      sequentialInstancesPerSec: round(sequentialPerSec, 2),
      concurrentInstances: CONCURRENT,
      concurrentInstancesPerSec: round(concurrentPerSec, 2),
      concurrentP50Ms: round(percentile(concurrent.latencies, 50)),
      concurrentP95Ms: round(percentile(concurrent.latencies, 95)),
      concurrentWallSeconds: round(concurrent.seconds, 2),
      throughputRatioConcurrentVsSequential: round(concurrentPerSec / sequentialPerSec, 2),
      aims: { singleChainP50MsBelow: 300, concurrentInstancesPerSecAtLeast: 20 },
    };
  } finally {
    await host.stop();
    await azurite.stop();
  }
}

async function runChains(origin: string, count: number): Promise<{ latencies: number[]; seconds: number }> {
  const since = new Date(Date.now() - 1000).toISOString();
  const startedAt = new Map<string, number>();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: count }, async () => {
      const before = performance.now();
      const res = await fetch(`${origin}/api/chain`, { method: 'POST' });
      if (res.status !== 202) throw new Error(`starter answered ${res.status}: ${await res.text()}`);
      const { instanceId } = (await res.json()) as { instanceId: string };
      startedAt.set(instanceId, before);
    }),
  );
  const completedAt = new Map<string, number>();
  const deadline = Date.now() + 300_000;
  while (completedAt.size < count) {
    if (Date.now() > deadline) throw new Error(`only ${completedAt.size}/${count} chains completed in 300 s`);
    for (const id of await listTerminal(origin, since)) {
      if (startedAt.has(id.instanceId) && !completedAt.has(id.instanceId)) {
        if (id.runtimeStatus !== 'Completed') throw new Error(`chain ${id.instanceId} ended ${id.runtimeStatus}`);
        completedAt.set(id.instanceId, performance.now());
      }
    }
    if (completedAt.size < count) await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const latencies = [...completedAt].map(([id, done]) => done - (startedAt.get(id) as number));
  return { latencies, seconds: (Math.max(...completedAt.values()) - t0) / 1000 };
}

async function listTerminal(origin: string, since: string): Promise<{ instanceId: string; runtimeStatus: string }[]> {
  const all: { instanceId: string; runtimeStatus: string }[] = [];
  let token: string | null = null;
  do {
    const url = `${origin}/runtime/webhooks/durabletask/instances?createdTimeFrom=${encodeURIComponent(since)}&runtimeStatus=Completed,Failed,Terminated&top=1000`;
    const res: Response = await fetch(url, { headers: token ? { 'x-ms-continuation-token': token } : {} });
    if (res.status !== 200) throw new Error(`list instances answered ${res.status}: ${await res.text()}`);
    all.push(...((await res.json()) as { instanceId: string; runtimeStatus: string }[]));
    token = res.headers.get('x-ms-continuation-token');
  } while (token);
  return all;
}
