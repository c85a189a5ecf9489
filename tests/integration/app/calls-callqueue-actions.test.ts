/**
 * A call queue's own rules end to end (devhost + Azurite + simulator): maxWaitS measured exactly (a delayed timer
 * armed at enqueue) → timeoutAction to another call queue, which keeps the call's arrival; maxCalls at arrival →
 * overflowAction to a phone number; nobody signed in at arrival → noAgentAction to a Teams user; and a waiting call
 * whose call queue loses its last signed-in agent (the presence refresh timer sees it Offline) → noAgentAction.
 * Times are asserted from the call's story (logged times), never from the test's clock.
 */
import { startSystem, type System } from '../../../scripts/lib/system';
import { callsTenant, eventually, placeCall, provisionedEndpoint, simCall } from '../../support/calls-system';

const [TIMEOUT_NO, OVERFLOW_NO, NOBODY_NO, FADING_NO] = [
  '+14255550110',
  '+14255550111',
  '+14255550112',
  '+14255550113',
];
const tenant = callsTenant([TIMEOUT_NO, OVERFLOW_NO, NOBODY_NO, FADING_NO]);
let system: System;
let admin: string;

interface StoryEvent {
  kind: string;
  at: number;
  resultInfo?: { code: number; subcode?: number };
  agentId?: string;
  waitMs?: number;
  detail?: string;
}
interface Story {
  phase: string;
  outcome?: string;
  arrivedAt?: number;
  agentId?: string;
  callQueueId?: string;
  events: StoryEvent[];
}

const story = async (callId: string): Promise<Story> => {
  const res = await system.api('GET', `/api/tenants/${tenant.tenantId}/calls/${callId}`, { token: admin });
  return (await res.json()) as Story;
};
const storyWith = (callId: string, ok: (s: Story) => boolean, timeoutMs = 30_000) =>
  eventually(async () => {
    const s = await story(callId);
    return ok(s) ? s : undefined;
  }, timeoutMs);

const putQueue = async (id: string, body: Record<string, unknown>) => {
  const res = await system.api('PUT', `/api/tenants/${tenant.tenantId}/callQueues/${id}`, { token: admin, body });
  expect(res.status).toBe(201);
};
const presence = (upn: string, availability: string, activity = availability) =>
  system.sim('POST', `/_sim/agents/${upn}/presence`, { availability, activity });
const userId = async (upn: string): Promise<string> => {
  const state = await system.sim<{ tenants: { users: { id: string; userPrincipalName: string }[] }[] }>(
    'GET',
    `/_sim/state?tenantId=${tenant.tenantId}`,
  );
  return state.tenants[0].users.find((u) => u.userPrincipalName === upn)!.id.toLowerCase();
};

beforeAll(async () => {
  system = await startSystem({
    seed: tenant.seed,
    // The presence refresh runs every 2 s here (default 15 s), so a presence change is seen quickly.
    env: { PRESENCE_REFRESH_SCHEDULE: '*/2 * * * * *' },
  });
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  // agent10, agent12 and agent15 are signed in but Busy: present (no no-agent action), never offered a call.
  await presence('agent10@contoso.com', 'Busy', 'InACall');
  await presence('agent12@contoso.com', 'Busy', 'InACall');
  await presence('agent13@contoso.com', 'Offline');
  await presence('agent15@contoso.com', 'Busy', 'InACall');
  await putQueue('backup', {
    name: 'Backup',
    routingMethod: 'serial',
    agents: [{ userPrincipalName: 'agent11@contoso.com' }],
  });
  await putQueue('waiting-room', {
    name: 'Waiting room',
    maxWaitS: 4,
    timeoutAction: { kind: 'callQueue', target: 'backup' },
    agents: [{ userPrincipalName: 'agent10@contoso.com' }],
  });
  await putQueue('tiny', {
    name: 'Tiny',
    maxCalls: 1,
    overflowAction: { kind: 'number', target: '+12065550123' },
    agents: [{ userPrincipalName: 'agent12@contoso.com' }],
  });
  await putQueue('nobody', {
    name: 'Nobody',
    noAgentAction: { kind: 'user', target: 'agent14@contoso.com' },
    agents: [{ userPrincipalName: 'agent13@contoso.com' }],
  });
  await putQueue('fading', {
    name: 'Fading',
    noAgentAction: { kind: 'disconnect' },
    agents: [{ userPrincipalName: 'agent15@contoso.com' }],
  });
  await provisionedEndpoint(tenant, TIMEOUT_NO, { callQueueId: 'waiting-room' });
  await provisionedEndpoint(tenant, OVERFLOW_NO, { callQueueId: 'tiny' });
  await provisionedEndpoint(tenant, NOBODY_NO, { callQueueId: 'nobody' });
  await provisionedEndpoint(tenant, FADING_NO, { callQueueId: 'fading' });
}, 90_000);

