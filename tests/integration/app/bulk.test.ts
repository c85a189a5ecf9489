/**
 * Bulk import end to end: a CSV through `POST …/bulk`, the provision-requests queue, the queue trigger and the
 * provisioning orchestration, against the simulator — exact counts, no duplicates, survives faults and a killed
 * host; redelivered and malformed queue messages; cancel; CSV results; refusals.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DIST } from '../../../scripts/lib/processes';
import { BulkBatchesRepository, BulkRowsRepository, batchIdForKey } from '../../../shared/bulk';
import { EndpointsRepository } from '../../../shared/provisioning';
import { startSystem, type System } from '../../../scripts/lib/system';
import {
  ASSIGNED_ELSEWHERE,
  BULK_HEADER,
  bulkNumbers,
  bulkQueueOf,
  bulkSeed,
  getBatch,
  peekTexts,
  postBulk,
  queueClient,
  sendRaw,
  waitForBatch,
  waitForEmptyQueue,
  waitForQueueCount,
  type SubmitReply,
} from '../../support/bulk-api';
import { RESOURCE_ACCOUNT_SKU_ID, state } from '../../support/endpoints-api';

/** Hundreds of chains share one devhost on two cores: short simulator delays and quick polling keep the work small. */
const BULK_FAULTS = { replicationDelayMs: 100, licensePropagationMs: 100, numberOperationMs: 50 };
const BULK_WAITS = JSON.stringify({
  replication: { initialDelayMs: 250, maxDelayMs: 1000, deadlineMs: 120_000 },
  license: { initialDelayMs: 250, maxDelayMs: 1000, deadlineMs: 120_000 },
  numberOperation: { initialDelayMs: 100, maxDelayMs: 500, deadlineMs: 120_000 },
  throttle: { initialDelayMs: 250, maxDelayMs: 5000, deadlineMs: 240_000 },
});
/** Request budgets roomy enough for the tests' batches; row starts paced at 12 a second (burst 12). */
const STARTS_PER_SECOND = 12;
const BULK_RATES = JSON.stringify({
  '*': { graphPerSecond: 200, bridgePerSecond: 100, bulkStartsPerSecond: STARTS_PER_SECOND },
});

const run = promisify(execFile);

