/**
 * Routing end to end (devhost + Azurite + simulator): a call queue set up through the API, a call to its endpoint
 * reaches an available agent (the simulator shows the agent in the call; our story says offered → connected), the
 * agent is busy during the call and available after it; an agent who does not answer has the offer counted as
 * missed and the call goes to the next agent, and after `missedOffersBeforeOptOut` misses in a row is opted out.
 */
import { startSystem, type System } from '../../../scripts/lib/system';
import {
  agentLegs,
  callsTenant,
  connectedAgent,
  endedStory,
  eventually,
  listAgents,
  placeCall,
  provisionedEndpoint,
  putCallQueue,
  simCall,
} from '../../support/calls-system';

const NUMBER = '+14255550102';
const OPT_OUT = '+14255550104';
const tenant = callsTenant([NUMBER, OPT_OUT]);
let system: System;
let admin: string;

interface AgentView {
  agentId: string;
  userPrincipalName: string;
  state: string;
  missedOffers: Record<string, number>;
}

const agents = async (): Promise<AgentView[]> => {
  const res = await system.api('GET', `/api/tenants/${tenant.tenantId}/agents?callQueueId=sales`, { token: admin });
  return ((await res.json()) as { items: AgentView[] }).items;
};

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed, faults: { incomingCallTimeoutMs: 4000 } });
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  const put = await system.api('PUT', `/api/tenants/${tenant.tenantId}/callQueues/sales`, {
    token: admin,
    body: {
      name: 'Sales',
      routingMethod: 'serial',
      agentAlertTimeS: 20,
      agents: [{ userPrincipalName: 'agent01@contoso.com' }, { userPrincipalName: 'agent02@contoso.com' }],
    },
  });
  expect(put.status).toBe(201);
  await provisionedEndpoint(tenant, NUMBER, { callQueueId: 'sales' });
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

