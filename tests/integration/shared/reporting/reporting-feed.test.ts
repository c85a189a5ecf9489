/**
 * The reporting feed's delivery on Azurite: the calls' outbox tells of an ended call again when the process died
 * between the call's write and the telling (the redelivered notification flushes the outbox); the agents' rows keep
 * the last closed state span and repeat it with the next change; the feed waits for the agent's release (wrap-up) of
 * an answered call, records each call once however often it is told, and gives up waiting after MAX_WAITS; a
 * completed callback counts once, in the interval it completed, whether its release or its message comes first.
 */
jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { AgentsRepository, type AgentStateSpanChange } from '../../../../shared/callqueues';
import { ArrivalRoute, CallInput, CallLogEntry, CallRepository } from '../../../../shared/calls';
import { parseNotification } from '../../../../shared/calls/notification.parser';
import { newAgentRecord } from '../../../../shared/domain';
import {
  FIRST_WAIT_MS,
  MAX_WAITS,
  ReportingFeed,
  ReportingRepository,
  ReportingService,
  type FeedCall,
  type FeedCallback,
  type ReportingFeedMessage,
} from '../../../../shared/reporting';
import { TableStorage, tableStorage } from '../../../support/azurite-tables';
import { TENANT, incoming, stateUpdate, terminated } from '../../../unit/shared/calls/fixtures';

let storage: TableStorage;
const suffix = () => randomUUID().replace(/-/g, '').slice(0, 10);
const env = { callbackUri: 'https://switchboard.example/api/calls/notifications' };
const ROUTE: ArrivalRoute = { action: 'answer', callQueueId: 'support' };
const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const g = (n: unknown, at: number): CallInput =>
  parseNotification(n, { tenantId: TENANT }).map((event): CallInput => ({ kind: 'graph', event, at, route: ROUTE }))[0];

beforeAll(async () => {
  storage = await tableStorage();
});
afterAll(async () => {
  await storage?.stop();
});

