/**
 * Drift checks, the I/O side: load a tenant's Provisioned endpoints, read the tenant in batches (drift-reads.ts,
 * planned by read-plan.ts), compare (compare.ts), apply the findings lifecycle (lifecycle.ts) to the `driftFindings`
 * table, record the scan's summary, and — when asked — start repairs for the findings that re-provisioning fixes.
 *
 * A read that fails (429, 5xx, timeout, token, network) makes the facts it would have read UNKNOWN: never drift,
 * never remediated; an open finding on an unknown fact stays as it is until a later scan can read it.
 */
import {
  BOT_APP_PERMISSIONS,
  type DriftFindingView,
  type EndpointRecord,
  type LicenseRule,
  type NumberType,
} from '../domain';
import type { TenantGateway } from '../tenant';
import { unknownFact } from './observed';
import { appSubject, isAutoRemediable, type DriftKind, type UnknownFact } from './kinds';
import { scanTenant, type DesiredEndpoint as DesiredForDrift, type ObservedEndpoint } from './compare';
import { applyScan, applyUpdate } from './lifecycle';
import { planDriftReads } from './read-plan';
import { NOT_FOUND, readAppConsent, readInstances, readNumbers, readSyncs, readUsers } from './drift-reads';
import type { DriftFindingsRepository, DriftScansRepository, FindingRecord, ScanSummary } from './drift.repository';
import type { DriftEndpointReader, RepairEndpoint } from './drift-endpoints.port';

export interface DriftScanRequest {
  tenantId: string;
  scanId: string;
  trigger: 'timer' | 'api';
  /** ISO instant (the orchestration's clock). */
  startedAt: string;
  /** Whether this run remediates (DRIFT_AUTO_REMEDIATE, or the request's override). */
  remediate: boolean;
}

/** An endpoint whose findings re-provisioning fixes. */
export interface RemediationTarget {
  upnKey: string;
  kinds: DriftKind[];
}

export interface DriftScanResult {
  summary: ScanSummary;
  /** Empty unless the run remediates. */
  targets: RemediationTarget[];
}

export interface DriftServiceDeps {
  endpoints: DriftEndpointReader;
  findings: DriftFindingsRepository;
  scans: DriftScansRepository;
  /** A fresh gateway per scan (its request counts are the scan's). */
  gateway: (tenantId: string) => TenantGateway;
  licenseRule: LicenseRule;
  defaultUsageLocation: string;
  /** Scan records older than this many days are deleted as a scan is recorded (none when absent). */
  scanRetentionDays?: number;
  now?: () => Date;
}

export type FindingStatusFilter = 'open' | 'resolved' | 'all';

export type FindingView = DriftFindingView<DriftKind>;

const UNKNOWN_SAMPLE = 20;

export class DriftService {
  private readonly now: () => Date;
  constructor(private readonly d: DriftServiceDeps) {
    this.now = d.now ?? (() => new Date());
  }

  /** Tenants with at least one endpoint row (what the timer checks). */
  tenantsWithEndpoints(): Promise<string[]> {
    return this.d.endpoints.tenantIds();
  }

