/**
 * Bulk import end to end: a CSV through `POST …/bulk`, the provision-requests queue, the queue trigger and the
 * provisioning orchestration, against the simulator — exact counts, no duplicates, survives faults and a killed
 * host; redelivered and malformed queue messages; cancel; CSV results; refusals.
 */
import { randomUUID } from 'node:crypto';
import { EndpointsRepository } from '../../../shared/storage';
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
  type SubmitReply,
} from '../../support/bulk';
import { RESOURCE_ACCOUNT_SKU_ID, state } from '../../support/endpoints';

/** Hundreds of chains share one devhost on two cores: short simulator delays and quick polling keep the work small. */
const BULK_FAULTS = { replicationDelayMs: 100, licensePropagationMs: 100, numberOperationMs: 50 };
const BULK_WAITS = JSON.stringify({
  replication: { initialDelayMs: 250, maxDelayMs: 1000, deadlineMs: 120_000 },
  license: { initialDelayMs: 250, maxDelayMs: 1000, deadlineMs: 120_000 },
  numberOperation: { initialDelayMs: 100, maxDelayMs: 500, deadlineMs: 120_000 },
  throttle: { initialDelayMs: 250, maxDelayMs: 5000, deadlineMs: 240_000 },
});

describe('bulk import', () => {
  let system: System;
  let admin: string;
  const numbers = bulkNumbers();
  let nextNumber = 0;
  const takeNumber = () => numbers[nextNumber++];
  const upn = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}@${system.simulator.domain}`;
  const tenantPath = () => `/api/tenants/${system.simulator.tenantId}`;

  beforeAll(async () => {
    system = await startSystem({ faults: BULK_FAULTS, env: { PROVISIONING_WAITS: BULK_WAITS }, seed: bulkSeed() });
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

  it('imports 200 rows: rejects exactly the 10 bad ones with reasons and provisions the other 190', async () => {
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
    console.log(
      `190 rows: ${JSON.stringify({ startedAt: done.startedAt, endedAt: done.endedAt, rate: done.ratePerMinute })}`,
    );
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
      'row,userPrincipalName,displayName,phoneNumber,numberType,queueId,status,objectId,error,startedAt,endedAt',
    );
    expect(results).toHaveLength(201);
    expect(results.filter((l) => l.includes(',Succeeded,'))).toHaveLength(190);
    expect(results.filter((l) => l.includes(',Rejected,'))).toHaveLength(10);
    expect(results[2]).toContain(`'${good[1].number}`);
  }, 420_000);
});
