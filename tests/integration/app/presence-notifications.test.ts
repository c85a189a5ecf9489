/**
 * Presence change notifications end to end (devhost + Azurite + simulator): Graph takes presence subscriptions with a
 * delegated token only, so until an Admin connects presence (302 to the simulator's Entra, the sign-in form posted as
 * a browser does, the callback redeems the code) the manager subscribes to nothing and the connection route says
 * polling only; once connected, with PRESENCE_NOTIFICATION_URL set, it subscribes to every call queue agent's presence
 * (the simulator validates the webhook with its handshake first), and with the polling refresh switched off:
 * - an agent who becomes Available is offered the call waiting for them at once — the story's `offered` entry says it
 *   came from the presence notification, which the simulator delivered before it;
 * - a notification Graph could not deliver is followed by a `missed` lifecycle notification, and the app reads the
 *   subscription's agents again (getPresencesByUserId) and offers the call — the story says it came from the resync;
 * - a forged notification (wrong clientState) is refused and changes nothing;
 * - disconnecting deletes the tenant's subscriptions and the connection.
 */
import { startSystem, type System } from '../../../scripts/lib/system';
import { callsTenant, eventually, placeCall, provisionedEndpoint, story, userIds } from '../../support/calls-system';
import { connectPresence, signInOnPage } from '../../support/presence-connect';

const [ALPHA, BETA] = ['+14255550141', '+14255550142'];
const tenant = callsTenant([ALPHA, BETA]);
let system: System;
let admin: string;
let ids: Map<string, string>;
const connectionPath = `/api/tenants/${tenant.tenantId}/presence/connection`;

interface SimSubscription {
  id: string;
  clientState: string;
  userIds: string[];
  deliveries: { at: number; kind: string; userId?: string; status?: number }[];
}

const subscriptions = async () =>
  (await system.sim<{ subscriptions: SimSubscription[] }>('GET', `/_sim/subscriptions?tenantId=${tenant.tenantId}`))
    .subscriptions;

const presence = (upn: string, availability: string) =>
  system.sim('POST', `/_sim/agents/${upn}/presence`, { availability, activity: availability });

async function putQueue(id: string, body: object): Promise<void> {
  const res = await system.api('PUT', `/api/tenants/${tenant.tenantId}/callQueues/${id}`, {
    token: admin,
    body: { routingMethod: 'serial', presenceBasedRouting: true, ...body },
  });
  expect(res.status).toBeLessThan(300);
}