  async scan(req: DriftScanRequest): Promise<DriftScanResult> {
    const tenantId = req.tenantId.toLowerCase();
    const all = await this.d.endpoints.listAll(tenantId);
    const provisioned = all.filter((e) => e.status === 'Provisioned');
    const byKey = new Map(provisioned.map((e) => [e.upnKey, e]));
    const plan = planDriftReads(
      provisioned.map((e) => e.upnKey),
      { botApps: new Set(provisioned.map((e) => e.desired.applicationId.toLowerCase())).size },
    );
    const gateway = this.d.gateway(tenantId);

    const apps = [...new Set(provisioned.map((e) => e.desired.applicationId.toLowerCase()))];
    const [instances, syncs, users, numbers, consents] = await Promise.all([
      readInstances(gateway, plan, byKey),
      readSyncs(gateway, plan, byKey),
      readUsers(gateway, plan, byKey),
      readNumbers(gateway, provisioned),
      Promise.all(apps.map((a) => readAppConsent(gateway, a))),
    ]);

    // An account the directory or the bridge could not find: whether it is missing is the instance read's call
    // (instanceMissing); its other facts are not judged, so a failed instance read never turns into other drift.
    for (const key of users.missing) {
      users.usage.set(key, unknownFact(NOT_FOUND));
      users.licenses.set(key, unknownFact(NOT_FOUND));
      numbers.set(key, unknownFact(NOT_FOUND));
    }
    // "No number on the account" means something only when the account is known to exist.
    for (const [key, fact] of instances) {
      if (fact.kind === 'unknown' && numbers.get(key)?.kind === 'absent') {
        numbers.set(key, unknownFact({ ...NOT_FOUND, message: 'whether the account exists is unknown in this scan' }));
      }
    }

    const scan = scanTenant({
      endpoints: provisioned.map((e) => ({
        desired: this.desiredOf(e),
        observed: {
          instance: instances.get(e.upnKey),
          sync: syncs.get(e.upnKey),
          usageLocation: users.usage.get(e.upnKey),
          licenses: users.licenses.get(e.upnKey),
          number: numbers.get(e.upnKey),
        } satisfies ObservedEndpoint,
      })),
      apps: apps.map((applicationId, i) => ({ applicationId, consent: consents[i], required: BOT_APP_PERMISSIONS })),
    });

    const previous = await this.d.findings.list(tenantId);
    // Findings of endpoints that are gone or deprovisioned resolve; endpoints in another run (Pending, Provisioning,
    // Failed) are left as they are. Consent findings of an app no endpoint uses any more resolve too.
    const status = new Map(all.map((e) => [e.upnKey, e.status]));
    const appSubjects = new Set(apps.map(appSubject));
    const retired = new Set<string>();
    for (const f of previous) {
      if (f.resolvedAt) continue;
      if (f.subject.startsWith('app:')) {
        if (!appSubjects.has(f.subject)) retired.add(f.subject);
      } else {
        const s = status.get(f.subject);
        if (s === undefined || s === 'Deprovisioned' || s === 'Deprovisioning') retired.add(f.subject);
      }
    }
    const now = this.now().toISOString();
    const update = applyScan(previous, scan, now, { retiredSubjects: retired });
    const upnOf = new Map(all.map((e) => [e.upnKey, e.desired.userPrincipalName]));
    await this.d.findings.putAll(tenantId, update.upserts, req.scanId, (subject) => upnOf.get(subject));
    const after = applyUpdate(previous, update);

    const counts = gateway.requestCounts();
    const summary: ScanSummary = {
      scanId: req.scanId,
      tenantId,
      trigger: req.trigger,
      status: 'completed',
      startedAt: req.startedAt,
      endedAt: this.now().toISOString(),
      scanned: provisioned.length,
      apps: apps.length,
      findings: {
        open: after.filter((f) => !f.resolvedAt).length,
        opened: update.opened.length,
        refreshed: update.refreshed.length,
        resolved: update.resolved.length,
        keptUnknown: update.keptUnknown.length,
      },
      unknown: unknownSummary(scan.unknown),
      requests: {
        graph: counts.graph,
        bridge: counts.bridge,
        total: counts.graph + counts.bridge,
        planned: plan.requests.totalRequests,
      },
      remediation: { enabled: req.remediate, started: [], skipped: [] },
    };

    const targets: RemediationTarget[] = [];
    if (req.remediate) {
      const prior = new Map(previous.map((f) => [`${f.subject}|${f.kind}`, f as FindingRecord]));
      const touched = new Set([...update.opened, ...update.refreshed]);
      const perEndpoint = new Map<string, DriftKind[]>();
      for (const f of scan.findings) {
        const key = `${f.subject}|${f.kind}`;
        if (!touched.has(key) || f.subject.startsWith('app:') || !isAutoRemediable(f)) continue;
        const endpoint = byKey.get(f.subject);
        if (!endpoint) continue;
        // A remediation run that already finished without fixing this incident is not repeated: it needs a person.
        const before = prior.get(key);
        if (before?.remediation && !before.resolvedAt && before.remediation.runId === endpoint.runId) {
          summary.remediation.skipped.push({
            upn: endpoint.desired.userPrincipalName,
            reason: `${f.kind}: the repair run ${endpoint.runId} finished without fixing it`,
          });
          continue;
        }
        perEndpoint.set(f.subject, [...(perEndpoint.get(f.subject) ?? []), f.kind]);
      }
      for (const [key, kinds] of perEndpoint) targets.push({ upnKey: key, kinds });
    }
    summary.pruned = await this.pruneScans(tenantId);
    await this.d.scans.put(summary);
    return { summary, targets };
  }

  /**
   * Deletes the tenant's scan records older than the retention. Housekeeping only: a failure leaves them to the next
   * scan, and shows as `pruned` absent from this scan's record.
   */
  private async pruneScans(tenantId: string): Promise<number | undefined> {
    const days = this.d.scanRetentionDays;
    if (!days) return undefined;
    try {
      return await this.d.scans.prune(tenantId, new Date(this.now().getTime() - days * 86_400_000));
    } catch {
      return undefined;
    }
  }

