/**
 * Callbacks end to end (devhost + Azurite + simulator's callers, callees and agents):
 * - a waiting caller presses 1 and 1 again (confirming their caller id) and is hung up; when the agent frees, the
 *   callback — at the caller's place, ahead of a caller who arrived later — calls the caller's number from the
 *   endpoint's resource account and the agent is invited into that call; the later caller gets the agent after it;
 * - a callee who never answers is called `1 + retries` times, `retryAfterS` apart, then the callback fails; each
 *   attempt and the failure are on the story, and the agent is released each time;
 * - the host killed while a callback waits out its retry: the delayed message survives and, after the restart, the
 *   callback is placed and connected.
 */
import { writeFileSync } from 'node:fs';
import { startSystem, type System } from '../../../scripts/lib/system';
import {
  callsTenant,
  connectedAgent,
  endedStory,
  eventually,
  placeCall,
  provisionedEndpoint,
  putCallQueue,
  simCall,
  story,
  userIds,
} from '../../support/calls-system';

const [ONE, TWO, THREE] = ['+14255550130', '+14255550131', '+14255550132'];
const tenant = callsTenant([ONE, TWO, THREE]);
let system: System;
let admin: string;
let ids: Map<string, string>;

interface CallbackView {
  callbackId: string;
  callQueueId: string;
  number: string;
  state: string;
  agentId?: string;
  attempts: { n: number; callId?: string; result?: string; agentId: string }[];
}

