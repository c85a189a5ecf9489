/**
 * The Graph adapter, the Teams admin bridge client and the retry layer against the real simulator over HTTPS.
 * Order matters at the end: the throttling tests leave the app throttled, so they run last.
 */
jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import type { RunningSimulator } from '../../../simulator';
import { AppConfig, loadConfig } from '../../../shared/config';
import {
  BOT_APP_PERMISSIONS,
  GRAPH_APP_ROLE_IDS,
  RESOURCE_ACCOUNT_SKU,
  consentDiff,
  resourceAccountPool,
} from '../../../shared/domain';
import { CompositeTenantGateway, TenantError, TenantGatewayFactory, ThrottledError } from '../../../shared/tenant';
import { SimApp, simJson, simState, startTestSimulator, waitFor } from '../../support/test-simulator';

let sim: RunningSimulator;
let config: AppConfig;
let factory: TenantGatewayFactory;
let gw: CompositeTenantGateway;
let apps: SimApp[];
const botAppId = () => sim.settings.botApp.appId;

function configFor(app: { appId: string; clientSecret: string }): AppConfig {
  return loadConfig({
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    GRAPH_BASE_URL: sim.url,
    AUTHORITY_HOST: sim.url,
    PROVISIONING_CLIENT_ID: app.appId,
    PROVISIONING_CLIENT_SECRET: app.clientSecret,
    BOT_APP_ID: sim.settings.botApp.appId,
    API_AUDIENCE: sim.settings.api.audience,
    BRIDGE_URL: sim.settings.bridgeUrl,
  });
}

beforeAll(async () => {
  sim = await startTestSimulator({ replicationDelayMs: 1500, licensePropagationMs: 300, numberOperationMs: 300 });
  config = configFor(sim.settings.provisioningApp);
  factory = new TenantGatewayFactory(config);
  gw = factory.forTenant(sim.tenantId) as CompositeTenantGateway;
  apps = (await simState(sim)).tenants[0].apps;
});

afterAll(async () => {
  await sim?.stop();
});

describe('consent (token acquisition through the configured authority)', () => {
  it('the bot app has every required permission', async () => {
    const sp = await gw.getServicePrincipal(botAppId());
    expect(sp?.appId).toBe(botAppId());
    const roles = await gw.listAppRoleAssignments(sp!.id);
    const grants = await gw.listOauth2PermissionGrants(sp!.id);
    const diff = consentDiff(
      BOT_APP_PERMISSIONS,
      roles.map((r) => r.appRoleId),
      grants.map((g) => g.scope),
    );
    expect(diff.missing).toEqual([]);
    expect(diff.granted).toHaveLength(6);
    expect(roles.map((r) => r.appRoleId)).toContain(GRAPH_APP_ROLE_IDS['Calls.AccessMedia.All']);
  });

  it('a partially consented vendor shows what is missing', async () => {
    const partial = apps.find((a) => a.displayName.includes('partially'));
    expect(partial).toBeDefined();
    const sp = await gw.getServicePrincipal(partial!.appId);
    const roles = await gw.listAppRoleAssignments(sp!.id);
    const grants = await gw.listOauth2PermissionGrants(sp!.id);
    const diff = consentDiff(
      BOT_APP_PERMISSIONS,
      roles.map((r) => r.appRoleId),
      grants.map((g) => g.scope),
    );
    expect(diff.missing).toEqual(
      expect.arrayContaining([
        'Calls.InitiateGroupCall.All',
        'Calls.JoinGroupCallAsGuest.All',
        'Presence.Read.All (delegated)',
      ]),
    );
  });

  it('an unknown app has no service principal', async () => {
    expect(await gw.getServicePrincipal(randomUUID())).toBeUndefined();
  });

  it('403 from Graph surfaces as a permanent error', async () => {
    const partial = apps.find((a) => a.displayName.includes('partially'))!;
    const weak = new TenantGatewayFactory(configFor(partial)).forTenant(sim.tenantId);
    const err = await weak.listSubscribedSkus().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TenantError);
    expect(err).toMatchObject({ kind: 'permanent', permanent: true, status: 403, source: 'graph' });
    expect((err as TenantError).code).toBe('Authorization_RequestDenied');
    expect(weak.requestCounts().graph).toBe(1); // 403 is not retried
  });
});

