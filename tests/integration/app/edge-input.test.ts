/**
 * Route parameters and query tokens at the edge (issue 17, item 5): tenant ids are GUIDs, normalised once (any case
 * works); path segments are decoded after authentication; broken encodings and foreign continuation tokens are 400s
 * with problem+json, never 500s.
 */
import { startSystem, type System } from '../../../scripts/lib/system';
import { FAST_FAULTS, FAST_WAITS, postEndpoint, uniqueUpn, waitForStatus } from '../../support/endpoints-api';

describe('edge input: tenant ids, path segments, continuation tokens', () => {
  let system: System;
  let admin: string;
  let tenant: string;

  beforeAll(async () => {
    system = await startSystem({ faults: FAST_FAULTS, env: { PROVISIONING_WAITS: FAST_WAITS } });
    tenant = system.simulator.tenantId;
    admin = await system.token(['Switchboard.Admin']);
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function expect400(res: Response, field: string) {
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as { errors?: { field: string }[] };
    expect(body.errors?.map((e) => e.field)).toContain(field);
  }

  it('a tenant id that is not a GUID is a 400 (after authentication: 401 without a token)', async () => {
    for (const bad of ['not-a-tenant', 'x y', `${tenant}x`]) {
      await expect400(
        await system.api('GET', `/api/tenants/${encodeURIComponent(bad)}/endpoints`, { token: admin }),
        'tenantId',
      );
    }
    expect((await system.api('GET', `/api/tenants/not-a-tenant/endpoints`, {})).status).toBe(401);
  });

  it('the tenant id is normalised: upper case reaches the same endpoints', async () => {
    const upn = uniqueUpn(system);
    expect((await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'Case' })).status).toBe(202);
    await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    const res = await system.api('GET', `/api/tenants/${tenant.toUpperCase()}/endpoints/${encodeURIComponent(upn)}`, {
      token: admin,
    });
    expect(res.status).toBe(200);
  });

  it('a broken percent-encoding in a path segment is a 400, not a 500', async () => {
    await expect400(await system.api('GET', `/api/tenants/${tenant}/endpoints/%E0%A4%A`, { token: admin }), 'upn');
    await expect400(await system.api('DELETE', `/api/tenants/${tenant}/endpoints/%ZZ`, { token: admin }), 'upn');
  });

  it('a continuation token this API did not hand out is a 400, not a 500', async () => {
    for (const token of ['garbage!', 'bm90IGpzb24', Buffer.from('{"x":1}').toString('base64'), 'A'.repeat(5000)]) {
      await expect400(
        await system.api('GET', `/api/tenants/${tenant}/endpoints?continuationToken=${encodeURIComponent(token)}`, {
          token: admin,
        }),
        'continuationToken',
      );
    }
    const first = await system.api('GET', `/api/tenants/${tenant}/endpoints?top=1`, { token: admin });
    const page = (await first.json()) as { continuationToken?: string };
    if (page.continuationToken) {
      const next = await system.api(
        'GET',
        `/api/tenants/${tenant}/endpoints?top=1&continuationToken=${encodeURIComponent(page.continuationToken)}`,
        { token: admin },
      );
      expect(next.status).toBe(200);
    }
  });
});
