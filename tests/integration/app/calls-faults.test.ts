/**
 * Faults the router must survive without doing anything twice, end to end (devhost + Azurite + simulator):
 * - every notification Graph (the simulator) sent for a finished call, delivered again — twice each, shuffled, in
 *   new envelopes, with valid callback tokens — changes nothing: the story, the outcome and the agent stay as they
 *   were;
 * - the host killed (SIGKILL) while a call waits with no agent free, then started again: once an agent is freed the
 *   waiting call is still routed to them — the state lives in tables and storage queues, not in the process.
 */
import { QueueClient } from '@azure/storage-queue';
import { startSystem, type System } from '../../../scripts/lib/system';
import {
  CONNECTION,
  callbackToken,
  calls,
  callsTenant,
  connectedAgent,
  endedStory,
  eventually,
  listAgents,
  placeCall,
  provisionedEndpoint,
  putCallQueue,
  story,
  userIds,
} from '../../support/calls-system';

const REPLAY = '+14255550120';
const RESTART = '+14255550121';
const tenant = callsTenant([REPLAY, RESTART]);
let system: System;
let admin: string;
let ids: Map<string, string>;

/** Every message on the system's call-events queue is handled (Azurite counts the invisible ones too). */
async function drained(): Promise<void> {
  // Quiet means no visible message for 3 s: the router's delayed timers (keepAlive in 15 min, max wait) stay in the
  // queue invisible, so the approximate count never reaches 0 while the call's work is long done.
  const queue = new QueueClient(CONNECTION, system.env.CALL_EVENTS_QUEUE_NAME);
  let quietSince: number | undefined;
  await eventually(
    async () => {
      if ((await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.length > 0) {
        quietSince = undefined;
        return undefined;
      }
      quietSince ??= Date.now();
      return Date.now() - quietSince >= 3000 ? true : undefined;
    },
    60_000,
    250,
  );
}

/** A deterministic shuffle (mulberry32), so a failure can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed });
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  ids = await userIds(system, tenant.tenantId);
  await putCallQueue(system, admin, tenant.tenantId, 'replay', {
    name: 'Replay',
    routingMethod: 'serial',
    agentAlertTimeS: 15,
    agents: [{ userPrincipalName: 'agent40@contoso.com' }],
  });
  await putCallQueue(system, admin, tenant.tenantId, 'restart', {
    name: 'Restart',
    routingMethod: 'serial',
    agentAlertTimeS: 15,
    agents: [{ userPrincipalName: 'agent41@contoso.com' }],
  });
  await provisionedEndpoint(tenant, REPLAY, { callQueueId: 'replay' });
  await provisionedEndpoint(tenant, RESTART, { callQueueId: 'restart' });
}, 90_000);

afterAll(async () => {
  await system?.stop();
});

test('duplicated and shuffled notifications, replayed after the call, change nothing', async () => {
  const { callId } = await placeCall(system, tenant.tenantId, REPLAY, { handleTimeS: 2 });
  expect(await connectedAgent(system, callId)).toBe(ids.get('agent40@contoso.com'));
  await endedStory(tenant.tenantId, callId);
  await drained();
  const before = {
    story: await story(tenant.tenantId, callId),
    outcome: (await calls.get(tenant.tenantId, callId))!.record.outcome,
    agents: await listAgents(system, admin, tenant.tenantId, 'replay'),
  };
  expect(before.story.map((e) => e.kind)).toEqual(
    expect.arrayContaining(['arrived', 'answered', 'enqueued', 'offered', 'connected', 'ended']),
  );

  // What Graph sent for this call, every attempt, each notification twice, shuffled into envelopes of 1–3.
  const { deliveries } = await system.sim<{ deliveries: { body: { value: unknown[] } }[] }>(
    'GET',
    `/_sim/calls/${callId}/notifications`,
  );
  const notifications = deliveries.flatMap((d) => d.body.value);
  expect(notifications.length).toBeGreaterThanOrEqual(5);
  const replay = shuffled([...notifications, ...notifications], 13);
  for (let i = 0; i < replay.length;) {
    const size = 1 + (i % 3);
    const res = await system.api('POST', '/api/calls/notifications', {
      token: callbackToken(system, tenant.tenantId),
      body: { '@odata.type': '#microsoft.graph.commsNotifications', value: replay.slice(i, i + size) },
    });
    expect(res.status).toBe(202);
    i += size;
  }
  await drained();

  expect(await story(tenant.tenantId, callId)).toEqual(before.story);
  expect((await calls.get(tenant.tenantId, callId))!.record.outcome).toBe(before.outcome);
  const agentsAfter = await listAgents(system, admin, tenant.tenantId, 'replay');
  expect(agentsAfter.map(({ state, missedOffers, optedOut }) => ({ state, missedOffers, optedOut }))).toEqual(
    before.agents.map(({ state, missedOffers, optedOut }) => ({ state, missedOffers, optedOut })),
  );
}, 180_000);

test('the host killed while a call waits with no agent free: after the restart the call still reaches the agent', async () => {
  const agent = ids.get('agent41@contoso.com');
  const first = await placeCall(system, tenant.tenantId, RESTART, { handleTimeS: 600 });
  expect(await connectedAgent(system, first.callId)).toBe(agent);
  const waiting = await placeCall(system, tenant.tenantId, RESTART, { handleTimeS: 2, patienceS: 600 });
  await eventually(async () =>
    (await story(tenant.tenantId, waiting.callId)).some((e) => e.kind === 'enqueued') ? true : undefined,
  );

  await system.restartHost({ kill: true });

  // The agent is freed (the first caller hangs up); the router, a new process, routes the waiting call.
  await system.sim('POST', `/_sim/calls/${first.callId}/hangup`);
  expect(await connectedAgent(system, waiting.callId)).toBe(agent);
  const events = await endedStory(tenant.tenantId, waiting.callId);
  expect(events.filter((e) => e.kind === 'offered').map((e) => e.agentId)).toEqual([agent]);
  expect(events.map((e) => e.kind)).toContain('connected');
}, 180_000);
