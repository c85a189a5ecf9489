/**
 * The simulator's presence subscription resources, as Graph takes them (concepts/changenotifications-for-presence.md):
 * one user's `communications/presences/{id}`, or `/communications/presences?$filter=id in ('…')` with at most 650 ids.
 */
import { MAX_PRESENCE_IDS, presenceResourceIds } from '../../../simulator/graph/subscriptions';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

test('single and bulk presence resources name their user ids', () => {
  expect(presenceResourceIds(`communications/presences/${id(1)}`)).toEqual([id(1)]);
  expect(presenceResourceIds(`/communications/presences?$filter=id in ('${id(1)}', '${id(2).toUpperCase()}')`)).toEqual(
    [id(1), id(2)],
  );
});

test('more than 650 ids, ids that are not user ids, or another resource are refused with a reason', () => {
  const many = Array.from({ length: MAX_PRESENCE_IDS + 1 }, (_, i) => `'${id(i)}'`).join(',');
  expect(presenceResourceIds(`/communications/presences?$filter=id in (${many})`)).toMatch(/at most 650/);
  expect(
    presenceResourceIds(`/communications/presences?$filter=id in (${many.split(',').slice(0, 650).join(',')})`),
  ).toHaveLength(650);
  expect(presenceResourceIds(`communications/presences/bob`)).toMatch(/not a user id/);
  expect(presenceResourceIds('/users/abc/messages')).toMatch(/not supported/);
});
