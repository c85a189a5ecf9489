/**
 * Token acquisition against a throttling token endpoint (the simulator's Entra): @azure/identity on its own retries
 * a throttled token request at once and every concurrent cache miss sends its own request. Through the provisioning
 * credential: one request per scope at a time, Retry-After honoured, throttling surfaced as a wait (never as a
 * configuration error), and a wrong secret still a permanent error.
 */
jest.setTimeout(60_000);

import type { RunningSimulator } from '../../../simulator';
import { loadConfig } from '../../../shared/config';
import { TenantError, TenantGatewayFactory, createProvisioningCredential } from '../../../shared/tenant';
import { simJson, simState, startTestSimulator } from '../../support/test-simulator';

let sim: RunningSimulator;

const config = (secret?: string) =>
  loadConfig({
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    GRAPH_BASE_URL: sim.url,
    AUTHORITY_HOST: sim.url,
    PROVISIONING_CLIENT_ID: sim.settings.provisioningApp.appId,
    PROVISIONING_CLIENT_SECRET: secret ?? sim.settings.provisioningApp.clientSecret,
    BOT_APP_ID: sim.settings.botApp.appId,
    API_AUDIENCE: sim.settings.api.audience,
    BRIDGE_URL: sim.settings.bridgeUrl,
  });

beforeAll(async () => {
  sim = await startTestSimulator({});
});
afterAll(async () => {
  await sim?.stop();
});
afterEach(async () => {
  await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 0, retryAfterSeconds: 1 });
});

it('concurrent cache misses share one token request', async () => {
  const before = (await simState(sim)).stats.requests;
  const credential = createProvisioningCredential(config(), sim.tenantId);
  const tokens = await Promise.all(
    Array.from({ length: 20 }, () => credential.getToken('https://graph.microsoft.com/.default')),
  );
  expect(new Set(tokens.map((t) => t?.token)).size).toBe(1);
  expect((await simState(sim)).stats.requests - before).toBe(1);
});

it('waits out a throttling token endpoint without violating Retry-After', async () => {
  await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 1, retryAfterSeconds: 1 });
  const before = (await simState(sim)).stats;
  const credential = createProvisioningCredential(config(), sim.tenantId);
  const pending = Promise.all(
    Array.from({ length: 10 }, () => credential.getToken('https://graph.microsoft.com/.default')),
  );
  await new Promise((r) => setTimeout(r, 2500));
  await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 0 });
  const tokens = await pending;
  expect(tokens.every((t) => !!t?.token)).toBe(true);
  const after = (await simState(sim)).stats;
  expect(after.throttled).toBeGreaterThan(before.throttled);
  expect(after.retryAfterViolations).toBe(before.retryAfterViolations);
});

it('reports endless token throttling as a wait, not as a permanent failure', async () => {
  await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 1, retryAfterSeconds: 2 });
  const gateway = new TenantGatewayFactory(config()).forTenant(sim.tenantId);
  const err = await gateway.listSubscribedSkus().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TenantError);
  expect((err as TenantError).kind).toBe('throttled');
  expect((err as TenantError).retryAfterMs).toBeGreaterThanOrEqual(2000);
});

it('a wrong secret is permanent', async () => {
  const gateway = new TenantGatewayFactory(config('not-the-secret')).forTenant(sim.tenantId);
  const err = (await gateway.getApplicationInstance('x@contoso.com').catch((e: unknown) => e)) as TenantError;
  expect(err).toBeInstanceOf(TenantError);
  expect(err.kind).toBe('permanent');
  expect(err.source).toBe('auth');
});
