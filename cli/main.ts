#!/usr/bin/env node
/**
 * `switchboard` — the command line for Switchboard's HTTP API: endpoints, consent, drift, and a dev login against the
 * local tenant simulator. Output is a readable table, or JSON with `--json`.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { ApiClient, ApiError, table } from './api-client';
import {
  exitCodeFor,
  getStatus,
  problemRowsTable,
  progressLine,
  submit,
  summaryLine,
  waitForBatch,
  type BatchStatus,
  type Output,
} from './bulk';
import { loadConfig, saveConfig, type CliConfig } from './config';
import type { DriftFindingView } from '../shared/domain';

interface GlobalOptions {
  api?: string;
  tenant?: string;
  token?: string;
  json?: boolean;
}

interface Endpoint {
  userPrincipalName: string;
  displayName: string;
  applicationId?: string;
  objectId?: string;
  phoneNumber?: string;
  numberType?: string;
  queueId?: string;
  status: string;
  steps?: { name: string; status: string; attempts: number; startedAt?: string; endedAt?: string; error?: string }[];
}

const program = new Command();
program
  .name('switchboard')
  .description("Provision and run a Teams contact center through Switchboard's API")
  .option('--api <url>', 'API base URL (default: saved by login, else http://localhost:7071/api)')
  .option('--tenant <tenantId>', 'customer tenant id (default: saved by login)')
  .option('--token <jwt>', 'bearer token (default: saved by login, or $SWITCHBOARD_TOKEN)')
  .option('--json', 'print JSON instead of tables');

function context(): { client: ApiClient; tenant: string; json: boolean; config: CliConfig } {
  const opts = program.opts<GlobalOptions>();
  const config = loadConfig();
  const tenant = opts.tenant ?? process.env.SWITCHBOARD_TENANT ?? config.tenantId;
  if (!tenant) throw new Error("no tenant: pass --tenant <tenantId> or run 'switchboard login --dev'");
  const token = opts.token ?? process.env.SWITCHBOARD_TOKEN ?? config.token;
  const baseUrl = opts.api ?? process.env.SWITCHBOARD_API ?? config.apiUrl ?? 'http://localhost:7071/api';
  return { client: new ApiClient({ baseUrl, token }), tenant, json: !!opts.json, config };
}

const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

function printEndpoint(endpoint: Endpoint, json: boolean): void {
  if (json) return out(JSON.stringify(endpoint, null, 2));
  out(
    table(
      [endpoint as unknown as Record<string, unknown>],
      ['userPrincipalName', 'displayName', 'status', 'phoneNumber', 'numberType', 'queueId', 'objectId'],
    ),
  );
  if (endpoint.steps?.length) {
    out('\nSteps');
    out(
      table(endpoint.steps as unknown as Record<string, unknown>[], [
        'name',
        'status',
        'attempts',
        'startedAt',
        'endedAt',
        'error',
      ]),
    );
  }
}

const endpoints = program.command('endpoints').description('contact-center endpoints (resource accounts)');

endpoints
  .command('add')
  .description('provision an endpoint')
  .requiredOption('--upn <userPrincipalName>', 'the resource account UPN, e.g. cc-sales@contoso.com')
  .requiredOption('--display-name <name>', 'the name callers and agents see')
  .option('--number <e164>', 'PSTN number, e.g. +14255550100')
  .addOption(
    new Option('--number-type <type>', 'number type').choices(['callingPlan', 'directRouting', 'operatorConnect']),
  )
  .option('--usage-location <cc>', 'ISO 3166 two-letter country code')
  .option('--queue <queueId>', 'queue to bind the endpoint to')
  .option('--application-id <guid>', 'bot app id (default: the configured bot)')
  .option('--keep-partial', 'keep what was done when a later step fails')
  .option('--wait', 'wait until Provisioned or Failed')
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const { client, tenant, json } = context();
    const body: Record<string, unknown> = { userPrincipalName: o.upn, displayName: o.displayName };
    if (o.number) body.phoneNumber = o.number;
    if (o.numberType) body.numberType = o.numberType;
    if (o.usageLocation) body.usageLocation = o.usageLocation;
    if (o.queue) body.queueId = o.queue;
    if (o.applicationId) body.applicationId = o.applicationId;
    if (o.keepPartial) body.keepPartial = true;
    const accepted = await client.request<Endpoint>('POST', `tenants/${tenant}/endpoints`, body);
    if (!o.wait) return printEndpoint(accepted, json);
    const final = await waitForEndpoint(client, tenant, String(o.upn), json);
    printEndpoint(final, json);
    if (final.status !== 'Provisioned') process.exitCode = 1;
  });

endpoints
  .command('get <upn>')
  .description('show an endpoint and its step log')
  .action(async (upn: string) => {
    const { client, tenant, json } = context();
    printEndpoint(
      await client.request<Endpoint>('GET', `tenants/${tenant}/endpoints/${encodeURIComponent(upn)}`),
      json,
    );
  });

endpoints
  .command('list')
  .description('list endpoints')
  .option('--top <n>', 'page size', '100')
  .option('--all', 'follow continuation tokens to the end')
  .action(async (o: { top: string; all?: boolean }) => {
    const { client, tenant, json } = context();
    const items: Endpoint[] = [];
    let continuation: string | undefined;
    do {
      const q = new URLSearchParams({ top: o.top });
      if (continuation) q.set('continuationToken', continuation);
      const page = await client.request<{ value: Endpoint[]; continuationToken?: string }>(
        'GET',
        `tenants/${tenant}/endpoints?${q}`,
      );
      items.push(...page.value);
      continuation = o.all ? page.continuationToken : undefined;
    } while (continuation);
    if (json) return out(JSON.stringify(items, null, 2));
    out(
      table(items as unknown as Record<string, unknown>[], [
        'userPrincipalName',
        'displayName',
        'status',
        'phoneNumber',
        'queueId',
      ]),
    );
  });

endpoints
  .command('remove <upn>')
  .description('deprovision an endpoint (number first, then licence, then the account)')
  .option('--wait', 'wait until Deprovisioned or Failed')
  .action(async (upn: string, o: { wait?: boolean }) => {
    const { client, tenant, json } = context();
    await client.request('DELETE', `tenants/${tenant}/endpoints/${encodeURIComponent(upn)}`);
    if (!o.wait)
      return out(json ? JSON.stringify({ userPrincipalName: upn, status: 'Deprovisioning' }) : `Deprovisioning ${upn}`);
    const final = await waitForEndpoint(client, tenant, upn, json);
    printEndpoint(final, json);
    if (final.status !== 'Deprovisioned') process.exitCode = 1;
  });

const io: Output = {
  out,
  err: (text: string) => void process.stderr.write(text),
  tty: !!process.stderr.isTTY,
};

function printBatch(status: BatchStatus, json: boolean): void {
  if (json) return out(JSON.stringify(status, null, 2));
  out(summaryLine(status));
  const problems = problemRowsTable(status.rows ?? []);
  if (problems) out(`\nRows to fix\n${problems}`);
}

const bulk = program.command('bulk').description('provision many endpoints from a CSV or JSON file');

bulk
  .command('import <file>')
  .description(
    'upload a CSV (header userPrincipalName,displayName,usageLocation,phoneNumber,numberType,queueId) or a JSON array',
  )
  .option('--wait', 'show progress until every row is done, then the rows that failed')
  .option('--idempotency-key <key>', 'makes a repeated import return the same batch (default: a new key per run)')
  .action(async (file: string, o: { wait?: boolean; idempotencyKey?: string }) => {
    const { client, tenant, json } = context();
    const reply = await submit(client, tenant, file, o.idempotencyKey, io, json);
    if (!o.wait) {
      if (json) out(JSON.stringify(reply, null, 2));
      else {
        out(
          `Batch ${reply.batchId}: ${reply.accepted} of ${reply.total} rows accepted, ${reply.rejected.length} rejected.`,
        );
        const rejected = reply.rejected.flatMap((r) =>
          r.errors.map((e) => ({ row: r.row, line: r.line ?? '', field: e.field, error: e.message })),
        );
        if (rejected.length) out(`\nRejected rows\n${table(rejected, ['row', 'line', 'field', 'error'])}`);
        out(`\nFollow it with: switchboard bulk status ${reply.batchId}`);
      }
      if (reply.rejected.length > 0) process.exitCode = 1;
      return;
    }
    if (!json) {
      process.stderr.write(
        `Batch ${reply.batchId}: ${reply.accepted} of ${reply.total} rows accepted, ${reply.rejected.length} rejected.\n`,
      );
    }
    await waitForBatch(client, tenant, reply.batchId, io, { quiet: json });
    const final = await getStatus(client, tenant, reply.batchId, true);
    printBatch(final, json);
    process.exitCode = exitCodeFor(final);
  });

bulk
  .command('status <batchId>')
  .description('progress of a batch and the rows that failed')
  .option('--csv', 'print every row with its outcome as CSV (to fix and import again)')
  .action(async (batchId: string, o: { csv?: boolean }) => {
    const { client, tenant, json } = context();
    if (o.csv) {
      const csv = await client.send<string>('GET', `tenants/${tenant}/bulk/${encodeURIComponent(batchId)}?format=csv`, {
        accept: 'text/csv',
      });
      process.stdout.write(csv.body);
      return;
    }
    const status = await getStatus(client, tenant, batchId, true);
    if (!json) out(progressLine(status));
    printBatch(status, json);
    if (status.pending + status.running === 0) process.exitCode = exitCodeFor(status);
  });

bulk
  .command('cancel <batchId>')
  .description('start no further rows of a batch (rows already running finish)')
  .action(async (batchId: string) => {
    const { client, tenant, json } = context();
    const status = await client.request<BatchStatus>(
      'POST',
      `tenants/${tenant}/bulk/${encodeURIComponent(batchId)}/cancel`,
    );
    printBatch(status, json);
  });

program
  .command('consent')
  .description("check the contact-center bot's permissions in the tenant and print the admin-consent URL")
  .action(async () => {
    const { client, tenant, json } = context();
    const consent = await client.request<{
      adminConsentUrl: string;
      granted: string[];
      missing: string[];
      excess: string[];
    }>('GET', `tenants/${tenant}/consent`);
    if (json) return out(JSON.stringify(consent, null, 2));
    out(`granted: ${consent.granted.join(', ') || '(none)'}`);
    out(`missing: ${consent.missing.join(', ') || '(none)'}`);
    out(`excess:  ${consent.excess.join(', ') || '(none)'}`);
    if (consent.missing.length) {
      out(`\nAn administrator of the tenant must grant consent:\n  ${consent.adminConsentUrl}`);
      process.exitCode = 1;
    }
  });

type DriftFinding = DriftFindingView;

interface DriftScan {
  scanId: string;
  trigger: string;
  status: string;
  startedAt: string;
  endedAt?: string;
  scanned: number;
  findings: { open: number; opened: number; refreshed: number; resolved: number; keptUnknown: number };
  unknown: { count: number; byReason: Record<string, number> };
  requests: { total: number; planned: number };
  remediation: {
    enabled: boolean;
    started: { upn: string; runId: string }[];
    skipped: { upn: string; reason: string }[];
  };
  error?: string;
}

interface DriftView {
  tenantId: string;
  check: { instanceId: string; runtimeStatus: string; scanId?: string } | null;
  lastScan: DriftScan | null;
  findings: DriftFinding[];
}

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
    const run = await client.request<{ scanId: string; instanceId: string; started: boolean }>(
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
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

program
  .command('login')
  .description('save the API URL, tenant and a token for later commands')
  .option('--dev', 'get a token from the local tenant simulator')
  .option('--simulator <url>', 'simulator URL', 'https://localhost:7075')
  .option('--ca <file>', "the simulator's CA certificate", path.join('.simulator', 'ca.pem'))
  .option('--roles <roles>', 'comma-separated roles', 'Switchboard.Admin')
  .option('--queues <queues>', 'comma-separated queue ids (supervisors)')
  .action(async (o: { dev?: boolean; simulator: string; ca: string; roles: string; queues?: string }) => {
    const opts = program.opts<GlobalOptions>();
    const config = loadConfig();
    if (!o.dev) {
      if (!opts.token) throw new Error('pass --token <jwt> (from your identity provider), or use --dev locally');
      saveConfig({
        ...config,
        apiUrl: opts.api ?? config.apiUrl,
        tenantId: opts.tenant ?? config.tenantId,
        token: opts.token,
      });
      return out('Saved.');
    }
    const ca = readFileSync(o.ca);
    const state = await httpsJson<{ tenants: { tenantId: string; domain: string }[] }>(`${o.simulator}/_sim/state`, ca);
    const tenantId = opts.tenant ?? state.tenants[0]?.tenantId;
    if (!tenantId) throw new Error('the simulator has no tenant');
    const token = await httpsJson<{ access_token: string; expires_in: number }>(`${o.simulator}/_sim/tokens`, ca, {
      tenantId,
      roles: o.roles.split(',').map((r) => r.trim()),
      ...(o.queues ? { queues: o.queues.split(',').map((q) => q.trim()) } : {}),
    });
    saveConfig({
      apiUrl: opts.api ?? config.apiUrl ?? 'http://localhost:7071/api',
      tenantId,
      token: token.access_token,
      tokenExpiresAt: new Date(Date.now() + token.expires_in * 1000).toISOString(),
    });
    out(opts.json ? JSON.stringify({ tenantId, roles: o.roles }) : `Logged in to tenant ${tenantId} as ${o.roles}.`);
  });

async function waitForEndpoint(client: ApiClient, tenant: string, upn: string, json: boolean): Promise<Endpoint> {
  const terminal = new Set(['Provisioned', 'Failed', 'Deprovisioned']);
  let last = '';
  for (;;) {
    const endpoint = await client.request<Endpoint>('GET', `tenants/${tenant}/endpoints/${encodeURIComponent(upn)}`);
    const running = endpoint.steps
      ?.filter((s) => s.status === 'Running')
      .map((s) => s.name)
      .join(', ');
    const line = `${endpoint.status}${running ? ` (${running})` : ''}`;
    if (!json && line !== last && process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(60)}`);
    last = line;
    if (terminal.has(endpoint.status)) {
      if (!json && process.stderr.isTTY) process.stderr.write('\n');
      return endpoint;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function httpsJson<T>(url: string, ca: Buffer, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      url,
      { method: payload ? 'POST' : 'GET', ca, headers: payload ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 400) return reject(new Error(`${url} answered ${res.statusCode}: ${text}`));
          try {
            resolve(JSON.parse(text) as T);
          } catch {
            reject(new Error(`${url} answered with non-JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', (err) => reject(new Error(`cannot reach ${url}: ${err.message}`)));
    req.end(payload);
  });
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ApiError) {
    process.stderr.write(`error: ${err.message}\n`);
    for (const e of err.problem.errors ?? []) {
      process.stderr.write(
        `  ${e.row !== undefined ? `row ${e.row}: ` : ''}${e.field ? `${e.field}: ` : ''}${e.message}\n`,
      );
    }
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exitCode = 1;
});
