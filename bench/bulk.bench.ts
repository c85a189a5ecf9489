/**
 * bulk benchmark: 1,000 endpoints (each with a Direct Routing number) imported as one CSV, against a simulator that
 * holds Graph and the bridge each to a fixed request budget (BENCH_BUDGET requests/s per service, per app, per tenant)
 * with Microsoft-like delays: replication 8 s, licence propagation 4 s, number operations 2 s (Microsoft's are often
 * minutes; shorter keeps the run short, and they only cost a sequential script, which waits them out one by one).
 *
 * Figures: endpoints/s from the POST to the last row done, against
 *  (a) the optimum the budget allows: budget ÷ requests per endpoint, per service, the tighter of the two — both with
 *      the requests this run actually needed and with the chain's minimum;
 *  (b) a sequential baseline in the same run and the same tenant: one endpoint after the other, as a script does it.
 * Plus duplicates (instances per UPN, numbers per account), Retry-After violations, and a drift scan over the same
 * 1,000 endpoints: seconds and Graph / bridge requests.
 */
import { TableClient } from '@azure/data-tables';
import { defaultSeedTenant, type SeedNumber } from '../simulator/seed';
import { startSystem, type System } from '../scripts/lib/system';
import type { BulkStatusView } from '../shared/domain';
import type { SimState } from '../tests/integration/simulator/helpers';
import { privateAzurite } from '../scripts/lib/private-azurite';
import { benchUpn, scriptBaseline } from './script-baseline';
import { round } from './stats';

const ENDPOINTS = Number(process.env.BENCH_BULK_ENDPOINTS ?? 1000);
const SEQUENTIAL = Number(process.env.BENCH_BULK_SEQUENTIAL ?? 8);
/**
 * Requests per second the simulator allows per service (Graph, bridge) for the provisioning app. 20/s is Graph's own
 * write limit per app and tenant (3,000 per 150 s). Above about 30/s the local host — Azurite's CPU on a 2-core
 * machine — becomes the limit rather than the budget, which measures the laptop, not Switchboard's pacing.
 */
const BUDGET = Number(process.env.BENCH_BUDGET ?? 20);
/** Share of the budget Switchboard is configured to use (TENANT_RATES): headroom for retries and clock jitter. */
const USE = Number(process.env.BENCH_BUDGET_SHARE ?? 0.9);

/** Bulk row starts per second (TENANT_RATES bulkStartsPerSecond); unset = the app's default (Graph budget ÷ 8). */
const STARTS = process.env.BENCH_BULK_STARTS_PER_SECOND ? Number(process.env.BENCH_BULK_STARTS_PER_SECOND) : undefined;

/** The chain's minimum per endpoint with a number (see bench/provision.ts): Graph 8, bridge 3. */
const MINIMUM = { graph: 8, bridge: 3 };

type Stats = SimState['stats'];

