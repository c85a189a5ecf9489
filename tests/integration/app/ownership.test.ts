/**
 * Switchboard never takes over, rebinds or deletes what it did not create (issue 17, item 1): an ordinary user and
 * another app's resource account (an auto attendant's) survive a POST and a DELETE of their UPN, checked in the
 * simulator's own state.
 */
import { startSystem, type System } from '../../../scripts/lib/system';
import { BRIDGE_AUDIENCE, BRIDGE_ROLE } from '../../../simulator/model';
import { FAST_FAULTS, FAST_WAITS, postEndpoint, state, uniqueUpn, waitForStatus } from '../../support/endpoints-api';

/** Microsoft's Auto Attendant app id: what an auto attendant's resource account is bound to. */
const AUTO_ATTENDANT_APP_ID = 'ce933385-9390-45d1-9512-c8d228074e07';

describe('ownership: what Switchboard did not create', () => {
  let system: System;
  let admin: string;

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

  const endpointPath = (upn: string) =>
    `/api/tenants/${system.simulator.tenantId}/endpoints/${encodeURIComponent(upn)}`;

  async function postThenDelete(upn: string): Promise<{ error?: string }> {
    expect((await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'Takeover' })).status).toBe(202);
    const failed = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(failed.status).toBe('Failed');
    expect(failed.steps.find((s) => s.name === 'preflight')?.status).toBe('Failed');
    expect((await system.api('DELETE', endpointPath(upn), { token: admin })).status).toBe(202);
    const gone = await waitForStatus(system, admin, upn, ['Deprovisioned', 'Failed']);
    expect(gone.status).toBe('Deprovisioned');
    return failed;
  }

  it('refuses an ordinary user, and a DELETE leaves the user alone', async () => {
    const tenant = await state(system);
    const instanceIds = new Set(tenant.applicationInstances.map((i) => i.objectId));
    const user = tenant.users.find((u) => !instanceIds.has(u.id) && u.userPrincipalName.includes('@'));
    if (!user) throw new Error('the seed has no ordinary user');
    const failed = await postThenDelete(user.userPrincipalName);
    expect(failed.error).toMatch(/existing user, not a resource account/);
    const after = await state(system);
    const kept = after.users.find((u) => u.id === user.id);
    expect(kept).toBeDefined();
    expect(kept?.assignedLicenses).toEqual(user.assignedLicenses);
    expect(after.applicationInstances.some((i) => i.objectId === user.id)).toBe(false);
  });

  it("refuses another app's resource account, and a DELETE neither rebinds nor deletes it", async () => {
    // Someone else's auto attendant account, created through the Teams admin bridge as the Teams admin would.
    const upn = uniqueUpn(system, 'aa');
    const { access_token: bridgeToken } = await system.sim<{ access_token: string }>('POST', '/_sim/tokens', {
      tenantId: system.simulator.tenantId,
      audience: BRIDGE_AUDIENCE,
      roles: [BRIDGE_ROLE],
    });
    const created = await fetch(
      `${system.simulator.settings.bridgeUrl}/tenants/${system.simulator.tenantId}/applicationInstances`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${bridgeToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userPrincipalName: upn, displayName: 'Main AA', applicationId: AUTO_ATTENDANT_APP_ID }),
      },
    );
    expect(created.status).toBeLessThan(300);
    const { objectId } = (await created.json()) as { objectId: string };
    // Visible to Graph and the bridge (replication) before Switchboard is asked.
    const deadline = Date.now() + 30_000;
    while (!(await state(system)).users.some((u) => u.id === objectId) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 2 * FAST_FAULTS.replicationDelayMs));

    const failed = await postThenDelete(upn);
    expect(failed.error).toMatch(/resource account of another application/);
    const after = await state(system);
    const instance = after.applicationInstances.find((i) => i.objectId === objectId);
    expect(instance?.applicationId).toBe(AUTO_ATTENDANT_APP_ID);
    expect(after.users.some((u) => u.id === objectId)).toBe(true);
  });
});
