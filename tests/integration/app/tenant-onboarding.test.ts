/**
 * Tokens and tenant onboarding (issue 17 item 6), against the running system: the devhost with the real app, the
 * simulator's Entra. A tenant that is not onboarded is refused 403 before any key discovery (the simulator counts
 * discovery requests per tenant); the operator onboards it with `PUT /api/admin/tenants/{tenantId}`; RS256 only;
 * access tokens only (an ID token with the right audience is refused); per-tenant daily quotas on bulk rows and
 * on-demand drift checks.
 */
import { constants, createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { REPO_ROOT } from '../../../scripts/lib/processes';
import { startSystem, type System } from '../../../scripts/lib/system';
import type { SimState } from '../../support/simulator-state';

jest.setTimeout(120_000);

const other = randomUUID();
let system: System;

beforeAll(async () => {
  system = await startSystem({
    seed: { tenants: [{ tenantId: other, displayName: 'Fabrikam', domains: [`f${other.slice(0, 8)}.example.com`] }] },
  });
});
afterAll(async () => {
  await system?.stop();
});

async function token(roles: string[], o: { tenantId?: string; kind?: 'id' } = {}): Promise<string> {
  const r = await system.sim<{ access_token: string }>('POST', '/_sim/tokens', {
    tenantId: o.tenantId ?? system.simulator.tenantId,
    roles,
    ...(o.kind ? { kind: o.kind } : {}),
  });
  return r.access_token;
}

async function problemOf(res: Response): Promise<{ status: number; detail?: string; errors?: { field: string }[] }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as { status: number; detail?: string };
}

const discovery = async (tenantId: string): Promise<number> =>
  (await system.sim<SimState>('GET', '/_sim/state')).stats.discoveryByTenant[tenantId] ?? 0;

describe('tenant onboarding', () => {
  it('refuses a tenant that is not onboarded with 403, before any key discovery; the operator onboards it', async () => {
    const otherAdmin = await token(['Switchboard.Admin'], { tenantId: other });
    const before = await discovery(other);
    const refused = await system.api('GET', `/api/tenants/${other}/endpoints`, { token: otherAdmin });
    expect(refused.status).toBe(403);
    expect((await problemOf(refused)).detail).toMatch(/not onboarded/);
    expect(await discovery(other)).toBe(before);

    // An Admin (not Operator) of the operator's tenant cannot onboard; an Operator of another tenant neither.
    const body = { displayName: 'Fabrikam', quotas: { bulkRowsPerDay: 2, driftScansPerDay: 0 } };
    const admin = await token(['Switchboard.Admin']);
    expect((await system.api('PUT', `/api/admin/tenants/${other}`, { token: admin, body })).status).toBe(403);
    const operator = await token(['Switchboard.Operator']);
    const bad = await system.api('PUT', `/api/admin/tenants/${other}`, {
      token: operator,
      body: { quotas: { bulkRowsPerDay: -1, driftScansPerDay: 'x' }, colour: 'red' },
    });
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).errors?.map((e) => e.field).sort()).toEqual(
      ['body', 'quotas.bulkRowsPerDay', 'quotas.driftScansPerDay'].sort(),
    );

    const put = await system.api('PUT', `/api/admin/tenants/${other.toUpperCase()}`, { token: operator, body });
    expect(put.status).toBe(201);
    expect(await put.json()).toMatchObject({ tenantId: other, displayName: 'Fabrikam', quotas: body.quotas });
    const again = await system.api('PUT', `/api/admin/tenants/${other}`, { token: operator, body });
    expect(again.status).toBe(200);
    const got = await system.api('GET', `/api/admin/tenants/${other}`, { token: operator });
    expect(got.status).toBe(200);
    const list = (await (await system.api('GET', '/api/admin/tenants', { token: operator })).json()) as {
      value: { tenantId: string }[];
    };
    expect(list.value.map((t) => t.tenantId)).toContain(other);

    const served = await system.api('GET', `/api/tenants/${other}/endpoints`, { token: otherAdmin });
    expect(served.status).toBe(200);
    expect(await discovery(other)).toBeGreaterThan(before);
  });

  it('quotas: bulk rows per day (429 + Retry-After, nothing imported) and on-demand drift checks', async () => {
    const otherAdmin = await token(['Switchboard.Admin'], { tenantId: other });
    const csv = (n: number, tag: string) =>
      'userPrincipalName,displayName\n' +
      Array.from({ length: n }, (_, i) => `q${tag}${i}@f${other.slice(0, 8)}.example.com,Quota ${i}`).join('\n');
    const post = (body: string) =>
      system.api('POST', `/api/tenants/${other}/bulk`, { token: otherAdmin, body, contentType: 'text/csv' });
    const first = await post(csv(2, 'a'));
    expect(first.status).toBe(202);
    const over = await post(csv(1, 'b'));
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await problemOf(over)).toMatchObject({ quota: 'bulkRowsPerDay', limit: 2, used: 2 });

    const drift = await system.api('POST', `/api/tenants/${other}/drift/check`, { token: otherAdmin });
    expect(drift.status).toBe(429);
    expect(await problemOf(drift)).toMatchObject({ quota: 'driftScansPerDay', limit: 0 });
  });
});

describe('API tokens', () => {
  it('takes RS256 only: the same claims signed PS256 with the very key are refused', async () => {
    const good = await token(['Switchboard.Admin']);
    const [h, p] = good.split('.');
    const header = { ...(JSON.parse(Buffer.from(h, 'base64url').toString()) as object), alg: 'PS256' };
    const key = createPrivateKey(
      readFileSync(
        path.join(process.env.SIMULATOR_DATA_DIR ?? path.join(REPO_ROOT, '.simulator'), 'entra-signing.key.pem'),
      ),
    );
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}`;
    const sig = sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    const res = await system.api('GET', `/api/tenants/${system.simulator.tenantId}/endpoints`, {
      token: `${input}.${sig.toString('base64url')}`,
    });
    expect(res.status).toBe(401);
    expect((await problemOf(res)).detail).toMatch(/algorithm is not allowed/);
    const ok = await system.api('GET', `/api/tenants/${system.simulator.tenantId}/endpoints`, { token: good });
    expect(ok.status).toBe(200);
  });

  it('takes access tokens only: an ID token with the API audience and the Admin role is refused', async () => {
    const id = await token(['Switchboard.Admin'], { kind: 'id' });
    const res = await system.api('GET', `/api/tenants/${system.simulator.tenantId}/endpoints`, { token: id });
    expect(res.status).toBe(401);
    expect((await problemOf(res)).detail).toMatch(/ID token/);
  });
});