export async function run(): Promise<Record<string, unknown>> {
  const tenant = defaultSeedTenant();
  const numbers: SeedNumber[] = Array.from({ length: ENDPOINTS + SEQUENTIAL + 10 }, (_, i) => ({
    telephoneNumber: `+1469555${String(i).padStart(4, '0')}`,
    numberType: 'directRouting',
    city: 'Dallas',
    capabilities: ['voiceApplicationAssignment'],
  }));
  tenant.numbers = [...(tenant.numbers ?? []), ...numbers];
  // Pool = 25 + 1 per 10 Teams Phone seats: room for every endpoint.
  tenant.skus = { ...(tenant.skus ?? {}), MCOEV: (ENDPOINTS + SEQUENTIAL + 100) * 10 };
  const perService = Math.max(1, Math.floor(BUDGET * USE));
  const storage = await privateAzurite();
  const system = await startSystem({
    seed: { tenants: [tenant] },
    faults: {
      requestsPerSecond: BUDGET,
      retryAfterSeconds: 1,
      replicationDelayMs: 8000,
      licensePropagationMs: 4000,
      numberOperationMs: 2000,
    },
    env: {
      // host.json settings can be tried without editing it: AzureFunctionsJobHost__extensions__durableTask__… .
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AzureFunctionsJobHost__'))),
      AzureWebJobsStorage: storage.connectionString,
      TENANT_RATES: JSON.stringify({
        '*': {
          graphPerSecond: perService,
          bridgePerSecond: perService,
          ...(STARTS ? { bulkStartsPerSecond: STARTS } : {}),
        },
      }),
      PROVISIONING_WAITS: JSON.stringify({
        // First looks when the tenant usually has it done, as the production defaults do for Microsoft 365's delays.
        replication: { initialDelayMs: 8000, maxDelayMs: 16000, deadlineMs: 1_800_000 },
        license: { initialDelayMs: 4000, maxDelayMs: 8000, deadlineMs: 1_800_000 },
        numberOperation: { initialDelayMs: 2000, maxDelayMs: 4000, deadlineMs: 1_800_000 },
      }),
    },
  });
  try {
    const admin = await system.token(['Switchboard.Admin']);
    const tel = numbers.map((n) => n.telephoneNumber);

    // (b) the sequential baseline first, on its own numbers.
    const sequential = await scriptBaseline(system, tel.slice(ENDPOINTS, ENDPOINTS + SEQUENTIAL), 'directRouting');

    // The import.
    const csv = [
      'userPrincipalName,displayName,usageLocation,phoneNumber,numberType,queueId',
      ...tel.slice(0, ENDPOINTS).map((n, i) => `${benchUpn(system, 'bulk')},Bulk line ${i + 1},US,${n},directRouting,`),
    ].join('\r\n');
    const before = await stats(system);
    const started = performance.now();
    const post = await system.api('POST', `/api/tenants/${system.simulator.tenantId}/bulk`, {
      token: admin,
      body: csv,
      contentType: 'text/csv',
    });
    if (post.status !== 202) throw new Error(`POST /bulk answered ${post.status}: ${await post.text()}`);
    const { batchId, rejected } = (await post.json()) as { batchId: string; rejected: unknown[] };
    if (rejected.length) throw new Error(`the bench CSV had rejected rows: ${JSON.stringify(rejected.slice(0, 3))}`);
    const timeline: [number, number][] = [];
    const batch = await waitForBatch(system, admin, batchId, started, timeline);
    const elapsedS = (performance.now() - started) / 1000;
    const after = await stats(system);

    const graph = (after.requestsByService.graph - before.requestsByService.graph) / ENDPOINTS;
    const bridge = (after.requestsByService.bridge - before.requestsByService.bridge) / ENDPOINTS;
    const endpointsPerSecond = batch.succeeded / elapsedS;
    const optimum = Math.min(BUDGET / graph, BUDGET / bridge);
    const optimumAtMinimum = Math.min(BUDGET / MINIMUM.graph, BUDGET / MINIMUM.bridge);
    const duplicates = await countDuplicates(system);
    const retries = await retriesByStep(storage.connectionString);

    const drift = await driftScan(system, admin);
    return {
      endpoints: ENDPOINTS,
      budgetRequestsPerSecondPerService: BUDGET,
      configuredShareOfBudget: USE,
      succeeded: batch.succeeded,
      failed: batch.failed,
      elapsedSeconds: round(elapsedS, 1),
      endpointsPerSecond: round(endpointsPerSecond, 2),
      graphRequestsPerEndpoint: round(graph, 2),
      bridgeRequestsPerEndpoint: round(bridge, 2),
      optimumEndpointsPerSecond: round(optimum, 2),
      shareOfOptimum: round(endpointsPerSecond / optimum, 3),
      optimumAtChainMinimumEndpointsPerSecond: round(optimumAtMinimum, 2),
      shareOfOptimumAtChainMinimum: round(endpointsPerSecond / optimumAtMinimum, 3),
      sequentialEndpoints: sequential.endpoints,
      sequentialEndpointsPerSecond: round(sequential.endpointsPerSecond, 3),
      ratioToSequential: round(endpointsPerSecond / sequential.endpointsPerSecond, 1),
      throttledDuringImport: after.throttled - before.throttled,
      retryAfterViolations: after.retryAfterViolations,
      duplicateInstances: duplicates.instances,
      duplicateNumberAssignments: duplicates.numbers,
      extraAttemptsByStep: retries.extraAttempts,
      stepsRefusedByPacing: retries.pacingRefusals,
      rowsDoneEvery30s: timeline,
      ...drift,
    };
  } finally {
    await system.stop();
    await storage.stop();
  }
}

async function stats(system: System): Promise<Stats> {
  return (await system.sim<SimState>('GET', '/_sim/state')).stats;
}

type BatchView = BulkStatusView;

