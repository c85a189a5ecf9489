/**
 * GraphPresenceSubscriptions (the app's adapter) against the simulator over HTTPS, with a real webhook on a local
 * port: a subscription is created only after the webhook echoes the validation token (text/plain); a webhook that
 * does not echo it, more than 650 ids or an expiry beyond one hour are refused 400; renew moves the expiry, a
 * deleted subscription is `gone` to renew; a presence change reaches the webhook with the clientState we gave.
 */
jest.setTimeout(60_000);

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { appEnvForSimulator } from '../../../../scripts/lib/app-env';
import { createBotCredential } from '../../../../shared/calls';
import { loadConfig } from '../../../../shared/config';
import { GraphPresenceSubscriptions, presenceResource } from '../../../../shared/presence';
import type { RunningSimulator } from '../../../../simulator';
import { simJson, startTestSimulator, waitFor } from '../../../support/test-simulator';

let sim: RunningSimulator;
let graph: GraphPresenceSubscriptions;
let agents: string[];
let server: http.Server;
let url: string;
/** What the webhook answers a handshake with: the token (as Graph wants) or something else. */
let echo = true;
const received: unknown[] = [];

beforeAll(async () => {
  sim = await startTestSimulator();
  const config = loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...appEnvForSimulator(sim.settings) });
  graph = new GraphPresenceSubscriptions({
    graphBaseUrl: config.graphBaseUrl,
    credential: (tenantId) => createBotCredential(config, tenantId),
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
