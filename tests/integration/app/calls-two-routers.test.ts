/**
 * Two routers at once: two devhost instances consume one `call-events` storage queue; a burst of calls into one call
 * queue with few agents. The agent is claimed with an ETag before every offer, so no agent is ever in two calls (the
 * simulator's view, sampled throughout) and every call still reaches an agent.
 */
import { REPO_ROOT, startDevhost } from '../../../scripts/lib/processes';
import { startSystem, type System } from '../../../scripts/lib/system';
import { callsTenant, eventually, placeCall, provisionedEndpoint, simCall } from '../../support/calls-system';

const NUMBER = '+14255550103';
const tenant = callsTenant([NUMBER]);
let system: System;
let second: Awaited<ReturnType<typeof startDevhost>>;

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed });
  second = await startDevhost({
    appDir: REPO_ROOT,
    env: { ...system.env, AzureFunctionsJobHost__extensions__durableTask__hubName: `${system.hub}b` },
  });
  const admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  const put = await system.api('PUT', `/api/tenants/${tenant.tenantId}/callQueues/burst`, {
    token: admin,
    body: {
      name: 'Burst',
      routingMethod: 'longestIdle',
      agents: ['agent03', 'agent04', 'agent05'].map((a) => ({ userPrincipalName: `${a}@contoso.com` })),
    },
  });
  expect(put.status).toBe(201);
  await provisionedEndpoint(tenant, NUMBER, { callQueueId: 'burst' });
}, 90_000);

afterAll(async () => {
  await second?.host.stop();
  await system?.stop();
});

interface SimState {
  tenants: { calls: { id: string; state: string; agentId?: string }[] }[];
}

test('a burst of calls with two routers and three agents: no agent is ever in two calls', async () => {
  const placed = await Promise.all(
    Array.from({ length: 8 }, () => placeCall(system, tenant.tenantId, NUMBER, { handleTimeS: 2, patienceS: 120 })),
  );
  const ids = new Set(placed.map((p) => p.callId));
  let worst = 0;
  const done = eventually(
    async () => {
      const s = await system.sim<SimState>('GET', `/_sim/state?tenantId=${tenant.tenantId}`);
      const perAgent = new Map<string, number>();
      for (const c of s.tenants[0].calls)
        if (ids.has(c.id) && c.agentId && c.state !== 'terminated')
          perAgent.set(c.agentId, (perAgent.get(c.agentId) ?? 0) + 1);
      worst = Math.max(worst, ...perAgent.values(), 0);
      const views = await Promise.all([...ids].map((id) => simCall(system, id)));
      return views.every((v) => v.state === 'terminated') ? views : undefined;
    },
    90_000,
    100,
  );
  const views = await done;
  expect(worst).toBeLessThanOrEqual(1);
  expect(views.filter((v) => v.endReason === 'completed').length).toBe(8);
}, 120_000);
