/**
 * provision benchmark: endpoints with a Calling Plan number provisioned one after another through the API, the
 * simulator's delays at zero — p50/p95 API-to-Provisioned latency, and Graph + bridge (+ token) requests per endpoint
 * against the minimum the chain needs.
 *
 * Baseline in the same run: the same tenant changes made by a plain sequential script straight through the
 * TenantGateway (what an admin's PowerShell script does: no durability, no step log, no consent or pool checks).
 */
import { startSystem, type System } from '../scripts/lib/system';
import { benchUpn, scriptBaseline } from './script-baseline';
import type { SimState } from '../tests/integration/simulator/helpers';
import { percentile, round } from './stats';

// The seeded tenant has 30 free resource-account licences: warm-up + RUNS via the API + RUNS by the script must fit.
const RUNS = Number(process.env.BENCH_PROVISION_RUNS ?? 12);

/**
 * What one endpoint with a number cannot do without: consent (service principal, app roles, delegated grants),
 * licence pool, create, one visibility read, sync, usage location, licence, number assignment, one operation poll.
 */
const MINIMUM_REQUESTS = 11;

export async function run(): Promise<Record<string, unknown>> {
  const system = await startSystem({
    faults: { replicationDelayMs: 0, licensePropagationMs: 0, numberOperationMs: 0 },
    env: {
      PROVISIONING_WAITS: JSON.stringify({
        replication: { initialDelayMs: 50, maxDelayMs: 500, deadlineMs: 60_000 },
        license: { initialDelayMs: 50, maxDelayMs: 500, deadlineMs: 60_000 },
        numberOperation: { initialDelayMs: 25, maxDelayMs: 250, deadlineMs: 60_000 },
      }),
    },
  });
  try {
    const admin = await system.token(['Switchboard.Admin']);
    const numbers = await freeNumbers(system, RUNS * 2 + 2);
    await provisionOne(system, admin, numbers.pop() as string); // warm-up: tables, tokens, JIT

    const latencies: number[] = [];
    const before = (await system.sim<SimState>('GET', '/_sim/state')).stats.requests;
    for (let i = 0; i < RUNS; i++) latencies.push(await provisionOne(system, admin, numbers.pop() as string));
    const requestsPerEndpoint = ((await system.sim<SimState>('GET', '/_sim/state')).stats.requests - before) / RUNS;

    const script = await scriptBaseline(system, numbers.slice(0, RUNS), 'callingPlan');
    const state = await system.sim<SimState>('GET', '/_sim/state');
    const p50 = percentile(latencies, 50);
    return {
      endpoints: RUNS,
      apiToProvisionedP50Ms: round(p50),
      apiToProvisionedP95Ms: round(percentile(latencies, 95)),
      requestsPerEndpoint: round(requestsPerEndpoint, 1),
      minimumRequestsPerEndpoint: MINIMUM_REQUESTS,
      requestsRatioToMinimum: round(requestsPerEndpoint / MINIMUM_REQUESTS, 2),
      scriptBaselineP50Ms: round(script.p50Ms),
      scriptBaselineRequestsPerEndpoint: round(script.requestsPerEndpoint, 1),
      latencyRatioToScript: round(p50 / script.p50Ms, 2),
      retryAfterViolations: state.stats.retryAfterViolations,
    };
  } finally {
    await system.stop();
  }
}

async function freeNumbers(system: System, count: number): Promise<string[]> {
  const state = await system.sim<SimState>('GET', '/_sim/state');
  const free = state.tenants[0].numbers
    .filter((n) => n.numberType === 'callingPlan' && n.assignmentStatus === 'unassigned')
    .filter((n) => (n.capabilities ?? []).includes('voiceApplicationAssignment'))
    .map((n) => n.telephoneNumber);
  if (free.length < count)
    throw new Error(`the simulator has ${free.length} free Calling Plan numbers; ${count} needed`);
  return free.slice(0, count);
}

/** POST the endpoint, poll until Provisioned; milliseconds from the request to the first Provisioned read. */
async function provisionOne(system: System, token: string, phoneNumber: string): Promise<number> {
  const name = benchUpn(system);
  const started = performance.now();
  const res = await system.api('POST', `/api/tenants/${system.simulator.tenantId}/endpoints`, {
    token,
    body: {
      userPrincipalName: name,
      displayName: 'Bench line',
      phoneNumber,
      numberType: 'callingPlan',
      usageLocation: 'US',
    },
  });
  if (res.status !== 202) {
    const log = system.host
      .output()
      .split('\n')
      .filter((l) => /ERROR|failed/i.test(l))
      .slice(-5)
      .join('\n');
    throw new Error(`POST answered ${res.status}: ${await res.text()}\n${log}`);
  }
  for (;;) {
    const get = await system.api(
      'GET',
      `/api/tenants/${system.simulator.tenantId}/endpoints/${encodeURIComponent(name)}`,
      { token },
    );
    const body = (await get.json()) as { status: string; error?: string };
    if (body.status === 'Provisioned') return performance.now() - started;
    if (body.status === 'Failed') throw new Error(`${name} failed: ${body.error}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
