/**
 * GraphPresenceCache against the simulator over HTTPS: the refresh reads 1,400 agents in three requests of ≤ 650
 * ids and says whose availability changed; a read within the freshness window asks Graph nothing; a forgotten agent
 * is read again (alone) before their next use.
 */
jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { appEnvForSimulator } from '../../../../scripts/lib/app-env';
import { GraphPresenceCache, PRESENCE_BATCH } from '../../../../shared/calls';
import { loadConfig } from '../../../../shared/config';
import type { RunningSimulator } from '../../../../simulator';
import { simJson, startTestSimulator } from '../../../support/test-simulator';

let sim: RunningSimulator;
let cache: GraphPresenceCache;
let agents: string[];

const presenceRequests = async (): Promise<number> =>
  (await simJson<{ stats: { requestsByService: { presence?: number } } }>(sim, 'GET', '/_sim/state')).stats
    .requestsByService.presence ?? 0;

beforeAll(async () => {
  sim = await startTestSimulator();
  const config = loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...appEnvForSimulator(sim.settings) });
  cache = new GraphPresenceCache(config, { freshMs: 60_000 });
  const state = await simJson<{ tenants: { users: { id: string; userPrincipalName: string }[] }[] }>(
    sim,
    'GET',
    `/_sim/state?tenantId=${sim.tenantId}`,
  );
  agents = state.tenants[0].users.filter((u) => /^agent\d+@/.test(u.userPrincipalName)).map((u) => u.id.toLowerCase());
});

afterAll(async () => {
  await sim?.stop();
});

test('a refresh of 1,400 agents is three requests of at most 650 ids, and says whose availability changed', async () => {
  const strangers = Array.from({ length: 1400 - agents.length }, () => randomUUID());
  const ids = [...agents, ...strangers];
  const before = await presenceRequests();
  const first = await cache.refresh(sim.tenantId, ids);
  expect((await presenceRequests()) - before).toBe(Math.ceil(ids.length / PRESENCE_BATCH));
  expect(first).toHaveLength(ids.length); // first read: everyone is news
  const known = await cache.presence(sim.tenantId, [agents[0], strangers[0]]);
  expect(known.get(agents[0])).toBe('Available');
  expect(known.get(strangers[0])).toBe('PresenceUnknown');

  await simJson(sim, 'POST', `/_sim/agents/${agents[1]}/presence`, { availability: 'Busy', activity: 'InACall' });
  expect(await cache.refresh(sim.tenantId, ids)).toEqual([agents[1]]);
});

test('fresh presence asks Graph nothing; a forgotten agent is read again, alone', async () => {
  const before = await presenceRequests();
  await cache.presence(sim.tenantId, agents);
  expect(await presenceRequests()).toBe(before);
  await simJson(sim, 'POST', `/_sim/agents/${agents[2]}/presence`, { availability: 'Offline', activity: 'Offline' });
  expect((await cache.presence(sim.tenantId, [agents[2]])).get(agents[2])).toBe('Available'); // cached
  cache.forget(sim.tenantId, [agents[2]]);
  const after = await cache.presence(sim.tenantId, agents);
  expect(after.get(agents[2])).toBe('Offline');
  expect((await presenceRequests()) - before).toBe(1);
});
