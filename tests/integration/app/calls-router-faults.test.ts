/**
 * The router under faults and over time, end to end (devhost + Azurite + simulator):
 * - a freed agent is routed to a call waiting in ANOTHER call queue they serve (no presence sweep in this file, so
 *   nothing else could have routed it);
 * - an offer's invite that Graph answers 503 (Retry-After 1 s) four times goes out again from the command outbox
 *   (delayed call-events messages), Retry-After honoured, and reaches the agent once; an invite Graph carried out
 *   although it answered 503 is not carried out twice;
 * - an offer that expires cancels the ringing invitation (DELETE …/participants/{id}), so the agent's late answer
 *   joins nobody and the call goes to the next agent;
 * - a call that outlives the simulator's keepAlive timeout (15 s here) stays up: keepAlive every 3 s.
 */
import { startSystem, type System } from '../../../scripts/lib/system';
import { CallEventsQueue } from '../../../shared/calls';
import {
  CONNECTION,
  calls,
  callsTenant,
  eventually,
  placeCall,
  provisionedEndpoint,
  simCall,
} from '../../support/calls-system';

const [ALPHA, BETA, GAMMA, DELTA, EPSILON, ZETA] = [
  '+14255550120',
  '+14255550121',
  '+14255550122',
  '+14255550123',
  '+14255550124',
  '+14255550125',
];
const tenant = callsTenant([ALPHA, BETA, GAMMA, DELTA, EPSILON, ZETA]);
let system: System;
let admin: string;

interface StoryEvent {
  kind: string;
  at: number;
  agentId?: string;
}
interface Story {
  phase: string;
  agentId?: string;
  events: StoryEvent[];
}
interface FaultsView {
  hits: { at: number; operation: string; callId: string }[];
  requests: { at: number; operation: string; callId: string; faulted: boolean }[];
}
interface SimCallFull {
  state: string;
  participants: { kind: string; userId?: string }[];
  invitations: { participantId: string; userId?: string; status: string; at: number; settledAt?: number }[];
}

const story = async (callId: string): Promise<Story> =>
  (await (
    await system.api('GET', `/api/tenants/${tenant.tenantId}/calls/${callId}`, { token: admin })
  ).json()) as Story;
const storyWith = (callId: string, ok: (s: Story) => boolean, timeoutMs = 30_000) =>
  eventually(async () => {
    const s = await story(callId);
    return ok(s) ? s : undefined;
  }, timeoutMs);
/** Connected in the record and in the story (the API reads the two one after the other: wait for both). */
const connectedIn = (s: Story): boolean => s.agentId !== undefined && s.events.some((e) => e.kind === 'connected');
const putQueue = async (id: string, body: Record<string, unknown>) => {
  const res = await system.api('PUT', `/api/tenants/${tenant.tenantId}/callQueues/${id}`, { token: admin, body });
  expect(res.status).toBe(201);
};
const userIds = new Map<string, string>();
const userId = async (upn: string): Promise<string> => {
  if (!userIds.size) {
    const state = await system.sim<{ tenants: { users: { id: string; userPrincipalName: string }[] }[] }>(
      'GET',
      `/_sim/state?tenantId=${tenant.tenantId}`,
    );
    for (const u of state.tenants[0].users) userIds.set(u.userPrincipalName, u.id.toLowerCase());
  }
  return userIds.get(upn)!;
};
const faults = () => system.sim<FaultsView>('GET', '/_sim/faults/calls');
const fullView = (callId: string) => system.sim<SimCallFull>('GET', `/_sim/calls/${callId}`);

