/**
 * Supervisor scope (issue 17 item 4), against the running system: a supervisor (token `queues` claim) reads only the
 * endpoints, bulk batches (rows, counts, CSV) and drift findings of their own call queues — lists, single reads and
 * exports; an Admin reads everything. The tenant is fresh, so its lists hold only this test's endpoints.
 */
import { randomUUID } from 'node:crypto';
import { defaultSeedTenant } from '../../../simulator/seed';
import { startSystem, type System } from '../../../scripts/lib/system';
import { FAST_FAULTS, FAST_WAITS, postEndpoint, uniqueUpn, waitForStatus } from '../../support/endpoints-api';

jest.setTimeout(180_000);

const tenantId = randomUUID();
let system: System;
let admin: string;
let sales: string;
const upns: Record<'sales' | 'support' | 'none', string> = { sales: '', support: '', none: '' };
const base = `/api/tenants/${tenantId}`;

beforeAll(async () => {
  system = await startSystem({
    faults: FAST_FAULTS,
    seed: { includeDefaultTenant: false, tenants: [{ ...defaultSeedTenant(), tenantId }] },
    env: { PROVISIONING_WAITS: FAST_WAITS },
  });
  admin = await system.token(['Switchboard.Admin']);
  sales = await system.token(['Switchboard.Supervisor'], { queues: ['sales'] });
  for (const key of ['sales', 'support', 'none'] as const) {
    upns[key] = uniqueUpn(system, `scope-${key}`);
    const body = { userPrincipalName: upns[key], displayName: key, ...(key === 'none' ? {} : { queueId: key }) };
    expect((await postEndpoint(system, admin, body)).status).toBe(202);
  }
});
afterAll(async () => {
  await system?.stop();
});

const listed = async (token: string): Promise<string[]> => {
  const res = await system.api('GET', `${base}/endpoints?top=1000`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: { userPrincipalName: string }[] }).value
    .map((e) => e.userPrincipalName.toLowerCase())
    .sort();
};

it('endpoints: the list and single reads show a supervisor their call queues only', async () => {
  expect(await listed(admin)).toEqual(
    Object.values(upns)
      .map((u) => u.toLowerCase())
      .sort(),
  );
  expect(await listed(sales)).toEqual([upns.sales.toLowerCase()]);
  const get = (upn: string) => system.api('GET', `${base}/endpoints/${encodeURIComponent(upn)}`, { token: sales });
  expect((await get(upns.sales)).status).toBe(200);
  expect((await get(upns.support)).status).toBe(404);
  expect((await get(upns.none)).status).toBe(404);
  const nobody = await system.token(['Switchboard.Supervisor']);
  expect(await listed(nobody)).toEqual([]);
});

it('bulk: a supervisor sees the rows of their call queues only, in the progress, the rows and the CSV', async () => {
  const csv =
    'userPrincipalName,displayName,queueId\n' +
    `${uniqueUpn(system, 'b-sales')},S,sales\n${uniqueUpn(system, 'b-support')},T,support\nbroken,B,sales\n`;
  const res = await system.api('POST', `${base}/bulk`, { token: admin, body: csv, contentType: 'text/csv' });
  expect(res.status).toBe(202);
  const { batchId } = (await res.json()) as { batchId: string };

  const all = (await (await system.api('GET', `${base}/bulk/${batchId}?rows=true`, { token: admin })).json()) as {
    total: number;
    rows: { queueId?: string }[];
  };
  expect(all.total).toBe(3);
  const mine = (await (await system.api('GET', `${base}/bulk/${batchId}?rows=true`, { token: sales })).json()) as {
    total: number;
    accepted: number;
    rejected: number;
    rows: { queueId?: string }[];
  };
  expect(mine).toMatchObject({ total: 2, accepted: 1, rejected: 1 });
  expect(mine.rows.map((r) => r.queueId)).toEqual(['sales', 'sales']);

  const exported = await system.api('GET', `${base}/bulk/${batchId}?format=csv`, { token: sales });
  const lines = (await exported.text())
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  expect(lines).toHaveLength(3);
  expect(lines.slice(1).every((l) => l.includes('"sales"'))).toBe(true);

  const marketing = await system.token(['Switchboard.Supervisor'], { queues: ['marketing'] });
  expect((await system.api('GET', `${base}/bulk/${batchId}`, { token: marketing })).status).toBe(404);
  expect((await system.api('GET', `${base}/bulk/${batchId}?format=csv`, { token: marketing })).status).toBe(404);
});

it('drift: a supervisor does not see findings outside their call queues (here: the consent finding)', async () => {
  // A scan reads the tenant's provisioned endpoints (and the bot's consent with them).
  for (const key of ['sales', 'support'] as const) {
    expect((await waitForStatus(system, admin, upns[key], ['Provisioned', 'Failed'])).status).toBe('Provisioned');
  }
  const started = await system.api('POST', `${base}/drift/check`, { token: admin });
  expect(started.status).toBe(202);
  const { scanId } = (await started.json()) as { scanId: string };
  type View = {
    lastScan: {
      scanId: string;
      status: string;
      scanned: number;
      apps: number;
      scope?: string;
      findings: { open: number };
    } | null;
    findings: { subject: string }[];
  };
  let view: View | undefined;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline;) {
    view = (await (await system.api('GET', `${base}/drift`, { token: admin })).json()) as View;
    if (view.lastScan?.scanId === scanId && view.lastScan.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 300));
  }
  expect(view?.lastScan?.scanId).toBe(scanId);
  expect(view!.findings.some((f) => f.subject.startsWith('app:'))).toBe(true);
  const supervised = (await (await system.api('GET', `${base}/drift`, { token: sales })).json()) as View;
  expect(supervised.findings.filter((f) => f.subject.startsWith('app:'))).toEqual([]);
  // …nor the scan's tenant-wide counts: the summary is counted over their call queues' endpoints.
  expect(view!.lastScan).toMatchObject({ apps: 1 });
  expect(supervised.lastScan).toMatchObject({ scanId, scope: 'callQueues', apps: 0 });
  expect(supervised.lastScan!.scanned).toBeLessThan(view!.lastScan!.scanned);
  expect(supervised.lastScan!.findings.open).toBe(supervised.findings.length);
});
