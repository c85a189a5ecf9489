/**
 * reporting benchmark: a month of history written through the aggregate repository's bulk path into a private
 * Azurite (BENCH_REPORTING_CALLS calls, default 200,000, over BENCH_REPORTING_CALL_QUEUES call queues), then per call
 * queue a day's report (15-minute rows), a week's (hourly rows, from 15-minute buckets), a month's (daily rows) and a
 * month at 15 minutes — p50 latency and storage requests over BENCH_REPORTING_REPEATS runs — beside a full scan of the
 * raw contact records in the same run computing the same report (ratio), and a check that both agree.
 */
import { privateAzurite } from '../scripts/lib/private-azurite';
import {
  MemoryBuckets,
  ReportingRepository,
  ReportingService,
  buildContactRecord,
  type ContactRecord,
  type ReportInterval,
  type StoryEntry,
} from '../shared/reporting';
import { seededRandom } from './routing/prng';
import { percentile, round } from './stats';

const CALLS = Number(process.env.BENCH_REPORTING_CALLS ?? 200_000);
const QUEUES = Number(process.env.BENCH_REPORTING_CALL_QUEUES ?? 4);
const AGENTS_PER_QUEUE = 10;
const REPEATS = Number(process.env.BENCH_REPORTING_REPEATS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_REPORTING_CONCURRENCY ?? 4);
const TENANT = 'bench-tenant';
const MONTH0 = Date.UTC(2026, 10, 1); // November 2026: 30 days
const DAYS = 30;
const DAY_MS = 86_400_000;

/** A month of calls: arrivals uniform over the month, a mix of answered, abandoned, overflowed, timed out, callbacks. */
export function monthOfCalls(n: number, seed = 15): ContactRecord[] {
  const rnd = seededRandom(seed);
  const out: ContactRecord[] = [];
  for (let i = 0; i < n; i++) {
    const q = rnd.int(QUEUES);
    const queue = `cq-${q}`;
    const agent = () => `agent-${q}-${rnd.int(AGENTS_PER_QUEUE)}`;
    const arrival = MONTH0 + Math.floor(rnd.next() * DAYS * DAY_MS);
    const at = (s: number) => arrival + Math.round(s * 1000);
    const story: Omit<StoryEntry, 'seq'>[] = [
      { kind: 'arrived', at: at(0), callQueueId: queue },
      { kind: 'enqueued', at: at(0), callQueueId: queue },
    ];
    const wait = rnd.exponential(25);
    const roll = rnd.next();
    let t = 0;
    if (roll < 0.1) {
      const a = agent();
      story.push({ kind: 'offered', at: at(1), agentId: a, offerId: `${i}-m`, callQueueId: queue });
      story.push({ kind: 'offerMissed', at: at(31), agentId: a, offerId: `${i}-m` });
      t = 31;
    }
    if (roll < 0.75) {
      const a = agent();
      const w = Math.max(t + 1, wait);
      story.push({ kind: 'offered', at: at(w - 1), agentId: a, offerId: `${i}-a`, callQueueId: queue });
      story.push({ kind: 'connected', at: at(w), agentId: a, offerId: `${i}-a` });
      const talk = rnd.exponential(240);
      story.push({ kind: 'ended', at: at(w + talk) });
      story.push({ kind: 'wrapUpEnded', at: at(w + talk + 15), agentId: a });
    } else if (roll < 0.88) {
      story.push({ kind: 'ended', at: at(wait) }); // abandoned
    } else if (roll < 0.93) {
      story.push({ kind: 'overflowed', at: at(0), callQueueId: queue, detail: 'disconnect' });
      story.push({ kind: 'ended', at: at(1) });
    } else if (roll < 0.96) {
      story.push({ kind: 'timedOut', at: at(300), callQueueId: queue, detail: 'disconnect' });
      story.push({ kind: 'ended', at: at(301) });
    } else {
      story.push({ kind: 'callbackRequested', at: at(wait), callQueueId: queue });
      story.push({ kind: 'ended', at: at(wait + 1) });
      story.push({ kind: 'callbackCompleted', at: at(wait + 900), agentId: agent() });
    }
    out.push(
      buildContactRecord({
        callId: `call-${String(i).padStart(7, '0')}`,
        tenantId: TENANT,
        serviceLevelThresholdS: { [queue]: 20 },
        story: story.map((e, k) => ({ ...e, seq: k + 1 })),
      }),
    );
  }
  return out;
}

