/**
 * The endpoints and consent API's contract from outside: authentication, roles, tenant isolation, problem+json
 * errors, 404/409, and fuzzed bodies that must never produce a 500.
 */
import fc from 'fast-check';
import { startSystem, type System } from '../../../scripts/lib/system';
import { FAST_FAULTS, FAST_WAITS, postEndpoint, uniqueUpn, waitForStatus } from '../../support/endpoints-api';
import { checkRepliesAgainstDocument } from '../../support/openapi';

const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';

describe('endpoints API contract', () => {
  let system: System;
  let admin: string;
  let tenant: string;
  const path = (suffix = '') => `/api/tenants/${tenant}/endpoints${suffix}`;

  beforeAll(async () => {
    system = await startSystem({
      faults: { ...FAST_FAULTS, replicationDelayMs: 2500 },
      env: { PROVISIONING_WAITS: FAST_WAITS },
    });
    tenant = system.simulator.tenantId;
    admin = await system.token(['Switchboard.Admin']);
    // Every reply of this file must be one the OpenAPI document describes (issue 17 item 14).
    await checkRepliesAgainstDocument(system);
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function problemOf(res: Response) {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await res.json()) as {
      type: string;
      title: string;
      status: number;
      detail?: string;
      errors?: { field: string; message: string }[];
    };
  }

  it('401 without a token, with garbage, or with a token for another audience', async () => {
    const valid = { userPrincipalName: uniqueUpn(system), displayName: 'x' };
    for (const token of [undefined, 'not-a-jwt', `${admin.slice(0, -4)}AAAA`]) {
      const res = await system.api('POST', path(), { token, body: valid });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect((await problemOf(res)).status).toBe(401);
    }
    expect((await system.api('GET', path(), {})).status).toBe(401);
    expect((await system.api('GET', `/api/tenants/${tenant}/consent`, {})).status).toBe(401);
  });

  it('403 without the role, and for another tenant', async () => {
    const body = { userPrincipalName: uniqueUpn(system), displayName: 'x' };
    const agent = await system.token(['Switchboard.Agent']);
    const supervisor = await system.token(['Switchboard.Supervisor'], { queues: ['sales'] });
    expect((await system.api('POST', path(), { token: agent, body })).status).toBe(403);
    expect((await system.api('POST', path(), { token: supervisor, body })).status).toBe(403);
    expect((await system.api('GET', path(), { token: agent })).status).toBe(403);
    expect(
      (await system.api('DELETE', path(`/${encodeURIComponent(body.userPrincipalName)}`), { token: supervisor }))
        .status,
    ).toBe(403);
    expect((await system.api('GET', `/api/tenants/${tenant}/consent`, { token: supervisor })).status).toBe(403);
    // A valid admin token of this tenant, used on another tenant's path.
    const cross = await system.api('POST', `/api/tenants/${OTHER_TENANT}/endpoints`, { token: admin, body });
    expect(cross.status).toBe(403);
    expect((await problemOf(cross)).detail).toMatch(/another tenant/);
    // Supervisors may read.
    expect((await system.api('GET', path(), { token: supervisor })).status).toBe(200);
  });

  it('400 with per-field messages that say what to fix', async () => {
    const res = await postEndpoint(system, admin, {
      userPrincipalName: 'not-a-upn',
      displayName: '',
      phoneNumber: '12',
      numberType: 'landline',
      extra: 1,
    });
    expect(res.status).toBe(400);
    const problem = await problemOf(res);
    const fields = (problem.errors ?? []).map((e) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['userPrincipalName', 'displayName', 'phoneNumber', 'numberType']));
    for (const e of problem.errors ?? []) expect(e.message.length).toBeGreaterThan(5);
    const notJson = await system.api('POST', path(), { token: admin, body: '{nope', contentType: 'application/json' });
    expect(notJson.status).toBe(400);
    expect((await problemOf(notJson)).detail).toMatch(/not valid JSON/);
    const wrongType = await system.api('POST', path(), {
      token: admin,
      body: 'a=b',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(wrongType.status).toBe(400);
    expect((await system.api('GET', path('?top=abc'), { token: admin })).status).toBe(400);
  });

  it('404 for an unknown endpoint; 409 deprovisioning one that is still provisioning', async () => {
    const unknown = await system.api('GET', path(`/${encodeURIComponent(uniqueUpn(system))}`), { token: admin });
    expect(unknown.status).toBe(404);
    expect((await problemOf(unknown)).status).toBe(404);
    expect(
      (await system.api('DELETE', path(`/${encodeURIComponent(uniqueUpn(system))}`), { token: admin })).status,
    ).toBe(404);

    const upn = uniqueUpn(system);
    expect(
      (await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'Busy', usageLocation: 'US' })).status,
    ).toBe(202);
    const busy = await system.api('DELETE', path(`/${encodeURIComponent(upn)}`), { token: admin });
    expect(busy.status).toBe(409);
    expect((await problemOf(busy)).detail).toMatch(/still being provisioned/);
    // A different request for the same endpoint while it is in flight is a conflict too; the same one is not.
    expect(
      (await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'Other name', usageLocation: 'US' }))
        .status,
    ).toBe(409);
    expect(
      (await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'Busy', usageLocation: 'US' })).status,
    ).toBe(202);
    await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
  });

  it('lists endpoints in pages with a continuation token', async () => {
    const upns = [uniqueUpn(system, 'page'), uniqueUpn(system, 'page'), uniqueUpn(system, 'page')];
    for (const upn of upns)
      await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'Paged', usageLocation: 'US' });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      // Small pages first (the page size holds), then large ones: other tests share the tenant and its endpoints.
      const top = pages < 3 ? 2 : 1000;
      const res = await system.api(
        'GET',
        path(`?top=${top}${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`),
        { token: admin },
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as { value: { userPrincipalName: string }[]; continuationToken?: string };
      expect(page.value.length).toBeLessThanOrEqual(top);
      seen.push(...page.value.map((e) => e.userPrincipalName));
      token = page.continuationToken;
      pages++;
    } while (token && pages < 1000);
    expect(seen).toEqual(expect.arrayContaining(upns));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('reports consent with both admin-consent URL forms', async () => {
    const res = await system.api('GET', `/api/tenants/${tenant}/consent`, { token: admin });
    expect(res.status).toBe(200);
    const consent = (await res.json()) as {
      adminConsentUrl: string;
      legacyAdminConsentUrl: string;
      granted: string[];
      missing: string[];
      excess: string[];
    };
    expect(consent.missing).toEqual([]);
    expect(consent.granted).toEqual(
      expect.arrayContaining(['Calls.AccessMedia.All', 'Calls.Initiate.All', 'Presence.Read.All (delegated)']),
    );
    expect(consent.adminConsentUrl).toContain(`/${tenant}/v2.0/adminconsent?client_id=`);
    expect(consent.legacyAdminConsentUrl).toContain('/common/adminconsent?client_id=');
  });

  it('never answers 500 to fuzzed bodies', async () => {
    const field = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.object({ maxDepth: 1 }),
    );
    const body = fc.oneof(
      fc.record(
        {
          userPrincipalName: fc.oneof(field, fc.emailAddress()),
          displayName: field,
          phoneNumber: fc.oneof(field, fc.constantFrom('+14255550100', '+442071234567', '+1')),
          numberType: fc.oneof(field, fc.constantFrom('callingPlan', 'directRouting', 'operatorConnect')),
          usageLocation: fc.oneof(field, fc.constantFrom('US', 'GB', 'XX')),
          queueId: field,
          keepPartial: field,
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await postEndpoint(system, admin, b);
        await res.arrayBuffer();
        return res.status < 500;
      }),
      { numRuns: 60 },
    );
  });
});