const callbacks = async (query: string, token = admin): Promise<CallbackView[]> => {
  const res = await system.api('GET', `/api/tenants/${tenant.tenantId}/callbacks?${query}`, { token });
  if (res.status !== 200) throw new Error(`GET callbacks?${query} → ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { items: CallbackView[] }).items;
};
const callbackIn = (callbackId: string, state: string, timeoutMs = 60_000) =>
  eventually(async () => (await callbacks(`state=${state}`)).find((c) => c.callbackId === callbackId), timeoutMs).catch(
    async (e: unknown) => {
      const all = await callbacks('');
      const agents = await (await system.api('GET', `/api/tenants/${tenant.tenantId}/agents`, { token: admin })).text();
      throw new Error(`${String(e)}; callbacks: ${JSON.stringify(all)}; agents: ${agents}`);
    },
  );
const kinds = async (callId: string) => (await story(tenant.tenantId, callId)).map((e) => e.kind);
const storyHas = (callId: string, kind: string, timeoutMs = 60_000) =>
  eventually(async () => (((await kinds(callId)) as string[]).includes(kind) ? true : undefined), timeoutMs);
/** A caller who waits for the offer to end, presses 1, waits for the number read back, presses 1 to confirm. */
const ACCEPT = 'w1w1';

beforeAll(async () => {
  system = await startSystem({
    seed: tenant.seed,
    // Short prompts and talk: the read-back of a number is 13 prompts; callees hang up 4 s after the agent joins.
    faults: { promptDurationMs: 250, incomingCallTimeoutMs: 6000, defaultHandleTimeS: 4 },
    env: { PRESENCE_REFRESH_SCHEDULE: '0 0 0 1 1 *' },
  });
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  ids = await userIds(system, tenant.tenantId);
  const queue = (agent: string, callback: Record<string, unknown>) => ({
    name: agent,
    routingMethod: 'serial',
    agentAlertTimeS: 15,
    agents: [{ userPrincipalName: agent }],
    callback: { enabled: true, key: '1', numberSource: 'callerId', ...callback },
  });
  await putCallQueue(system, admin, tenant.tenantId, 'cb-place', queue('agent47@contoso.com', {}));
  await putCallQueue(
    system,
    admin,
    tenant.tenantId,
    'cb-retry',
    queue('agent48@contoso.com', { retries: 1, retryAfterS: 10 }),
  );
  await putCallQueue(
    system,
    admin,
    tenant.tenantId,
    'cb-restart',
    queue('agent49@contoso.com', { retries: 2, retryAfterS: 20 }),
  );
  await provisionedEndpoint(tenant, ONE, { callQueueId: 'cb-place' });
  await provisionedEndpoint(tenant, TWO, { callQueueId: 'cb-retry' });
  await provisionedEndpoint(tenant, THREE, { callQueueId: 'cb-restart' });
}, 90_000);

afterAll(async () => {
  // CALLS_HOST_LOG=<file> keeps the devhost's output (the router's lines) for a failing run.
  if (process.env.CALLS_HOST_LOG) writeFileSync(process.env.CALLS_HOST_LOG, system?.host.output() ?? '');
  await system?.stop();
});

/** Keeps the call queue's only agent busy with a long call; returns that call. */
async function busyAgent(number: string, agent: string): Promise<string> {
  const { callId } = await placeCall(system, tenant.tenantId, number, { from: '+14255550100', handleTimeS: 900 });
  expect(await connectedAgent(system, callId)).toBe(ids.get(agent));
  return callId;
}

/** A caller who accepts the callback on their caller id; returns once the app has hung up on them. */
async function acceptCallback(number: string, from: string): Promise<string> {
  const { callId } = await placeCall(system, tenant.tenantId, number, { from, dtmf: ACCEPT, patienceS: 900 });
  const events = await endedStory(tenant.tenantId, callId, 90_000);
  expect(events.map((e) => e.kind)).toEqual(
    expect.arrayContaining(['enqueued', 'callbackOffered', 'callbackRequested']),
  );
  expect(events.find((e) => e.kind === 'callbackRequested')?.detail).toBe(`call back +*******${from.slice(-4)}`);
  expect((await simCall(system, callId)).endReason).toBe('endedByBot');
  return callId;
}

test('accepted: the caller is hung up, keeps their place ahead of a later caller, and is called back with the agent', async () => {
  const agent = ids.get('agent47@contoso.com')!;
  const first = await busyAgent(ONE, 'agent47@contoso.com');
  const caller = '+14255550177';
  await system.sim('POST', `/_sim/callees/${encodeURIComponent(caller)}`, { answerDelayMs: 300 });
  const asked = await acceptCallback(ONE, caller);
  const heard = (await system.sim<{ heard: { uri?: string }[] }>('GET', `/_sim/calls/${asked}`)).heard.map(
    (h) => h.uri ?? '',
  );
  expect(heard.some((u) => u.endsWith('/callback-offer.wav'))).toBe(true);
  expect(heard.some((u) => u.endsWith('/callback-accepted.wav'))).toBe(true);
  expect((await callbacks('state=pending')).map((c) => [c.callbackId, c.number])).toContainEqual([asked, caller]);
  // A Supervisor of the call queue sees it, with the number masked.
  const supervisor = await system.token(['Switchboard.Supervisor'], {
    tenantId: tenant.tenantId,
    queues: ['cb-place'],
  });
  expect((await callbacks('state=pending', supervisor)).find((c) => c.callbackId === asked)?.number).toBe(
    '+*******0177',
  );

  // A later caller waits too (hears the offer, presses nothing).
  const later = await placeCall(system, tenant.tenantId, ONE, { from: '+14255550178', patienceS: 900, handleTimeS: 2 });
  await storyHas(later.callId, 'callbackOffered');
  const live = await system.api('GET', `/api/tenants/${tenant.tenantId}/realtime`, { token: admin });
  const row = (
    (await live.json()) as { callQueues: { callQueueId: string; callbacksWaiting: number; waiting: number }[] }
  ).callQueues.find((q) => q.callQueueId === 'cb-place');
  expect(row).toMatchObject({ callbacksWaiting: 1, waiting: 1 });

  // The agent frees: the callback, first in place, takes them.
  await system.sim('POST', `/_sim/calls/${first}/hangup`);
  const connected = await callbackIn(asked, 'connected');
  expect(connected.agentId).toBe(agent);
  const outbound = connected.attempts[0].callId!;
  const view = await system.sim<{
    direction: string;
    to: string;
    participants: { kind: string; userId?: string; phone?: string }[];
  }>('GET', `/_sim/calls/${outbound}`);
  expect(view.direction).toBe('outgoing');
  expect(view.to).toBe(caller);
  expect(view.participants.find((p) => p.kind === 'agent')?.userId?.toLowerCase()).toBe(agent);
  expect((await calls(later.callId)).phase).toBe('queued');
  await storyHas(asked, 'callbackCompleted');

  // The callee hangs up after their talk; the callback completes, and the later caller gets the agent.
  await callbackIn(asked, 'completed');
  expect(await connectedAgent(system, later.callId, 60_000)).toBe(agent);
  const done = (await story(tenant.tenantId, asked)).find((e) => e.kind === 'callbackCompleted');
  expect(done?.agentId).toBe(agent);

  // The report counts the callback asked for (the asking call's contact record, built when it ended).
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  const report = await eventually(async () => {
    const res = await system.api(
      'GET',
      `/api/tenants/${tenant.tenantId}/reports/callQueues?from=${from}&to=${to}&interval=1d&callQueueId=cb-place`,
      { token: admin },
    );
    const items = ((await res.json()) as { items: { callbacksRequested: number }[] }).items;
    return items[0]?.callbacksRequested === 1 ? items[0] : undefined;
  }, 60_000);
  expect(report.callbacksRequested).toBe(1);
}, 300_000);

const calls = async (callId: string) =>
  (await (await system.api('GET', `/api/tenants/${tenant.tenantId}/calls/${callId}`, { token: admin })).json()) as {
    phase: string;
  };

test('a callee who never answers: called 1 + retries times, then the callback fails, each attempt on the story', async () => {
  const agent = ids.get('agent48@contoso.com')!;
  const first = await busyAgent(TWO, 'agent48@contoso.com');
  const caller = '+14255550187';
  await system.sim('POST', `/_sim/callees/${encodeURIComponent(caller)}`, { answerProbability: 0 });
  const asked = await acceptCallback(TWO, caller);
  await system.sim('POST', `/_sim/calls/${first}/hangup`);

  const failed = await callbackIn(asked, 'failed', 120_000);
  expect(failed.attempts.map((a) => [a.n, a.result, a.agentId])).toEqual([
    [1, 'noAnswer', agent],
    [2, 'noAnswer', agent],
  ]);
  for (const a of failed.attempts) expect((await simCall(system, a.callId!)).endReason).toBe('unanswered');
  await storyHas(asked, 'callbackFailed');
  const notes = (await story(tenant.tenantId, asked)).filter((e) => e.kind.startsWith('callback')).map((e) => e.kind);
  expect(notes).toEqual([
    'callbackOffered',
    'callbackRequested',
    'callbackAttempt',
    'callbackAttempt',
    'callbackFailed',
  ]);
  // The agent was released, not left reserved.
  await eventually(async () => {
    const res = await system.api('GET', `/api/tenants/${tenant.tenantId}/agents?callQueueId=cb-retry`, {
      token: admin,
    });
    const items = ((await res.json()) as { items: { agentId: string; state: string }[] }).items;
    return items.find((a) => a.agentId === agent)?.state === 'available' ? true : undefined;
  });
}, 300_000);

test('the host killed while a callback waits out its retry: the callback is still placed after the restart', async () => {
  const agent = ids.get('agent49@contoso.com')!;
  const first = await busyAgent(THREE, 'agent49@contoso.com');
  const caller = '+14255550197';
  await system.sim('POST', `/_sim/callees/${encodeURIComponent(caller)}`, { busy: true });
  const asked = await acceptCallback(THREE, caller);
  await system.sim('POST', `/_sim/calls/${first}/hangup`);
  // The first attempt finds the line busy: the callback waits 20 s for its retry (a delayed call-events message).
  const waiting = await eventually(async () => {
    const c = (await callbacks('state=pending')).find((x) => x.callbackId === asked);
    return c && c.attempts.length === 1 && c.attempts[0].result === 'busy' ? c : undefined;
  }, 60_000);
  expect(waiting.attempts[0].agentId).toBe(agent);

  await system.restartHost({ kill: true });
  await system.sim('POST', `/_sim/callees/${encodeURIComponent(caller)}`, { busy: false, answerDelayMs: 300 });

  const connected = await callbackIn(asked, 'connected', 120_000);
  expect(connected.attempts.map((a) => a.result)).toEqual(['busy', 'answered']);
  expect(connected.agentId).toBe(agent);
  expect((await simCall(system, connected.attempts[1].callId!)).agentId?.toLowerCase()).toBe(agent);
}, 300_000);
