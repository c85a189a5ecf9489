/**
 * API bearer tokens and bot (calling callback) tokens, validated against the simulator's real OpenID/JWKS endpoints.
 * The bot token is the one the simulator itself sends with an incoming-call notification.
 */
jest.setTimeout(60_000);

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { RunningSimulator } from '../../../simulator';
import { AppConfig, loadConfig } from '../../../shared/config';
import {
  AuthError,
  ApiTokenValidator,
  BotNotificationTokenValidator,
  OpenIdKeySets,
  requireQueueScope,
  requireTenant,
} from '../../../shared/auth';
import { RESOURCE_ACCOUNT_SKU } from '../../../shared/domain';
import { TenantGatewayFactory, TenantError } from '../../../shared/tenant';
import { simJson, startTestSimulator, waitFor } from '../../support/test-simulator';

let sim: RunningSimulator;
let config: AppConfig;
let webhook: http.Server;
const notifications: { authorization?: string; body: string }[] = [];

beforeAll(async () => {
  webhook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      notifications.push({ authorization: req.headers.authorization, body });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/api/calls/notifications`;
  sim = await startTestSimulator({ replicationDelayMs: 0, licensePropagationMs: 0, numberOperationMs: 0, webhookUrl });
  config = loadConfig({
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    GRAPH_BASE_URL: sim.url,
    AUTHORITY_HOST: sim.url,
    PROVISIONING_CLIENT_ID: sim.settings.provisioningApp.appId,
    PROVISIONING_CLIENT_SECRET: sim.settings.provisioningApp.clientSecret,
    BOT_APP_ID: sim.settings.botApp.appId,
    API_AUDIENCE: sim.settings.api.audience,
    BRIDGE_URL: sim.settings.bridgeUrl,
    API_ISSUER_TEMPLATE: `${sim.url}/{tenantId}/v2.0`,
    BOT_OPENID_CONFIG_URL: sim.settings.botOpenIdConfigurationUrl,
  });
});

afterAll(async () => {
  await sim?.stop();
  await new Promise<void>((r) => (webhook ? webhook.close(() => r()) : r()));
});

async function apiToken(body: Record<string, unknown>): Promise<string> {
  const r = await simJson<{ access_token: string }>(sim, 'POST', '/_sim/tokens', { tenantId: sim.tenantId, ...body });
  return r.access_token;
}

async function authFailure(p: Promise<unknown>): Promise<AuthError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AuthError);
  return e as AuthError;
}

describe('API bearer tokens', () => {
  it('accepts a valid token and extracts tenant, oid, roles and queues', async () => {
    const v = new ApiTokenValidator(config);
    const token = await apiToken({
      roles: ['Switchboard.Supervisor'],
      queues: ['sales'],
      oid: 'a0000000-0000-0000-0000-000000000001',
    });
    const p = await v.validate(`Bearer ${token}`);
    expect(p).toMatchObject({
      tenantId: sim.tenantId,
      oid: 'a0000000-0000-0000-0000-000000000001',
      roles: ['Switchboard.Supervisor'],
      queues: ['sales'],
    });
    expect(() => requireTenant(p, sim.tenantId)).not.toThrow();
    expect(() => requireQueueScope(p, 'sales')).not.toThrow();
    expect(() => requireQueueScope(p, 'support')).toThrow(AuthError);
  });

  it('rejects another audience, a tampered signature, garbage and a missing header with 401', async () => {
    const v = new ApiTokenValidator(config);
    const other = await apiToken({ roles: ['Switchboard.Admin'], audience: 'api://someone-else' });
    expect(await authFailure(v.validate(`Bearer ${other}`))).toMatchObject({
      status: 401,
      message: expect.stringContaining('aud'),
    });
    const good = await apiToken({ roles: ['Switchboard.Admin'] });
    const [h, payload] = good.split('.');
    const forged = `${h}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    expect(await authFailure(v.validate(`Bearer ${forged}`))).toMatchObject({
      status: 401,
      message: 'The token signature is not valid.',
    });
    expect(await authFailure(v.validate('Bearer not-a-jwt'))).toMatchObject({ status: 401 });
    expect(await authFailure(v.validate(undefined))).toMatchObject({ status: 401, code: 'missing_token' });
  });

  it('rejects a token whose issuer does not match the template for its tid', async () => {
    const strict = new ApiTokenValidator({
      api: { ...config.api, issuerTemplate: `${sim.url}/{tenantId}/v2.0/other` },
    });
    const token = await apiToken({ roles: ['Switchboard.Admin'] });
    const e = await authFailure(strict.validate(token));
    expect(e.status).toBe(401);
  });

  it('caches the key set per OpenID configuration', async () => {
    const sets = new OpenIdKeySets();
    const v = new ApiTokenValidator(config, sets);
    for (let i = 0; i < 3; i++) await v.validate(await apiToken({ roles: ['Switchboard.Agent'] }));
    const url = `${sim.url}/${sim.tenantId}/v2.0/.well-known/openid-configuration`;
    expect(await sets.forConfiguration(url)).toBe(await sets.forConfiguration(url));
    // An unreachable configuration is not cached: the next call tries again (and fails again, here).
    const bad = `${sim.url}/no-such-tenant/v2.0/.well-known/openid-configuration-missing`;
    await expect(sets.forConfiguration(bad)).rejects.toThrow();
    await expect(sets.forConfiguration(bad)).rejects.toThrow();
  });

  it('bounds the key-set cache: the least recently used configuration goes first (issue 17 item 6)', async () => {
    const sets = new OpenIdKeySets(undefined, undefined, undefined, 2);
    const api = `${sim.url}/${sim.tenantId}/v2.0/.well-known/openid-configuration`;
    const v1 = `${sim.url}/${sim.tenantId}/.well-known/openid-configuration`;
    const first = await sets.forConfiguration(api);
    await sets.forConfiguration(v1);
    await sets.forConfiguration(sim.settings.botOpenIdConfigurationUrl);
    expect(sets.size).toBe(2);
    expect(await sets.forConfiguration(api)).not.toBe(first);
  });

  it('refuses a tenant that is not admitted with 403 before looking for its keys', async () => {
    const sets = new OpenIdKeySets();
    const v = new ApiTokenValidator(config, sets, { isOnboarded: async () => false });
    const e = await authFailure(v.validate(await apiToken({ roles: ['Switchboard.Admin'] })));
    expect(e).toMatchObject({ status: 403, code: 'tenant_not_onboarded' });
    expect(sets.size).toBe(0);
  });
});

