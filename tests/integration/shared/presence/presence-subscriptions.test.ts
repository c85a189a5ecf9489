/**
 * GraphPresenceSubscriptions (the app's adapter) against the simulator over HTTPS, with a real webhook on a local
 * port: a subscription is created only after the webhook echoes the validation token (text/plain); a webhook that
 * does not echo it, more than 650 ids or an expiry beyond one hour are refused 400; renew moves the expiry, a
 * deleted subscription is `gone` to renew; a presence change reaches the webhook with the clientState we gave.
 * The token is delegated (Presence.Read.All), from the bot's authorization-code sign-in at the simulator's Entra
 * (EntraDelegatedTokens, the app's adapter): Graph refuses presence subscriptions with an app-only token (403).
 */
jest.setTimeout(60_000);

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { appEnvForSimulator } from '../../../../scripts/lib/app-env';
import { createHash, randomBytes } from 'node:crypto';
import { createBotCredential } from '../../../../shared/calls';
import { loadConfig, type AppConfig } from '../../../../shared/config';
import {
  DelegatedTokenError,
  EntraDelegatedTokens,
  GraphPresenceSubscriptions,
  PRESENCE_DELEGATED_SCOPE,
  presenceResource,
} from '../../../../shared/presence';
import { graphScope } from '../../../../shared/tenant';
import { signInOnPage } from '../../../support/presence-connect';
import type { RunningSimulator } from '../../../../simulator';
import { simJson, startTestSimulator, waitFor } from '../../../support/test-simulator';

let sim: RunningSimulator;
let graph: GraphPresenceSubscriptions;
let config: AppConfig;
let entra: EntraDelegatedTokens;
let delegated: { accessToken: string; refreshToken?: string };
const REDIRECT = 'http://localhost:7071/api/presence/connect/callback';
let agents: string[];
let server: http.Server;
let url: string;
/** What the webhook answers a handshake with: the token (as Graph wants) or something else. */
let echo = true;
const received: unknown[] = [];

