/**
 * The drift API's finding, as `GET /api/tenants/{tenantId}/drift` returns it: one shape for the service that builds
 * it, the CLI that prints it and the tests that read it.
 */
export interface DriftFindingView<Kind extends string = string> {
  subject: string;
  /** The endpoint's UPN (absent for consent findings, whose subject is `app:{applicationId}`). */
  userPrincipalName?: string;
  applicationId?: string;
  kind: Kind;
  status: 'open' | 'resolved';
  expected: unknown;
  actual: unknown;
  message: string;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  remediation: { mode: 'auto' | 'reportOnly'; runId?: string; startedAt?: string };
}

/** A drift scan's summary: counts, unknown facts, requests, remediation. */
export interface DriftScanView<Kind extends string = string, ReasonCode extends string = string> {
  scanId: string;
  tenantId: string;
  trigger: 'timer' | 'api';
  status: 'running' | 'completed' | 'failed';
  startedAt: string;
  endedAt?: string;
  /** Provisioned endpoints compared. */
  scanned: number;
  /** Bot apps whose consent was compared. */
  apps: number;
  findings: { open: number; opened: number; refreshed: number; resolved: number; keptUnknown: number };
  /** Facts that could not be read (never drift): how many, by reason, and the first few. */
  unknown: {
    count: number;
    byReason: Partial<Record<ReasonCode, number>>;
    sample: { subject: string; kind: Kind; code: ReasonCode; message: string }[];
  };
  /** HTTP requests the scan sent (retries included), and what the read planner expected. */
  requests: { graph: number; bridge: number; total: number; planned: number };
  remediation: {
    enabled: boolean;
    /** Provisioning runs started to fix findings of this scan. */
    started: { upn: string; runId: string; kinds: Kind[] }[];
    /** Endpoints with remediable findings that were not started, and why. */
    skipped: { upn: string; reason: string }[];
  };
  error?: string;
  /** Scans of this tenant older than the retention (DRIFT_SCAN_RETENTION_DAYS) deleted when this one was recorded. */
  pruned?: number;
}

/** The check of a tenant running now (or the last one), as `GET …/drift` shows it. */
export interface DriftCheckStateView {
  instanceId: string;
  runtimeStatus: string;
  scanId?: string;
  phase?: string;
  remediate?: boolean;
}

/** `GET /api/tenants/{tenantId}/drift`. */
export interface DriftReportView<Kind extends string = string> {
  tenantId: string;
  status: 'open' | 'resolved' | 'all';
  check: DriftCheckStateView | null;
  lastScan: DriftScanView<Kind> | null;
  findings: DriftFindingView<Kind>[];
}

/** `POST /api/tenants/{tenantId}/drift/check` (202): the check started, or the one already running. */
export interface DriftCheckRunView {
  tenantId: string;
  instanceId: string;
  scanId: string;
  /** False when a check of the tenant was already running (that one is reported). */
  started: boolean;
  remediate: boolean;
  runtimeStatus: string;
}
