/** `switchboard drift [--check [--wait] [--remediate|--no-remediate]] [--all]`: what changed since provisioning. */
import { Option, type Command } from 'commander';
import type { DriftCheckRunView, DriftReportView } from '../../shared/domain';
import { table } from '../api-client';
import { commandContext, out, pause } from '../command-context';

type DriftView = DriftReportView;

const compact = (v: unknown): string =>
  v === null || v === undefined ? '(none)' : Array.isArray(v) ? v.join(', ') || '(none)' : String(v);

function printDrift(view: DriftView): void {
  const scan = view.lastScan;
  if (!scan) out('No drift check has run for this tenant yet.');
  else {
    const unknown = Object.entries(scan.unknown.byReason)
      .map(([code, n]) => `${n} ${code}`)
      .join(', ');
    out(
      `Last check ${scan.startedAt} (${scan.trigger}, ${scan.status}): ${scan.scanned} endpoints, ` +
        `${scan.findings.open} open (${scan.findings.opened} new, ${scan.findings.resolved} resolved), ` +
        `${scan.unknown.count} unknown facts${unknown ? ` [${unknown}]` : ''}, ${scan.requests.total} requests`,
    );
    if (scan.error) out(`  error: ${scan.error}`);
    if (scan.unknown.count > 0) out('  Unknown facts are not drift: they are read again by the next check.');
    for (const r of scan.remediation.started) out(`  repair started: ${r.upn} (run ${r.runId})`);
    for (const r of scan.remediation.skipped) out(`  repair skipped: ${r.upn}: ${r.reason}`);
  }
  if (view.check && !['Completed', 'Failed', 'Terminated'].includes(view.check.runtimeStatus)) {
    out(`A check is running (${view.check.instanceId}, ${view.check.runtimeStatus}).`);
  }
  if (view.findings.length === 0) return out('\nNo findings.');
  out('');
  out(
    table(
      view.findings.map((f) => ({
        endpoint: f.userPrincipalName ?? `app ${f.applicationId ?? f.subject}`,
        kind: f.kind,
        status: f.status,
        expected: compact(f.expected),
        actual: compact(f.actual),
        firstSeen: f.firstSeen,
        lastSeen: f.lastSeen,
        resolvedAt: f.resolvedAt ?? '',
        remediation: f.remediation.runId ? `run ${f.remediation.runId}` : f.remediation.mode,
      })),
      ['endpoint', 'kind', 'status', 'expected', 'actual', 'firstSeen', 'lastSeen', 'resolvedAt', 'remediation'],
    ),
  );
}

export function registerDriftCommand(program: Command): void {
  const context = () => commandContext(program);
  program
    .command('drift')
    .description("show the tenant's drift findings (what changed since provisioning); --check runs a check now")
    .option('--check', 'run a drift check now (Admin)')
    .option('--wait', 'with --check: wait until the check has finished, then show the findings')
    .option('--all', 'include resolved findings')
    .addOption(new Option('--remediate', 'with --check: repair what re-provisioning fixes, whatever the setting'))
    .addOption(new Option('--no-remediate', 'with --check: only report, whatever the setting'))
    .action(async (o: { check?: boolean; wait?: boolean; all?: boolean; remediate?: boolean }) => {
      const { client, tenant, json } = context();
      const status = o.all ? 'all' : 'open';
      const read = () => client.request<DriftView>('GET', `tenants/${tenant}/drift?status=${status}`);
      if (!o.check) {
        const view = await read();
        return json ? out(JSON.stringify(view, null, 2)) : printDrift(view);
      }
      const run = await client.request<DriftCheckRunView>(
        'POST',
        `tenants/${tenant}/drift/check`,
        o.remediate === undefined ? undefined : { remediate: o.remediate },
      );
      if (!o.wait) {
        if (json) return out(JSON.stringify(run, null, 2));
        return out(
          run.started
            ? `Drift check ${run.scanId} started (${run.instanceId}).`
            : `A drift check is already running (${run.instanceId}, scan ${run.scanId}).`,
        );
      }
      for (;;) {
        const view = await read();
        if (
          view.check?.scanId === run.scanId &&
          ['Completed', 'Failed', 'Terminated'].includes(view.check.runtimeStatus)
        ) {
          if (json) out(JSON.stringify(view, null, 2));
          else printDrift(view);
          if (view.check.runtimeStatus !== 'Completed') process.exitCode = 1;
          return;
        }
        if (!json && process.stderr.isTTY)
          process.stderr.write(`\rchecking… (${view.check?.runtimeStatus ?? 'Pending'})`.padEnd(40));
        await pause();
      }
    });
}
