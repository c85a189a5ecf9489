/**
 * Node reads NODE_EXTRA_CA_CERTS only when a process starts. Programs that talk to the local simulator over HTTPS in
 * their own process (tests, benchmarks) make sure its CA exists and, if this process does not trust it yet, run
 * themselves again with the variable set.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureTls } from '../../simulator/tls';
import { REPO_ROOT } from './processes';

export const SIMULATOR_DATA_DIR = path.join(REPO_ROOT, '.simulator');

/** Resolves when this process trusts the simulator's CA; otherwise re-runs `argv` with it and exits with its code. */
export async function runTrustingSimulator(argv: string[] = process.argv.slice(1)): Promise<void> {
  const tls = await ensureTls(SIMULATOR_DATA_DIR);
  if (process.env.NODE_EXTRA_CA_CERTS === tls.caPath) return;
  const child = spawn(process.execPath, argv, {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caPath, SIMULATOR_DATA_DIR },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  await new Promise<never>(() => child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0))));
}