describe('licences', () => {
  it('reads the resource-account pool from subscribedSkus', async () => {
    const pool = resourceAccountPool(await gw.listSubscribedSkus());
    expect(pool.kind).toBe('available');
  });
});

describe('resource account end to end: bridge, usage location, licence, number LRO', () => {
  const upn = `ep-${randomUUID().slice(0, 8)}@contoso.com`;
  let objectId: string;

  it('creates the application instance; reads 404 until it replicates', async () => {
    const created = await gw.createApplicationInstance({
      userPrincipalName: upn,
      displayName: 'Sales line',
      applicationId: botAppId(),
    });
    expect(created).toMatchObject({ userPrincipalName: upn, applicationId: botAppId(), tenantId: sim.tenantId });
    objectId = created.objectId;
    expect(await gw.getApplicationInstance(upn)).toBeUndefined();
    const early = await gw.syncApplicationInstance(objectId, botAppId()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(early).toMatchObject({ kind: 'notFound', source: 'bridge', code: 'NotFound' });
    const visible = await waitFor('replication', () => gw.getApplicationInstance(upn));
    expect(visible.objectId).toBe(objectId);
  });

  it('creating it again is a conflict; an unverified domain is rejected', async () => {
    const again = await gw
      .createApplicationInstance({ userPrincipalName: upn, displayName: 'x', applicationId: botAppId() })
      .catch((e: unknown) => e);
    expect(again).toMatchObject({ kind: 'conflict', code: 'AlreadyExists', cmdlet: 'New-CsOnlineApplicationInstance' });
    const bad = await gw
      .createApplicationInstance({
        userPrincipalName: 'x@not-our-domain.example',
        displayName: 'x',
        applicationId: botAppId(),
      })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: 'permanent', status: 400, code: 'InvalidDomain' });
  });

  it('syncs, and treats "already added" as done', async () => {
    const first = await gw.syncApplicationInstance(objectId, botAppId());
    expect(first).toMatchObject({ objectId, synced: true, alreadySynced: false });
    const second = await gw.syncApplicationInstance(objectId, botAppId());
    expect(second).toMatchObject({ synced: true, alreadySynced: true });
    expect(await gw.getApplicationInstanceSync(objectId)).toMatchObject({ objectId, synced: true });
  });

  it('batch-gets instances and patches one', async () => {
    const missing = `nobody-${randomUUID().slice(0, 6)}@contoso.com`;
    const r = await gw.getApplicationInstances([upn, missing]);
    expect(r.found.map((i) => i.objectId)).toEqual([objectId]);
    expect(r.notFound).toEqual([missing]);
    const patched = await gw.updateApplicationInstance(objectId, { displayName: 'Sales line (EU)' });
    expect(patched.displayName).toBe('Sales line (EU)');
  });

  it('sets the usage location and licence through Graph', async () => {
    await gw.updateUsageLocation(objectId, 'US');
    await gw.assignLicense(objectId, RESOURCE_ACCOUNT_SKU.skuId);
    const user = await gw.getUser(upn);
    expect(user).toMatchObject({ id: objectId, usageLocation: 'US' });
    expect(user?.assignedLicenses?.map((l) => l.skuId)).toContain(RESOURCE_ACCOUNT_SKU.skuId);
  });

  let number: string;
  it('assigns a number: 202 + Location → operation id → poll until succeeded', async () => {
    const page = await gw.listNumbers({
      filter: "assignmentStatus eq 'unassigned' and numberType eq 'callingPlan'",
      top: 50,
    });
    const candidate = page.items.find((n) => n.capabilities?.includes('voiceApplicationAssignment'));
    expect(candidate).toBeDefined();
    number = candidate!.telephoneNumber;
    expect((await gw.findNumber(number))?.telephoneNumber).toBe(number);
    // The licence becomes effective shortly after assignment; "user not found" right after licensing is retryable.
    const { operationId } = await waitFor('licence propagation', async () => {
      try {
        return await gw.assignNumber({
          telephoneNumber: number,
          assignmentTargetId: objectId,
          numberType: 'callingPlan',
        });
      } catch (e) {
        if (e instanceof TenantError && !e.permanent) return undefined;
        if (e instanceof TenantError && /licen|not found/i.test(e.message)) return undefined;
        throw e;
      }
    });
    expect(operationId).toBeTruthy();
    const op = await waitFor('number operation', async () => {
      const o = await gw.getNumberOperation(operationId);
      return o.status === 'succeeded' || o.status === 'failed' ? o : undefined;
    });
    expect(op.status).toBe('succeeded');
    const after = await gw.findNumber(number);
    expect(after).toMatchObject({ assignmentTargetId: objectId, assignmentStatus: 'voiceApplicationAssigned' });
  });

  it('unassigns the number, removes the licence, deletes the account (idempotently)', async () => {
    const { operationId } = await gw.unassignNumber({ telephoneNumber: number, numberType: 'callingPlan' });
    await waitFor('unassign', async () =>
      (await gw.getNumberOperation(operationId)).status === 'succeeded' ? true : undefined,
    );
    expect((await gw.findNumber(number))?.assignmentStatus).toBe('unassigned');
    await gw.removeLicense(objectId, RESOURCE_ACCOUNT_SKU.skuId);
    expect((await gw.getUser(objectId))?.assignedLicenses ?? []).toEqual([]);
    expect(await gw.deleteUser(objectId)).toBe(true);
    expect(await gw.deleteUser(objectId)).toBe(false);
    expect(await gw.getUser(objectId)).toBeUndefined();
  });
});

