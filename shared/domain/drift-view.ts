/**
 * The drift API's replies, as `GET /api/tenants/{tenantId}/drift` and `POST …/drift/check` return them: one shape for
 * the service that builds them, the CLI that prints them, the tests that read them and the OpenAPI document (the zod
 * schemas are the definition; the types are inferred from them, narrowed to the drift capability's kinds by their
 * type parameters).
 */
import { z } from 'zod';

export const driftFindingViewSchema = z.object({
  subject: z.string(),
  /** The endpoint's UPN (absent for consent findings, whose subject is `app:{applicationId}`). */
  userPrincipalName: z.string().optional(),
  applicationId: z.string().optional(),
  kind: z.string(),
  status: z.enum(['open', 'resolved']),
  expected: z.unknown(),
  actual: z.unknown(),
  message: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  resolvedAt: z.string().nullable(),
  remediation: z.object({
    mode: z.enum(['auto', 'reportOnly']),
    runId: z.string().optional(),
    startedAt: z.string().optional(),
  }),
});
export type DriftFindingView<Kind extends string = string> = Omit<z.infer<typeof driftFindingViewSchema>, 'kind'> & {
  kind: Kind;
};

export const driftScanViewSchema = z.object({
  scanId: z.string(),
  tenantId: z.string(),
  trigger: z.enum(['timer', 'api']),
  status: z.enum(['running', 'completed', 'failed']),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  /** Provisioned endpoints compared. */
  scanned: z.number(),
  /** Bot apps whose consent was compared. */
  apps: z.number(),
  findings: z.object({
    open: z.number(),
    opened: z.number(),
    refreshed: z.number(),
    resolved: z.number(),
    keptUnknown: z.number(),
  }),
  /** Facts that could not be read (never drift): how many, by reason, and the first few. */
  unknown: z.object({
    count: z.number(),
    byReason: z.record(z.string(), z.number()),
    sample: z.array(z.object({ subject: z.string(), kind: z.string(), code: z.string(), message: z.string() })),
  }),
  /** HTTP requests the scan sent (retries included), and what the read planner expected. */
  requests: z.object({ graph: z.number(), bridge: z.number(), total: z.number(), planned: z.number() }),
  remediation: z.object({
    enabled: z.boolean(),
    /** Provisioning runs started to fix findings of this scan. */
    started: z.array(z.object({ upn: z.string(), runId: z.string(), kinds: z.array(z.string()) })),
    /** Endpoints with remediable findings that were not started, and why. */
    skipped: z.array(z.object({ upn: z.string(), reason: z.string() })),
  }),
  error: z.string().optional(),
  /** Scans of this tenant older than the retention (DRIFT_SCAN_RETENTION_DAYS) deleted when this one was recorded. */
  pruned: z.number().optional(),
});
type DriftScanBase = z.infer<typeof driftScanViewSchema>;
/** A drift scan's summary: counts, unknown facts, requests, remediation (kinds and reason codes narrowed). */
export type DriftScanView<Kind extends string = string, ReasonCode extends string = string> = Omit<
  DriftScanBase,
  'unknown' | 'remediation'
> & {
  unknown: Omit<DriftScanBase['unknown'], 'byReason' | 'sample'> & {
    byReason: Partial<Record<ReasonCode, number>>;
    sample: (DriftScanBase['unknown']['sample'][number] & { kind: Kind; code: ReasonCode })[];
  };
  remediation: Omit<DriftScanBase['remediation'], 'started'> & {
    started: (DriftScanBase['remediation']['started'][number] & { kinds: Kind[] })[];
  };
};

/** The check of a tenant running now (or the last one), as `GET …/drift` shows it. */
export const driftCheckStateViewSchema = z.object({
  instanceId: z.string(),
  runtimeStatus: z.string(),
  scanId: z.string().optional(),
  phase: z.string().optional(),
  remediate: z.boolean().optional(),
});
export type DriftCheckStateView = z.infer<typeof driftCheckStateViewSchema>;

/** `GET /api/tenants/{tenantId}/drift`. */
export const driftReportViewSchema = z.object({
  tenantId: z.string(),
  status: z.enum(['open', 'resolved', 'all']),
  check: driftCheckStateViewSchema.nullable(),
  lastScan: driftScanViewSchema.nullable(),
  findings: z.array(driftFindingViewSchema),
});
export type DriftReportView<Kind extends string = string> = Omit<
  z.infer<typeof driftReportViewSchema>,
  'lastScan' | 'findings'
> & { lastScan: DriftScanView<Kind> | null; findings: DriftFindingView<Kind>[] };

/** `POST /api/tenants/{tenantId}/drift/check` (202): the check started, or the one already running. */
export const driftCheckRunViewSchema = z.object({
  tenantId: z.string(),
  instanceId: z.string(),
  scanId: z.string(),
  /** False when a check of the tenant was already running (that one is reported). */
  started: z.boolean(),
  remediate: z.boolean(),
  runtimeStatus: z.string(),
});
export type DriftCheckRunView = z.infer<typeof driftCheckRunViewSchema>;