describe('bulk import', () => {
  let system: System;
  let admin: string;
  const numbers = bulkNumbers();
  let nextNumber = 0;
  const takeNumber = () => numbers[nextNumber++];
  const upn = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}@${system.simulator.domain}`;
  const tenantPath = () => `/api/tenants/${system.simulator.tenantId}`;

  beforeAll(async () => {
    system = await startSystem({
      faults: BULK_FAULTS,
      env: { PROVISIONING_WAITS: BULK_WAITS, TENANT_RATES: BULK_RATES },
      seed: bulkSeed(),
    });
    admin = await system.token(['Switchboard.Admin']);
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** Checks every Succeeded row against the simulator: one instance per UPN, licensed, the number where asked. */
  async function expectProvisionedOnce(rows: { userPrincipalName?: string; phoneNumber?: string; status: string }[]) {
    const tenant = await state(system);
    for (const r of rows.filter((x) => x.status === 'Succeeded')) {
      const instances = tenant.applicationInstances.filter(
        (i) => i.userPrincipalName.toLowerCase() === r.userPrincipalName?.toLowerCase(),
      );
      expect(instances).toHaveLength(1);
      const user = tenant.users.find((u) => u.id === instances[0].objectId);
      expect(user?.assignedLicenses.map((l) => l.skuId)).toContain(RESOURCE_ACCOUNT_SKU_ID);
      if (r.phoneNumber) {
        expect(tenant.numbers.find((n) => n.telephoneNumber === r.phoneNumber)?.assignmentTargetId).toBe(
          instances[0].objectId,
        );
      }
    }
  }

  it('imports 200 rows: rejects exactly the 10 bad ones with reasons and provisions the other 190, paced', async () => {
    const lines: string[] = [BULK_HEADER];
    const good: { upn: string; number?: string }[] = [];
    for (let i = 1; i <= 190; i++) {
      const u = upn(`bulk${i}`);
      const number = i % 4 === 2 ? takeNumber() : undefined;
      good.push({ upn: u, number });
      lines.push(`${u},Bulk ${i},US,${number ?? ''},${number ? 'callingPlan' : ''},`);
    }
    const dupNumber = good.find((g) => g.number)!.number!;
    const bad: [string, string][] = [
      [`not-an-upn,Bad UPN,US,,,`, 'userPrincipalName'],
      [`${upn('noname')},,US,,,`, 'displayName'],
      [`${upn('badloc')},Bad location,XYZ,,,`, 'usageLocation'],
      [`${good[3].upn.toUpperCase()},Duplicate UPN,US,,,`, 'userPrincipalName'],
      [`${upn('dupnum')},Duplicate number,US,${dupNumber},callingPlan,`, 'phoneNumber'],
      [`${upn('unknown')},Unknown number,US,+14255579999,callingPlan,`, 'phoneNumber'],
      [`${upn('useronly')},User number,US,+14255550155,callingPlan,`, 'phoneNumber'],
      [`${upn('assigned')},Assigned elsewhere,US,${ASSIGNED_ELSEWHERE},callingPlan,`, 'phoneNumber'],
      [`${upn('badtype')},Bad type,US,${takeNumber()},pstn,`, 'numberType'],
      [`${upn('cells')},Too few cells`, '(row)'],
    ];
    // Spread the bad rows through the file: data rows 7, 27, 47, … (CSV line = row + 1).
    const badRows: number[] = [];
    bad.forEach(([line], k) => {
      const row = 7 + k * 20;
      lines.splice(row, 0, line);
      badRows.push(row);
    });
    // Splicing in order keeps each bad row at its planned data-row number.
    const csv = lines.join('\r\n') + '\r\n';

    const res = await postBulk(system, admin, csv);
    expect(res.status).toBe(202);
    const reply = (await res.json()) as SubmitReply;
    expect(res.headers.get('location')).toBe(`${system.origin}${tenantPath()}/bulk/${reply.batchId}`);
    expect(reply.total).toBe(200);
    expect(reply.accepted).toBe(190);
    expect(reply.rejected.map((r) => r.row)).toEqual(badRows);
    reply.rejected.forEach((r, k) => {
      expect(r.line).toBe(r.row + 1);
      expect(r.errors.map((e) => e.field)).toContain(bad[k][1]);
      for (const e of r.errors) expect(e.message.length).toBeGreaterThan(10);
    });
    expect(JSON.stringify(reply.rejected[3])).toContain('row 4'); // the duplicate names the first row
    expect(JSON.stringify(reply.rejected[5])).toContain('inventory');
    expect(JSON.stringify(reply.rejected[7])).toContain('already assigned');

    const done = await waitForBatch(system, admin, reply.batchId);
    expect(done).toMatchObject({
      total: 200,
      accepted: 190,
      pending: 0,
      running: 0,
      succeeded: 190,
      failed: 0,
      cancelled: 0,
      rejected: 10,
      state: 'Completed',
      percentComplete: 100,
      etaMs: 0,
    });
    expect(done.ratePerMinute).toBeGreaterThan(0);

    const withRows = await getBatch(system, admin, reply.batchId, '?rows=true');
    expect(withRows.rows).toHaveLength(200);
    expect(withRows.rows!.filter((r) => r.status === 'Rejected').map((r) => r.row)).toEqual(badRows);
    await expectProvisionedOnce(withRows.rows!);
    // Paced: the row starts are spread over at least (190 − burst) ÷ rate seconds (less a margin for the first start).
    const starts = withRows.rows!.filter((r) => r.startedAt).map((r) => Date.parse(r.startedAt!));
    expect(starts).toHaveLength(190);
    const spreadMs = Math.max(...starts) - Math.min(...starts);
    expect(spreadMs).toBeGreaterThanOrEqual(((190 - STARTS_PER_SECOND) / STARTS_PER_SECOND) * 1000 - 5000);
    const tenant = await state(system);
    for (const g of good) {
      expect(tenant.applicationInstances.filter((i) => i.userPrincipalName === g.upn)).toHaveLength(1);
    }

    // Paging the rows.
    const page1 = await getBatch(system, admin, reply.batchId, '?rows=true&top=150');
    expect(page1.rows).toHaveLength(150);
    expect(page1.continuationToken).toBeTruthy();
    const page2 = await getBatch(
      system,
      admin,
      reply.batchId,
      `?rows=true&top=150&continuationToken=${encodeURIComponent(page1.continuationToken!)}`,
    );
    expect([...page1.rows!, ...page2.rows!].map((r) => r.row)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    // Results as CSV: every row, rejected ones with their reasons, numbers spreadsheet-safe.
    const csvRes = await system.api('GET', `${tenantPath()}/bulk/${reply.batchId}?format=csv`, { token: admin });
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csvRes.headers.get('content-disposition')).toBe(`attachment; filename="bulk-${reply.batchId}.csv"`);
    const results = (await csvRes.text())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(results[0]).toBe(
      '"row","userPrincipalName","displayName","phoneNumber","numberType","queueId","status","objectId","error","startedAt","endedAt"',
    );
    expect(results).toHaveLength(201);
    expect(results.filter((l) => l.includes(',"Succeeded",'))).toHaveLength(190);
    expect(results.filter((l) => l.includes(',"Rejected",'))).toHaveLength(10);
    expect(results[2]).toContain(`'${good[1].number}`);
  }, 420_000);

  it('refuses without a token, for another tenant, for the wrong role, and whole files it cannot use — never a 500', async () => {
    const csv = `${BULK_HEADER}\r\n${upn('auth')},Auth,US,,,\r\n`;
    const noToken = await fetch(`${system.origin}${tenantPath()}/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    expect(noToken.status).toBe(401);
    const supervisor = await system.token(['Switchboard.Supervisor']);
    expect((await postBulk(system, supervisor, csv)).status).toBe(403);
    const otherTenant = await postBulk(system, admin, csv, { tenantId: randomUUID() });
    expect(otherTenant.status).toBe(403);

    const refusal = async (res: Response, status: number, code?: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as { code?: string; detail: string; errors?: unknown[]; line?: number };
      if (code) expect(body.code).toBe(code);
      expect(body.detail.length).toBeGreaterThan(20);
      return body;
    };
    await refusal(await postBulk(system, admin, csv, { contentType: 'text/plain' }), 415, 'unsupportedMediaType');
    await refusal(await postBulk(system, admin, BULK_HEADER + '\n' + 'x'.repeat(4.5 * 1024 * 1024)), 413, 'tooLarge');
    const missing = await refusal(
      await postBulk(system, admin, 'displayName,phoneNumber\r\nSales,+14255550100\r\n'),
      400,
      'missingColumns',
    );
    expect(JSON.stringify(missing.errors)).toContain('userPrincipalName');
    const unclosed = await refusal(
      await postBulk(system, admin, `${BULK_HEADER}\r\n${upn('q')},"Sales,US,,,\r\n`),
      400,
      'malformed',
    );
    expect(unclosed.line).toBe(2);
    await refusal(await postBulk(system, admin, ''), 400, 'empty');
    await refusal(await postBulk(system, admin, '{"not":"an array"}', { contentType: 'application/json' }), 400);
    await refusal(await postBulk(system, admin, csv, { idempotencyKey: 'k'.repeat(200) }), 400);

    // Every row bad: nothing is created, the reasons come back per row.
    const allBad = await postBulk(system, admin, `${BULK_HEADER}\r\nnope,A,US,,,\r\n${upn('x')},,US,,,\r\n`);
    const body = (await refusal(allBad, 400)) as unknown as {
      errors: { row: number; line: number; field: string }[];
      accepted: number;
      total: number;
    };
    expect(body).toMatchObject({ accepted: 0, total: 2 });
    expect(body.errors.map((e) => [e.row, e.line, e.field])).toEqual([
      [1, 2, 'userPrincipalName'],
      [2, 3, 'displayName'],
    ]);

    // JSON array upload, GET by a supervisor, unknown batch, other tenant.
    const json = await postBulk(
      system,
      admin,
      JSON.stringify([{ userPrincipalName: upn('json'), displayName: 'From JSON' }, { displayName: 'no upn' }]),
      { contentType: 'application/json' },
    );
    expect(json.status).toBe(202);
    const reply = (await json.json()) as SubmitReply;
    expect(reply).toMatchObject({ accepted: 1, total: 2, rejected: [{ row: 2 }] });
    expect(reply.rejected[0].line).toBeUndefined();
    // A supervisor reads only the rows of their call queues (issue 17 item 4): these rows name none.
    const outOfScope = await system.api('GET', `${tenantPath()}/bulk/${reply.batchId}`, { token: supervisor });
    expect(outOfScope.status).toBe(404);
    const unknown = await system.api('GET', `${tenantPath()}/bulk/${randomUUID()}`, { token: admin });
    expect(unknown.status).toBe(404);
    const foreign = await system.api('GET', `/api/tenants/${randomUUID()}/bulk/${reply.batchId}`, { token: admin });
    expect(foreign.status).toBe(403);
    const anonymous = await system.api('GET', `${tenantPath()}/bulk/${reply.batchId}`);
    expect(anonymous.status).toBe(401);
    const supervisorCancel = await system.api('POST', `${tenantPath()}/bulk/${reply.batchId}/cancel`, {
      token: supervisor,
    });
    expect(supervisorCancel.status).toBe(403);
    await waitForBatch(system, admin, reply.batchId);
  }, 120_000);

  it('survives 30% throttling, 10% errors and a killed host: exact counts, one instance per UPN; the Idempotency-Key returns the same batch', async () => {
    // A 429 or 503 makes the tenant wait its Retry-After (the simulator throttles every request in that window, the
    // app's gate holds them all), so under these faults the tenant passes only a few requests a second: 6 rows are
    // already a minute or two of work.
    const rows = Array.from({ length: 6 }, (_, i) => ({
      upn: upn(`fault${i}`),
      number: i % 3 === 0 ? takeNumber() : undefined,
    }));
    const csv = [
      BULK_HEADER,
      ...rows.map((r, i) => `${r.upn},Faulty ${i},US,${r.number ?? ''},${r.number ? 'callingPlan' : ''},`),
    ].join('\n');
    const key = randomUUID();
    const first = await postBulk(system, admin, csv, { idempotencyKey: key });
    expect(first.status).toBe(202);
    const reply = (await first.json()) as SubmitReply;
    expect(reply).toMatchObject({ accepted: 6, total: 6, rejected: [] });

    const again = await postBulk(system, admin, csv, { idempotencyKey: key });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as SubmitReply).batchId).toBe(reply.batchId);
    const otherFile = await postBulk(system, admin, csv.replace('Faulty 0', 'Changed'), { idempotencyKey: key });
    expect(otherFile.status).toBe(422);

    const before = (await state(system)).stats;
    await system.sim('POST', '/_sim/faults', { throttleProbability: 0.3, errorProbability: 0.1, retryAfterSeconds: 1 });
    try {
      await waitForBatch(system, admin, reply.batchId, 240_000, (b) => b.succeeded >= 1);
      await system.host.kill();
      await system.restartHost();
      const done = await waitForBatch(system, admin, reply.batchId, 300_000);
      expect(done).toMatchObject({
        accepted: 6,
        succeeded: 6,
        failed: 0,
        pending: 0,
        running: 0,
        state: 'Completed',
      });
    } finally {
      await system.sim('POST', '/_sim/faults', { throttleProbability: 0, errorProbability: 0 });
    }
    const after = await state(system);
    expect(after.stats.throttled + after.stats.faulted).toBeGreaterThan(before.throttled + before.faulted);
    expect(after.stats.retryAfterViolations).toBe(before.retryAfterViolations);
    const view = await getBatch(system, admin, reply.batchId, '?rows=true');
    await expectProvisionedOnce(view.rows!);
    // The replay of the key after all that still names the same batch, and nothing was added.
    const replay = await postBulk(system, admin, csv, { idempotencyKey: key });
    expect(((await replay.json()) as SubmitReply).batchId).toBe(reply.batchId);
    expect((await getBatch(system, admin, reply.batchId)).total).toBe(6);
  }, 480_000);

  it('does nothing twice for a redelivered message, and poisons malformed ones', async () => {
    const queue = queueClient(bulkQueueOf(system));
    const u = upn('redeliver');
    const number = takeNumber();
    const res = await postBulk(system, admin, `${BULK_HEADER}\n${u},Redelivered,US,${number},callingPlan,\n`);
    expect(res.status).toBe(202);
    const { batchId } = (await res.json()) as SubmitReply;
    const ref = JSON.stringify({ tenantId: system.simulator.tenantId, batchId, row: 1 });
    // Two more deliveries of the same reference while the first is being handled.
    await Promise.all([sendRaw(queue, ref), sendRaw(queue, ref)]);
    const done = await waitForBatch(system, admin, batchId);
    expect(done).toMatchObject({ succeeded: 1, failed: 0 });
    const [row] = (await getBatch(system, admin, batchId, '?rows=true')).rows!;
    const endpoint = await new EndpointsRepository('UseDevelopmentStorage=true').get(system.simulator.tenantId, u);
    expect(row.runId).toBeTruthy();
    expect(endpoint?.runId).toBe(row.runId);
    expect(endpoint?.status).toBe('Provisioned');

    // Once more after the row finished: the row stays exactly as it was.
    await sendRaw(queue, ref);
    await waitForEmptyQueue(queue);
    const [unchanged] = (await getBatch(system, admin, batchId, '?rows=true')).rows!;
    expect(unchanged).toEqual(row);
    const tenant = await state(system);
    expect(tenant.applicationInstances.filter((i) => i.userPrincipalName === u)).toHaveLength(1);

    // Malformed messages and references to nothing end in the poison queue at once.
    const poison = queueClient(`${bulkQueueOf(system)}-poison`);
    const bad = [
      'not json at all',
      JSON.stringify({ tenantId: system.simulator.tenantId, batchId, row: 'one' }),
      JSON.stringify({ tenantId: system.simulator.tenantId, batchId: randomUUID(), row: 1 }),
    ];
    for (const text of bad) await sendRaw(queue, text);
    const deadline = Date.now() + 60_000;
    let texts: string[] = [];
    while (Date.now() < deadline) {
      texts = await peekTexts(poison);
      if (bad.every((b) => texts.includes(b))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(texts).toEqual(expect.arrayContaining(bad));
    await waitForEmptyQueue(queue);
  }, 180_000);

  it('resumes a keyed upload that crashed before its header or its messages; cancels the rows not started yet', async () => {
    // With the queue trigger switched off, the batch's rows wait on the queue.
    system.env['AzureWebJobs.provisionRequests.Disabled'] = 'true';
    await system.restartHost();
    const queue = queueClient(bulkQueueOf(system));
    const upns = Array.from({ length: 12 }, (_, i) => upn(`cancel${i}`));
    const csv = [BULK_HEADER, ...upns.map((u, i) => `${u},Cancel ${i},US,,,`)].join('\n');
    const key = randomUUID();
    const batchId = batchIdForKey(system.simulator.tenantId, key);
    const tables = {
      rows: new BulkRowsRepository('UseDevelopmentStorage=true'),
      batches: new BulkBatchesRepository('UseDevelopmentStorage=true'),
    };

    // A crash after writing rows, before the header: the batch does not exist; the retry converges its rows.
    await tables.rows.putAll([
      { batchId, row: 40, tenantId: system.simulator.tenantId, input: { stale: true }, status: 'Pending' },
    ]);
    expect((await system.api('GET', `${tenantPath()}/bulk/${batchId}`, { token: admin })).status).toBe(404);
    const res = await postBulk(system, admin, csv, { idempotencyKey: key });
    expect(res.status).toBe(202);
    expect(((await res.json()) as SubmitReply).batchId).toBe(batchId);
    const rows = (await getBatch(system, admin, batchId, '?rows=true')).rows!;
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    await waitForQueueCount(queue, 1); // 12 rows = one chunk message

    // A crash after the header, before every message was sent: the retry sends them (and marks the batch Queued).
    await queue.clearMessages();
    await tables.batches.update(system.simulator.tenantId, batchId, (b) => ({ ...b, state: 'Accepted' }));
    expect((await getBatch(system, admin, batchId)).state).toBe('Accepted');
    const retry = await postBulk(system, admin, csv, { idempotencyKey: key });
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    await waitForQueueCount(queue, 1); // 12 rows = one chunk message
    expect(await getBatch(system, admin, batchId)).toMatchObject({ pending: 12, state: 'Queued', total: 12 });

    const cancel = await system.api('POST', `${tenantPath()}/bulk/${batchId}/cancel`, { token: admin });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toMatchObject({ pending: 0, cancelled: 12, state: 'Cancelled', percentComplete: 100 });
    const again = await system.api('POST', `${tenantPath()}/bulk/${batchId}/cancel`, { token: admin });
    expect(again.status).toBe(200);
    const unknown = await system.api('POST', `${tenantPath()}/bulk/${randomUUID()}/cancel`, { token: admin });
    expect(unknown.status).toBe(404);

    delete system.env['AzureWebJobs.provisionRequests.Disabled'];
    await system.restartHost();
    await waitForEmptyQueue(queueClient(bulkQueueOf(system)));
    const after = await getBatch(system, admin, batchId, '?rows=true');
    expect(after).toMatchObject({ cancelled: 12, succeeded: 0, running: 0, state: 'Cancelled' });
    expect(after.rows!.every((r) => r.status === 'Cancelled' && !r.runId)).toBe(true);
    const tenant = await state(system);
    expect(tenant.applicationInstances.filter((i) => upns.includes(i.userPrincipalName))).toHaveLength(0);
  }, 180_000);

  it('switchboard bulk import --wait shows progress, lists the rows to fix and exits 1; status, csv, cancel', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bulk-cli-'));
    const cli = async (...args: string[]) => {
      const global = ['--api', `${system.origin}/api`, '--tenant', system.simulator.tenantId, '--token', admin];
      try {
        const { stdout, stderr } = await run(
          process.execPath,
          [path.join(DIST, 'cli', 'main.js'), ...global, ...args],
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
    const good = [upn('cli1'), upn('cli2'), upn('cli3')];
    const file = path.join(home, 'endpoints.csv');
    writeFileSync(
      file,
      [BULK_HEADER, ...good.map((u, i) => `${u},CLI ${i},US,,,`), 'broken-upn,Broken,US,,,'].join('\n') + '\n',
    );
    const imported = await cli('bulk', 'import', file, '--wait');
    expect(imported.code).toBe(1);
    const batchId = /Batch ([0-9a-f-]{36}): 3 of 4 rows accepted, 1 rejected/.exec(imported.stderr)?.[1];
    expect(batchId).toBeDefined();
    expect(imported.stderr).toMatch(/\d+\/3 done \(\d+ ok, 0 failed\)/);
    expect(imported.stderr).toContain('finished');
    expect(imported.stdout).toContain(
      `Batch ${batchId}: Completed. 4 rows: 3 succeeded, 0 failed, 0 cancelled, 1 rejected`,
    );
    expect(imported.stdout).toMatch(/Rows to fix[\s\S]*4\s+5\s+broken-upn\s+Rejected\s+userPrincipalName/);

    const status = await cli('bulk', 'status', batchId!, '--json');
    expect(status.code).toBe(1); // a rejected row
    expect(JSON.parse(status.stdout)).toMatchObject({ batchId, succeeded: 3, rejected: 1, state: 'Completed' });
    const csv = await cli('bulk', 'status', batchId!, '--csv');
    expect(csv.code).toBe(0);
    const lines = csv.stdout
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toMatch(/^"row","userPrincipalName","displayName","phoneNumber","numberType","queueId","status",/);
    expect(lines).toHaveLength(5);
    const cancelled = await cli('bulk', 'cancel', batchId!);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(`Batch ${batchId}: Cancelled.`);

    const clean = path.join(home, 'clean.json');
    writeFileSync(clean, JSON.stringify([{ userPrincipalName: upn('cli4'), displayName: 'CLI JSON' }]));
    const ok = await cli('bulk', 'import', clean, '--wait', '--json', '--idempotency-key', randomUUID());
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ total: 1, succeeded: 1, failed: 0, rejected: 0 });
    expect(ok.stderr).toBe('');
  }, 180_000);
});
