/**
 * The drift scanner at scale, against the real simulator over HTTPS with the real TenantGateway and Azurite tables:
 * a tenant seeded with 1,000 resource accounts (300 with numbers), a few of them drifted in every way an endpoint
 * can drift. One scan must find exactly the planted drift in the number of requests the read planner promises;
 * a scan under heavy throttling must report unknown facts and never a finding that is not real.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { appEnvForSimulator } from '../../../scripts/lib/app-env';
import { loadConfig } from '../../../shared/config';
import {
  DriftFindingsRepository,
  DriftScansRepository,
  DriftService,
  scanWithNothingCounted,
  type DriftScanResult,
} from '../../../shared/drift';
import { EndpointsRepository } from '../../../shared/provisioning';
import { TenantGatewayFactory } from '../../../shared/tenant';
import { startSimulator, type RunningSimulator } from '../../../simulator';
import { defaultSeedTenant, type SeedInstance, type SeedNumber } from '../../../simulator/seed';
import { SIM_DATA_DIR, simJson } from '../../support/test-simulator';

const N = 1000;
const NUMBERED = 300;
const STORAGE = 'UseDevelopmentStorage=true';

describe('drift scan of 1,000 endpoints', () => {
  const tenantId = randomUUID();
  const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
  const upn = (i: number) => `ra${i}@contoso.com`;
  const number = (i: number) => `+1312777${String(i).padStart(4, '0')}`;
  const objectIds = Array.from({ length: N }, () => randomUUID());
  let sim: RunningSimulator;
  let service: DriftService;
  let scans: DriftScansRepository;
  let botAppId: string;
  let otherAppId: string;
  let scanNo = 0;

  // The drift planted in the seed, as findings: [upn, kind].
  const planted = [
    [upn(0), 'licenseMissing'],
    [upn(1), 'notSynced'],
    [upn(2), 'usageLocationChanged'],
    [upn(3), 'numberMissing'],
    [upn(4), 'numberChanged'],
    [upn(5), 'instanceMissing'],
    [upn(6), 'applicationIdChanged'],
    [upn(6), 'notSynced'],
  ].map(([u, k]) => `${u}|${k}`);

  beforeAll(async () => {
    const base = defaultSeedTenant();
    botAppId = base.apps!.find((a) => a.bot)!.appId!;
    otherAppId = base.apps!.find((a) => !a.bot && !a.provisioning)!.appId!;
    const numbers: SeedNumber[] = Array.from({ length: NUMBERED }, (_, i) => ({
      telephoneNumber: number(i),
      numberType: 'directRouting',
      capabilities: ['voiceApplicationAssignment'],
    }));
    const instances: SeedInstance[] = [];
    for (let i = 0; i < N; i++) {
      if (i === 5) continue; // deleted behind Switchboard's back
      instances.push({
        objectId: objectIds[i],
        userPrincipalName: upn(i),
        displayName: `RA ${i}`,
        licensed: i !== 0,
        synced: i !== 1,
        usageLocation: i === 2 ? 'GB' : 'US',
        applicationId: i === 6 ? otherAppId : undefined,
        phoneNumber: (i < NUMBERED && i !== 3) || i === 4 ? number(i) : undefined,
      });
    }
    sim = await startSimulator({
      port: 0,
      dataDir: SIM_DATA_DIR,
      quiet: true,
      writeSettings: false,
      seed: {
        includeDefaultTenant: false,
        tenants: [
          { ...base, tenantId, numbers: [...(base.numbers ?? []), ...numbers], applicationInstances: instances },
        ],
      },
    });
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    if (!extra || path.resolve(extra) !== path.resolve(sim.caPath)) {
      throw new Error(`run through node dist/scripts/test.js (NODE_EXTRA_CA_CERTS=${sim.caPath})`);
    }
    const config = loadConfig({ AzureWebJobsStorage: STORAGE, ...appEnvForSimulator(sim.settings) });
    const factory = new TenantGatewayFactory(config);
    const endpoints = new EndpointsRepository(STORAGE, { tableName: `driftEp${suffix}` });
    scans = new DriftScansRepository(STORAGE, { tableName: `driftScan${suffix}` });
    service = new DriftService({
      endpoints,
      findings: new DriftFindingsRepository(STORAGE, { tableName: `driftFind${suffix}` }),
      scans,
      gateway: (tid) => factory.forTenant(tid, { retry: { maxAttempts: 3, maxWaitMs: 5_000 } }),
      licenseRule: 'allResourceAccounts',
      defaultUsageLocation: 'US',
      scanRetentionDays: 30,
    });

    // The endpoints table as provisioning left it: every endpoint Provisioned, with its object id.
    const now = new Date().toISOString();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < N) {
          const i = next++;
          const wantsNumber = i < NUMBERED && i !== 4;
          await endpoints.update(tenantId, upn(i), () => ({
            tenantId,
            upnKey: upn(i),
            desired: {
              userPrincipalName: upn(i),
              displayName: `RA ${i}`,
              applicationId: botAppId,
              usageLocation: 'US',
              ...(wantsNumber ? { phoneNumber: number(i), numberType: 'directRouting' as const } : {}),
            },
            status: 'Provisioned',
            objectId: objectIds[i],
            runId: randomUUID(),
            createdAt: now,
            updatedAt: now,
          }));
        }
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await sim?.stop();
  });

  const scan = (): Promise<DriftScanResult> =>
    service.scan({
      tenantId,
      scanId: `scan-${++scanNo}`,
      trigger: 'api',
      startedAt: new Date().toISOString(),
      remediate: true,
    });

  const openEndpointFindings = async () =>
    (await service.view(tenantId, 'open')).findings
      .filter((f) => !f.subject.startsWith('app:'))
      .map((f) => `${f.subject}|${f.kind}`)
      .sort();

  it('finds exactly the planted drift, in the requests the planner promises (28 per 1,000)', async () => {
    // A scan recorded 31 days ago, past the 30-day retention: recording this scan deletes it.
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    await scans.put(
      scanWithNothingCounted({ scanId: 'scan-old', tenantId, trigger: 'timer', status: 'completed', startedAt: old }),
    );
    const started = Date.now();
    const { summary, targets } = await scan();
    expect(summary.pruned).toBe(1);
    expect(await scans.get(tenantId, 'scan-old', old)).toBeUndefined();
    const elapsedMs = Date.now() - started;
    expect(summary.scanned).toBe(N);
    expect(summary.unknown.byReason).toEqual({
      notEvaluated: 6, // the missing account's other facts are not judged
    });
    expect(await openEndpointFindings()).toEqual([...planted].sort());
    expect(summary.requests.planned).toBe(28);
    expect(summary.requests.total).toBe(summary.requests.planned);
    expect(summary.requests).toMatchObject({ graph: 8, bridge: 20 });
    // Re-provisioning fixes all of it but the number put on an account provisioned without one.
    expect(targets.map((t) => t.upnKey).sort()).toEqual([0, 1, 2, 3, 5, 6].map(upn).sort());
    process.stdout.write(
      `drift scan of ${N} endpoints: ${summary.requests.total} requests (graph ${summary.requests.graph}, ` +
        `bridge ${summary.requests.bridge}), ${elapsedMs} ms\n`,
    );
  });

  it('under heavy throttling: unknown facts, never a false finding, nothing resolved that is still drifted', async () => {
    await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 0.6, retryAfterSeconds: 1 });
    let result: DriftScanResult;
    try {
      result = await scan();
    } finally {
      await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 0 });
    }
    const { summary, targets } = result;
    expect(summary.unknown.count).toBeGreaterThan(0);
    expect(summary.unknown.byReason.throttled ?? 0).toBeGreaterThan(0);
    expect(summary.findings.opened).toBe(0);
    expect(summary.findings.resolved).toBe(0);
    // Every planted finding is either seen again or kept as it was; nothing else is open.
    expect(await openEndpointFindings()).toEqual([...planted].sort());
    const key = (u: string) => planted.some((p) => p.startsWith(`${u}|`));
    for (const t of targets) expect(key(t.upnKey)).toBe(true);
  });
});
