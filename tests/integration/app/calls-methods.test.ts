/**
 * Who gets the call, end to end (devhost + Azurite + simulator): one call queue per case, each with its own agents
 * and endpoint, calls placed as PSTN callers would. Each of the five routing methods picks the agent its rule says
 * (attendant rings every eligible agent and the first to answer wins; serial by list order; round robin fair over
 * successive calls; longest idle; skills-based best proficiency); presence-based routing skips an Away agent and,
 * off, offers them; a skill filter picks the only skilled agent; relaxation lets a waiting call reach a less skilled
 * agent once its wait passes the step, as the story's times show. Exhaustive variations are unit properties
 * (tests/unit/shared/routing/properties.test.ts); here each rule is seen once through the real system.
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
  setSkills,
  simCall,
  story,
  userIds,
} from '../../support/calls-system';

const NUMBERS = {
  attendant: '+14255550110',
  serial: '+14255550111',
  roundRobin: '+14255550112',
  longestIdle: '+14255550113',
  skillsBased: '+14255550114',
  presenceOn: '+14255550115',
  presenceOff: '+14255550116',
  skillFilter: '+14255550117',
  relaxation: '+14255550118',
  attendantUnanswered: '+14255550119',
};
const tenant = callsTenant(Object.values(NUMBERS));
let system: System;
let admin: string;
let ids: Map<string, string>;

const upn = (n: number) => `agent${String(n).padStart(2, '0')}@contoso.com`;
const id = (n: number) => ids.get(upn(n))!;
const agentsOf = (...ns: number[]) => ns.map((n) => ({ userPrincipalName: upn(n) }));

/** A call queue `name` on its own endpoint. */
async function callQueue(name: keyof typeof NUMBERS, body: Record<string, unknown>) {
  await putCallQueue(system, admin, tenant.tenantId, name.toLowerCase(), {
    name,
    agentAlertTimeS: 20,
    ...body,
  });
  await provisionedEndpoint(tenant, NUMBERS[name], { callQueueId: name.toLowerCase() });
}

/** Places a call, waits for its agent, the end of the call and the agents to be free again; returns the agent. */
async function callThrough(name: keyof typeof NUMBERS, handleTimeS = 1): Promise<string> {
  const { callId } = await placeCall(system, tenant.tenantId, NUMBERS[name], { handleTimeS });
  const agent = await connectedAgent(system, callId);
  await endedStory(tenant.tenantId, callId);
  await allAvailable(name);
  return agent;
}

const allAvailable = (name: string) =>
  eventually(async () =>
    (await listAgents(system, admin, tenant.tenantId, name.toLowerCase())).every((a) => a.state === 'available')
      ? true
      : undefined,
  );

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed, faults: { incomingCallTimeoutMs: 8000 } });
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  ids = await userIds(system, tenant.tenantId);
}, 90_000);

afterAll(async () => {
  await system?.stop();
});

