/**
 * The calls / callEvents tables on Azurite: transitions under ETags, the story appended once, and notifications of
 * one call applied by several workers at once, shuffled and duplicated, converging on one record and one story.
 */
jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { ArrivalRoute, CallInput, CallRepository, UNIQUE_LOG_KINDS, callSummary } from '../../../../shared/calls';
import { parseNotification } from '../../../../shared/calls/notification.parser';
import { TableStorage, tableStorage } from '../../../support/azurite-tables';
import {
  CALL,
  TENANT,
  incoming,
  operationDone,
  stateUpdate,
  terminated,
  tone,
} from '../../../unit/shared/calls/fixtures';

let storage: TableStorage;
let repo: CallRepository;
const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
const env = { callbackUri: 'https://switchboard.example/api/calls/notifications' };
const ROUTE: ArrivalRoute = { action: 'answer', callQueueId: 'support' };
const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);

function g(n: unknown, at: number): CallInput[] {
  return parseNotification(n, { tenantId: TENANT }).map((event) => ({ kind: 'graph', event, at, route: ROUTE }));
}

beforeAll(async () => {
  storage = await tableStorage();
  repo = new CallRepository(storage.connectionString, { callsTable: `calls${suffix}`, eventsTable: `callEv${suffix}` });
});
afterAll(async () => {
  await storage?.stop();
});

describe('CallRepository', () => {
  it('applies transitions, appends the story, and a duplicate writes nothing', async () => {
    const callId = CALL;
    const first = await repo.apply(TENANT, callId, g(incoming(callId), T0)[0], env);
    expect(first.changed).toBe(true);
    expect(first.commands.map((c) => c.op)).toEqual(['answer']);
    const stored = await repo.get(TENANT, callId);
    expect(stored?.day).toBe('20261203');
    const again = await repo.apply(TENANT, callId, g(incoming(callId), T0)[0], env);
    expect(again).toMatchObject({ changed: false, commands: [], log: [] });
    expect((await repo.get(TENANT, callId))?.etag).toBe(stored?.etag);

    await repo.apply(TENANT, callId, g(stateUpdate('established', {}, callId), T0 + 500)[0], env);
    expect(await repo.listActive(TENANT)).toEqual([
      expect.objectContaining({ callId, phase: 'queued', callQueueId: 'support', arrivedAt: T0 }),
    ]);
    expect(await repo.listActive(TENANT, 'sales')).toEqual([]);
    await repo.apply(TENANT, callId, g(terminated(200, 540000, 'bye', callId), T0 + 9000)[0], env);
    expect(await repo.listActive(TENANT)).toEqual([]);
    const story = await repo.listEvents(TENANT, callId);
    expect(story.map((e) => e.kind)).toEqual(['arrived', 'answered', 'enqueued', 'ended', 'abandoned']);
    expect(story.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(story[4]).toMatchObject({ waitMs: 9000 });
  });

  it('shuffled, duplicated notifications applied by 6 workers at once converge; each unique kind once', async () => {
    const callId = randomUUID();
    const hold = `${callId}|hold|1`;
    const inputs = [
      ...g(incoming(callId), T0),
      ...g(stateUpdate('establishing', {}, callId), T0 + 100),
      ...g(stateUpdate('established', {}, callId), T0 + 200),
      ...g(tone(1, 'tone1', callId), T0 + 300),
      ...g(operationDone('startHoldMusicOperation', hold, 'completed', 'op1', callId), T0 + 400),
      ...g(terminated(200, 540000, 'bye', callId), T0 + 5000),
    ];
    const sequential = new CallRepository(storage.connectionString, {
      callsTable: `callsSeq${suffix}`,
      eventsTable: `callEvSeq${suffix}`,
    });
    for (const i of inputs) await sequential.apply(TENANT, callId, i, env);
    const expected = callSummary((await sequential.get(TENANT, callId))!.record);

    const deliveries = [...inputs, ...inputs.slice(0, 3)].sort(() => Math.random() - 0.5);
    let next = 0;
    const answers: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < deliveries.length) {
          const input = deliveries[next++];
          const r = await repo.apply(TENANT, callId, input, env);
          answers.push(...r.commands.filter((c) => c.op === 'answer').map((c) => c.op));
        }
      }),
    );
    const final = (await repo.get(TENANT, callId))!.record;
    expect(callSummary(final)).toEqual(expected);
    expect(answers.length).toBeLessThanOrEqual(1);
    const story = await repo.listEvents(TENANT, callId);
    for (const kind of UNIQUE_LOG_KINDS) expect(story.filter((e) => e.kind === kind).length).toBeLessThanOrEqual(1);
    expect(story.map((e) => e.seq)).toEqual(story.map((_, i) => i + 1));
    expect(story.map((e) => e.kind)).toEqual(expect.arrayContaining(['arrived', 'ended', 'abandoned']));
  });
});
