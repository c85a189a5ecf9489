/**
 * PresenceConnectionService with its real adapters (table `presenceConnections` on Azurite, the simulator's Entra
 * over HTTPS): the connect URL, the sign-in, the callback; the refresh token stored sealed and rotated on every
 * refresh; two instances refreshing at once both get a token and the row keeps a refresh token that still works; a
 * state is good once and only for its tenant.
 */
jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { appEnvForSimulator } from '../../../../scripts/lib/app-env';
import { loadConfig, type AppConfig } from '../../../../shared/config';
import {
  EntraDelegatedTokens,
  PresenceConnectionService,
  PresenceConnectionsRepository,
  TokenSeal,
} from '../../../../shared/presence';
import type { RunningSimulator } from '../../../../simulator';
import { signInOnPage } from '../../../support/presence-connect';
import { startTestSimulator } from '../../../support/test-simulator';

const REDIRECT = 'http://localhost:7071/api/presence/connect/callback';
let sim: RunningSimulator;
let config: AppConfig;
let repo: PresenceConnectionsRepository;

/** A fresh service: what another instance (or this one after a restart, its access-token cache empty) has. */
const instance = () =>
  new PresenceConnectionService({
    connections: repo,
    entra: new EntraDelegatedTokens({
      authorityHost: config.authorityHost,
      clientId: config.bot.appId,
      clientSecret: config.bot.clientSecret,
    }),
    seal: new TokenSeal(config.presence.tokenKey, config.bot.clientSecret),
    notificationsEnabled: true,
  });

beforeAll(async () => {
  sim = await startTestSimulator();
  config = loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...appEnvForSimulator(sim.settings) });
  repo = new PresenceConnectionsRepository('UseDevelopmentStorage=true', `presenceConn${randomUUID().slice(0, 8)}`);
});

afterAll(async () => {
  await repo?.client.deleteTable().catch(() => undefined);
  await sim?.stop();
});

async function connect(service: PresenceConnectionService) {
  const url = await service.begin(sim.tenantId, { name: 'admin@contoso.com', oid: 'oid-1' }, REDIRECT);
  const back = await signInOnPage(url, 'admin@contoso.com');
  return { back, view: await service.complete(back.searchParams.get('code')!, back.searchParams.get('state')!) };
}

test('connect: stored sealed; each refresh rotates the stored refresh token; a state is good once', async () => {
  const service = instance();
  expect(await service.accessToken(sim.tenantId)).toBeUndefined(); // not connected: no token, no subscriptions
  const { back, view } = await connect(service);
  expect(view).toMatchObject({ connected: true, connectedBy: 'admin@contoso.com', subscriptions: 'on' });
  await expect(service.complete(back.searchParams.get('code')!, back.searchParams.get('state')!)).rejects.toThrow(
    /unknown, used or expired/,
  );
  const first = (await repo.get(sim.tenantId))!.sealedRefreshToken;
  expect(first).toMatch(/^v1\./);

  const token = await instance().accessToken(sim.tenantId);
  expect(token).toBeTruthy();
  const second = (await repo.get(sim.tenantId))!.sealedRefreshToken;
  expect(second).not.toBe(first);
  // The rotated token works (a fresh instance refreshes with it again).
  expect(await instance().accessToken(sim.tenantId)).toBeTruthy();
  expect((await repo.get(sim.tenantId))!.sealedRefreshToken).not.toBe(second);
});

test('two instances refreshing at once both get a token; the row keeps a refresh token that still works', async () => {
  const [a, b] = await Promise.all([instance().accessToken(sim.tenantId), instance().accessToken(sim.tenantId)]);
  expect(a).toBeTruthy();
  expect(b).toBeTruthy();
  expect(await instance().accessToken(sim.tenantId)).toBeTruthy();
});

test('a state for another tenant, or one this app did not hand out, is refused; disconnect forgets the token', async () => {
  const service = instance();
  const url = new URL(await service.begin(sim.tenantId, { name: 'a', oid: 'o' }, REDIRECT));
  const nonce = url.searchParams.get('state')!.split('.')[1];
  await expect(service.complete('code', `${randomUUID()}.${nonce}`)).rejects.toThrow(/unknown, used or expired/);
  await expect(service.complete('code', 'garbage')).rejects.toThrow(/not one this app handed out/);
  expect(await service.disconnect(sim.tenantId)).toBe(true);
  expect(await service.accessToken(sim.tenantId)).toBeUndefined();
  expect(await service.connection(sim.tenantId)).toMatchObject({ connected: false, subscriptions: 'off' });
});

test('a client without the delegated Presence.Read.All grant is refused the token (AADSTS65001: not consented)', async () => {
  const web = sim.settings.webApp;
  const other = new PresenceConnectionService({
    connections: repo,
    entra: new EntraDelegatedTokens({
      authorityHost: config.authorityHost,
      clientId: web.appId,
      clientSecret: web.clientSecret,
    }),
    seal: new TokenSeal(config.presence.tokenKey, config.bot.clientSecret),
    notificationsEnabled: true,
  });
  const url = await other.begin(sim.tenantId, { name: 'admin@contoso.com', oid: 'oid-1' }, REDIRECT);
  const back = await signInOnPage(url, 'admin@contoso.com');
  await expect(other.complete(back.searchParams.get('code')!, back.searchParams.get('state')!)).rejects.toThrow(
    /AADSTS65001/,
  );
  expect(await repo.get(sim.tenantId)).toBeUndefined();
});
