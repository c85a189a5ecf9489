/**
 * The pure rules of presence change notifications: agents in chunks of ≤ 650 (Graph's limit per subscription), the
 * bulk resource, the manager's plan (create / renew / replace / delete, idempotent), the constant-time clientState
 * check and the notified user id.
 */
import fc from 'fast-check';
import {
  PRESENCE_SUBSCRIPTION_MAX_IDS,
  PRESENCE_SUBSCRIPTION_RENEW_BEFORE_MS,
  chunkAgentIds,
  clientStateMatches,
  notifiedUserId,
  planSubscriptions,
  presenceResource,
  type PresenceSubscriptionState,
} from '../../../../shared/presence';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

test('agents are de-duplicated, lower-cased, sorted and split into chunks of at most 650', () => {
  const ids = Array.from({ length: 1400 }, (_, i) => id(i));
  const chunks = chunkAgentIds([...ids, ids[3].toUpperCase(), ' ' + ids[7]]);
  expect(chunks.map((c) => c.length)).toEqual([650, 650, 100]);
  expect(chunks.flat()).toEqual([...ids].sort());
  expect(chunkAgentIds([])).toEqual([]);
  expect(PRESENCE_SUBSCRIPTION_MAX_IDS).toBe(650);
});

test("the bulk resource lists the ids in quotes: /communications/presences?$filter=id in ('…','…')", () => {
  expect(presenceResource([id(1), id(2)])).toBe(`/communications/presences?$filter=id in ('${id(1)}','${id(2)}')`);
});

describe('planSubscriptions', () => {
  const now = 10_000_000;
  const fresh = now + PRESENCE_SUBSCRIPTION_RENEW_BEFORE_MS + 60_000;
  const row = (chunk: number, agentIds: string[], expiresAt = fresh): PresenceSubscriptionState => ({
    chunk,
    subscriptionId: `s${chunk}`,
    agentIds,
    expiresAt,
  });

  test('creates what is missing, renews what expires soon, replaces what changed or expired, deletes the rest', () => {
    const chunks = [[id(1)], [id(2)], [id(3)], [id(4)]];
    const steps = planSubscriptions(
      [row(0, [id(1)]), row(1, [id(2)], now + 60_000), row(2, [id(9)]), row(3, [id(4)], now - 1), row(4, [id(5)])],
      chunks,
      now,
    );
    expect(steps).toEqual([
      { kind: 'renew', chunk: 1, subscriptionId: 's1' },
      { kind: 'replace', chunk: 2, agentIds: [id(3)], oldSubscriptionId: 's2' },
      { kind: 'replace', chunk: 3, agentIds: [id(4)], oldSubscriptionId: 's3' },
      { kind: 'delete', chunk: 4, subscriptionId: 's4' },
    ]);
    expect(planSubscriptions([], chunks, now).map((s) => s.kind)).toEqual(['create', 'create', 'create', 'create']);
  });

  test('idempotent: the state a plan leads to asks for nothing more', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }), { maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 30 }),
        (storedIds, agents) => {
          const chunks = chunkAgentIds(agents.map(id), 7);
          const stored = storedIds.map((ids, chunk) =>
            row(chunk, chunkAgentIds(ids.map(id))[0] ?? [], now + chunk * 9e5),
          );
          const after = new Map(stored.map((s) => [s.chunk, s]));
          for (const step of planSubscriptions(stored, chunks, now)) {
            if (step.kind === 'delete') after.delete(step.chunk);
            else
              after.set(step.chunk, {
                chunk: step.chunk,
                subscriptionId: `n${step.chunk}`,
                agentIds: step.kind === 'renew' ? (after.get(step.chunk)?.agentIds ?? []) : step.agentIds,
                expiresAt: fresh,
              });
          }
          expect(planSubscriptions([...after.values()], chunks, now)).toEqual([]);
          expect([...after.values()].sort((a, b) => a.chunk - b.chunk).map((s) => s.agentIds)).toEqual(chunks);
        },
      ),
    );
  });
});

test('clientState: equal only when identical, whatever the length; anything but a string is refused', () => {
  expect(clientStateMatches('s3cret', 's3cret')).toBe(true);
  expect(clientStateMatches('s3cret', 's3creT')).toBe(false);
  expect(clientStateMatches('s3cret', 's3cret-and-more')).toBe(false);
  expect(clientStateMatches('s3cret', '')).toBe(false);
  expect(clientStateMatches('s3cret', undefined)).toBe(false);
  expect(clientStateMatches('s3cret', 42)).toBe(false);
});

test('the notified user: resourceData.id, else the resource path', () => {
  expect(notifiedUserId({ subscriptionId: 's', resourceData: { id: id(1).toUpperCase() } })).toBe(id(1));
  expect(notifiedUserId({ subscriptionId: 's', resource: `communications/presences/${id(2)}` })).toBe(id(2));
  expect(notifiedUserId({ subscriptionId: 's' })).toBeUndefined();
});