describe('each routing method reaches the agent its rule picks', () => {
  test('attendant: every eligible agent rings at once, the first to answer wins, the others are withdrawn', async () => {
    await callQueue('attendant', { routingMethod: 'attendant', agents: agentsOf(10, 11, 12) });
    // agent11 answers first; the other two would answer later, if their invites still rang.
    await system.sim('POST', `/_sim/agents/${upn(11)}/profile`, { answerDelayMs: 300 });
    for (const n of [10, 12]) await system.sim('POST', `/_sim/agents/${upn(n)}/profile`, { answerDelayMs: 4000 });
    const { callId } = await placeCall(system, tenant.tenantId, NUMBERS.attendant, { handleTimeS: 8 });
    expect(await connectedAgent(system, callId)).toBe(id(11));
    await endedStory(tenant.tenantId, callId);
    const legs = await Promise.all([10, 11, 12].map(async (n) => (await agentLegs(system, upn(n)))[0]));
    // all three rang for this call before anyone took it…
    for (const leg of legs) {
      expect(leg.callId).toBe(callId);
      expect(leg.ringingAt).toBeLessThanOrEqual(legs[1].joinedAt!);
    }
    // …and the two slower ones never joined, though they would have answered during the call.
    expect(legs[0].joinedAt).toBeUndefined();
    expect(legs[2].joinedAt).toBeUndefined();
    expect((await simCall(system, callId)).participants.filter((p) => p.kind === 'agent').length).toBeLessThanOrEqual(
      1,
    );
    const told = await story(tenant.tenantId, callId);
    const offered = told.filter((e) => e.kind === 'offered').map((e) => e.agentId);
    expect(offered.sort()).toEqual([id(10), id(11), id(12)].sort());
    // the two invitations still ringing were withdrawn when agent11 answered — not missed, not counted against them
    const withdrawn = told.filter((e) => e.kind === 'offerWithdrawn').map((e) => e.agentId);
    expect(withdrawn.sort()).toEqual([id(10), id(12)].sort());
    expect(told.filter((e) => e.kind === 'offerMissed' || e.kind === 'offerDeclined')).toEqual([]);
    await allAvailable('attendant');
    // …and freed at the moment agent11 connected (their row's `since`), not when the call ended 8 s later.
    const connectedAt = told.find((e) => e.kind === 'connected')!.at;
    for (const a of await listAgents(system, admin, tenant.tenantId, 'attendant')) {
      expect(a.missedOffers.attendant ?? 0).toBe(0);
      if (a.agentId !== id(11)) expect((a as { since?: string }).since).toBe(new Date(connectedAt).toISOString());
    }
  }, 90_000);

  test('attendant: nobody answers — every invitation ends on its own and counts against its agent', async () => {
    await callQueue('attendantUnanswered', { routingMethod: 'attendant', agents: agentsOf(32, 33, 34) });
    for (const n of [32, 33, 34]) await system.sim('POST', `/_sim/agents/${upn(n)}/profile`, { answerProbability: 0 });
    const { callId } = await placeCall(system, tenant.tenantId, NUMBERS.attendantUnanswered);
    const q = 'attendantunanswered';
    // The first round: three invitations at once, each over by itself (Graph's ring timeout declines it, or
    // agentAlertTimeS expires it) — none withdrawn, since nobody answered.
    const firstRound = await eventually(async () => {
      const told = await story(tenant.tenantId, callId);
      const offers = told.filter((e) => e.kind === 'offered').slice(0, 3);
      const over = new Set(
        told.filter((e) => e.kind === 'offerMissed' || e.kind === 'offerDeclined').map((e) => e.offerId),
      );
      return offers.length === 3 && offers.every((o) => over.has(o.offerId)) ? offers : undefined;
    });
    expect(firstRound.map((e) => e.agentId).sort()).toEqual([id(32), id(33), id(34)].sort());
    await system.sim('POST', `/_sim/calls/${callId}/hangup`, {});
    const told = await endedStory(tenant.tenantId, callId);
    expect(told.filter((e) => e.kind === 'offerWithdrawn')).toEqual([]);
    expect(told.filter((e) => e.kind === 'connected')).toEqual([]);
    await allAvailable(q);
    for (const a of await listAgents(system, admin, tenant.tenantId, q)) {
      const misses = told.filter(
        (e) => (e.kind === 'offerMissed' || e.kind === 'offerDeclined') && e.agentId === a.agentId,
      ).length;
      expect(misses).toBeGreaterThanOrEqual(1);
      expect(a.missedOffers[q]).toBe(misses);
    }
  }, 90_000);

  test('serial: the first agent in list order (by `order`, not as listed)', async () => {
    await callQueue('serial', {
      routingMethod: 'serial',
      agents: [
        { userPrincipalName: upn(13), order: 3 },
        { userPrincipalName: upn(14), order: 1 },
        { userPrincipalName: upn(15), order: 2 },
      ],
    });
    expect(await callThrough('serial')).toBe(id(14));
    expect(await callThrough('serial')).toBe(id(14)); // serial starts at the top again
  }, 90_000);

  test('round robin: successive calls go round the list, one each before anyone gets a second', async () => {
    await callQueue('roundRobin', { routingMethod: 'roundRobin', agents: agentsOf(16, 17, 18) });
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(await callThrough('roundRobin'));
    expect(got).toEqual([id(16), id(17), id(18), id(16)]);
  }, 120_000);

  test('longest idle: the agent free the longest, whatever the list order or who was offered last', async () => {
    await callQueue('longestIdle', { routingMethod: 'longestIdle', agents: agentsOf(19, 20, 21) });
    // agent19 (first in the list) takes a long call, agent20 a short one that ends first.
    const long = await placeCall(system, tenant.tenantId, NUMBERS.longestIdle, { handleTimeS: 8 });
    expect(await connectedAgent(system, long.callId)).toBe(id(19));
    const short = await placeCall(system, tenant.tenantId, NUMBERS.longestIdle, { handleTimeS: 1 });
    expect(await connectedAgent(system, short.callId)).toBe(id(20));
    await endedStory(tenant.tenantId, short.callId);
    // agent21 has never had a call: idle longest of the free ones
    const third = await placeCall(system, tenant.tenantId, NUMBERS.longestIdle, { handleTimeS: 1 });
    expect(await connectedAgent(system, third.callId)).toBe(id(21));
    await endedStory(tenant.tenantId, long.callId);
    await endedStory(tenant.tenantId, third.callId);
    await allAvailable('longestIdle');
    // now agent20 has been free the longest: not agent19 (first in the list), not round robin's next (agent19 again)
    expect(await callThrough('longestIdle')).toBe(id(20));
  }, 120_000);

  test('skills-based: the best total proficiency among those who hold the skill', async () => {
    await callQueue('skillsBased', {
      routingMethod: 'skillsBased',
      requiredSkills: { billing: 2 },
      agents: agentsOf(22, 23, 24, 25),
    });
    await setSkills(tenant.tenantId, id(22), { sales: 5 });
    await setSkills(tenant.tenantId, id(23), { billing: 2 });
    await setSkills(tenant.tenantId, id(24), { billing: 5 });
    await setSkills(tenant.tenantId, id(25), { billing: 3 });
    expect(await callThrough('skillsBased')).toBe(id(24));
  }, 90_000);
});

