/**
 * The calling webhook and the call router end to end (devhost + Azurite + simulator): a call to a Provisioned
 * endpoint bound to a call queue is answered and waits in it; a call to a resource account that is no endpoint is
 * rejected with the reason in its story; forged, expired and wrong-audience callback tokens are refused 403 and
 * nothing reaches the router.
 */
import { randomUUID } from 'node:crypto';
import { startSystem, type System } from '../../../scripts/lib/system';
import {
  callbackToken,
  calls,
  callsTenant,
  eventually,
  placeCall,
  provisionedEndpoint,
  putCallQueue,
  simCall,
} from '../../support/calls-system';
import { envelope, incoming } from '../../unit/shared/calls/fixtures';

const ANSWERED = '+14255550100';
const STRANGER = '+14255550101';
const tenant = callsTenant([ANSWERED, STRANGER]);
let system: System;

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed, faults: { establishSwapProbability: 0.5 } });
  await provisionedEndpoint(tenant, ANSWERED, { callQueueId: 'support' });
  // The call queue exists (a call entering one that does not is disconnected) with one agent, signed in but Away:
  // somebody could serve it (so no no-agent action), nobody is offered a call, and calls wait.
  await system.sim('POST', '/_sim/agents/agent30@contoso.com/presence', { availability: 'Away', activity: 'Away' });
  const admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  await putCallQueue(system, admin, tenant.tenantId, 'support', {
    name: 'Support',
    agents: [{ userPrincipalName: 'agent30@contoso.com' }],
  });
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

test('a call to a Provisioned endpoint is answered and waits in its call queue; a stranger is rejected', async () => {
  const { callId } = await placeCall(system, tenant.tenantId, ANSWERED);
  const view = await eventually(async () => {
    const v = await simCall(system, callId);
    return v.state === 'established' ? v : undefined;
  });
  expect(view.state).toBe('established');
  const stored = await eventually(async () => {
    const c = await calls.get(tenant.tenantId, callId);
    return c && c.record.callQueueId === 'support' && c.record.answeredAt ? c : undefined;
  });
  expect(stored.record.arrival?.route).toMatchObject({ action: 'answer', callQueueId: 'support' });
  const story = await calls.listEvents(tenant.tenantId, callId);
  expect(story.map((e) => e.kind)).toEqual(expect.arrayContaining(['arrived', 'answered', 'enqueued']));

  const stranger = await placeCall(system, tenant.tenantId, STRANGER);
  const rejected = await eventually(async () => {
    const v = await simCall(system, stranger.callId);
    return v.state === 'terminated' || v.endReason ? v : undefined;
  });
  expect(rejected.endReason).toBe('rejected');
  const strangerStory = await calls.listEvents(tenant.tenantId, stranger.callId);
  expect(strangerStory.find((e) => e.kind === 'rejected')?.detail).toMatch(/not an endpoint/);
}, 60_000);

test('a caller who hangs up while waiting is abandoned, with the wait in the story', async () => {
  // The endpoint's call queue `support` has only an Away agent: the call waits until the caller gives up.
  const { callId } = await placeCall(system, tenant.tenantId, ANSWERED, { patienceS: 2 });
  const stored = await eventually(async () => {
    const c = await calls.get(tenant.tenantId, callId);
    return c?.record.end ? c : undefined;
  });
  expect(stored.record.outcome ?? 'abandoned').toBe('abandoned');
  const abandoned = (await calls.listEvents(tenant.tenantId, callId)).find((e) => e.kind === 'abandoned');
  expect(abandoned?.waitMs).toBeGreaterThanOrEqual(1500);
}, 60_000);

test('forged, expired and wrong-audience callback tokens → 403, nothing enqueued; a good one → 202', async () => {
  const post = (token: string | undefined, callId: string) =>
    system.api('POST', '/api/calls/notifications', {
      ...(token ? { token } : {}),
      body: envelope({
        ...incoming(callId),
        resourceData: { ...(incoming(callId).resourceData as object), tenantId: tenant.tenantId },
      }),
    });
  const refused = randomUUID();
  for (const token of [
    callbackToken(system, tenant.tenantId, { forged: true }),
    callbackToken(system, tenant.tenantId, { expired: true }),
    callbackToken(system, tenant.tenantId, { audience: 'api://someone-else' }),
    callbackToken(system, randomUUID()), // a tenant we do not serve
    undefined,
  ]) {
    const res = await post(token, refused);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain(token ?? 'no token');
  }
  const malformed = await system.api('POST', '/api/calls/notifications', {
    token: callbackToken(system, tenant.tenantId),
    body: { value: [{ changeType: 7 }] },
  });
  expect(malformed.status).toBe(400);
  expect(JSON.stringify(await malformed.json())).toMatch(/value\[0\]/);

  const accepted = randomUUID();
  expect((await post(callbackToken(system, tenant.tenantId), accepted)).status).toBe(202);
  // The good notification reaches the router (a row appears); the refused ones never did.
  await eventually(async () => ((await calls.get(tenant.tenantId, accepted)) ? true : undefined));
  expect(await calls.get(tenant.tenantId, refused)).toBeUndefined();
}, 60_000);
