/**
 * The wallboard's rules: the real-time snapshot (`GET …/realtime`, docs/api.md) read as tiles and agent rows, the
 * longest wait counted up from the oldest arrival, and every way a tile turns amber or red (docs/portal.md).
 */
import { boardOf, longestWait, tileLevel, type QueueTile } from '../../../web/src/pages/wallboard-rules';

const NOW = Date.parse('2026-12-03T12:00:00Z');

const tile = (o: Partial<Omit<QueueTile, 'agents'>> & { agents?: Partial<QueueTile['agents']> } = {}): QueueTile => ({
  callQueueId: 'sales',
  waiting: 0,
  longestWaitS: 0,
  serviceLevelThresholdS: 20,
  ...o,
  agents: { available: 0, offered: 0, busy: 0, wrapUp: 0, away: 0, offline: 0, ...o.agents },
});

test('a real-time snapshot becomes tiles (with thresholds) and agent rows', () => {
  const board = boardOf(
    {
      at: '2026-12-03T12:00:00.000Z',
      callQueues: [
        {
          callQueueId: 'sales',
          name: 'Sales',
          waiting: 2,
          callbacksWaiting: 3,
          oldestArrivedAt: '2026-12-03T11:59:15.000Z',
          longestWaitS: 45,
          agents: { available: 1, offered: 1, busy: 3, wrapUp: 0, away: 1, offline: 2 },
          today: {
            offered: 40,
            answered: 35,
            abandoned: 4,
            serviceLevel: { teamsAnsweredOverAnswered: 0.9, teamsAnsweredOverOffered: 0.8125 },
          },
        },
        {
          callQueueId: 'support',
          waiting: 0,
          oldestArrivedAt: null,
          longestWaitS: null,
          agents: {},
          today: { offered: 0, answered: 0, abandoned: 0, serviceLevel: { teamsAnsweredOverOffered: null } },
        },
      ],
      agents: [
        {
          agentId: 'a1',
          userPrincipalName: 'agent01@contoso.com',
          state: 'busy',
          since: '2026-12-03T11:58:00.000Z',
          timeInStateS: 120,
          callQueueIds: ['sales'],
        },
        { agentId: 'a2', userPrincipalName: 'agent02@contoso.com', state: 'offline', since: null, callQueueIds: [] },
      ],
    },
    'stream',
    new Map([['sales', 30]]),
  );
  expect(board).toEqual({
    at: NOW,
    source: 'stream',
    callQueues: [
      {
        callQueueId: 'sales',
        name: 'Sales',
        waiting: 2,
        callbacksWaiting: 3,
        oldestArrivedAt: NOW - 45_000,
        longestWaitS: 45,
        agents: { available: 1, offered: 1, busy: 3, wrapUp: 0, away: 1, offline: 2 },
        answeredToday: 35,
        abandonedToday: 4,
        serviceLevelToday: 81.25,
        serviceLevelThresholdS: 30,
      },
      {
        callQueueId: 'support',
        name: undefined,
        waiting: 0,
        callbacksWaiting: undefined,
        oldestArrivedAt: undefined,
        longestWaitS: 0,
        agents: { available: 0, offered: 0, busy: 0, wrapUp: 0, away: 0, offline: 0 },
        answeredToday: 0,
        abandonedToday: 0,
        serviceLevelToday: undefined,
        serviceLevelThresholdS: undefined,
      },
    ],
    agents: [
      {
        agentId: 'a1',
        userPrincipalName: 'agent01@contoso.com',
        state: 'busy',
        since: NOW - 120_000,
        callQueueIds: ['sales'],
      },
      { agentId: 'a2', userPrincipalName: 'agent02@contoso.com', state: 'offline', since: undefined, callQueueIds: [] },
    ],
  });
});

test('the longest wait counts up from the oldest arrival, else it is the figure read', () => {
  expect(longestWait(tile({ waiting: 1, oldestArrivedAt: NOW - 12_500 }), NOW)).toBe(12.5);
  expect(longestWait(tile({ waiting: 1, longestWaitS: 7 }), NOW)).toBe(7);
  expect(longestWait(tile({ waiting: 1, oldestArrivedAt: NOW + 1000 }), NOW)).toBe(0);
});

describe('tile levels (T = 20 s)', () => {
  const at = (waitS: number) => NOW - waitS * 1000;
  test.each([
    ['nobody waiting, nobody available', tile({}), 'ok'],
    [
      'a call waits 5 s, an agent is available',
      tile({ waiting: 1, oldestArrivedAt: at(5), agents: { available: 1 } }),
      'ok',
    ],
    ['two calls wait, both being offered', tile({ waiting: 2, oldestArrivedAt: at(5), agents: { offered: 2 } }), 'ok'],
    ['the longest wait reaches T', tile({ waiting: 1, oldestArrivedAt: at(20), agents: { available: 3 } }), 'amber'],
    [
      'more unserved calls than available agents',
      tile({ waiting: 3, oldestArrivedAt: at(2), agents: { available: 1, offered: 1 } }),
      'amber',
    ],
    ['the longest wait reaches 2T', tile({ waiting: 1, oldestArrivedAt: at(40), agents: { available: 5 } }), 'red'],
    [
      'an unserved call and no agent available or in wrap-up',
      tile({ waiting: 1, oldestArrivedAt: at(1), agents: { busy: 4 } }),
      'red',
    ],
    [
      'an unserved call, agents only in wrap-up',
      tile({ waiting: 1, oldestArrivedAt: at(1), agents: { wrapUp: 1, available: 0 } }),
      'amber',
    ],
    [
      "a call queue's own threshold (T = 60 s: 45 s is on target)",
      tile({ waiting: 1, oldestArrivedAt: at(45), serviceLevelThresholdS: 60, agents: { available: 1 } }),
      'ok',
    ],
  ])('%s → %s', (_name, t, level) => {
    expect(tileLevel(t, NOW)).toBe(level);
  });
});
