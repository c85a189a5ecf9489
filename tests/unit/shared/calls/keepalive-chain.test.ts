/**
 * One call has one keepAlive chain: a keepAlive timer message the host redelivers (or that was sent twice) neither
 * sends a second keepAlive nor arms a second successor; copies handled at once still leave one chain; a redelivery
 * after its first delivery claimed the link and died before arming arms the successor again, and that duplicate
 * collapses at the next link. The call's row is an in-memory stand-in with the repository's claim semantics
 * (the Azurite one is exercised end to end in calls-router-faults.test.ts).
 */
import {
  CallRoutingService,
  keepAliveLinkIsLive,
  type CallControl,
  type CallRecord,
  type CallTimerMessage,
} from '../../../../shared/calls';

const EVERY = 60_000;
const ANSWERED = 1_000_000;

function answeredCall(): CallRecord {
  return {
    callId: 'c1',
    tenantId: 't1',
    arrival: { at: ANSWERED - 500, route: { action: 'answer', callQueueId: 'q' }, callerParticipantId: 'p' },
    answeredAt: ANSWERED,
    callQueueId: 'q',
    offers: [],
    tones: [],
    pendingOps: {},
    seen: [],
    logSeq: 2,
    opSeq: 0,
  } as CallRecord;
}

function harness() {
  let link: number | undefined;
  let now = ANSWERED + EVERY;
  const keepAlives: number[] = [];
  const armed: CallTimerMessage[] = [];
  const record = answeredCall();
  const service = new CallRoutingService({
    calls: {
      apply: () => Promise.reject(new Error('not used')),
      get: async () => ({ record, day: '20260101', ...(link !== undefined ? { keepAliveLink: link } : {}) }),
      claimKeepAlive: async (_t: string, _c: string, dueAt: number, next: number) => {
        await Promise.resolve();
        if (!keepAliveLinkIsLive(link, dueAt)) return { kind: 'taken' as const, link };
        link = next;
        return { kind: 'claimed' as const };
      },
    },
    directory: { findByApplicationInstance: async () => undefined },
    callControl: {
      forTenant: () =>
        ({
          keepAlive: async () => {
            keepAlives.push(now);
            return 'alive';
          },
        }) as unknown as CallControl,
    },
    timers: { send: async (m) => void armed.push(...(m as CallTimerMessage[])) },
    keepAliveEveryMs: EVERY,
    now: () => now,
  });
  const link0: CallTimerMessage = { kind: 'timer', tenantId: 't1', callId: 'c1', purpose: 'keepAlive', dueAt: now };
  return {
    service,
    link0,
    keepAlives,
    armed,
    link: () => link,
    at: (t: number) => {
      now = t;
    },
  };
}

test('a link redelivered twice after it ran sends one keepAlive and arms one successor', async () => {
  const h = harness();
  await h.service.handle(h.link0);
  await h.service.handle(h.link0); // a copy (sent twice)
  await h.service.handle(h.link0); // and again
  expect(h.keepAlives).toHaveLength(1);
  expect(h.armed.map((m) => m.dueAt)).toEqual([h.link0.dueAt + EVERY]);
  expect(h.link()).toBe(h.link0.dueAt + EVERY);
});

test('copies of one link handled at once arm one successor', async () => {
  const h = harness();
  await Promise.all([h.service.handle(h.link0), h.service.handle(h.link0), h.service.handle(h.link0)]);
  expect(h.armed.map((m) => m.dueAt)).toEqual([h.link0.dueAt + EVERY]);
});

test('a redelivery after a claim whose successor was lost arms it again; the duplicate collapses at the next link', async () => {
  const h = harness();
  await h.service.handle(h.link0);
  h.armed.length = 0; // the first delivery died after claiming, before its successor was sent
  await h.service.handle(h.link0, { dequeueCount: 2 });
  await h.service.handle(h.link0, { dequeueCount: 3 }); // redelivered again: one more copy of the same successor
  const successor = h.link0.dueAt + EVERY;
  expect(h.armed.map((m) => m.dueAt)).toEqual([successor, successor]);
  h.at(successor);
  const copies = h.armed.splice(0);
  for (const m of copies) await h.service.handle(m);
  // Both copies are the same link: one keepAlive, one successor — one chain again.
  expect(h.keepAlives).toHaveLength(2);
  expect(h.armed.map((m) => m.dueAt)).toEqual([successor + EVERY]);
});

test('a link seen early waits for its time and keeps its place', async () => {
  const h = harness();
  h.at(h.link0.dueAt - 10_000);
  await h.service.handle(h.link0);
  expect(h.keepAlives).toEqual([]);
  expect(h.armed.map((m) => m.dueAt)).toEqual([h.link0.dueAt]);
  expect(h.link()).toBeUndefined();
});

test('keepAliveLinkIsLive: the first link (none recorded) and the recorded one only', () => {
  expect(keepAliveLinkIsLive(undefined, 5)).toBe(true);
  expect(keepAliveLinkIsLive(5, 5)).toBe(true);
  expect(keepAliveLinkIsLive(10, 5)).toBe(false);
  expect(keepAliveLinkIsLive(5, 10)).toBe(false);
});