beforeAll(async () => {
  sim = await startTestSimulator();
  config = loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...appEnvForSimulator(sim.settings) });
  entra = new EntraDelegatedTokens({
    authorityHost: config.authorityHost,
    clientId: config.bot.appId,
    clientSecret: config.bot.clientSecret,
  });
  // The one-time Admin sign-in of the bot (confidential client) for delegated Presence.Read.All.
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({
    client_id: config.bot.appId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: PRESENCE_DELEGATED_SCOPE,
    state: 's-1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const back = await signInOnPage(`${entra.authorizeUrl(sim.tenantId)}?${q.toString()}`, 'admin@contoso.com');
  expect(back.searchParams.get('state')).toBe('s-1');
  delegated = await entra.redeem(sim.tenantId, {
    code: back.searchParams.get('code')!,
    redirectUri: REDIRECT,
    codeVerifier: verifier,
    scope: PRESENCE_DELEGATED_SCOPE,
  });
  graph = new GraphPresenceSubscriptions({
    graphBaseUrl: config.graphBaseUrl,
    token: () => Promise.resolve(delegated.accessToken),
  });
  const state = await simJson<{ tenants: { users: { id: string; userPrincipalName: string }[] }[] }>(
    sim,
    'GET',
    `/_sim/state?tenantId=${sim.tenantId}`,
  );
  agents = state.tenants[0].users.filter((u) => /^agent\d+@/.test(u.userPrincipalName)).map((u) => u.id.toLowerCase());
  server = http.createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (token !== null) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(echo ? token : 'not the token');
        return;
      }
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(202);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/presence`;
});

afterAll(async () => {
  server?.close();
  await sim?.stop();
});

const hour = 60 * 60_000;

test('created after the handshake; a change is notified with our clientState; renewed; deleted', async () => {
  const made = await graph.create(sim.tenantId, {
    resource: presenceResource(agents.slice(0, 3)),
    clientState: 'our-secret',
    notificationUrl: url,
    expiresAt: Date.now() + 55 * 60_000,
  });
  await simJson(sim, 'POST', `/_sim/agents/${agents[1]}/presence`, { availability: 'Away', activity: 'Away' });
  const n = await waitFor('the notification', async () =>
    received
      .flatMap(
        (b) => (b as { value: { subscriptionId: string; clientState: string; resourceData: { id: string } }[] }).value,
      )
      .find((v) => v.subscriptionId === made.id),
  );
  expect(n.clientState).toBe('our-secret');
  expect(n.resourceData.id).toBe(agents[1]);
  const renewed = await graph.renew(sim.tenantId, made.id, Date.now() + 50 * 60_000);
  expect(renewed).not.toBe('gone');
  await expect(graph.renew(sim.tenantId, made.id, Date.now() + 2 * hour)).rejects.toThrow(/60 minutes/);
  await graph.delete(sim.tenantId, made.id);
  expect(await graph.renew(sim.tenantId, made.id, Date.now() + 30 * 60_000)).toBe('gone');
  await graph.delete(sim.tenantId, made.id); // already gone: fine
});

test('refused: a webhook that does not echo the token, more than 650 ids, an expiry beyond an hour', async () => {
  const base = { clientState: 's', notificationUrl: url, expiresAt: Date.now() + 30 * 60_000 };
  echo = false;
  try {
    await expect(
      graph.create(sim.tenantId, { ...base, resource: presenceResource(agents.slice(0, 1)) }),
    ).rejects.toThrow(/400: Subscription validation request failed/);
  } finally {
    echo = true;
  }
  const many = Array.from({ length: 651 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  await expect(graph.create(sim.tenantId, { ...base, resource: presenceResource(many) })).rejects.toThrow(
    /400: a presence subscription takes at most 650/,
  );
  await expect(
    graph.create(sim.tenantId, {
      ...base,
      resource: presenceResource(agents.slice(0, 1)),
      expiresAt: Date.now() + 2 * hour,
    }),
  ).rejects.toThrow(/400: Subscription expiration can only be 60 minutes in the future/);
});

test('an app-only token (the bot credential) is refused 403 as Graph refuses it: presence subscriptions are delegated only', async () => {
  const bot = createBotCredential(config, sim.tenantId);
  const appOnly = new GraphPresenceSubscriptions({
    graphBaseUrl: config.graphBaseUrl,
    token: async () => (await bot.getToken(graphScope(config.graphBaseUrl)))?.token,
  });
  const attempt = appOnly.create(sim.tenantId, {
    resource: presenceResource(agents.slice(0, 1)),
    clientState: 's',
    notificationUrl: url,
    expiresAt: Date.now() + 30 * 60_000,
  });
  await expect(attempt).rejects.toMatchObject({ status: 403 });
  await expect(attempt).rejects.toThrow(
    'Operation: Create; Exception: [Status Code: Forbidden; Reason: The request is not authorized for this user or application.]',
  );
  // Renewing ours with an app-only token is refused too.
  const ours = await graph.create(sim.tenantId, {
    resource: presenceResource(agents.slice(0, 1)),
    clientState: 's',
    notificationUrl: url,
    expiresAt: Date.now() + 30 * 60_000,
  });
  await expect(appOnly.renew(sim.tenantId, ours.id, Date.now() + 40 * 60_000)).rejects.toMatchObject({ status: 403 });
  await graph.delete(sim.tenantId, ours.id);
});

test('the refresh token rotates: a refresh gives a new one, and the spent one is refused', async () => {
  const first = delegated.refreshToken!;
  expect(first).toBeTruthy();
  const next = await entra.refresh(sim.tenantId, first, PRESENCE_DELEGATED_SCOPE);
  expect(next.refreshToken).toBeTruthy();
  expect(next.refreshToken).not.toBe(first);
  await expect(entra.refresh(sim.tenantId, first, PRESENCE_DELEGATED_SCOPE)).rejects.toBeInstanceOf(
    DelegatedTokenError,
  );
  await expect(entra.refresh(sim.tenantId, first, PRESENCE_DELEGATED_SCOPE)).rejects.toMatchObject({
    error: 'invalid_grant',
  });
  // A wrong client secret is refused.
  const wrong = new EntraDelegatedTokens({
    authorityHost: config.authorityHost,
    clientId: config.bot.appId,
    clientSecret: 'nope',
  });
  await expect(wrong.refresh(sim.tenantId, next.refreshToken!, PRESENCE_DELEGATED_SCOPE)).rejects.toMatchObject({
    status: 401,
  });
  delegated = next;
});