describe('presence and skills', () => {
  test('presence-based routing on: an Away agent is skipped; off: the Away agent is offered', async () => {
    await system.sim('POST', `/_sim/agents/${upn(26)}/presence`, { availability: 'Away', activity: 'Away' });
    await system.sim('POST', `/_sim/agents/${upn(28)}/presence`, { availability: 'Away', activity: 'Away' });
    await callQueue('presenceOn', { routingMethod: 'serial', agents: agentsOf(26, 27) });
    await callQueue('presenceOff', { routingMethod: 'serial', presenceBasedRouting: false, agents: agentsOf(28) });

    const on = await placeCall(system, tenant.tenantId, NUMBERS.presenceOn, { handleTimeS: 1 });
    expect(await connectedAgent(system, on.callId)).toBe(id(27));
    const off = await placeCall(system, tenant.tenantId, NUMBERS.presenceOff, { handleTimeS: 1 });
    expect(await connectedAgent(system, off.callId)).toBe(id(28));
    await endedStory(tenant.tenantId, on.callId);
    // the Away agent of the presence-based call queue was never rung
    expect(await agentLegs(system, upn(26))).toEqual([]);
  }, 90_000);

  test('a skill filter picks the only skilled agent, even one later in the list', async () => {
    await callQueue('skillFilter', {
      routingMethod: 'serial',
      requiredSkills: { french: 1 },
      agents: agentsOf(29, 30),
    });
    await setSkills(tenant.tenantId, id(30), { french: 3 });
    expect(await callThrough('skillFilter')).toBe(id(30));
    expect(await agentLegs(system, upn(29))).toEqual([]);
  }, 90_000);

  test('relaxation: a waiting call reaches a less skilled agent once its wait passes the step', async () => {
    await callQueue('relaxation', {
      routingMethod: 'skillsBased',
      requiredSkills: { french: 4 },
      relaxation: [{ afterS: 4, minLevelDelta: 2 }],
      agents: agentsOf(31),
    });
    await setSkills(tenant.tenantId, id(31), { french: 2 });
    const { callId } = await placeCall(system, tenant.tenantId, NUMBERS.relaxation, { handleTimeS: 1 });
    expect(await connectedAgent(system, callId)).toBe(id(31));
    const events = await endedStory(tenant.tenantId, callId);
    const enqueued = events.find((e) => e.kind === 'enqueued')!;
    const offered = events.filter((e) => e.kind === 'offered');
    // one offer, made only after the step: before it, french 2 < 4 kept the agent out
    expect(offered).toHaveLength(1);
    expect(offered[0].at - enqueued.at).toBeGreaterThanOrEqual(4000);
    expect(offered[0].agentId).toBe(id(31));
  }, 90_000);
});
