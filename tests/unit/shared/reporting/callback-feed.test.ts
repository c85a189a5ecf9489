/**
 * Completed callbacks in reporting, pure: where a completion counts (the interval it completed, the call queue and the
 * agent, with its handle time), that it counts once per callback id, and how the feed completes one — from the span
 * that releases the agent from `callback:{id}`, or from `callbackCompleted` (which waits for that release, then gives
 * up waiting) — over the feed's ports held in memory (the Azurite run of the same is in
 * tests/integration/shared/reporting/reporting-feed.test.ts).
 */
import {
  FIRST_WAIT_MS,
  MAX_CALLBACK_WAITS,
  MAX_WAITS,
  MemoryBuckets,
  ReportingFeed,
  ReportingService,
  callbackContribution,
  cellKey,
  parseReportingFeedMessage,
  waitDelayMs,
  type ApplyResult,
  type CallbackCompletion,
  type ContactRecord,
  type FeedCallback,
  type ReportingFeedMessage,
} from '../../../../shared/reporting';
import { G_CALLBACK, T0, TENANT, s } from './fixtures';

const HOUR = 3_600_000;
const M15 = 15 * 60_000;

describe('callbackContribution', () => {
  it('counts in the 15-minute and day buckets of the completion, for the call queue and the agent (all and its call queue)', () => {
    const c = callbackContribution(G_CALLBACK);
    // 1500 s after 09:00 is 09:25: the 09:15 bucket; the day bucket is the UTC day.
    const q15 = T0 + M15;
    const day = Date.UTC(2026, 11, 3);
    expect([...c.keys()].sort()).toEqual(
      [
        cellKey({ kind: 'cq', callQueueId: 'support' }, 'm15', q15),
        cellKey({ kind: 'cq', callQueueId: 'support' }, 'd1', day),
        cellKey({ kind: 'agent', agentId: 'carol', scope: '*' }, 'm15', q15),
        cellKey({ kind: 'agent', agentId: 'carol', scope: '*' }, 'd1', day),
        cellKey({ kind: 'agent', agentId: 'carol', scope: 'support' }, 'm15', q15),
        cellKey({ kind: 'agent', agentId: 'carol', scope: 'support' }, 'd1', day),
      ].sort(),
    );
    for (const cell of c.values())
      expect(cell.metrics).toMatchObject({
        callbacksCompleted: 1,
        handled: 1,
        talkMs: 120_000,
        wrapUpMs: 10_000,
        holdMs: 0,
        answered: 0,
        offered: 0,
        callbacksRequested: 0,
      });
  });

  it('a completion on the last millisecond of an interval counts in that one, the next millisecond in the next', () => {
    const at = (completedAt: number) => [...callbackContribution({ ...G_CALLBACK, completedAt }).values()][0].start;
    expect(at(T0 + M15 - 1)).toBe(T0);
    expect(at(T0 + M15)).toBe(T0 + M15);
  });
});

/** The feed's repository port over {@link MemoryBuckets} (contact records by call id, releases first-note-stands). */
class MemoryFeedRepo {
  readonly buckets = new MemoryBuckets();
  readonly releases = new Map<string, { agentId: string; at: number }>();
  readonly callbacks: CallbackCompletion[] = [];

  async recordContact(r: ContactRecord): Promise<ApplyResult> {
    return this.buckets.addContact(r) ? 'applied' : 'duplicate';
  }
  async recordCallback(c: CallbackCompletion): Promise<ApplyResult> {
    const applied = this.buckets.addCallback(c);
    if (applied) this.callbacks.push(c);
    return applied ? 'applied' : 'duplicate';
  }
  async recordAgentState(span: Parameters<MemoryBuckets['addAgentState']>[0]): Promise<ApplyResult> {
    return this.buckets.addAgentState(span) ? 'applied' : 'duplicate';
  }
  async noteAgentReleased(_t: string, callId: string, agentId: string, at: number): Promise<void> {
    if (!this.releases.has(callId)) this.releases.set(callId, { agentId, at });
  }
  async agentReleased(_t: string, callId: string): Promise<{ agentId: string; at: number } | undefined> {
    return this.releases.get(callId);
  }
}

function setup(rows: Record<string, FeedCallback>) {
  const repo = new MemoryFeedRepo();
  const requeued: { message: ReportingFeedMessage; delayMs: number }[] = [];
  const feed = new ReportingFeed({
    loadCall: async () => undefined,
    loadCallback: async (_t, id) => rows[id],
    thresholdS: async () => 20,
    repo,
    requeue: async (message, delayMs) => void requeued.push({ message, delayMs }),
  });
  return { repo, requeued, feed };
}

/** A callback row: carol reached the caller at 1500 s; the outbound call ended at 1620 s. */
const completed: FeedCallback = {
  state: 'completed',
  callQueueId: 'support',
  agentId: 'Carol',
  connectedAt: s(1500),
  endedAt: s(1620),
};
/** carol's spans of the callback: busy 1500–1620 s, wrap-up 1620–1630 s (the second releases her). */
const carolSpans: ReportingFeedMessage = {
  kind: 'agentSpans',
  tenantId: TENANT,
  agentId: 'carol',
  spans: [
    { state: 'busy', from: s(1500), to: s(1620), next: 'wrapUp', callId: 'callback:cb1', callQueueId: 'support' },
    { state: 'wrapUp', from: s(1620), to: s(1630), next: 'available', callId: 'callback:cb1', callQueueId: 'support' },
  ],
};
const message = (waits?: number): ReportingFeedMessage => ({
  kind: 'callbackCompleted',
  tenantId: TENANT,
  callbackId: 'cb1',
  ...(waits !== undefined ? { waits } : {}),
});

