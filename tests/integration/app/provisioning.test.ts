/**
 * Provisioning end to end: the real app on the devhost (Azurite) against the tenant simulator, through the HTTP API.
 * Each test checks the outcome in the simulator's own state, not only the API's word for it.
 */
import { startSystem, type System } from '../../../scripts/lib/system';
import {
  FAST_FAULTS,
  FAST_WAITS,
  RESOURCE_ACCOUNT_SKU_ID,
  freeNumber,
  graphAs,
  postEndpoint,
  postNumberedEndpoint,
  state,
  uniqueUpn,
  waitForStatus,
} from '../../support/endpoints-api';
import { waitForStatus as waitForInstance } from '../../support/durable-host';
import { FULL_CHAIN_ACTIVITIES } from '../../support/provisioning-chain';
import { provisionInstanceId } from '../../../orchestrations/provisioning/instance-ids';

describe('provisioning an endpoint', () => {
  let system: System;
  let admin: string;
  const taken = new Set<string>();

  beforeAll(async () => {
    system = await startSystem({
      faults: FAST_FAULTS,
      env: { PROVISIONING_WAITS: FAST_WAITS, DEFAULT_USAGE_LOCATION: 'US' },
    });
    admin = await system.token(['Switchboard.Admin']);
  });
  afterAll(async () => {
    await system?.stop();
  });
  afterEach(async () => {
    await system.sim('POST', '/_sim/faults', {
      ...FAST_FAULTS,
      resourceAccountPoolAcquired: true,
      throttleProbability: 0,
      errorProbability: 0,
    });
  });

  async function expectProvisionedInTenant(upn: string, number?: string) {
    const tenant = await state(system);
    const instances = tenant.applicationInstances.filter(
      (i) => i.userPrincipalName.toLowerCase() === upn.toLowerCase(),
    );
    expect(instances).toHaveLength(1);
    const [instance] = instances;
    expect(instance.applicationId).toBe(tenant.botAppId);
    expect(instance.syncedToAps).toBe(true);
    const user = tenant.users.find((u) => u.id === instance.objectId);
    expect(user?.assignedLicenses.map((l) => l.skuId)).toContain(RESOURCE_ACCOUNT_SKU_ID);
    expect(user?.usageLocation).toBe('US');
    if (number) {
      const n = tenant.numbers.find((x) => x.telephoneNumber === number);
      expect(n?.assignmentTargetId).toBe(instance.objectId);
      expect(n?.assignmentStatus).not.toBe('unassigned');
    }
    return instance;
  }

  it.each(['callingPlan', 'directRouting', 'operatorConnect'])('with a %s number', async (numberType) => {
    const { upn, phoneNumber, res } = await postNumberedEndpoint(system, admin, {
      displayName: `Line ${numberType}`,
      numberType,
      taken,
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toContain(`/api/tenants/${system.simulator.tenantId}/endpoints/`);
    const endpoint = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(endpoint.error).toBeUndefined();
    expect(endpoint.status).toBe('Provisioned');
    const instance = await expectProvisionedInTenant(upn, phoneNumber);
    expect(endpoint.objectId).toBe(instance.objectId);
    expect(endpoint.actual).toMatchObject({ objectId: instance.objectId, synced: true, licensed: true, phoneNumber });
    expect(endpoint.steps.map((s) => s.name)).toEqual([
      'checkConsent',
      'preflight',
      'ensureApplicationInstance',
      'waitForReplication',
      'ensureApplicationId',
      'syncApplicationInstance',
      'ensureUsageLocation',
      'ensureLicense',
      'assignNumber',
      'bindToQueue',
      'recordActualState',
    ]);
  });

  it('looks at the tenant once it has caught up: one activity per step when the waits cover its delays', async () => {
    // Each wait's first look comes after its initial delay (FAST_WAITS: 200, 200, 100 ms), longer than these.
    await system.sim('POST', '/_sim/faults', {
      replicationDelayMs: 100,
      licensePropagationMs: 100,
      numberOperationMs: 50,
    });
    const { upn, phoneNumber } = await postNumberedEndpoint(system, admin, {
      displayName: 'Frugal line',
      numberType: 'directRouting',
      taken,
    });
    const endpoint = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(endpoint.status).toBe('Provisioned');
    const attempts = Object.fromEntries(endpoint.steps.map((s) => [s.name, s.attempts]));
    expect(attempts).toMatchObject({ waitForReplication: 1, ensureApplicationId: 1, assignNumber: 2 });

    // The instance's history: every activity the chain scheduled, in order. Each costs the host a work item, a
    // result message and a history commit, thousands of times over in a bulk import.
    const instanceId = provisionInstanceId(system.simulator.tenantId, upn.toLowerCase());
    const status = await waitForInstance(system.origin, instanceId, ['Completed'], 30_000, 'showHistory=true');
    const scheduled = (status.history ?? []).filter((e) => e.EventType === 'TaskScheduled').map((e) => e.Name);
    expect(scheduled).toEqual(FULL_CHAIN_ACTIVITIES);
    await expectProvisionedInTenant(upn, phoneNumber);
  });

  it('without a number, taking the usage location from the tenant default', async () => {
    const upn = uniqueUpn(system);
    const res = await postEndpoint(system, admin, {
      userPrincipalName: upn,
      displayName: 'No number line',
      queueId: 'sales',
    });
    expect(res.status).toBe(202);
    const endpoint = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(endpoint.status).toBe('Provisioned');
    expect(endpoint.steps.find((s) => s.name === 'assignNumber')?.status).toBe('Skipped');
    expect(endpoint.steps.find((s) => s.name === 'bindToQueue')?.status).toBe('Succeeded');
    await expectProvisionedInTenant(upn);
  });

  it('waits out a long replication delay with durable timers', async () => {
    await system.sim('POST', '/_sim/faults', { replicationDelayMs: 2500 });
    const upn = uniqueUpn(system);
    await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'Slow replication', usageLocation: 'US' });
    const endpoint = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(endpoint.status).toBe('Provisioned');
    expect(endpoint.steps.find((s) => s.name === 'waitForReplication')?.attempts).toBeGreaterThan(1);
  });

  it('treats "already added" on a second sync as done, and a repeated request as no new work', async () => {
    const upn = uniqueUpn(system);
    await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'First name', usageLocation: 'US' });
    await waitForStatus(system, admin, upn, ['Provisioned']);
    const before = (await state(system)).stats.requests;
    const same = await postEndpoint(system, admin, {
      userPrincipalName: upn,
      displayName: 'First name',
      usageLocation: 'US',
    });
    expect(same.status).toBe(202);
    expect(((await same.json()) as { status: string }).status).toBe('Provisioned');
    expect((await state(system)).stats.requests - before).toBe(0); // no Graph or bridge call at all
    // A changed request converges: the instance exists and is synced already, so sync answers "already added".
    await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'Second name', usageLocation: 'US' });
    const endpoint = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(endpoint.status).toBe('Provisioned');
    expect(endpoint.displayName).toBe('Second name');
    expect(endpoint.steps.find((s) => s.name === 'syncApplicationInstance')).toMatchObject({
      status: 'Succeeded',
      attempts: 1,
    });
    expect((await state(system)).applicationInstances.filter((i) => i.userPrincipalName === upn)).toHaveLength(1);
  });

  it('fails with an actionable message and leaves nothing behind when the licence pool is empty', async () => {
    await system.sim('POST', '/_sim/faults', { resourceAccountPoolAcquired: false });
    const { upn, phoneNumber } = await postNumberedEndpoint(system, admin, {
      displayName: 'No licence',
      numberType: 'callingPlan',
      taken,
    });
    const endpoint = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(endpoint.status).toBe('Failed');
    expect(endpoint.error).toMatch(/acquire them at zero cost/i);
    const tenant = await state(system);
    expect(tenant.applicationInstances.some((i) => i.userPrincipalName === upn)).toBe(false);
    expect(tenant.users.some((u) => u.userPrincipalName === upn)).toBe(false);
    expect(tenant.numbers.find((n) => n.telephoneNumber === phoneNumber)?.assignmentStatus).toBe('unassigned');
  });

  it('fails on missing consent with the consent link, and goes through once consent is granted (never cached)', async () => {
    // The seed's partially consented app lacks two Calls.* application permissions.
    const tenant = await state(system);
    const partial = tenant.apps.find((a) => a.displayName.includes('partially'));
    if (!partial) throw new Error('the seed has no partially consented app');
    const upn = uniqueUpn(system);
    const request = { userPrincipalName: upn, displayName: 'Partial consent', applicationId: partial.appId };
    await postEndpoint(system, admin, request);
    const failed = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(failed.status).toBe('Failed');
    expect(failed.error).toContain('Calls.InitiateGroupCall.All');
    expect(failed.error).toContain('Calls.JoinGroupCallAsGuest.All');
    expect(failed.error).toMatch(/adminconsent/i);
    expect((await state(system)).applicationInstances.some((i) => i.userPrincipalName === upn)).toBe(false);

    // An admin grants what is missing (Graph, as the portal's consent does)...
    const { access_token: adminToken } = await system.sim<{ access_token: string }>('POST', '/_sim/tokens', {
      tenantId: system.simulator.tenantId,
      audience: 'https://graph.microsoft.com',
      roles: ['Application.Read.All', 'AppRoleAssignment.ReadWrite.All', 'DelegatedPermissionGrant.ReadWrite.All'],
    });
    const graph = graphAs(system, adminToken);
    const sp = await graph('GET', `/servicePrincipals(appId='${partial.appId}')`);
    const msGraph = await graph('GET', "/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')");
    const roles = msGraph.appRoles as { id: string; value: string }[];
    for (const value of ['Calls.InitiateGroupCall.All', 'Calls.JoinGroupCallAsGuest.All']) {
      const appRoleId = roles.find((r) => r.value === value)?.id;
      await graph('POST', `/servicePrincipals/${String(msGraph.id)}/appRoleAssignedTo`, {
        principalId: sp.id,
        resourceId: msGraph.id,
        appRoleId,
      });
    }
    const grants = await graph('GET', `/oauth2PermissionGrants?$filter=clientId eq '${String(sp.id)}'`);
    const [grant] = grants.value as { id: string; scope: string }[];
    await graph('PATCH', `/oauth2PermissionGrants/${grant.id}`, { scope: `${grant.scope} Presence.Read.All` });
    // ...and the very next run sees it: a failed consent check is not remembered.
    expect((await postEndpoint(system, admin, request)).status).toBe(202);
    const endpoint = await waitForStatus(system, admin, upn, ['Provisioned']);
    expect(endpoint.error).toBeUndefined();
    const instance = (await state(system)).applicationInstances.find((i) => i.userPrincipalName === upn);
    expect(instance?.applicationId).toBe(partial.appId);
  });

  it('refuses a number already assigned elsewhere, before creating anything', async () => {
    const { upn: first, phoneNumber } = await postNumberedEndpoint(system, admin, {
      displayName: 'Owner',
      numberType: 'directRouting',
      taken,
    });
    await waitForStatus(system, admin, first, ['Provisioned']);
    const second = uniqueUpn(system);
    await postEndpoint(system, admin, {
      userPrincipalName: second,
      displayName: 'Thief',
      phoneNumber,
      numberType: 'directRouting',
      usageLocation: 'US',
    });
    const endpoint = await waitForStatus(system, admin, second, ['Provisioned', 'Failed']);
    expect(endpoint.status).toBe('Failed');
    expect(endpoint.error).toMatch(/already assigned/);
    expect((await state(system)).applicationInstances.some((i) => i.userPrincipalName === second)).toBe(false);
  });

  it('refuses a number that can only be assigned to users', async () => {
    const tenant = await state(system);
    const userOnly = tenant.numbers.find(
      (n) => n.capabilities && !n.capabilities.includes('voiceApplicationAssignment'),
    );
    expect(userOnly).toBeDefined();
    const upn = uniqueUpn(system);
    await postEndpoint(system, admin, {
      userPrincipalName: upn,
      displayName: 'User number',
      phoneNumber: userOnly!.telephoneNumber,
      numberType: userOnly!.numberType,
      usageLocation: 'US',
    });
    const endpoint = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(endpoint.status).toBe('Failed');
    expect(endpoint.error).toMatch(/only be assigned to users/);
  });

  it('deprovisions: number first, then licence, then the account', async () => {
    const { upn, phoneNumber } = await postNumberedEndpoint(system, admin, {
      displayName: 'Going away',
      numberType: 'callingPlan',
      taken,
    });
    await waitForStatus(system, admin, upn, ['Provisioned']);
    const consumedBefore = (await state(system)).subscribedSkus.find(
      (s) => s.skuId === RESOURCE_ACCOUNT_SKU_ID,
    )!.consumedUnits;
    const res = await system.api(
      'DELETE',
      `/api/tenants/${system.simulator.tenantId}/endpoints/${encodeURIComponent(upn)}`,
      { token: admin },
    );
    expect(res.status).toBe(202);
    const endpoint = await waitForStatus(system, admin, upn, ['Deprovisioned', 'Failed']);
    expect(endpoint.status).toBe('Deprovisioned');
    expect(endpoint.steps.map((s) => s.name)).toEqual([
      'unbindFromQueue',
      'findApplicationInstance',
      'unassignNumber',
      'removeLicense',
      'removeApplicationInstance',
    ]);
    const tenant = await state(system);
    expect(tenant.numbers.find((n) => n.telephoneNumber === phoneNumber)).toMatchObject({
      assignmentStatus: 'unassigned',
    });
    expect(tenant.applicationInstances.some((i) => i.userPrincipalName === upn)).toBe(false);
    expect(tenant.subscribedSkus.find((s) => s.skuId === RESOURCE_ACCOUNT_SKU_ID)!.consumedUnits).toBe(
      consumedBefore - 1,
    );
  });

  it.each([false, true])(
    'compensates a failure after side effects in reverse (keepPartial: %s)',
    async (keepPartial) => {
      // Two endpoints race for one number: both pass preflight, create an account and take a licence; one wins the
      // number, the other fails at assignNumber — after its side effects.
      const phoneNumber = await freeNumber(system, 'callingPlan', taken);
      const upns = [uniqueUpn(system), uniqueUpn(system)];
      const consumed = async () =>
        (await state(system)).subscribedSkus.find((s) => s.skuId === RESOURCE_ACCOUNT_SKU_ID)!.consumedUnits;
      const before = await consumed();
      await Promise.all(
        upns.map((upn) =>
          postEndpoint(system, admin, {
            userPrincipalName: upn,
            displayName: 'Racer',
            phoneNumber,
            numberType: 'callingPlan',
            usageLocation: 'US',
            keepPartial,
          }),
        ),
      );
      const results = await Promise.all(
        upns.map((upn) => waitForStatus(system, admin, upn, ['Provisioned', 'Failed'])),
      );
      expect(results.map((r) => r.status).sort()).toEqual(['Failed', 'Provisioned']);
      const loser = results.find((r) => r.status === 'Failed')!;
      expect(loser.error).toMatch(/already (been )?assigned/);
      const tenant = await state(system);
      const loserInstance = tenant.applicationInstances.find((i) => i.userPrincipalName === loser.userPrincipalName);
      if (keepPartial) {
        expect(loser.steps.some((s) => s.name.startsWith('compensate:'))).toBe(false);
        expect(loserInstance).toBeDefined();
        expect(await consumed()).toBe(before + 2);
      } else {
        expect(loser.steps.filter((s) => s.name.startsWith('compensate:')).map((s) => [s.name, s.status])).toEqual([
          ['compensate:removeLicense', 'Compensated'],
          ['compensate:removeApplicationInstance', 'Compensated'],
        ]);
        expect(loserInstance).toBeUndefined();
        expect(tenant.users.some((u) => u.userPrincipalName === loser.userPrincipalName)).toBe(false);
        expect(await consumed()).toBe(before + 1);
      }
    },
  );
});
