/** A supervisor's drift scan summary counts their call queues' endpoints only (issue 17 item 4). */
import { scopedScanSummary } from '../../../../shared/drift';
import type { DriftFindingView, DriftScanView } from '../../../../shared/domain';

const scan: DriftScanView = {
  scanId: 's1',
  tenantId: 't',
  trigger: 'timer',
  status: 'completed',
  startedAt: '2026-01-01T10:00:00.000Z',
  endedAt: '2026-01-01T10:01:00.000Z',
  scanned: 500,
  apps: 1,
  findings: { open: 40, opened: 10, refreshed: 30, resolved: 5, keptUnknown: 2 },
  unknown: {
    count: 3,
    byReason: { readFailed: 3 },
    sample: [
      { subject: 'mine@x.com', kind: 'licenseMissing', code: 'readFailed', message: 'm' },
      { subject: 'theirs@x.com', kind: 'licenseMissing', code: 'readFailed', message: 'm' },
    ],
  },
  requests: { graph: 7, bridge: 2, total: 9, planned: 9 },
  remediation: {
    enabled: true,
    started: [
      { upn: 'Mine@x.com', runId: 'r1', kinds: ['licenseMissing'] },
      { upn: 'theirs@x.com', runId: 'r2', kinds: ['licenseMissing'] },
    ],
    skipped: [{ upn: 'theirs@x.com', reason: 'busy' }],
  },
  pruned: 3,
};

const finding = (upn: string, o: Partial<DriftFindingView>): DriftFindingView => ({
  subject: upn.toLowerCase(),
  userPrincipalName: upn,
  kind: 'licenseMissing',
  status: 'open',
  expected: null,
  actual: null,
  message: '',
  firstSeen: '2025-12-01T00:00:00.000Z',
  lastSeen: '2026-01-01T10:00:30.000Z',
  resolvedAt: null,
  remediation: { mode: 'auto' },
  ...o,
});

it('re-counts the summary over the supervisor’s endpoints and drops what is not theirs', () => {
  const inScope = (upn: string) => upn.toLowerCase().startsWith('mine');
  const findings = [
    finding('mine@x.com', {}), // refreshed by this scan
    finding('mine2@x.com', { firstSeen: '2026-01-01T10:00:20.000Z' }), // opened by it
    finding('mine3@x.com', { status: 'resolved', resolvedAt: '2026-01-01T10:00:40.000Z' }),
  ];
  const scoped = scopedScanSummary(scan, { inScope, endpoints: 4, findings });
  expect(scoped).toMatchObject({
    scope: 'callQueues',
    scanId: 's1',
    status: 'completed',
    scanned: 4,
    apps: 0,
    findings: { open: 2, opened: 1, refreshed: 1, resolved: 1, keptUnknown: 0 },
    requests: { graph: 0, bridge: 0, total: 0, planned: 0 },
    pruned: 0,
  });
  expect(scoped.unknown).toEqual({ count: 1, byReason: { readFailed: 1 }, sample: [scan.unknown.sample[0]] });
  expect(scoped.remediation).toEqual({ enabled: true, started: [scan.remediation.started[0]], skipped: [] });
  // A finding of someone else's endpoint never counts, even when passed in.
  expect(
    scopedScanSummary(scan, { inScope, endpoints: 0, findings: [finding('theirs@x.com', {})] }).findings.open,
  ).toBe(0);
});