beforeAll(async () => {
  system = await startSystem({
    seed: tenant.seed,
    // No polling: an offer after a presence change can only come from a notification.
    env: { PRESENCE_REFRESH_SCHEDULE: '0 0 0 1 1 *', PRESENCE_SUBSCRIPTION_SCHEDULE: '*/2 * * * * *' },
  });
  // The webhook's URL is known once the devhost listens; the restarted host keeps its port.
  system.env.PRESENCE_NOTIFICATION_URL = `${system.origin}/api/presence/notifications`;
  await system.restartHost();
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  ids = await userIds(system, tenant.tenantId);
  await presence('agent40@contoso.com', 'Away');
  await presence('agent41@contoso.com', 'Away');
  await putQueue('alpha', { name: 'Alpha', agents: [{ userPrincipalName: 'agent40@contoso.com' }] });
  await putQueue('beta', { name: 'Beta', agents: [{ userPrincipalName: 'agent41@contoso.com' }] });
  await provisionedEndpoint(tenant, ALPHA, { callQueueId: 'alpha' });
  await provisionedEndpoint(tenant, BETA, { callQueueId: 'beta' });

  // Not connected: the connection route says polling only, and the manager subscribes to nothing (two of its runs
  // after the call queues were saved).
  const before = await (await system.api('GET', connectionPath, { token: admin })).json();
  expect(before).toMatchObject({ tenantId: tenant.tenantId, connected: false, subscriptions: 'off' });
  const runs = () => system.host.output().match(/Executed 'presenceSubscriptionTimer'/g)?.length ?? 0;
  const runsThen = runs();
  await eventually(async () => (runs() >= runsThen + 2 ? true : undefined), 60_000);
  expect(await subscriptions()).toEqual([]);

  // An Admin connects presence: 302 to the tenant's authorize endpoint for the bot, delegated Presence.Read.All.
  const { authorize, callback } = await connectPresence(system, tenant.tenantId, admin);
  expect(authorize.pathname).toBe(`/${tenant.tenantId}/oauth2/v2.0/authorize`);
  expect(authorize.searchParams.get('client_id')).toBe(system.env.BOT_APP_ID.toLowerCase());
  expect(authorize.searchParams.get('scope')).toBe('https://graph.microsoft.com/Presence.Read.All offline_access');
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('state')).toMatch(new RegExp(`^${tenant.tenantId}\\.`));
  const connectedText = await callback.text();
  expect(callback.status).toBe(200);
  expect(JSON.parse(connectedText)).toMatchObject({ connected: true, subscriptions: 'on' });
  expect(connectedText).not.toMatch(/token/i);
  // The state is good once: the same callback again is refused.
  expect((await fetch(callback.url, { redirect: 'manual' })).status).toBe(400);
  const now = await (await system.api('GET', connectionPath, { token: admin })).json();
  expect(now).toMatchObject({ connected: true, subscriptions: 'on', connectedAt: expect.any(String) });

  // The manager subscribes both agents (one subscription: ≤ 650 ids).
  await eventually(async () => {
    const subs = await subscriptions();
    const covered = new Set(subs.flatMap((s) => s.userIds));
    return covered.has(ids.get('agent40@contoso.com')!) && covered.has(ids.get('agent41@contoso.com')!)
      ? subs
      : undefined;
  }, 60_000).catch((e: unknown) => {
    // What the host said about presence, to see why not.
    const lines = system.host
      .output()
      .split('\n')
      .filter((l) => /presence|subscription/i.test(l));
    console.log(lines.slice(-30).join('\n'));
    throw e;
  });
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const enqueued = (callId: string) =>
  eventually(async () => {
    const s = await story(tenant.tenantId, callId);
    return s.some((e) => e.kind === 'enqueued') ? s : undefined;
  }, 40_000);

/**
 * The call router has finished every message it started (so the routing pass after a call's enqueue, which read the
 * agent Away, is over before the agent becomes Available: a pass still running could read them Available itself).
 */
const routerIdle = () =>
  eventually(async () => {
    const out = system.host.output();
    const started = out.match(/Executing 'callEvents'/g)?.length ?? 0;
    const finished = out.match(/Executed 'callEvents'/g)?.length ?? 0;
    return started === finished ? true : undefined;
  }, 40_000);

const offered = (callId: string) =>
  eventually(async () => (await story(tenant.tenantId, callId)).find((e) => e.kind === 'offered'), 40_000);

test('an agent becoming Available is offered the waiting call after the presence notification, not a poll', async () => {
  const agent40 = ids.get('agent40@contoso.com')!;
  const { callId } = await placeCall(system, tenant.tenantId, ALPHA, { patienceS: 120, handleTimeS: 2 });
  await enqueued(callId);
  await routerIdle();
  expect((await story(tenant.tenantId, callId)).some((e) => e.kind === 'offered')).toBe(false); // agent40 is Away
  const changedAt = Date.now();
  await presence('agent40@contoso.com', 'Available');
  const offer = await offered(callId);
  expect(offer.agentId).toBe(agent40);
  expect(offer.detail).toBe('presence notification');
  // The simulator delivered the change (accepted: 202) before the offer was made.
  const delivered = (await subscriptions())
    .flatMap((s) => s.deliveries)
    .filter((d) => d.kind === 'updated' && d.userId === agent40 && d.status === 202);
  expect(delivered.length).toBeGreaterThan(0);
  const firstDelivery = Math.min(...delivered.map((d) => d.at));
  expect(firstDelivery).toBeLessThanOrEqual(offer.at);
  if (process.env.SWITCHBOARD_TEST_FIGURES)
    console.log(
      `presence change → notification sent ${firstDelivery - changedAt} ms → offer ${offer.at - firstDelivery} ms ` +
        `(change → offer ${offer.at - changedAt} ms)`,
    );
}, 90_000);

test('a missed notification makes the app read the presence again, and the waiting call is offered', async () => {
  const agent41 = ids.get('agent41@contoso.com')!;
  const { callId } = await placeCall(system, tenant.tenantId, BETA, { patienceS: 120, handleTimeS: 2 });
  await enqueued(callId);
  await routerIdle();
  await system.sim('POST', '/_sim/faults', { presenceNotificationLossProbability: 1 });
  try {
    await presence('agent41@contoso.com', 'Available');
    const offer = await offered(callId);
    expect(offer.agentId).toBe(agent41);
    expect(offer.detail).toBe('presence resync (missed notifications)');
    const kinds = (await subscriptions()).flatMap((s) => s.deliveries.map((d) => `${d.kind}:${d.status ?? ''}`));
    expect(kinds).toContain('lost:');
    expect(kinds).toContain('missed:202');
  } finally {
    await system.sim('POST', '/_sim/faults', { presenceNotificationLossProbability: 0 });
  }
}, 90_000);

test('a notification with a wrong clientState is refused 403', async () => {
  const [sub] = await subscriptions();
  const res = await system.api('POST', '/api/presence/notifications', {
    body: {
      value: [
        {
          subscriptionId: sub.id,
          clientState: 'not-the-secret',
          changeType: 'updated',
          tenantId: tenant.tenantId,
          resource: `communications/presences/${sub.userIds[0]}`,
          resourceData: { id: sub.userIds[0] },
        },
      ],
    },
  });
  expect(res.status).toBe(403);
  const malformed = await system.api('POST', '/api/presence/notifications', { body: { value: 'x' } });
  expect(malformed.status).toBe(400);
  const handshake = await system.api('POST', '/api/presence/notifications?validationToken=abc%20def');
  expect(handshake.status).toBe(200);
  expect(handshake.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(await handshake.text()).toBe('abc def');
});

test('disconnecting presence deletes the subscriptions and the connection', async () => {
  expect((await subscriptions()).length).toBeGreaterThan(0);
  const res = await system.api('DELETE', connectionPath, { token: admin });
  expect(res.status).toBe(204);
  expect(await subscriptions()).toEqual([]);
  expect(await (await system.api('GET', connectionPath, { token: admin })).json()).toMatchObject({
    connected: false,
    subscriptions: 'off',
  });
  expect((await system.api('DELETE', connectionPath, { token: admin })).status).toBe(404);
});

test('a single-page app asks for JSON: 200 {authorizeUrl} with the same state and PKCE, and signing in there connects', async () => {
  const start = await fetch(`${system.origin}/api/tenants/${tenant.tenantId}/presence/connect`, {
    headers: { authorization: `Bearer ${admin}`, accept: 'application/json' },
    redirect: 'manual',
  });
  expect(start.status).toBe(200);
  expect(start.headers.get('cache-control')).toBe('no-store');
  const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
  const authorize = new URL(authorizeUrl);
  expect(authorize.pathname).toBe(`/${tenant.tenantId}/oauth2/v2.0/authorize`);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('state')).toMatch(new RegExp(`^${tenant.tenantId}\\.`));
  // The browser goes there, signs in, and Entra sends it back to the callback, which redeems the code.
  const callback = await fetch(await signInOnPage(authorizeUrl, 'admin@contoso.com'), { redirect: 'manual' });
  expect(callback.status).toBe(200);
  expect(await callback.json()).toMatchObject({ connected: true, tenantId: tenant.tenantId });
  expect(await (await system.api('GET', connectionPath, { token: admin })).json()).toMatchObject({ connected: true });
  // A supervisor is refused the JSON variant as the redirect.
  const supervisor = await system.token(['Switchboard.Supervisor'], { tenantId: tenant.tenantId });
  const refused = await fetch(`${system.origin}/api/tenants/${tenant.tenantId}/presence/connect`, {
    headers: { authorization: `Bearer ${supervisor}`, accept: 'application/json' },
    redirect: 'manual',
  });
  expect(refused.status).toBe(403);
});
