/**
 * The menu flow's input timer, with stand-ins for its ports: a key waiting for a reordered one before it is not
 * silence (the timer looks again after the gap's wait, with our webhook URL on it); a key that is there is taken
 * instead of a timeout; a claimed self-service request is made once, by the worker whose claim committed, and armed
 * for a retake.
 */
import {
  CallMenuFlow,
  TONE_GAP_WAIT_MS,
  applyCallInput,
  type CallInput,
  type CallMenuEvent,
  type CallQueueMessage,
  type CallRecord,
} from '../../../../shared/calls';

const env = { callbackUri: 'https://app.example/api/calls/notifications' };

function waitingRecord(
  tones: { sequenceId: number; tone: 'tone1' | 'tone2'; at: number }[],
  cursor: number,
): CallRecord {
  return {
    callId: 'c1',
    tenantId: 't1',
    arrival: { at: 1000, route: { action: 'menu', menuId: 'main' }, callerParticipantId: 'p' },
    answeredAt: 1200,
    offers: [],
    tones,
    pendingOps: {},
    seen: [],
    logSeq: 2,
    opSeq: 0,
    menu: { menuId: 'main', visit: 4, state: {}, toneCursor: cursor, listening: true, path: ['main'] },
  };
}

function flow(record: CallRecord, now: number, post = false) {
  const sent: { messages: readonly CallQueueMessage[]; delayMs?: number }[] = [];
  const events: CallMenuEvent[] = [];
  let current = record;
  const f = new CallMenuFlow({
    calls: { get: async () => ({ record: current, etag: '*', day: '20261203' }) as never },
    menus: {
      step: async (_t, q) => {
        events.push(q.event);
        return {
          menuId: 'main',
          state: {},
          cancel: false,
          promptUris: [],
          listen: false,
          notes: [],
          post: post && q.event.kind === 'tone',
        };
      },
    },
    apply: async (_t, _c, input: CallInput) => {
      const t = applyCallInput(current, input, env);
      current = t.record;
      return { record: t.record, log: t.log, commands: t.commands, changed: t.changed, refused: t.refused };
    },
    timers: { send: async (messages, o) => void sent.push({ messages, delayMs: o?.delayMs }) },
    callbackUri: () => env.callbackUri,
    now: () => now,
  });
  return { f, sent, events };
}

test('the timer while a key waits for the one before it: no timeout, a look again after the wait', async () => {
  const { f, sent, events } = flow(waitingRecord([{ sequenceId: 3, tone: 'tone2', at: 10_000 }], 1), 12_000);
  await f.timeout('t1', 'c1', 4);
  expect(events).toEqual([]);
  expect(sent).toEqual([
    {
      delayMs: TONE_GAP_WAIT_MS,
      messages: [expect.objectContaining({ purpose: 'menuTimeout:4', callbackUri: env.callbackUri })],
    },
  ]);
});

test('the timer when a key is there to take: the key, not a timeout; once the gap waited long enough, the key too', async () => {
  const next = flow(waitingRecord([{ sequenceId: 2, tone: 'tone2', at: 10_000 }], 1), 12_000);
  await next.f.timeout('t1', 'c1', 4);
  expect(next.events).toEqual([{ kind: 'tone', tone: 'tone2' }]);
  const late = flow(waitingRecord([{ sequenceId: 3, tone: 'tone1', at: 10_000 }], 1), 10_000 + TONE_GAP_WAIT_MS);
  await late.f.timeout('t1', 'c1', 4);
  expect(late.events).toEqual([{ kind: 'tone', tone: 'tone1' }]);
  const silent = flow(waitingRecord([], 1), 12_000);
  await silent.f.timeout('t1', 'c1', 4);
  expect(silent.events).toEqual([{ kind: 'timeout' }]);
});

test('a step that claims a self-service request: the request at once, a retake timer armed with our webhook', async () => {
  const r = waitingRecord([{ sequenceId: 2, tone: 'tone1', at: 10_000 }], 1);
  const { f, sent, events } = flow(r, 12_000, true);
  await f.after('t1', r);
  expect(events[0]).toEqual({ kind: 'tone', tone: 'tone1' });
  expect(events[1]).toEqual({ kind: 'post' });
  expect(sent[0].messages[0]).toMatchObject({ purpose: 'selfService:5', callbackUri: env.callbackUri });
});
