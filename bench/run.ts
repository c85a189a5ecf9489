/**
 * `npm run bench -- <name>`: runs one benchmark and prints one JSON object whose keys name each figure with its unit.
 * Every benchmark compares against a baseline measured in the same run (a ratio), never against a stored number.
 */
import { runTrustingSimulator } from '../scripts/lib/trust';

const benchmarks: Record<string, () => Promise<Record<string, unknown>>> = {
  devhost: () => import('./devhost.bench').then((m) => m.run()),
  provision: () => import('./provision.bench').then((m) => m.run()),
  bulk: () => import('./bulk.bench').then((m) => m.run()),
  routing: () => import('./routing.bench').then((m) => m.run()),
  reporting: () => import('./reporting.bench').then((m) => m.run()),
};

async function main(): Promise<void> {
  await runTrustingSimulator();
  const name = process.argv[2];
  const bench = name ? benchmarks[name] : undefined;
  if (!bench) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}>\n`);
    process.exit(2);
  }
  const result = await bench();
  process.stdout.write(JSON.stringify({ benchmark: name, ...result }, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