beforeAll(async () => {
  system = await startSystem({
    seed: tenant.seed,
    // Agents ring up to 30 s (an agent may answer after the 15 s alert time); calls without keepAlive drop after 15 s.
    faults: { incomingCallTimeoutMs: 30_000, keepAliveTimeoutMs: 15_000 },
    env: { PRESENCE_REFRESH_SCHEDULE: '0 0 0 1 1 *', CALLS_KEEPALIVE_INTERVAL_S: '3' },
  });
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  await putQueue('alpha', { name: 'Alpha', agents: [{ userPrincipalName: 'agent20@contoso.com' }] });
  await putQueue('beta', { name: 'Beta', agents: [{ userPrincipalName: 'agent20@contoso.com' }] });
  await putQueue('gamma', { name: 'Gamma', agents: [{ userPrincipalName: 'agent21@contoso.com' }] });
  await putQueue('delta', {
    name: 'Delta',
    routingMethod: 'serial',
    agentAlertTimeS: 15,
    agents: [{ userPrincipalName: 'agent22@contoso.com' }, { userPrincipalName: 'agent23@contoso.com' }],
  });
  await putQueue('epsilon', { name: 'Epsilon', agents: [{ userPrincipalName: 'agent24@contoso.com' }] });
  await putQueue('zeta', { name: 'Zeta', agents: [{ userPrincipalName: 'agent25@contoso.com' }] });
  await system.sim('POST', '/_sim/agents/agent24@contoso.com/presence', { availability: 'Busy', activity: 'InACall' });
  for (const [n, q] of [
    [ALPHA, 'alpha'],
    [BETA, 'beta'],
    [GAMMA, 'gamma'],
    [DELTA, 'delta'],
    [EPSILON, 'epsilon'],
    [ZETA, 'zeta'],
  ])
    await provisionedEndpoint(tenant, n, { callQueueId: q });
}, 90_000);

afterAll(async () => {
  await system?.stop();
});

test('an agent freed in one call queue takes the call waiting in another call queue they serve', async () => {
  const agent20 = await userId('agent20@contoso.com');
  const x = await placeCall(system, tenant.tenantId, ALPHA, { handleTimeS: 4 });
  await storyWith(x.callId, connectedIn);
  const y = await placeCall(system, tenant.tenantId, BETA, { handleTimeS: 2, patienceS: 120 });
  await storyWith(y.callId, (s) => s.events.some((e) => e.kind === 'enqueued'));
  expect((await story(y.callId)).phase).toBe('queued'); // agent20 is busy with x
  const xs = await storyWith(x.callId, (s) => s.phase === 'ended');
  const ys = await storyWith(y.callId, connectedIn);
  expect(ys.agentId).toBe(agent20);
  const ended = xs.events.find((e) => e.kind === 'ended')!;
  expect(ys.events.find((e) => e.kind === 'offered')!.at).toBeGreaterThanOrEqual(ended.at);
}, 60_000);

test('an invite answered 503 four times is sent again from the outbox, Retry-After honoured, and reaches the agent once', async () => {
  await system.sim('POST', '/_sim/faults/calls', { operation: 'invite', status: 503, times: 4, retryAfterS: 1 });
  const { callId } = await placeCall(system, tenant.tenantId, GAMMA, { handleTimeS: 2 });
  const s = await storyWith(callId, connectedIn, 40_000);
  expect(s.agentId).toBe(await userId('agent21@contoso.com'));
  // One offer, its command sent five times: four 503s, then the one Graph carried out.
  expect(s.events.filter((e) => e.kind === 'offered')).toHaveLength(1);
  const invites = (await faults()).requests.filter((r) => r.callId === callId && r.operation === 'invite');
  expect(invites.map((r) => r.faulted)).toEqual([true, true, true, true, false]);
  for (let i = 1; i < invites.length; i++) expect(invites[i].at - invites[i - 1].at).toBeGreaterThanOrEqual(950); // Retry-After: 1 s
  const view = await fullView(callId);
  expect(view.invitations).toHaveLength(1);
  expect(view.participants.filter((p) => p.kind === 'agent')).toHaveLength(1);
}, 60_000);

test('an invite Graph carried out although it answered 503 is not carried out twice', async () => {
  await system.sim('POST', '/_sim/faults/calls', {
    operation: 'invite',
    status: 503,
    times: 1,
    retryAfterS: 1,
    applied: true,
  });
  const { callId } = await placeCall(system, tenant.tenantId, ZETA, { handleTimeS: 2 });
  const s = await storyWith(callId, connectedIn, 40_000);
  expect(s.agentId).toBe(await userId('agent25@contoso.com'));
  const view = await fullView(callId);
  // The retry named the same invitation (participantId = the offer id): refused, nobody rang twice.
  expect(view.invitations).toHaveLength(1);
  expect(view.invitations[0].status).toBe('joined');
  expect(view.participants.filter((p) => p.kind === 'agent')).toHaveLength(1);
}, 60_000);