describe('$batch reads', () => {
  it('reads 25 users in two batches, with per-item status', async () => {
    const agents = (
      await simJson<{ tenants: { users: { id: string; userPrincipalName: string }[] }[] }>(
        sim,
        'GET',
        `/_sim/state?tenantId=${sim.tenantId}`,
      )
    ).tenants[0].users
      .filter((u) => u.userPrincipalName.startsWith('agent'))
      .slice(0, 24);
    expect(agents).toHaveLength(24);
    const unknown = randomUUID();
    const fresh = factory.forTenant(sim.tenantId);
    const results = await fresh.getUsers([...agents.map((a) => a.id), unknown]);
    expect(results).toHaveLength(25);
    expect(fresh.requestCounts().graph).toBe(2);
    for (const [i, a] of agents.entries()) {
      expect(results[i]).toMatchObject({
        id: a.id,
        status: 200,
        value: { id: a.id, userPrincipalName: a.userPrincipalName },
      });
    }
    expect(results[24]).toMatchObject({ id: unknown, status: 404 });
    expect(results[24].error).toMatchObject({ kind: 'notFound' });
  });

  it('finds 40 users by UPN (any case) with `userPrincipalName in (…)`: 3 sub-requests in one $batch', async () => {
    const agents = (
      await simJson<{ tenants: { users: { id: string; userPrincipalName: string }[] }[] }>(
        sim,
        'GET',
        `/_sim/state?tenantId=${sim.tenantId}`,
      )
    ).tenants[0].users
      .filter((u) => u.userPrincipalName.startsWith('agent'))
      .slice(0, 39);
    const fresh = factory.forTenant(sim.tenantId);
    const found = await fresh.findUsersByUpns(
      [...agents.map((a) => a.userPrincipalName.toUpperCase()), 'nobody@contoso.com'],
      ['id', 'userPrincipalName'],
    );
    expect(fresh.requestCounts().graph).toBe(1);
    expect(found.failed).toEqual([]);
    expect(found.users.map((u) => u.id).sort()).toEqual(agents.map((a) => a.id).sort());
  });
});

