/** The drift orchestration replayed against scripted activity results: scan, then repairs only when asked. */
import { driftCheck, type DriftCheckInput } from '../../../orchestrations/drift/drift-check.orchestration';
import { ActivityFails, replayOrchestration, type ActivityCall } from '../../support/orchestration-replay';

const input: DriftCheckInput = { tenantId: 'tenant-1', scanId: 'scan-1', trigger: 'timer', remediate: true };

const summary = {
  findings: { open: 1, opened: 1, refreshed: 0, resolved: 0, keptUnknown: 0 },
  unknown: { count: 2, byReason: {}, sample: [] },
  remediation: { enabled: true, started: [], skipped: [] },
};
const started = {
  enabled: true,
  started: [{ upn: 'cc-1@contoso.example', runId: 'r', kinds: ['licenseMissing'] }],
  skipped: [],
};

function tenant(targets: unknown[], override: (call: ActivityCall) => unknown = () => undefined) {
  return (call: ActivityCall): unknown => {
    const special = override(call);
    if (special !== undefined) return special;
    if (call.name === 'scanDrift') return { summary, targets };
    if (call.name === 'remediateDrift') return started;
    throw new Error(`unexpected activity ${call.name}`);
  };
}

describe('driftCheck by replay', () => {
  test('scan, then the repairs of the targets; the phases show in customStatus', async () => {
    const targets = [{ upnKey: 'cc-1@contoso.example', kinds: ['licenseMissing'] }];
    const run = await replayOrchestration(driftCheck, input, tenant(targets));
    expect(run.activities.map((a) => a.name)).toEqual(['scanDrift', 'remediateDrift']);
    expect(run.activities[0].input).toMatchObject({ ...input, startedAt: '2026-01-01T00:00:00.000Z' });
    expect(run.activities[1].input).toEqual({
      tenantId: 'tenant-1',
      scanId: 'scan-1',
      startedAt: '2026-01-01T00:00:00.000Z',
      targets,
    });
    expect(run.output).toEqual({
      scanId: 'scan-1',
      startedAt: '2026-01-01T00:00:00.000Z',
      findings: summary.findings,
      unknown: 2,
      remediation: started,
    });
    expect(run.customStatus).toEqual({ scanId: 'scan-1', phase: 'done' });
  });

  test('nothing to repair, or a report-only run: no repair activity', async () => {
    const none = await replayOrchestration(driftCheck, input, tenant([]));
    expect(none.activities.map((a) => a.name)).toEqual(['scanDrift']);
    const reportOnly = await replayOrchestration(
      driftCheck,
      { ...input, remediate: false },
      tenant([{ upnKey: 'x', kinds: ['licenseMissing'] }]),
    );
    expect(reportOnly.activities.map((a) => a.name)).toEqual(['scanDrift']);
    expect(reportOnly.output).toMatchObject({ remediation: summary.remediation });
  });

  test('a failing scan is retried by the host (2 s apart, 3 attempts), then the check fails', async () => {
    const flaky = await replayOrchestration(
      driftCheck,
      input,
      tenant([], (c) => (c.name === 'scanDrift' && c.attempt < 2 ? new ActivityFails('storage down') : undefined)),
    );
    expect(flaky.done).toBe(true);
    expect(flaky.activities.map((a) => a.name)).toEqual(['scanDrift', 'scanDrift', 'scanDrift']);
    expect(flaky.waits.map((w) => w.delayMs)).toEqual([2_000, 2_000]);

    const down = await replayOrchestration(
      driftCheck,
      input,
      tenant([], (c) => (c.name === 'scanDrift' ? new ActivityFails('storage down') : undefined)),
    );
    expect(down.done).toBe(false);
    expect(down.error).toMatch(/storage down/);
    expect(down.activities.map((a) => a.name)).toEqual(['scanDrift', 'scanDrift', 'scanDrift']);
  });
});