  /** Starts the repairs (one per endpoint; the provision instance id keeps it to one at a time) and records them. */
  async remediate(
    tenantId: string,
    scan: { scanId: string; startedAt: string },
    targets: readonly RemediationTarget[],
    repair: RepairEndpoint,
  ): Promise<ScanSummary['remediation']> {
    const started: ScanSummary['remediation']['started'] = [];
    const skipped: ScanSummary['remediation']['skipped'] = [];
    for (const t of targets) {
      let outcome: Awaited<ReturnType<RepairEndpoint>>;
      try {
        outcome = await repair(tenantId, t.upnKey);
      } catch (err) {
        skipped.push({ upn: t.upnKey, reason: `the repair could not be started: ${(err as Error).message}` });
        continue;
      }
      if (outcome.kind === 'skipped') {
        skipped.push({ upn: t.upnKey, reason: outcome.reason });
        continue;
      }
      const runId = outcome.record.runId as string;
      const startedAt = this.now().toISOString();
      for (const kind of t.kinds) {
        await this.d.findings.recordRemediation(tenantId, t.upnKey, kind, { runId, startedAt, scanId: scan.scanId });
      }
      started.push({ upn: outcome.record.desired.userPrincipalName, runId, kinds: t.kinds });
    }
    const summary = await this.d.scans.get(tenantId, scan.scanId, scan.startedAt);
    const remediation = {
      enabled: true,
      started: [...(summary?.remediation.started ?? []), ...started],
      skipped: [...(summary?.remediation.skipped ?? []), ...skipped],
    };
    if (summary) await this.d.scans.put({ ...summary, remediation });
    return remediation;
  }

  /** What GET …/drift shows: the newest scan and the findings with that status. */
  async view(
    tenantId: string,
    status: FindingStatusFilter,
  ): Promise<{ lastScan: ScanSummary | null; findings: FindingView[] }> {
    const [scans, findings] = await Promise.all([this.d.scans.latest(tenantId, 1), this.d.findings.list(tenantId)]);
    const views = findings
      .filter((f) => status === 'all' || (status === 'open' ? !f.resolvedAt : !!f.resolvedAt))
      .map(findingView)
      .sort((a, b) => (a.subject === b.subject ? a.kind.localeCompare(b.kind) : a.subject.localeCompare(b.subject)));
    return { lastScan: scans[0] ?? null, findings: views };
  }

  private desiredOf(e: EndpointRecord): DesiredForDrift {
    const d = e.desired;
    return {
      upn: d.userPrincipalName,
      displayName: d.displayName,
      applicationId: d.applicationId,
      usageLocation: d.usageLocation ?? this.d.defaultUsageLocation,
      phoneNumber: d.phoneNumber ?? null,
      numberType: (d.numberType ?? null) as NumberType | null,
      licenseRule: this.d.licenseRule,
    };
  }
}

function findingView(f: FindingRecord): FindingView {
  const app = f.subject.startsWith('app:') ? f.subject.slice(4) : undefined;
  return {
    subject: f.subject,
    ...(app ? { applicationId: app } : { userPrincipalName: f.userPrincipalName ?? f.subject }),
    kind: f.kind,
    status: f.resolvedAt ? 'resolved' : 'open',
    expected: f.expected,
    actual: f.actual,
    message: f.message,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    resolvedAt: f.resolvedAt ?? null,
    remediation: {
      mode: isAutoRemediable(f) ? 'auto' : 'reportOnly',
      ...(f.remediation ? { runId: f.remediation.runId, startedAt: f.remediation.startedAt } : {}),
    },
  };
}

function unknownSummary(unknown: readonly UnknownFact[]): ScanSummary['unknown'] {
  const byReason: ScanSummary['unknown']['byReason'] = {};
  for (const u of unknown) byReason[u.reason.code] = (byReason[u.reason.code] ?? 0) + 1;
  // The interesting ones first: failed reads, then facts not judged because something else was missing.
  const ordered = [...unknown].sort(
    (a, b) => Number(a.reason.code === 'notEvaluated') - Number(b.reason.code === 'notEvaluated'),
  );
  return {
    count: unknown.length,
    byReason,
    sample: ordered.slice(0, UNKNOWN_SAMPLE).map((u) => ({
      subject: u.subject,
      kind: u.kind,
      code: u.reason.code,
      message: u.reason.message.slice(0, 300),
    })),
  };
}