describe('the feed and completed callbacks', () => {
  it('reads the new message and names what is wrong with it', () => {
    expect(parseReportingFeedMessage(JSON.stringify(message(2)))).toEqual({ ok: true, message: message(2) });
    const bad = parseReportingFeedMessage({ kind: 'callbackCompleted', tenantId: 't', callbackId: '', waits: -1 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/callbackId .*; waits /);
  });

  it('the release completes it once; the message and every redelivery after it are duplicates', async () => {
    const { repo, requeued, feed } = setup({ cb1: completed });
    await feed.handle(carolSpans);
    await feed.handle(carolSpans);
    await feed.handle(message());
    await feed.handle(message(3));
    expect(requeued).toEqual([]);
    expect(repo.callbacks).toEqual([
      {
        tenantId: TENANT.toLowerCase(),
        callbackId: 'cb1',
        callQueueId: 'support',
        agentId: 'carol',
        completedAt: s(1500),
        talkMs: 120_000,
        wrapUpMs: 10_000,
      },
    ]);
    // The spans count as state time once (busy 120 + wrap-up 10 s), the handle time once: AHT 130 s, occupancy 1.
    const [row] = await new ReportingService(repo.buckets).agents({
      tenantId: TENANT,
      from: T0,
      to: T0 + HOUR,
      interval: '1h',
    });
    expect(row).toMatchObject({
      agentId: 'carol',
      callbacksCompleted: 1,
      handled: 1,
      answered: 0,
      talkS: 120,
      wrapUpS: 10,
      ahtS: 130,
      busyS: 130,
      staffedS: 130,
      occupancy: 1,
    });
    const [cq] = await new ReportingService(repo.buckets).callQueues({
      tenantId: TENANT,
      from: T0,
      to: T0 + HOUR,
      interval: '15m',
    });
    expect(cq).toMatchObject({
      callQueueId: 'support',
      intervalStart: new Date(T0 + M15).toISOString(),
      callbacksCompleted: 1,
      offered: 0,
      handled: 1,
    });
  });

  it('the message before the release waits (30 s, doubling), and the release then completes it', async () => {
    const { repo, requeued, feed } = setup({ cb1: { ...completed, state: 'connected', endedAt: undefined } });
    await feed.handle(message());
    await feed.handle(message(1));
    expect(requeued).toEqual([
      { message: { ...message(1), tenantId: TENANT.toLowerCase() }, delayMs: FIRST_WAIT_MS },
      { message: { ...message(2), tenantId: TENANT.toLowerCase() }, delayMs: 2 * FIRST_WAIT_MS },
    ]);
    expect(repo.callbacks).toEqual([]);
    await feed.handle(carolSpans);
    // The row still says connected (read before the dialer wrote its end): talk runs to the release.
    expect(repo.callbacks).toMatchObject([{ talkMs: 130_000, wrapUpMs: 0 }]);
  });

  it('no release after MAX_WAITS: counted without wrap-up once the call ended; while it is on, waits to MAX_CALLBACK_WAITS', async () => {
    expect(waitDelayMs(MAX_WAITS + 3)).toBe(waitDelayMs(MAX_WAITS - 1));
    expect(waitDelayMs(MAX_WAITS - 1)).toBe(FIRST_WAIT_MS * 2 ** (MAX_WAITS - 1));

    const ended = setup({ cb1: completed });
    await ended.feed.handle(message(MAX_WAITS - 1));
    expect(ended.requeued).toHaveLength(1);
    await ended.feed.handle(message(MAX_WAITS));
    expect(ended.repo.callbacks).toMatchObject([{ completedAt: s(1500), talkMs: 120_000, wrapUpMs: 0 }]);

    const on = setup({ cb1: { ...completed, state: 'connected', endedAt: undefined } });
    await on.feed.handle(message(MAX_WAITS));
    await on.feed.handle(message(MAX_CALLBACK_WAITS - 1));
    expect(on.requeued.map((r) => r.message)).toMatchObject([{ waits: MAX_WAITS + 1 }, { waits: MAX_CALLBACK_WAITS }]);
    expect(on.repo.callbacks).toEqual([]);
    await on.feed.handle(message(MAX_CALLBACK_WAITS));
    expect(on.repo.callbacks).toMatchObject([{ talkMs: 0, wrapUpMs: 0, completedAt: s(1500) }]);
  });

  it('a callback that never reached the caller, or is unknown, counts nothing and is not retried', async () => {
    const { repo, requeued, feed } = setup({
      cb1: { state: 'failed', callQueueId: 'support' },
      cb2: { state: 'pending', callQueueId: 'support' },
    });
    expect(await feed.completeCallback(TENANT, 'cb1')).toBe('unknown');
    expect(await feed.completeCallback(TENANT, 'cb2')).toBe('unknown');
    expect(await feed.completeCallback(TENANT, 'nope')).toBe('unknown');
    await feed.handle({ kind: 'callbackCompleted', tenantId: TENANT, callbackId: 'cb1' });
    // An agent released from an attempt that failed (wrap-up is only after a connection, but be safe) counts nothing.
    await feed.handle({
      ...carolSpans,
      spans: [{ state: 'busy', from: s(10), to: s(20), next: 'available', callId: 'callback:cb1' }],
    });
    expect(requeued).toEqual([]);
    expect(repo.callbacks).toEqual([]);
    expect(await repo.buckets.listDimensions(TENANT, 'cq')).toEqual([]);
  });
});