interface Timed<T> {
  ms: number;
  requests: number;
  value: T;
}

async function timed<T>(repo: ReportingRepository, f: () => Promise<T>): Promise<Timed<T>> {
  const r0 = repo.requests;
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, requests: repo.requests - r0, value };
}

export async function run(): Promise<Record<string, unknown>> {
  const storage = await privateAzurite();
  try {
    const tGen = performance.now();
    const records = monthOfCalls(CALLS);
    const generateS = (performance.now() - tGen) / 1000;
    const repo = new ReportingRepository(storage.connectionString);
    const write = await timed(repo, () => repo.bulkRecordContacts(records, { concurrency: CONCURRENCY }));
    const service = new ReportingService(repo);

    const week0 = MONTH0 + 7 * DAY_MS;
    const day0 = MONTH0 + 10 * DAY_MS;
    const reports: { name: string; from: number; to: number; interval: ReportInterval }[] = [
      { name: 'day15m', from: day0, to: day0 + DAY_MS, interval: '15m' },
      { name: 'week1h', from: week0, to: week0 + 7 * DAY_MS, interval: '1h' },
      { name: 'month1d', from: MONTH0, to: MONTH0 + DAYS * DAY_MS, interval: '1d' },
      { name: 'month15m', from: MONTH0, to: MONTH0 + DAYS * DAY_MS, interval: '15m' },
    ];
    const callQueueId = 'cq-0';
    const figures: Record<string, unknown> = {};
    const fromBuckets: Record<string, unknown> = {};
    for (const rep of reports) {
      const runs: Timed<unknown>[] = [];
      for (let i = 0; i < REPEATS; i++)
        runs.push(await timed(repo, () => service.callQueues({ tenantId: TENANT, ...rep, callQueueId })));
      fromBuckets[rep.name] = runs[0].value;
      figures[rep.name] = {
        p50Ms: round(
          percentile(
            runs.map((r) => r.ms),
            50,
          ),
          1,
        ),
        storageRequests: runs[0].requests,
        rows: (runs[0].value as unknown[]).length,
      };
    }

    // Baseline: the same reports from a full scan of the raw contact records of the range.
    const baseline: Record<string, unknown> = {};
    let agree = true;
    for (const rep of reports.filter((r) => r.name !== 'month15m')) {
      const scan = await timed(repo, async () => {
        const mem = new MemoryBuckets();
        let scanned = 0;
        for await (const r of repo.scanContacts(TENANT, rep.from, rep.to)) {
          mem.addContact(r);
          scanned += 1;
        }
        const rows = await new ReportingService(mem).callQueues({ tenantId: TENANT, ...rep, callQueueId });
        return { rows, scanned };
      });
      agree &&= JSON.stringify(scan.value.rows) === JSON.stringify(fromBuckets[rep.name]);
      const b = figures[rep.name] as { p50Ms: number; storageRequests: number };
      baseline[rep.name] = {
        ms: round(scan.ms, 1),
        storageRequests: scan.requests,
        contactRecordsRead: scan.value.scanned,
        latencyRatio: round(scan.ms / Math.max(0.1, b.p50Ms), 1),
        requestRatio: round(scan.requests / Math.max(1, b.storageRequests), 1),
      };
    }
    const monthRows = fromBuckets.month1d as { offered: number }[];
    return {
      calls: CALLS,
      callQueues: QUEUES,
      agents: QUEUES * AGENTS_PER_QUEUE,
      days: DAYS,
      generateS: round(generateS, 1),
      bulkWrite: {
        seconds: round(write.ms / 1000, 1),
        callsPerSecond: round(CALLS / (write.ms / 1000), 0),
        storageRequests: write.requests,
      },
      reportPerCallQueue: figures,
      fullScanBaseline: baseline,
      bucketsAgreeWithScan: agree,
      monthOfferedCq0: monthRows.reduce((s, r) => s + r.offered, 0),
    };
  } finally {
    await storage.stop();
  }
}