/** Polls the batch until every row is done; `timeline` gets [seconds since start, rows done] every 30 s. */
async function waitForBatch(
  system: System,
  token: string,
  batchId: string,
  started: number,
  timeline: [number, number][],
): Promise<BatchView> {
  const path = `/api/tenants/${system.simulator.tenantId}/bulk/${encodeURIComponent(batchId)}`;
  let last = '';
  for (;;) {
    const res = await system.api('GET', path, { token });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    const view = (await res.json()) as BatchView;
    const done = view.succeeded + view.failed;
    const line = `${done}/${view.total} done (${view.failed} failed)`;
    if (line !== last) process.stderr.write(`bulk: ${line}\n`);
    last = line;
    const at = Math.floor((performance.now() - started) / 30_000) * 30;
    if (timeline.length === 0 || timeline[timeline.length - 1][0] < at) timeline.push([at, done]);
    if (view.pending === 0 && view.running === 0) return view;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/**
 * Where the chains waited: attempts beyond the first, per step, from the step log table — and how many of them were
 * our own pacing saying "not now" (the budget was booked further ahead than an activity sleeps).
 */
async function retriesByStep(
  connectionString: string,
): Promise<{ extraAttempts: Record<string, number>; pacingRefusals: number }> {
  const client = TableClient.fromConnectionString(connectionString, 'endpointSteps', { allowInsecureConnection: true });
  const extraAttempts: Record<string, number> = {};
  let pacingRefusals = 0;
  for await (const e of client.listEntities<{ step?: string; attempts?: number; error?: string }>()) {
    const extra = (e.attempts ?? 1) - 1;
    if (extra > 0 && e.step) extraAttempts[e.step] = (extraAttempts[e.step] ?? 0) + extra;
    if (e.error?.includes('budget')) pacingRefusals++;
  }
  return { extraAttempts, pacingRefusals };
}

async function countDuplicates(system: System): Promise<{ instances: number; numbers: number }> {
  const state = await system.sim<SimState>('GET', '/_sim/state');
  const t = state.tenants[0];
  const byUpn = new Map<string, number>();
  for (const i of t.applicationInstances) {
    const key = i.userPrincipalName.toLowerCase();
    byUpn.set(key, (byUpn.get(key) ?? 0) + 1);
  }
  const byTarget = new Map<string, number>();
  for (const n of t.numbers)
    if (n.assignmentTargetId) byTarget.set(n.assignmentTargetId, (byTarget.get(n.assignmentTargetId) ?? 0) + 1);
  const extra = (m: Map<string, number>) => [...m.values()].reduce((a, c) => a + Math.max(0, c - 1), 0);
  return { instances: extra(byUpn), numbers: extra(byTarget) };
}

/** POST …/drift/check over the provisioned endpoints; seconds until its scan is recorded, and what it cost. */
async function driftScan(system: System, token: string): Promise<Record<string, unknown>> {
  const base = `/api/tenants/${system.simulator.tenantId}/drift`;
  const before = await stats(system);
  const started = performance.now();
  const check = await system.api('POST', `${base}/check`, { token });
  if (check.status !== 202) return { driftScan: `POST ${base}/check answered ${check.status}` };
  const startedAt = new Date(Date.now() - 1000).toISOString();
  for (;;) {
    const res = await system.api('GET', base, { token });
    const body = (await res.json()) as {
      lastScan?: {
        status?: string;
        endedAt?: string;
        startedAt?: string;
        scanned?: number;
        findings?: { open?: number };
        unknown?: { count?: number };
        requests?: { graph: number; bridge: number; total: number; planned: number };
      };
    };
    const scan = body.lastScan;
    if (scan?.endedAt && (scan.startedAt ?? '') >= startedAt) {
      const after = await stats(system);
      return {
        driftScanSeconds: round((performance.now() - started) / 1000, 2),
        driftScanStatus: scan.status,
        driftScannedEndpoints: scan.scanned,
        // As the simulator counted them ($batch sub-requests one by one) and as the scan counted its HTTP requests.
        driftGraphOperations: after.requestsByService.graph - before.requestsByService.graph,
        driftBridgeRequests: after.requestsByService.bridge - before.requestsByService.bridge,
        driftHttpRequests: scan.requests?.total,
        driftPlannedRequests: scan.requests?.planned,
        driftUnknownFacts: scan.unknown?.count,
        driftOpenFindings: scan.findings?.open,
      };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