afterAll(async () => {
  await system?.stop();
});

test('the call queue API names a bad action target', async () => {
  const res = await system.api('PUT', `/api/tenants/${tenant.tenantId}/callQueues/bad`, {
    token: admin,
    body: {
      name: 'Bad',
      overflowAction: { kind: 'user', target: 'nobody@contoso.com' },
      timeoutAction: { kind: 'number', target: '12345' },
      noAgentAction: { kind: 'callQueue', target: 'bad' },
    },
  });
  expect(res.status).toBe(400);
  const fields = ((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
  expect(fields).toEqual(['noAgentAction.target', 'overflowAction.target', 'timeoutAction.target']);
});

test('maxWaitS: timed out within a second of arrival + maxWaitS, then served by the timeout call queue, arrival kept', async () => {
  const { callId } = await placeCall(system, tenant.tenantId, TIMEOUT_NO, { handleTimeS: 3 });
  const s = await storyWith(callId, (x) => x.events.some((e) => e.kind === 'connected'), 40_000);
  const arrived = s.events.find((e) => e.kind === 'arrived')!;
  const timedOut = s.events.find((e) => e.kind === 'timedOut')!;
  expect(timedOut).toBeDefined();
  expect(timedOut.detail).toBe('callQueue backup');
  expect(Math.abs(timedOut.at - (arrived.at + 4000))).toBeLessThanOrEqual(1000);
  if (process.env.SWITCHBOARD_TEST_FIGURES)
    console.log(`timedOut − (arrival + maxWaitS) = ${timedOut.at - arrived.at - 4000} ms`);
  expect(timedOut.waitMs).toBe(timedOut.at - arrived.at);
  // Served in the timeout call queue, by its agent; the call kept its original arrival.
  expect(s.callQueueId).toBe('backup');
  expect(s.arrivedAt).toBe(arrived.at);
  expect(s.agentId).toBe(await userId('agent11@contoso.com'));
  const connected = s.events.find((e) => e.kind === 'connected')!;
  expect(connected.at).toBeGreaterThan(timedOut.at);
  // agent10 (Busy all along) was never offered it.
  expect(s.events.filter((e) => e.kind === 'offered').map((e) => e.agentId)).toEqual([s.agentId]);
}, 60_000);

test('maxCalls: a call arriving at a full call queue overflows to the number; the waiting call stays', async () => {
  const first = await placeCall(system, tenant.tenantId, OVERFLOW_NO, { patienceS: 120 });
  await storyWith(first.callId, (x) => x.events.some((e) => e.kind === 'enqueued'));
  const second = await placeCall(system, tenant.tenantId, OVERFLOW_NO, { patienceS: 120 });
  const s = await storyWith(second.callId, (x) => x.phase === 'ended');
  expect(s.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['enqueued', 'overflowed', 'transferred']));
  expect(s.events.find((e) => e.kind === 'overflowed')?.detail).toBe('number +12065550123');
  expect(s.outcome).toBe('overflowed');
  // The bot's leg ended when the number took the call (transfer completed, 0/7015).
  expect(s.events.find((e) => e.kind === 'ended')).toMatchObject({ resultInfo: { code: 0, subcode: 7015 } });
  const stillWaiting = await story(first.callId);
  expect(stillWaiting.phase).toBe('queued');
  expect(stillWaiting.events.map((e) => e.kind)).not.toContain('overflowed');
  await system.sim('POST', `/_sim/calls/${first.callId}/hangup`);
}, 60_000);

test('noAgentAction at arrival: nobody signed in → the call goes to the Teams user', async () => {
  const { callId } = await placeCall(system, tenant.tenantId, NOBODY_NO, { handleTimeS: 2 });
  const s = await storyWith(callId, (x) => x.phase === 'ended');
  expect(s.events.find((e) => e.kind === 'noAgent')?.detail).toBe(`user ${await userId('agent14@contoso.com')}`);
  expect(s.outcome).toBe('noAgent');
  const view = await simCall(system, callId);
  expect(view.agentId?.toLowerCase()).toBe(await userId('agent14@contoso.com'));
}, 60_000);

test('noAgentAction for a waiting call: its call queue loses the last signed-in agent (presence Offline)', async () => {
  const { callId } = await placeCall(system, tenant.tenantId, FADING_NO, { patienceS: 120 });
  await storyWith(callId, (x) => x.events.some((e) => e.kind === 'enqueued'));
  expect((await story(callId)).phase).toBe('queued');
  await presence('agent15@contoso.com', 'Offline');
  const s = await storyWith(callId, (x) => x.phase === 'ended');
  expect(s.events.find((e) => e.kind === 'noAgent')?.detail).toBe('disconnect');
  expect(s.outcome).toBe('noAgent');
  expect((await simCall(system, callId)).endReason).toBe('endedByBot');
}, 60_000);