describe('bot notification tokens', () => {
  it('validates the token the simulator sends with an incoming call; rejects a wrong audience', async () => {
    // Provision a resource account bound to the bot with a number, so a PSTN call reaches the bot's webhook.
    const gw = new TenantGatewayFactory(config).forTenant(sim.tenantId);
    const upn = `cc-${randomUUID().slice(0, 8)}@contoso.com`;
    const inst = await gw.createApplicationInstance({
      userPrincipalName: upn,
      displayName: 'Bot line',
      applicationId: config.bot.appId,
    });
    await waitFor('replication', () => gw.getApplicationInstance(inst.objectId));
    await gw.syncApplicationInstance(inst.objectId, config.bot.appId);
    await gw.updateUsageLocation(inst.objectId, 'US');
    await gw.assignLicense(inst.objectId, RESOURCE_ACCOUNT_SKU.skuId);
    const free = await gw.listNumbers({
      filter: "assignmentStatus eq 'unassigned' and numberType eq 'directRouting'",
      top: 1,
    });
    const number = free.items[0].telephoneNumber;
    const { operationId } = await waitFor('licence', () =>
      gw
        .assignNumber({ telephoneNumber: number, assignmentTargetId: inst.objectId, numberType: 'directRouting' })
        .catch((e: unknown) => {
          if (e instanceof TenantError && !e.permanent) return undefined;
          throw e;
        }),
    );
    await waitFor('assignment', async () =>
      (await gw.getNumberOperation(operationId)).status === 'succeeded' ? true : undefined,
    );

    await simJson(sim, 'POST', '/_sim/calls', { tenantId: sim.tenantId, from: '+14255550999', to: number });
    const n = await waitFor('incoming-call notification', async () => notifications.find((x) => x.authorization));
    const validator = new BotNotificationTokenValidator(config);
    const claims = await validator.validate(n.authorization);
    expect(claims).toMatchObject({
      tenantId: sim.tenantId,
      issuer: 'https://api.botframework.com',
      appId: config.bot.appId,
    });

    const otherBot = new BotNotificationTokenValidator({ ...config, bot: { appId: randomUUID() } });
    expect(await authFailure(otherBot.validate(n.authorization))).toMatchObject({ status: 403 });
    expect(await authFailure(validator.validate('Bearer x.y.z'))).toMatchObject({ status: 403 });
    expect(await authFailure(validator.validate(undefined))).toMatchObject({ status: 403 });
  });
});