describe('reporting feed delivery', () => {
  it('a process killed after the ended transition committed: the retried notification tells of the end, the call counts once', async () => {
    const sx = suffix();
    const told: CallLogEntry[][] = [];
    let crash = true;
    const calls = new CallRepository(storage.connectionString, {
      callsTable: `calls${sx}`,
      eventsTable: `callEv${sx}`,
      onLogged: async (_t, _c, entries) => {
        if (entries.some((e) => e.kind === 'ended') && crash) {
          crash = false;
          throw new Error('killed before telling');
        }
        told.push([...entries]);
      },
    });
    const callId = randomUUID();
    await calls.apply(TENANT, callId, g(incoming(callId), T0), env);
    await calls.apply(TENANT, callId, g(stateUpdate('established', {}, callId), T0 + 500), env);
    const end = g(terminated(200, 540000, 'bye', callId), T0 + 9000);
    await expect(calls.apply(TENANT, callId, end, env)).rejects.toThrow('killed before telling');
    expect(told.some((t) => t.some((e) => e.kind === 'ended'))).toBe(false);
    // The host retries the message: the transition is already applied (nothing new), but the outbox is told again.
    const retried = await calls.apply(TENANT, callId, end, env);
    expect(retried.changed).toBe(false);
    expect(told.filter((t) => t.some((e) => e.kind === 'ended'))).toHaveLength(1);

    const repo = new ReportingRepository(storage.connectionString, { buckets: `rb${sx}`, contacts: `cr${sx}` });
    const feed = new ReportingFeed({
      async loadCall(t, id): Promise<FeedCall | undefined> {
        const stored = await calls.get(t, id);
        return stored && { ended: !!stored.record.end, story: await calls.listEvents(t, id) };
      },
      loadCallback: async () => undefined,
      thresholdS: async () => 20,
      repo,
      requeue: async () => undefined,
    });
    const message: ReportingFeedMessage = { kind: 'callEnded', tenantId: TENANT, callId };
    await Promise.all([feed.handle(message), feed.handle(message), feed.handle(message)]);
    expect(await feed.complete(TENANT, callId)).toBe('duplicate');
    const [row] = await new ReportingService(repo).callQueues({
      tenantId: TENANT,
      from: T0,
      to: T0 + 86_400_000,
      interval: '1d',
    });
    expect(row).toMatchObject({ callQueueId: 'support', offered: 1, abandoned: 1, shortAbandoned: 0 });
  });

  it("an agent's closed span is repeated with the next change when the process died before telling it", async () => {
    const told: AgentStateSpanChange[][] = [];
    let crash = false;
    const agents = new AgentsRepository(storage.connectionString, `agents${suffix()}`, {
      onStateChanged: async (_t, _a, spans) => {
        if (crash) {
          crash = false;
          throw new Error('killed before telling');
        }
        told.push(spans);
      },
    });
    const agentId = randomUUID();
    await agents.update(TENANT, agentId, () => ({ ...newAgentRecord(TENANT, agentId, 'a@contoso.com'), since: T0 }));
    expect(told).toEqual([]);
    crash = true;
    await expect(
      agents.update(TENANT, agentId, (cur) => ({ ...cur!, state: 'offered', since: T0 + 1000, callId: 'c1' })),
    ).rejects.toThrow('killed before telling');
    expect((await agents.get(TENANT, agentId))?.state).toBe('offered');
    await agents.update(TENANT, agentId, (cur) => ({ ...cur!, state: 'busy', since: T0 + 2000 }));
    expect(told).toEqual([
      [
        { state: 'available', from: T0, to: T0 + 1000, next: 'offered' },
        { state: 'offered', from: T0 + 1000, to: T0 + 2000, next: 'busy', callId: 'c1' },
      ],
    ]);
    // The row's own fields are the agent's: the outbox is not part of the record.
    expect(Object.keys((await agents.get(TENANT, agentId))!)).not.toContain('lastSpan');
  });

  it('an answered call waits for its agent’s release (wrap-up), and gives up waiting after MAX_WAITS', async () => {
    const sx = suffix();
    const repo = new ReportingRepository(storage.connectionString, { buckets: `rb${sx}`, contacts: `cr${sx}` });
    const agentId = 'agent-1';
    const answered = (callId: string): FeedCall => ({
      ended: true,
      connectedAgentId: agentId,
      caller: '+15550001111',
      story: [
        { seq: 1, kind: 'arrived', at: T0 },
        { seq: 2, kind: 'enqueued', at: T0 + 1000, callQueueId: 'sales' },
        { seq: 3, kind: 'offered', at: T0 + 2000, agentId, offerId: `o-${callId}`, callQueueId: 'sales' },
        { seq: 4, kind: 'connected', at: T0 + 5000, agentId, offerId: `o-${callId}` },
        { seq: 5, kind: 'ended', at: T0 + 65_000 },
      ],
    });
    const requeued: { message: ReportingFeedMessage; delayMs: number }[] = [];
    const feed = new ReportingFeed({
      loadCall: async (_t, callId) => answered(callId),
      loadCallback: async () => undefined,
      thresholdS: async () => 30,
      repo,
      requeue: async (message, delayMs) => void requeued.push({ message, delayMs }),
    });
    await feed.handle({ kind: 'callEnded', tenantId: TENANT, callId: 'c1' });
    expect(requeued).toEqual([
      {
        message: { kind: 'callEnded', tenantId: TENANT.toLowerCase(), callId: 'c1', waits: 1 },
        delayMs: FIRST_WAIT_MS,
      },
    ]);
    expect(await repo.getContact(TENANT, 'c1', T0)).toBeUndefined();
    // wrapUp 65 s → 75 s releases the agent: the record is written with 10 s of wrap-up.
    const release: ReportingFeedMessage = {
      kind: 'agentSpans',
      tenantId: TENANT,
      agentId,
      spans: [
        { state: 'busy', from: T0 + 5000, to: T0 + 65_000, next: 'wrapUp', callId: 'c1', callQueueId: 'sales' },
        { state: 'wrapUp', from: T0 + 65_000, to: T0 + 75_000, next: 'available', callId: 'c1', callQueueId: 'sales' },
      ],
    };
    await feed.handle(release);
    await feed.handle(release);
    const record = await repo.getContact(TENANT, 'c1', T0);
    expect(record?.durations).toMatchObject({ talkMs: 60_000, wrapUpMs: 10_000, handleMs: 70_000 });
    expect(record?.caller).toBe('+15550001111');
    // The delayed callEnded, when it comes, finds the record already there.
    expect(await feed.complete(TENANT, 'c1')).toBe('duplicate');

    // c2's release never comes: after MAX_WAITS the call is recorded without wrap-up.
    await feed.handle({ kind: 'callEnded', tenantId: TENANT, callId: 'c2', waits: MAX_WAITS });
    expect((await repo.getContact(TENANT, 'c2', T0))?.durations.wrapUpMs).toBe(0);
    const [agentRow] = await new ReportingService(repo).agents({
      tenantId: TENANT,
      from: T0,
      to: T0 + 86_400_000,
      interval: '1d',
    });
    // Both calls handled; the spans count busy time once though told twice: 60 s busy + 10 s wrap-up.
    expect(agentRow).toMatchObject({ handled: 2, answered: 2, busyS: 70, staffedS: 70, occupancy: 1 });
  });

  it('a completed callback counts once, in the interval it completed, with its handle time, however it is told', async () => {
    const sx = suffix();
    const repo = new ReportingRepository(storage.connectionString, { buckets: `rb${sx}`, contacts: `cr${sx}` });
    const agentId = 'agent-2';
    // Asked for by calls that ended long before; the agent reached cb1's caller at 09:31 and cb2's at 09:40, each
    // outbound call lasted 120 s.
    const at = { cb1: T0 + 31 * 60_000, cb2: T0 + 40 * 60_000 };
    const row = (connectedAt: number): FeedCallback => ({
      state: 'completed',
      callQueueId: 'support',
      agentId,
      connectedAt,
      endedAt: connectedAt + 120_000,
    });
    const rows: Record<string, FeedCallback> = { cb1: row(at.cb1), cb2: row(at.cb2) };
    const requeued: ReportingFeedMessage[] = [];
    const feed = new ReportingFeed({
      loadCall: async () => undefined,
      loadCallback: async (_t, id) => rows[id],
      thresholdS: async () => 20,
      repo,
      requeue: async (message) => void requeued.push(message),
    });
    const spans = (callbackId: 'cb1' | 'cb2'): ReportingFeedMessage => ({
      kind: 'agentSpans',
      tenantId: TENANT,
      agentId,
      spans: [
        {
          state: 'wrapUp',
          from: at[callbackId] + 120_000,
          to: at[callbackId] + 135_000,
          next: 'available',
          callId: `callback:${callbackId}`,
          callQueueId: 'support',
        },
      ],
    });
    // cb1: the release first, then the message (twice, at once); cb2: the message first (waits), then the release.
    await feed.handle(spans('cb1'));
    const told = (callbackId: string): ReportingFeedMessage => ({
      kind: 'callbackCompleted',
      tenantId: TENANT,
      callbackId,
    });
    await Promise.all([feed.handle(told('cb1')), feed.handle(told('cb1'))]);
    await feed.handle(told('cb2'));
    expect(requeued).toEqual([
      { kind: 'callbackCompleted', tenantId: TENANT.toLowerCase(), callbackId: 'cb2', waits: 1 },
    ]);
    await feed.handle(spans('cb2'));
    await feed.handle(spans('cb2'));
    expect(await feed.completeCallback(TENANT, 'cb2')).toBe('duplicate');

    const service = new ReportingService(repo);
    const q = { tenantId: TENANT, from: T0, to: T0 + 3_600_000, interval: '15m' as const };
    // 09:31 and 09:40 are in 09:30–09:45: two callbacks, each talk 120 s + wrap-up 15 s → AHT 135 s.
    expect(await service.callQueues(q)).toEqual([
      expect.objectContaining({
        callQueueId: 'support',
        intervalStart: new Date(T0 + 30 * 60_000).toISOString(),
        offered: 0,
        callbacksCompleted: 2,
        handled: 2,
        ahtS: 135,
      }),
    ]);
    // The agent: the same, plus the wrap-up spans as state time (each counted once though cb2's was told twice).
    const agentRows = await service.agents({ ...q, interval: '1h' });
    expect(agentRows).toEqual([
      expect.objectContaining({ agentId, callbacksCompleted: 2, handled: 2, talkS: 240, wrapUpS: 30, busyS: 30 }),
    ]);
  });
});
