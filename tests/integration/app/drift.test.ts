/**
 * Drift detection end to end: the real app on the devhost (Azurite) against the tenant simulator, through the HTTP
 * API. Two endpoints are provisioned, then someone changes the tenant behind Switchboard's back (through Graph, with
 * the provisioning app's own credentials): the licence of one is removed, the number of the other unassigned.
 * - while every read fails, a check reports unknown facts and no findings, and repairs nothing;
 * - once reads work, a check opens licenseMissing and numberMissing, auto-remediation re-provisions both (checked in
 *   the simulator's state), and the next check resolves the findings;
 * - the timer starts checks on its own.
 * The tenant is a fresh one (its own id), so endpoints other tests left in the shared Azurite are not in its scans.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DIST } from '../../../scripts/lib/processes';
import { startSystem, type System } from '../../../scripts/lib/system';
import { loadConfig } from '../../../shared/config';
import type { DriftFindingView } from '../../../shared/domain';
import { TenantGatewayFactory, type TenantGateway } from '../../../shared/tenant';
import { defaultSeedTenant } from '../../../simulator/seed';
import {
  FAST_FAULTS,
  FAST_WAITS,
  RESOURCE_ACCOUNT_SKU_ID,
  freeNumber,
  getEndpoint,
  postEndpoint,
  state,
  uniqueUpn,
  waitForStatus,
} from '../../support/endpoints-api';

type Finding = DriftFindingView;

interface Scan {
  scanId: string;
  trigger: string;
  status: string;
  startedAt: string;
  endedAt?: string;
  scanned: number;
  findings: { open: number; opened: number; refreshed: number; resolved: number; keptUnknown: number };
  unknown: {
    count: number;
    byReason: Record<string, number>;
    sample: { subject: string; kind: string; code: string }[];
  };
  requests: { graph: number; bridge: number; total: number; planned: number };
  remediation: { enabled: boolean; started: { upn: string; runId: string; kinds: string[] }[]; skipped: unknown[] };
}

interface DriftView {
  tenantId: string;
  check: { instanceId: string; runtimeStatus: string; scanId?: string } | null;
  lastScan: Scan | null;
  findings: Finding[];
}

const DONE = ['Completed', 'Failed', 'Terminated'];
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('drift detection', () => {
  const tenantId = randomUUID();
  let system: System;
  let admin: string;
  let gateway: TenantGateway;
  const upns = { licence: '', number: '' };
  let phoneNumber = '';
  const objectIds = { licence: '', number: '' };

  const driftPath = `/api/tenants/${tenantId}/drift`;

  async function view(status = 'all', token = admin): Promise<DriftView> {
    const res = await system.api('GET', `${driftPath}?status=${status}`, { token });
    if (res.status !== 200) throw new Error(`GET drift → ${res.status}: ${await res.text()}`);
    return (await res.json()) as DriftView;
  }

  /** POST …/drift/check: 202 with the check's ids. */
  async function startCheck(body?: unknown): Promise<{ scanId: string; instanceId: string; started: boolean }> {
    const res = await system.api('POST', `${driftPath}/check`, { token: admin, body });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toContain(driftPath);
    const run = (await res.json()) as { scanId: string; instanceId: string; started: boolean };
    expect(run.instanceId).toBe(`drift:${tenantId}`);
    return run;
  }

  /** Waits until that check's orchestration has finished; returns the view then. */
  async function finished(scanId: string): Promise<DriftView> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const v = await view();
      if (v.check?.scanId === scanId && DONE.includes(v.check.runtimeStatus)) {
        expect(v.check.runtimeStatus).toBe('Completed');
        expect(v.lastScan?.scanId).toBe(scanId);
        return v;
      }
      if (Date.now() > deadline) throw new Error(`drift check ${scanId} did not finish: ${JSON.stringify(v)}`);
      await sleep(300);
    }
  }

  /** POST …/drift/check and wait until that check has finished. */
  async function check(body?: unknown): Promise<DriftView> {
    return finished((await startCheck(body)).scanId);
  }

  const mine = (v: DriftView) =>
    v.findings.filter((f) => f.subject === upns.licence.toLowerCase() || f.subject === upns.number.toLowerCase());

  beforeAll(async () => {
    system = await startSystem({
      faults: FAST_FAULTS,
      seed: { includeDefaultTenant: false, tenants: [{ ...defaultSeedTenant(), tenantId }] },
      env: { PROVISIONING_WAITS: FAST_WAITS, DEFAULT_USAGE_LOCATION: 'US', DRIFT_AUTO_REMEDIATE: tenantId },
    });
    expect(system.simulator.tenantId).toBe(tenantId);
    admin = await system.token(['Switchboard.Admin']);
    gateway = new TenantGatewayFactory(loadConfig(system.env)).forTenant(tenantId);

    upns.licence = uniqueUpn(system, 'drift-lic');
    upns.number = uniqueUpn(system, 'drift-num');
    phoneNumber = await freeNumber(system, 'callingPlan', new Set());
    for (const body of [
      { userPrincipalName: upns.licence, displayName: 'Drift licence' },
      { userPrincipalName: upns.number, displayName: 'Drift number', phoneNumber, numberType: 'callingPlan' },
    ]) {
      expect((await postEndpoint(system, admin, body)).status).toBe(202);
    }
    for (const key of ['licence', 'number'] as const) {
      const e = await waitForStatus(system, admin, upns[key], ['Provisioned', 'Failed']);
      expect(e.status).toBe('Provisioned');
      objectIds[key] = e.objectId as string;
    }
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('answers only Admins (check) and Admins or Supervisors (read), of their own tenant', async () => {
    expect((await system.api('GET', driftPath)).status).toBe(401);
    const agent = await system.token(['Switchboard.Agent']);
    const supervisor = await system.token(['Switchboard.Supervisor']);
    const denied = await system.api('GET', driftPath, { token: agent });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    expect((await system.api('GET', driftPath, { token: supervisor })).status).toBe(200);
    expect((await system.api('POST', `${driftPath}/check`, { token: supervisor })).status).toBe(403);
    expect((await system.api('POST', `${driftPath}/check`)).status).toBe(401);
    const other = await system.api('GET', `/api/tenants/${randomUUID()}/drift`, { token: admin });
    expect(other.status).toBe(403);

    const bad = await system.api('GET', `${driftPath}?status=maybe`, { token: supervisor });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0].field).toBe('status');
    const badBody = await system.api('POST', `${driftPath}/check`, { token: admin, body: { remediate: 'soon' } });
    expect(badBody.status).toBe(400);
    expect(((await badBody.json()) as { errors: { field: string }[] }).errors[0].field).toBe('remediate');
  });

  it('in sync: a check reads the tenant in a few batched requests and finds nothing about the endpoints', async () => {
    const v = await check();
    expect(v.lastScan).toMatchObject({ status: 'completed', trigger: 'api', scanned: 2 });
    expect(mine(v)).toEqual([]);
    expect(v.lastScan?.unknown.count).toBe(0);
    // The seeded bot holds more than it needs (Presence.Read.All as an application permission, User.Read):
    // reported, never remediated.
    const consent = v.findings.filter((f) => f.subject.startsWith('app:'));
    expect(consent.map((f) => [f.kind, f.status, f.remediation.mode])).toEqual([
      ['consentExcess', 'open', 'reportOnly'],
    ]);
    // 2 endpoints, 1 bot app: 1 $batch + 1 number page + 3 consent reads; 1 batchGet + 1 sync:batchGet.
    expect(v.lastScan?.requests.planned).toBe(7);
    expect(v.lastScan?.requests.total).toBe(7);
  });

  it('while every read fails: unknown facts, no findings, no repair — even with drift in the tenant', async () => {
    // Someone removes a licence and unassigns a number, behind Switchboard's back.
    await gateway.removeLicense(objectIds.licence, RESOURCE_ACCOUNT_SKU_ID);
    await gateway.unassignNumber({ telephoneNumber: phoneNumber, numberType: 'callingPlan' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await state(system);
      const n = s.numbers.find((x) => x.telephoneNumber === phoneNumber);
      const u = s.users.find((x) => x.id === objectIds.licence);
      if (n?.assignmentStatus === 'unassigned' && u && u.assignedLicenses.length === 0) break;
      if (Date.now() > deadline) throw new Error('the simulator did not take the changes');
      await sleep(200);
    }

    const consentBefore = (await view('open')).findings;
    await system.sim('POST', '/_sim/faults', { errorProbability: 1 });
    let v: DriftView;
    try {
      // DRIFT_AUTO_REMEDIATE covers this tenant: only unknown facts keep it from repairing.
      const first = await startCheck();
      expect(first.started).toBe(true);
      // One check per tenant at a time: asking again while it runs (its reads are failing and being retried)
      // answers with the running check.
      const again = await startCheck({ remediate: false });
      expect(again).toMatchObject({ started: false, scanId: first.scanId, remediate: true });
      v = await finished(first.scanId);
    } finally {
      await system.sim('POST', '/_sim/faults', { errorProbability: 0, throttleProbability: 0 });
    }
    const scan = v.lastScan as Scan;
    expect(scan.status).toBe('completed');
    expect(scan.scanned).toBe(2);
    expect(scan.unknown.count).toBeGreaterThan(0);
    for (const s of scan.unknown.sample) expect(['throttled', 'serverError', 'timeout', 'network']).toContain(s.code);
    expect(mine(v)).toEqual([]);
    expect(scan.findings.opened).toBe(0);
    // The open consent finding is kept as it was (its fact is unknown now): neither refreshed nor resolved.
    expect(scan.findings.keptUnknown).toBe(consentBefore.length);
    expect(v.findings).toEqual(consentBefore);
    expect(scan.remediation).toMatchObject({ enabled: true, started: [] });
    // Nothing was repaired: both endpoints are still Provisioned and the tenant still drifted.
    for (const upn of [upns.licence, upns.number])
      expect((await getEndpoint(system, admin, upn)).status).toBe('Provisioned');
    const s = await state(system);
    expect(s.numbers.find((x) => x.telephoneNumber === phoneNumber)?.assignmentStatus).toBe('unassigned');
    expect(s.users.find((x) => x.id === objectIds.licence)?.assignedLicenses).toEqual([]);
  });

  it('finds the drift, repairs it (auto-remediation), and the next check resolves the findings', async () => {
    // Reads work again (a check may still meet the tail of the fault's Retry-After: check until it reads).
    let v = await check();
    for (let i = 0; i < 5 && (v.lastScan?.unknown.count ?? 0) > 0; i++) v = await check();
    const found = mine(v);
    expect(found.map((f) => [f.subject, f.kind]).sort()).toEqual(
      [
        [upns.licence.toLowerCase(), 'licenseMissing'],
        [upns.number.toLowerCase(), 'numberMissing'],
      ].sort(),
    );
    for (const f of found) {
      expect(f.status).toBe('open');
      expect(f.firstSeen).toBe(f.lastSeen);
      expect(Date.parse(f.firstSeen)).not.toBeNaN();
      expect(f.resolvedAt).toBeNull();
      expect(f.remediation.mode).toBe('auto');
      expect(f.remediation.runId).toEqual(expect.any(String));
    }
    expect(found.find((f) => f.kind === 'numberMissing')).toMatchObject({ expected: phoneNumber, actual: null });
    const scan = v.lastScan as Scan;
    expect(scan.findings.opened).toBeGreaterThanOrEqual(2);
    expect(scan.remediation.started.map((s) => s.upn.toLowerCase()).sort()).toEqual(
      [upns.licence.toLowerCase(), upns.number.toLowerCase()].sort(),
    );

    // The repairs run the provisioning chain again; the tenant is as provisioned once they are done.
    for (const upn of [upns.licence, upns.number]) {
      const e = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
      expect(e.status).toBe('Provisioned');
    }
    const s = await state(system);
    const n = s.numbers.find((x) => x.telephoneNumber === phoneNumber);
    expect(n?.assignmentTargetId).toBe(objectIds.number);
    expect(n?.assignmentStatus).not.toBe('unassigned');
    expect(s.users.find((x) => x.id === objectIds.licence)?.assignedLicenses.map((l) => l.skuId)).toContain(
      RESOURCE_ACCOUNT_SKU_ID,
    );

    // Still open until a scan sees them fixed.
    expect(mine(await view('open')).length).toBe(2);
    const after = await check();
    expect(after.lastScan?.findings.resolved).toBeGreaterThanOrEqual(2);
    expect(after.lastScan?.remediation.started).toEqual([]);
    const resolved = mine(await view('resolved'));
    expect(resolved).toHaveLength(2);
    for (const f of resolved) {
      expect(f.status).toBe('resolved');
      expect(Date.parse(f.resolvedAt as string)).toBeGreaterThanOrEqual(Date.parse(f.firstSeen));
    }
    expect(mine(await view('open'))).toEqual([]);
    expect(mine(await view()).length).toBe(2); // default status=all in this helper
  });

  it('the CLI runs a check, waits for it and prints the findings (`switchboard drift --check --wait --all`)', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'switchboard-drift-cli-'));
    const cli = async (...args: string[]) => {
      const common = ['--api', `${system.origin}/api`, '--tenant', tenantId, '--token', admin];
      try {
        const { stdout, stderr } = await run(
          process.execPath,
          [path.join(DIST, 'cli', 'main.js'), ...common, ...args],
          {
            env: { ...process.env, SWITCHBOARD_HOME: home },
          },
        );
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };
    const checked = await cli('drift', '--check', '--wait', '--all', '--no-remediate');
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/Last check .* \(api, completed\): 2 endpoints/);
    expect(checked.stdout).toMatch(/endpoint\s+kind\s+status\s+expected\s+actual/);
    expect(checked.stdout).toMatch(new RegExp(`${upns.licence}\\s+licenseMissing\\s+resolved`, 'i'));
    expect(checked.stdout).toMatch(new RegExp(`${upns.number}\\s+numberMissing\\s+resolved`, 'i'));

    const open = await cli('--json', 'drift');
    expect(open.code).toBe(0);
    const parsed = JSON.parse(open.stdout) as DriftView;
    expect(parsed.lastScan?.remediation.enabled).toBe(false); // --no-remediate
    expect(mine(parsed)).toEqual([]);
  });

  it('the timer starts checks on its own (DRIFT_SCHEDULE)', async () => {
    const before = (await view()).lastScan?.scanId;
    system.env.DRIFT_SCHEDULE = '*/3 * * * * *';
    await system.restartHost();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const v = await view();
      if (v.lastScan && v.lastScan.scanId !== before && v.lastScan.trigger === 'timer') {
        expect(v.lastScan).toMatchObject({ status: 'completed', scanned: 2 });
        expect(mine(await view('open'))).toEqual([]);
        break;
      }
      if (Date.now() > deadline) throw new Error(`no timer-started scan: ${JSON.stringify(v.lastScan)}`);
      await sleep(500);
    }
  });
});
