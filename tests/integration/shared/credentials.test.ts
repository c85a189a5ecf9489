/**
 * The provisioning credential kinds config can choose, against the simulator's Entra: a certificate credential
 * (client assertion signed with the registered certificate's key) gets the same app token as the secret; an
 * unregistered certificate is refused with Entra's error, classified as a permanent auth failure.
 */
jest.setTimeout(60_000);

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningSimulator } from '../../../simulator';
import { ensureAppCertificate } from '../../../simulator/app-certificate';
import { loadConfig } from '../../../shared/config';
import { TenantError, TenantGatewayFactory } from '../../../shared/tenant';
import { simState, startTestSimulator } from '../../support/test-simulator';

let sim: RunningSimulator;
let tmp: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sb-cert-'));
});
afterAll(async () => {
  await sim?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function certificateGateway(certificatePath: string) {
  const config = loadConfig({
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    GRAPH_BASE_URL: sim.url,
    AUTHORITY_HOST: sim.url,
    PROVISIONING_CREDENTIAL: 'certificate',
    PROVISIONING_CLIENT_ID: sim.settings.provisioningApp.appId,
    PROVISIONING_CERTIFICATE_PATH: certificatePath,
    BOT_APP_ID: sim.settings.botApp.appId,
    API_AUDIENCE: sim.settings.api.audience,
    BRIDGE_URL: sim.settings.bridgeUrl,
  });
  return new TenantGatewayFactory(config).forTenant(sim.tenantId);
}

describe('PROVISIONING_CREDENTIAL=certificate', () => {
  it('reads Graph and the bridge with a token got by a signed client assertion', async () => {
    const gw = certificateGateway(sim.settings.provisioningApp.certificatePath);
    const skus = await gw.listSubscribedSkus();
    expect(skus.map((s) => s.skuPartNumber)).toContain('PHONESYSTEM_VIRTUALUSER');
    expect(await gw.getApplicationInstance(`nobody@${sim.domain}`)).toBeUndefined();
    expect((await simState(sim)).stats.requests).toBeGreaterThan(0);
  });

  it('a certificate the app does not hold is refused with Entra’s reason, not retried as transient', async () => {
    const stranger = await ensureAppCertificate(tmp, 'not-registered');
    const gw = certificateGateway(stranger.path);
    const err = await gw.listSubscribedSkus().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenantError);
    expect((err as TenantError).kind).toBe('permanent');
    expect(String((err as Error).message)).toMatch(/AADSTS700027|signature validation/);
  });
});

describe('PROVISIONING_CREDENTIAL=managedIdentity (App Service identity endpoint)', () => {
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
  afterEach(() => {
    for (const [k, v] of [
      ['IDENTITY_ENDPOINT', saved.endpoint],
      ['IDENTITY_HEADER', saved.header],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  function managedIdentityGateway() {
    const config = loadConfig({
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      GRAPH_BASE_URL: sim.url,
      AUTHORITY_HOST: sim.url,
      PROVISIONING_CREDENTIAL: 'managedIdentity',
      BOT_APP_ID: sim.settings.botApp.appId,
      API_AUDIENCE: sim.settings.api.audience,
      BRIDGE_URL: sim.settings.bridgeUrl,
    });
    return new TenantGatewayFactory(config).forTenant(sim.tenantId);
  }

  // MSAL keeps the managed-identity source and its tokens process-wide, so one process sees one identity set-up:
  // the refusals are checked on the endpoint itself.
  it('the identity endpoint refuses a wrong X-IDENTITY-HEADER, a wrong api-version and an unknown identity', async () => {
    const { endpoint, header } = sim.settings.managedIdentity;
    const get = (query: string, h: string) =>
      fetch(`${endpoint}?${query}`, { headers: { 'x-identity-header': h } }).then((r) => r.status);
    const resource = 'resource=https%3A%2F%2Fgraph.microsoft.com';
    expect(await get(`${resource}&api-version=2019-08-01`, 'wrong')).toBe(401);
    expect(await get(`${resource}&api-version=2017-09-01`, header)).toBe(400);
    expect(await get(`${resource}&api-version=2019-08-01&client_id=${sim.settings.botApp.appId}`, header)).toBe(400);
    expect(await get(`${resource}&api-version=2019-08-01`, header)).toBe(200);
  });

  it('gets the identity’s token from IDENTITY_ENDPOINT and reads Graph with the provisioning app’s roles', async () => {
    process.env.IDENTITY_ENDPOINT = sim.settings.managedIdentity.endpoint;
    process.env.IDENTITY_HEADER = sim.settings.managedIdentity.header;
    const skus = await managedIdentityGateway().listSubscribedSkus();
    expect(skus.map((s) => s.skuPartNumber)).toContain('PHONESYSTEM_VIRTUALUSER');
  });
});
