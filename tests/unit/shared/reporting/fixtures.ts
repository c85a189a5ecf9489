/**
 * A scripted set of calls for the reporting tests. Times are seconds after T0 = 2026-12-03 09:00:00 UTC; every call
 * enters its first call queue in the 09:00–09:15 interval. Call queue `support` has T = 20 s, `sales` T = 30 s.
 *
 *  A answered fast     support: enqueued 0, offer alice 2, connected 8 (wait 8); hold 60–90; ends 200; wrap-up to 230
 *  B answered slow     support: enqueued 60, offer bob 61 missed 91, offer carol 92, connected 105 (wait 45), handed
 *                      over by transfer (the bot's call ends at 105); the agent's leg ends 405, wrap-up to 425
 *  C abandoned short   support: enqueued 120, caller hangs up 123 (wait 3)
 *  D abandoned long    support: enqueued 180, offer bob 185 (withdrawn), caller hangs up 230 (wait 50)
 *  E overflowed        support: enqueued 240, overflowed 240 to sales (wait 0 in support); sales: offer dave 250,
 *                      connected 262 (22 s in sales); ends 362, no wrap-up
 *  F timed out         support: enqueued 300, timed out 360 (disconnect), ends 361
 *  G callback          support: enqueued 420, callback requested 435 (wait 15), ends 436; the callback reached the
 *                      caller and carol at 1500 (09:25), its outbound call ended 1620, carol's wrap-up to 1630
 *                      ({@link G_CALLBACK}: the feed's own message, not part of G's record)
 *  H missed + answered support: enqueued 600, offer alice 601 declined 603, offer dave 604, connected 610 (wait 10),
 *                      ends 700, wrap-up to 710
 */
import type {
  AgentStateSpan,
  CallbackCompletion,
  FinishedCall,
  StoryEntry,
  StoryKind,
} from '../../../../shared/reporting';

export const TENANT = 'contoso-tenant';
export const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
export const s = (sec: number) => T0 + sec * 1000;
export const THRESHOLDS = { support: 20, sales: 30 };

type E = [sec: number, kind: StoryKind, extra?: Omit<StoryEntry, 'seq' | 'kind' | 'at'>];

function story(entries: E[]): StoryEntry[] {
  return entries.map(([sec, kind, extra], i) => ({ seq: i + 1, kind, at: s(sec), ...(extra ?? {}) }));
}

function call(callId: string, entries: E[]): FinishedCall {
  return {
    callId,
    tenantId: TENANT,
    endpoint: 'cc-support@contoso.com',
    serviceLevelThresholdS: THRESHOLDS,
    story: story(entries),
  };
}

const q = (callQueueId: string) => ({ callQueueId });

export const CALLS: FinishedCall[] = [
  call('A', [
    [0, 'arrived', q('support')],
    [0, 'answered'],
    [0, 'enqueued', q('support')],
    [2, 'offered', { agentId: 'alice', offerId: 'A1', callQueueId: 'support' }],
    [8, 'connected', { agentId: 'alice', offerId: 'A1', waitMs: 8000 }],
    [60, 'held', { agentId: 'alice' }],
    [90, 'resumed', { agentId: 'alice' }],
    [200, 'ended'],
    [230, 'wrapUpEnded', { agentId: 'alice' }],
  ]),
  call('B', [
    [60, 'arrived', q('support')],
    [60, 'answered'],
    [60, 'enqueued', q('support')],
    [61, 'offered', { agentId: 'bob', offerId: 'B1', callQueueId: 'support' }],
    [91, 'offerMissed', { agentId: 'bob', offerId: 'B1' }],
    [92, 'offered', { agentId: 'carol', offerId: 'B2', callQueueId: 'support' }],
    [105, 'connected', { agentId: 'carol', offerId: 'B2', waitMs: 45000 }],
    [105, 'transferred', { agentId: 'carol', offerId: 'B2' }],
    [105, 'ended'],
    [405, 'agentCallEnded', { agentId: 'carol' }],
    [425, 'wrapUpEnded', { agentId: 'carol' }],
  ]),
  call('C', [
    [120, 'arrived', q('support')],
    [120, 'answered'],
    [120, 'enqueued', q('support')],
    [123, 'ended'],
    [123, 'abandoned', { waitMs: 3000, callQueueId: 'support' }],
  ]),
  call('D', [
    [180, 'arrived', q('support')],
    [180, 'answered'],
    [180, 'enqueued', q('support')],
    [185, 'offered', { agentId: 'bob', offerId: 'D1', callQueueId: 'support' }],
    [230, 'ended'],
    [230, 'abandoned', { waitMs: 50000, callQueueId: 'support' }],
  ]),
  call('E', [
    [240, 'arrived', q('support')],
    [240, 'answered'],
    [240, 'enqueued', q('support')],
    [240, 'overflowed', { callQueueId: 'support', waitMs: 0, detail: 'callQueue sales' }],
    [250, 'offered', { agentId: 'dave', offerId: 'E1', callQueueId: 'sales' }],
    [262, 'connected', { agentId: 'dave', offerId: 'E1', waitMs: 22000 }],
    [362, 'ended'],
  ]),
  call('F', [
    [300, 'arrived', q('support')],
    [300, 'answered'],
    [300, 'enqueued', q('support')],
    [360, 'timedOut', { callQueueId: 'support', waitMs: 60000, detail: 'disconnect' }],
    [361, 'ended'],
  ]),
  call('G', [
    [420, 'arrived', q('support')],
    [420, 'answered'],
    [420, 'enqueued', q('support')],
    [435, 'callbackRequested', q('support')],
    [436, 'ended'],
    [1500, 'callbackCompleted', { agentId: 'carol' }],
  ]),
  call('H', [
    [600, 'arrived', q('support')],
    [600, 'answered'],
    [600, 'enqueued', q('support')],
    [601, 'offered', { agentId: 'alice', offerId: 'H1', callQueueId: 'support' }],
    [603, 'offerDeclined', { agentId: 'alice', offerId: 'H1' }],
    [604, 'offered', { agentId: 'dave', offerId: 'H2', callQueueId: 'support' }],
    [610, 'connected', { agentId: 'dave', offerId: 'H2', waitMs: 10000 }],
    [700, 'ended'],
    [710, 'wrapUpEnded', { agentId: 'dave' }],
  ]),
];

/**
 * Alice's states: available 0–8, busy 8–200, wrap-up 200–230, available 230–800, away 800–850, available 850–1000
 * (crosses 09:15 = 900 s).
 */
export const ALICE_STATES: AgentStateSpan[] = (
  [
    ['available', 0, 8],
    ['busy', 8, 200],
    ['wrapUp', 200, 230],
    ['available', 230, 800],
    ['away', 800, 850],
    ['available', 850, 1000],
  ] as const
).map(([state, from, to]) => ({ tenantId: TENANT, agentId: 'alice', state, from: s(from), to: s(to) }));

/** G's callback, completed (the agent reached the caller) at 1500 s: talk 1500 → 1620, wrap-up 1620 → 1630. */
export const G_CALLBACK: CallbackCompletion = {
  tenantId: TENANT,
  callbackId: 'G',
  callQueueId: 'support',
  agentId: 'carol',
  completedAt: s(1500),
  talkMs: 120_000,
  wrapUpMs: 10_000,
};
