/**
 * Reporting tables on Azurite: merges of contact records under ETags with applied-call markers. The scripted calls,
 * each delivered several times, all at once, converge on the buckets an in-memory aggregate of each call once gives;
 * the bulk path writes the same buckets and skips records already applied.
 */
jest.setTimeout(120_000);

import { randomUUID } from 'node:crypto';
import {
  MemoryBuckets,
  ReportingRepository,
  ReportingService,
  buildContactRecord,
  type ContactRecord,
} from '../../../../shared/reporting';
import { TableStorage, tableStorage } from '../../../support/azurite-tables';
import { ALICE_STATES, CALLS, T0, TENANT } from '../../../unit/shared/reporting/fixtures';

let storage: TableStorage;
const suffix = () => randomUUID().replace(/-/g, '').slice(0, 10);
const records: ContactRecord[] = CALLS.map(buildContactRecord);
const DAY = { tenantId: TENANT, from: T0, to: T0 + 86_400_000 };

function repo(): ReportingRepository {
  const sx = suffix();
  return new ReportingRepository(storage.connectionString, { buckets: `rb${sx}`, contacts: `cr${sx}` });
}

async function expected() {
  const m = new MemoryBuckets();
  for (const r of records) m.addContact(r);
  for (const s of ALICE_STATES) m.addAgentState(s);
  const svc = new ReportingService(m);
  return {
    cq15: await svc.callQueues({ ...DAY, interval: '15m' }),
    cqDay: await svc.callQueues({ ...DAY, interval: '1d' }),
    agents: await svc.agents({ ...DAY, interval: '15m' }),
  };
}

async function actual(r: ReportingRepository) {
  const svc = new ReportingService(r);
  return {
    cq15: await svc.callQueues({ ...DAY, interval: '15m' }),
    cqDay: await svc.callQueues({ ...DAY, interval: '1d' }),
    agents: await svc.agents({ ...DAY, interval: '15m' }),
  };
}

beforeAll(async () => {
  storage = await tableStorage();
});
afterAll(async () => {
  await storage?.stop();
});

describe('ReportingRepository', () => {
  it('concurrent merges of the same and of different records converge: each call counts once', async () => {
    const r = repo();
    // Every record three times and every state span twice, all at once (same buckets: ETag races and markers).
    const deliveries = [...records, ...records, ...records];
    const results = await Promise.all([
      ...deliveries.map((rec) => r.recordContact(rec)),
      ...[...ALICE_STATES, ...ALICE_STATES].map((s) => r.recordAgentState(s)),
    ]);
    // Each partition a call touches is applied by exactly one delivery (two deliveries may share a call's partitions).
    expect(results.slice(0, deliveries.length).filter((x) => x === 'applied').length).toBeGreaterThanOrEqual(8);
    expect(await actual(r)).toEqual(await expected());
    // Late redelivery: nothing changes.
    expect(await r.recordContact(records[0])).toBe('duplicate');
    expect(await actual(r)).toEqual(await expected());
    // The contact record is stored once per call id.
    expect(await r.getContact(TENANT, 'B', records[1].arrivedAt)).toEqual(records[1]);
    const scanned: string[] = [];
    for await (const c of r.scanContacts(TENANT, DAY.from, DAY.to)) scanned.push(c.callId);
    expect(scanned.sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
  });

  it('a day’s report of one call queue reads one partition range (≤ 96 rows)', async () => {
    const r = repo();
    await Promise.all(records.map((rec) => r.recordContact(rec)));
    const before = r.requests;
    const rows = await r.readBuckets(TENANT, { kind: 'cq', callQueueId: 'support' }, 'm15', DAY.from, DAY.to);
    expect(rows).toHaveLength(1);
    expect(r.requests - before).toBe(1);
  });

  it('the bulk path writes the same buckets, and skips records the live path applied already', async () => {
    const r = repo();
    await r.recordContact(records[2]);
    await r.recordContact(records[4]);
    await r.bulkRecordContacts(records, { concurrency: 3 });
    await r.bulkRecordContacts(records.slice(0, 3));
    for (const s of ALICE_STATES) await r.recordAgentState(s);
    expect(await actual(r)).toEqual(await expected());
  });
});
