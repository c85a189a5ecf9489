/**
 * Starts the real simulator in-process for the shared/ adapter tests. TLS: the simulator's CA lives in
 * <repo>/.simulator/ca.pem (stable across runs); Node trusts it only when the process starts with
 * NODE_EXTRA_CA_CERTS pointing at it — the same mechanism `npm start` uses — so we check that and say how to run.
 */
import path from 'node:path';
import type { SimState } from './simulator-state';
import { startSimulator, type RunningSimulator } from '../../simulator';

export const REPO = path.resolve(__dirname, '../..');
export const SIM_DATA_DIR = path.join(REPO, '.simulator');

export async function startTestSimulator(faults: Record<string, unknown> = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({ port: 0, dataDir: SIM_DATA_DIR, quiet: true, faults });
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (!extra || path.resolve(extra) !== path.resolve(sim.caPath)) {
    await sim.stop();
    throw new Error(
      `These tests need the simulator's CA trusted at process start: run with NODE_EXTRA_CA_CERTS=${sim.caPath} ` +
        '(e.g. `NODE_EXTRA_CA_CERTS=$PWD/.simulator/ca.pem npx jest tests/integration/shared`).',
    );
  }
  return sim;
}

export async function simJson<T>(sim: RunningSimulator, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim.url}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export type { SimApp, SimStats } from './simulator-state';

export async function simState(sim: RunningSimulator): Promise<SimState> {
  return simJson(sim, 'GET', `/_sim/state?tenantId=${sim.tenantId}`);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