test('an expired offer cancels the ringing invitation: the late answer joins nobody, the next agent takes the call', async () => {
  // agent22 would answer after 24 s — well after the 15 s alert time, before the simulator's 30 s ring timeout.
  await system.sim('POST', '/_sim/agents/agent22@contoso.com/profile', { answerDelayMs: 24_000 });
  const [agent22, agent23] = [await userId('agent22@contoso.com'), await userId('agent23@contoso.com')];
  const { callId } = await placeCall(system, tenant.tenantId, DELTA, { handleTimeS: 8 });
  const s = await storyWith(callId, connectedIn, 45_000);
  expect(s.agentId).toBe(agent23);
  const missed = s.events.find((e) => e.kind === 'offerMissed')!;
  expect(missed.agentId).toBe(agent22);
  // Past agent22's would-be answer: still only agent23 in the call, agent22's invitation cancelled at the expiry.
  const view = await eventually(async () => {
    const v = await fullView(callId);
    const inv = v.invitations.find((i) => i.userId?.toLowerCase() === agent22);
    return inv && Date.now() > inv.at + 25_000 ? v : undefined;
  }, 30_000);
  const cancelled = view.invitations.find((i) => i.userId?.toLowerCase() === agent22)!;
  expect(cancelled.status).toBe('cancelled');
  expect(cancelled.settledAt! - cancelled.at).toBeLessThan(24_000);
  expect(view.participants.filter((p) => p.kind === 'agent').map((p) => p.userId?.toLowerCase())).toEqual([agent23]);
}, 90_000);

test('a call longer than the keepAlive timeout stays up: keepAlive every interval', async () => {
  const { callId } = await placeCall(system, tenant.tenantId, EPSILON, { patienceS: 60 });
  await storyWith(callId, (x) => x.events.some((e) => e.kind === 'answered'));
  // keepAlives every 3 s until they span more than the simulator's 15 s timeout since the answer.
  const answeredAt = (await story(callId)).events.find((e) => e.kind === 'answered')!.at;
  const keepAlives = await eventually(async () => {
    const k = (await faults()).requests.filter((r) => r.callId === callId && r.operation === 'keepAlive');
    return k.length && k[k.length - 1].at - answeredAt > 15_000 ? k : undefined;
  }, 45_000);
  expect(keepAlives.length).toBeGreaterThanOrEqual(4);
  const s = await story(callId);
  expect(s.phase).toBe('queued');
  expect((await simCall(system, callId)).state).toBe('established');

  // The host redelivers a keepAlive message it already handled — twice: no second chain starts. The call's row names
  // its live link; once a link has been taken, copies of it are redelivered.
  const link = async () => (await calls.get(tenant.tenantId, callId))?.keepAliveLink ?? 0;
  const taken = await link();
  expect(taken).toBeGreaterThan(0);
  await eventually(async () => ((await link()) > taken ? true : undefined), 30_000);
  const redeliveredAt = Date.now();
  const queue = new CallEventsQueue(CONNECTION, system.env.CALL_EVENTS_QUEUE_NAME);
  const copy = { kind: 'timer' as const, tenantId: tenant.tenantId, callId, purpose: 'keepAlive', dueAt: taken };
  await queue.send([copy]);
  await queue.send([copy]);
  const from = await link();
  const every = 3000;
  const upTo = await eventually(async () => {
    const l = await link();
    return l >= from + 3 * every ? l : undefined;
  }, 45_000);
  await system.sim('POST', `/_sim/calls/${callId}/hangup`);
  // One chain: one keepAlive per link taken since the copies (and perhaps the next link's, in flight) — two more
  // chains would have sent two more per interval, and the copies one each at once.
  const sent = (await faults()).requests.filter(
    (r) => r.callId === callId && r.operation === 'keepAlive' && r.at >= redeliveredAt,
  );
  const linksTaken = Math.round((upTo - from) / every);
  expect(sent.length).toBeLessThanOrEqual(linksTaken + 2);
}, 150_000);
