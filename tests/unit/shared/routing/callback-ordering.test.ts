/**
 * A callback keeps the place of the call that asked for it: the routing engine sees it as a waiting call with that
 * call's arrival and priority. Exhaustively over small call queues — every order of input, every mix of priorities
 * and arrival times of one or two callbacks among calls, one to three free agents — the engine serves callbacks and
 * calls in exactly (priority, arrival) order, and agrees with the naive engine; a callback in its retry wait is not
 * offered at all.
 */
import { callbackWaitingItem, callbackWaits, type CallbackRecord } from '../../../../shared/calls';
import { decideOffers, decideOffersNaive, type RoutingMethod, type WaitingCall } from '../../../../shared/routing';
import { T0, agent, call, input } from './builders';

const callback = (
  id: string,
  arrivedAt: number,
  priority: number,
  over: Partial<CallbackRecord> = {},
): CallbackRecord => ({
  tenantId: 't',
  callbackId: id,
  callQueueId: 'q',
  number: '+14255550100',
  applicationInstanceId: 'ra',
  arrivedAt,
  priority,
  requestedAt: arrivedAt + 30_000,
  state: 'pending',
  maxAttempts: 3,
  retryAfterS: 120,
  attempts: [],
  updatedAt: arrivedAt,
  ...over,
});

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

const byPlace = (a: WaitingCall, b: WaitingCall) =>
  a.priority - b.priority || a.arrivedAt - b.arrivedAt || (a.callId < b.callId ? -1 : 1);

test('callbacks are served in their callers’ places among calls, for every mix, order and method', () => {
  const methods: RoutingMethod[] = ['attendant', 'serial', 'roundRobin', 'longestIdle', 'skillsBased'];
  let cases = 0;
  // Items: two callbacks and two calls; arrival slots 0..3 (a permutation) and priorities 1 or 3 each.
  const ids = ['cb1', 'cb2', 'c1', 'c2'];
  for (const slots of permutations([0, 1, 2, 3]))
    for (let mask = 0; mask < 16; mask++) {
      const items: WaitingCall[] = ids.map((id, i) => {
        const arrivedAt = T0 + slots[i] * 10_000;
        const priority = (mask >> i) & 1 ? 1 : 3;
        return id.startsWith('cb')
          ? (callbackWaitingItem(callback(id, arrivedAt, priority)) as WaitingCall)
          : call(id, { arrivedAt, priority: priority as 1 | 3 });
      });
      const expected = [...items].sort(byPlace).map((c) => c.callId);
      for (const freeAgents of [1, 2, 3])
        for (const method of methods) {
          const agents = Array.from({ length: freeAgents }, (_, k) => agent(`a${k}`, { idleSince: T0 - k * 1000 }));
          for (const order of [items, [...items].reverse()]) {
            const i = input({ routingMethod: method }, order, agents, T0 + 60_000);
            const d = decideOffers(i);
            expect(d).toEqual(decideOffersNaive(i));
            const served = [...new Set(d.offers.map((o) => o.callId))];
            // Attendant rings every free agent for the first item; the others take one item each, in place order.
            expect(served).toEqual(method === 'attendant' ? expected.slice(0, 1) : expected.slice(0, freeAgents));
            cases++;
          }
        }
    }
  expect(cases).toBe(24 * 16 * 3 * 5 * 2);
});

test('a callback in its retry wait is not waiting; past it (or within the timer slack) it is', () => {
  const c = callback('cb', T0, 3, { notBefore: T0 + 120_000 });
  expect(callbackWaits(c, T0 + 60_000)).toBe(false);
  expect(callbackWaits(c, T0 + 119_000)).toBe(true);
  expect(callbackWaits({ ...c, state: 'dialing' }, T0 + 999_999)).toBe(false);
  expect(callbackWaits({ ...c, state: 'failed' }, T0 + 999_999)).toBe(false);
});

test('a callback keeps the skills its caller chose and prefers agents who did not miss it', () => {
  const cb = callbackWaitingItem(
    callback('cb', T0, 2, {
      requiredSkills: { spanish: 3 },
      attempts: [{ n: 1, at: T0, agentId: 'a1', result: 'agentMissed' }],
    }),
  );
  expect(cb).toMatchObject({ callId: 'callback:cb', priority: 2, arrivedAt: T0, requiredSkills: { spanish: 3 } });
  const agents = [agent('a0'), agent('a1', { skills: { spanish: 4 } }), agent('a2', { skills: { spanish: 3 } })];
  const d = decideOffers(input({ routingMethod: 'serial' }, [cb as WaitingCall], agents));
  expect(d.offers.map((o) => o.agentId)).toEqual(['a2']);
});
