/**
 * A supervisor's view of a drift scan's summary (issue 17 item 4): only what concerns the endpoints of their own call
 * queues. The stored summary counts the whole tenant; its per-endpoint parts are filtered (unknown-fact sample,
 * remediation lists) and its counts re-derived from the supervisor's findings and their timestamps against the
 * scan's window. What cannot be split by endpoint (consent apps, the scan's request counts, the pruned scans) is 0.
 */
import type { DriftFindingView, DriftScanView } from '../domain';

export function scopedScanSummary<K extends string, R extends string>(
  scan: DriftScanView<K, R>,
  o: {
    /** Whether an endpoint (by UPN, any case) belongs to the supervisor's call queues. */
    inScope: (upn: string) => boolean;
    /** Endpoints of the supervisor's call queues. */
    endpoints: number;
    /** The supervisor's findings (all statuses) of the tenant. */
    findings: readonly DriftFindingView<K>[];
  },
): DriftScanView<K, R> & { scope: 'callQueues' } {
  const start = Date.parse(scan.startedAt);
  const end = scan.endedAt ? Date.parse(scan.endedAt) : Number.POSITIVE_INFINITY;
  const during = (iso: string | null | undefined): boolean => {
    if (!iso) return false;
    const t = Date.parse(iso);
    return t >= start && t <= end;
  };
  const mine = o.findings.filter((f) => f.userPrincipalName && o.inScope(f.userPrincipalName));
  const opened = mine.filter((f) => during(f.firstSeen)).length;
  const sample = scan.unknown.sample.filter((u) => o.inScope(u.subject));
  const byReason: Partial<Record<R, number>> = {};
  for (const u of sample) byReason[u.code] = (byReason[u.code] ?? 0) + 1;
  return {
    ...scan,
    scope: 'callQueues',
    scanned: o.endpoints,
    apps: 0,
    findings: {
      open: mine.filter((f) => f.status === 'open').length,
      opened,
      refreshed: mine.filter((f) => f.status === 'open' && during(f.lastSeen)).length - opened,
      resolved: mine.filter((f) => during(f.resolvedAt)).length,
      keptUnknown: 0,
    },
    unknown: { count: sample.length, byReason, sample },
    requests: { graph: 0, bridge: 0, total: 0, planned: 0 },
    remediation: {
      enabled: scan.remediation.enabled,
      started: scan.remediation.started.filter((s) => o.inScope(s.upn)),
      skipped: scan.remediation.skipped.filter((s) => o.inScope(s.upn)),
    },
    pruned: 0,
  };
}
