/**
 * Shared request budgets: RateBuckets in two "processes" (two instances over one table) never hand out more than
 * the rate between them; a gateway paced under the simulator's per-second budget is never throttled, where the same
 * burst unpaced is.
 */
jest.setTimeout(120_000);

import { randomUUID } from 'node:crypto';
import type { RunningSimulator } from '../../../simulator';
import { loadConfig } from '../../../shared/config';
import { RateBuckets } from '../../../shared/storage';
import { TenantGatewayFactory, ThrottledError } from '../../../shared/tenant';
import { TableStorage, tableStorage } from '../../support/azurite-tables';
import { simJson, simState, startTestSimulator } from '../../support/test-simulator';

let storage: TableStorage;
let sim: RunningSimulator;

beforeAll(async () => {
  storage = await tableStorage();
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim?.stop();
  await storage?.stop();
});

describe('RateBuckets across instances', () => {
  it('two instances share one budget: every slot granted, none twice, never above the rate', async () => {
    const table = `rates${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const a = RateBuckets.fromConnectionString(storage.connectionString, table);
    const b = RateBuckets.fromConnectionString(storage.connectionString, table);
    const spec = { perSecond: 50, burst: 5 };
    const started = Date.now();
    const reserve = (r: RateBuckets) => r.reserve('tenant-a', 'graph', spec).then((x) => ({ x, at: Date.now() }));
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => reserve(i % 2 ? a : b)));
    const starts = results.map(({ x, at }) => {
      if (!x.granted) throw new Error('an unbounded wait was refused');
      return at + x.waitMs - started;
    });
    starts.sort((p, q) => p - q);
    // 100 slots at 50/s with a burst of 5 need at least (100 - 5) / 50 s: both instances drew from one budget.
    expect(starts[starts.length - 1]).toBeGreaterThanOrEqual(((100 - 5) / 50) * 1000 - 50);
    // …and no second holds more than rate + burst slots.
    for (let i = 0; i < starts.length; i++) {
      const inWindow = starts.filter((s) => s >= starts[i] && s < starts[i] + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(spec.perSecond + spec.burst + 2);
    }
  });

  it('a slot beyond maxWaitMs is refused with when to come back, and takes nothing', async () => {
    const table = `rates${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const r = RateBuckets.fromConnectionString(storage.connectionString, table);
    const spec = { perSecond: 1, burst: 1 };
    const granted = await Promise.all(Array.from({ length: 5 }, () => r.reserve('t', 'bridge', spec)));
    expect(granted.map((g) => g.granted)).toEqual([true, true, true, true, true]);
    const refused = await r.reserve('t', 'bridge', spec, { maxWaitMs: 1000 });
    expect(refused.granted).toBe(false);
    if (!refused.granted) expect(refused.retryAfterMs).toBeGreaterThan(3000);
    // Another instance sees the same budget: the refusal reserved nothing, so its wait is the same.
    const other = RateBuckets.fromConnectionString(storage.connectionString, table);
    const again = await other.reserve('t', 'bridge', spec, { maxWaitMs: 1000 });
    expect(again.granted).toBe(false);
  });

  it('budgets are per name and per tenant (tenant ids in any case are one tenant)', async () => {
    const table = `rates${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const r = RateBuckets.fromConnectionString(storage.connectionString, table);
    const spec = { perSecond: 1, burst: 1 };
    const tenant = 'AAAAAAAA-0000-0000-0000-000000000001';
    // Spend a minute of the tenant's Graph budget.
    const spent = await Promise.all(Array.from({ length: 60 }, () => r.reserve(tenant, 'graph', spec)));
    expect(spent.every((g) => g.granted)).toBe(true);
    const now = { maxWaitMs: 0 };
    // The same tenant's Graph budget, whatever the case of its id: nothing left now.
    expect((await r.reserve(tenant.toLowerCase(), 'graph', spec, now)).granted).toBe(false);
    // Its bridge and bulk-start budgets, another tenant's Graph budget, and another instance's view of those: untouched.
    const other = RateBuckets.fromConnectionString(storage.connectionString, table);
    for (const rb of [r, other]) {
      expect(await rb.reserve(tenant, rb === r ? 'bridge' : 'bulkStarts', spec, now)).toEqual({
        granted: true,
        waitMs: 0,
      });
    }
    expect(await r.reserve('aaaaaaaa-0000-0000-0000-000000000002', 'graph', spec, now)).toEqual({
      granted: true,
      waitMs: 0,
    });
  });
});

describe('a paced tenant gateway', () => {
  const config = () =>
    loadConfig({
      AzureWebJobsStorage: storage.connectionString,
      GRAPH_BASE_URL: sim.url,
      AUTHORITY_HOST: sim.url,
      PROVISIONING_CLIENT_ID: sim.settings.provisioningApp.appId,
      PROVISIONING_CLIENT_SECRET: sim.settings.provisioningApp.clientSecret,
      BOT_APP_ID: sim.settings.botApp.appId,
      API_AUDIENCE: sim.settings.api.audience,
      BRIDGE_URL: sim.settings.bridgeUrl,
    });

  function factory() {
    const table = `rates${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    return new TenantGatewayFactory(config(), undefined, {
      reserver: RateBuckets.fromConnectionString(storage.connectionString, table),
      limits: () => ({ graphPerSecond: 8, bridgePerSecond: 4 }),
    });
  }

  async function throttledDuring(run: () => Promise<unknown>): Promise<number> {
    const before = (await simState(sim)).stats.throttled;
    await run();
    return (await simState(sim)).stats.throttled - before;
  }

  beforeAll(async () => {
    await simJson(sim, 'POST', '/_sim/faults', { requestsPerSecond: 10, retryAfterSeconds: 1 });
  });
  afterAll(async () => {
    await simJson(sim, 'POST', '/_sim/faults', { requestsPerSecond: 0 });
  });

  it('a burst of 40 Graph reads and 16 bridge reads stays under the budget: never throttled', async () => {
    const gw = factory().forTenant(sim.tenantId);
    await gw.listSubscribedSkus(); // token first (the token endpoint is not paced)
    await new Promise((r) => setTimeout(r, 1500)); // let the simulator's bucket refill
    const throttled = await throttledDuring(() =>
      Promise.all([
        ...Array.from({ length: 40 }, () => gw.listSubscribedSkus()),
        ...Array.from({ length: 16 }, (_, i) => gw.getApplicationInstance(`nobody${i}@${sim.domain}`)),
      ]),
    );
    expect(throttled).toBe(0);
  });

  it('the same burst unpaced is throttled (the budget is real)', async () => {
    const unpaced = new TenantGatewayFactory(config()).forTenant(sim.tenantId);
    await unpaced.listSubscribedSkus().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500));
    const throttled = await throttledDuring(() =>
      Promise.all(Array.from({ length: 40 }, () => unpaced.listSubscribedSkus().catch(() => undefined))),
    );
    expect(throttled).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 2500)); // let the simulator's wait end before the next test
  });

  it('a caller that will not wait that long is told to come back (ThrottledError), and nothing is sent', async () => {
    const gw = factory().forTenant(sim.tenantId, { retry: { maxWaitMs: 200 } });
    const before = (await simState(sim)).stats.requests;
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => gw.listSubscribedSkus()));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ThrottledError);
    const sent = (await simState(sim)).stats.requests - before;
    // Only granted reads were sent (plus the token request and the state reads of this test).
    expect(sent).toBeLessThanOrEqual(30 - refused.length + 3);
  });
});