test('the call queue API names agents that are not users of the tenant', async () => {
  const res = await system.api('PUT', `/api/tenants/${tenant.tenantId}/callQueues/bad`, {
    token: admin,
    body: { name: 'Bad', agentAlertTimeS: 5, agents: [{ userPrincipalName: 'nobody@contoso.com' }] },
  });
  expect(res.status).toBe(400);
  const fields = ((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field);
  expect(fields).toEqual(['agentAlertTimeS']);
  const unknown = await system.api('PUT', `/api/tenants/${tenant.tenantId}/callQueues/bad`, {
    token: admin,
    body: { name: 'Bad', agents: [{ userPrincipalName: 'nobody@contoso.com' }] },
  });
  expect(unknown.status).toBe(400);
  expect(JSON.stringify(await unknown.json())).toContain('agents[0].userPrincipalName');
});

test('a call reaches the first available agent; busy during the call, available after', async () => {
  const { callId } = await placeCall(system, tenant.tenantId, NUMBER, { handleTimeS: 3 });
  const view = await eventually(async () => {
    const v = await simCall(system, callId);
    return v.participants.some((p) => p.kind === 'agent') ? v : undefined;
  }, 30_000);
  const agent01 = (await agents()).find((a) => a.userPrincipalName === 'agent01@contoso.com')!;
  expect(view.participants.find((p) => p.kind === 'agent')?.userId?.toLowerCase()).toBe(agent01.agentId);
  await eventually(async () =>
    (await agents()).find((a) => a.agentId === agent01.agentId)?.state === 'busy' ? true : undefined,
  );
  const story = await eventually(async () => {
    const res = await system.api('GET', `/api/tenants/${tenant.tenantId}/calls/${callId}`, { token: admin });
    const body = (await res.json()) as { phase: string; events: { kind: string; agentId?: string }[] };
    return body.phase === 'ended' ? body : undefined;
  }, 30_000);
  expect(story.events.map((e) => e.kind)).toEqual(
    expect.arrayContaining(['arrived', 'answered', 'enqueued', 'offered', 'connected', 'ended']),
  );
  await eventually(async () => ((await agents()).every((a) => a.state === 'available') ? true : undefined));
}, 60_000);

test('an unanswered offer counts as missed and the call goes to the next agent', async () => {
  await system.sim('POST', '/_sim/agents/agent01@contoso.com/profile', { answerProbability: 0 });
  const { callId } = await placeCall(system, tenant.tenantId, NUMBER, { handleTimeS: 3 });
  const view = await eventually(async () => {
    const v = await simCall(system, callId);
    return v.participants.some((p) => p.kind === 'agent') ? v : undefined;
  }, 40_000);
  const list = await agents();
  const agent02 = list.find((a) => a.userPrincipalName === 'agent02@contoso.com')!;
  expect(view.participants.find((p) => p.kind === 'agent')?.userId?.toLowerCase()).toBe(agent02.agentId);
  expect(list.find((a) => a.userPrincipalName === 'agent01@contoso.com')?.missedOffers.sales).toBe(1);
}, 60_000);

test('an agent whose Teams presence is Busy is skipped', async () => {
  await eventually(async () => ((await agents()).every((a) => a.state === 'available') ? true : undefined), 30_000);
  await system.sim('POST', '/_sim/agents/agent01@contoso.com/profile', { answerProbability: 1 });
  await system.sim('POST', '/_sim/agents/agent01@contoso.com/presence', { availability: 'Busy', activity: 'InACall' });
  const { callId } = await placeCall(system, tenant.tenantId, NUMBER, { handleTimeS: 3 });
  const view = await eventually(async () => {
    const v = await simCall(system, callId);
    return v.participants.some((p) => p.kind === 'agent') ? v : undefined;
  }, 30_000);
  const agent02 = (await agents()).find((a) => a.userPrincipalName === 'agent02@contoso.com')!;
  expect(view.participants.find((p) => p.kind === 'agent')?.userId?.toLowerCase()).toBe(agent02.agentId);
}, 60_000);

test('missed offers in a row opt the agent out after missedOffersBeforeOptOut; calls then skip them', async () => {
  await putCallQueue(system, admin, tenant.tenantId, 'optout', {
    name: 'Opt out',
    routingMethod: 'serial',
    agentAlertTimeS: 20,
    missedOffersBeforeOptOut: 2,
    agents: [{ userPrincipalName: 'agent05@contoso.com' }, { userPrincipalName: 'agent06@contoso.com' }],
  });
  await provisionedEndpoint(tenant, OPT_OUT, { callQueueId: 'optout' });
  await system.sim('POST', '/_sim/agents/agent05@contoso.com/profile', { answerProbability: 0 });
  const row = async (upn: string) =>
    (await listAgents(system, admin, tenant.tenantId, 'optout')).find((a) => a.userPrincipalName === upn)!;
  const agent06 = (await row('agent06@contoso.com')).agentId;

  for (const missed of [1, 2]) {
    const { callId } = await placeCall(system, tenant.tenantId, OPT_OUT, { handleTimeS: 1 });
    expect(await connectedAgent(system, callId)).toBe(agent06); // serial: agent05 first, who lets it ring out
    await endedStory(tenant.tenantId, callId);
    const agent05 = await row('agent05@contoso.com');
    expect(agent05.missedOffers.optout).toBe(missed);
    expect(agent05.optedOut.includes('optout')).toBe(missed === 2);
    await eventually(async () => ((await row('agent06@contoso.com')).state === 'available' ? true : undefined));
  }
  // Opted out: the next call goes straight to agent06; agent05 was rung twice in all.
  const { callId } = await placeCall(system, tenant.tenantId, OPT_OUT, { handleTimeS: 1 });
  expect(await connectedAgent(system, callId)).toBe(agent06);
  await endedStory(tenant.tenantId, callId);
  expect((await agentLegs(system, 'agent05@contoso.com')).length).toBe(2);
}, 120_000);