describe('$batch under throttling', () => {
  it('retries only the items answered 429/503, after their Retry-After, until every item is read', async () => {
    const users = (
      await simJson<{ tenants: { users: { id: string; userPrincipalName: string }[] }[] }>(
        sim,
        'GET',
        `/_sim/state?tenantId=${sim.tenantId}`,
      )
    ).tenants[0].users
      .filter((u) => u.userPrincipalName.startsWith('agent'))
      .slice(0, 20);
    // 20% per request. A round with no throttle at all (0.8^20, about 1%) proves nothing, so read again until one did.
    const batchGw = factory.forTenant(sim.tenantId, { retry: { maxAttempts: 30 } });
    await batchGw.getUser(users[0].id); // the token request happens here, not inside the counted rounds
    let throttled = 0;
    for (let round = 0; round < 5 && throttled === 0; round++) {
      const before = (await simState(sim)).stats;
      await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 0.2, retryAfterSeconds: 1 });
      let results;
      try {
        results = await batchGw.getUsers(users.map((u) => u.id));
      } finally {
        await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 0 });
      }
      const after = (await simState(sim)).stats;
      expect(results.map((r) => r.status)).toEqual(users.map(() => 200));
      expect(results.map((r) => r.value?.id)).toEqual(users.map((u) => u.id));
      // Sub-requests are counted by the simulator: more than 20 means only the throttled ones were sent again.
      throttled = after.throttled - before.throttled;
      expect(after.requests - before.requests).toBe(20 + throttled);
    }
    expect(throttled).toBeGreaterThan(0);
    expect(batchGw.requestCounts().graph).toBeGreaterThan(1);
  });
});

describe('throttling (runs last)', () => {
  it('honours Retry-After: with random 429/503 every call succeeds and the simulator sees no violation', async () => {
    const before = (await simState(sim)).stats;
    await simJson(sim, 'POST', '/_sim/faults', {
      throttleProbability: 0.25,
      errorProbability: 0.05,
      retryAfterSeconds: 1,
    });
    try {
      const throttledGw = factory.forTenant(sim.tenantId, { retry: { maxAttempts: 8 } });
      const agents = (await gw.getUsers([])).length; // no request for an empty list
      expect(agents).toBe(0);
      for (let i = 0; i < 20; i++) {
        if (i % 4 === 0) await throttledGw.getApplicationInstance(`nobody${i}@contoso.com`);
        else await throttledGw.listSubscribedSkus();
      }
      const counts = throttledGw.requestCounts();
      expect(counts.graph + counts.bridge).toBeGreaterThan(20); // some were retried
    } finally {
      await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 0, errorProbability: 0 });
    }
    const after = (await simState(sim)).stats;
    expect(after.throttled + after.faulted).toBeGreaterThan(before.throttled + before.faulted);
    expect(after.retryAfterViolations - before.retryAfterViolations).toBe(0);
  });

  it('with maxWaitMs shorter than Retry-After, throws ThrottledError{retryAfterMs} instead of sleeping', async () => {
    await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 1, retryAfterSeconds: 5 });
    const statsBefore = (await simState(sim)).stats;
    const sentBefore = statsBefore.requests;
    try {
      const impatient = factory.forTenant(sim.tenantId, { retry: { maxWaitMs: 1000 } });
      const err = await impatient.listSubscribedSkus().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ThrottledError);
      expect(err).toMatchObject({ status: 429, retryable: true, code: 'TooManyRequests' });
      expect((err as ThrottledError).retryAfterMs).toBe(5000);
      expect(impatient.requestCounts().graph).toBe(1);
      // The tenant's gate is now closed: the next call is not even sent.
      const next = await impatient.getApplicationInstance('x@contoso.com').catch((e: unknown) => e);
      expect(next).toBeInstanceOf(ThrottledError);
      expect(impatient.requestCounts()).toEqual({ graph: 1, bridge: 0 });
      // Exactly one request reached the service: no second retry layer (the Graph client's RetryHandler) hid in the chain.
      expect((await simState(sim)).stats.requests - sentBefore).toBe(1);
    } finally {
      await simJson(sim, 'POST', '/_sim/faults', { throttleProbability: 0 });
    }
    expect((await simState(sim)).stats.retryAfterViolations - statsBefore.retryAfterViolations).toBe(0);
  });
});
