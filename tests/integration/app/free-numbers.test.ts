/**
 * `GET /api/tenants/{t}/numbers?free=true` end to end (devhost + simulator Graph): the tenant's unassigned numbers a
 * resource account can take, paged by our own continuation token until the last page, each with the usage location
 * its country gives; Admin only; bad queries and a made-up token are 400s naming the field.
 */
import { startSystem, type System } from '../../../scripts/lib/system';

interface FreeNumbersPage {
  value: { telephoneNumber: string; numberType: string; isoCountryCode?: string; capabilities: string[] }[];
  continuationToken?: string;
}
interface SimNumber {
  telephoneNumber: string;
  assignmentStatus: string;
  capabilities: string[];
}

let system: System;
let admin: string;
let path: string;

beforeAll(async () => {
  system = await startSystem();
  admin = await system.token(['Switchboard.Admin']);
  path = `/api/tenants/${system.simulator.tenantId}/numbers`;
}, 120_000);
afterAll(async () => {
  await system?.stop();
});

test('every free number a resource account can take, page by page, with its country; none twice', async () => {
  const state = await system.sim<{ tenants: { numbers: SimNumber[] }[] }>(
    'GET',
    `/_sim/state?tenantId=${system.simulator.tenantId}`,
  );
  const expected = state.tenants[0].numbers
    .filter((n) => n.assignmentStatus === 'unassigned' && n.capabilities.includes('voiceApplicationAssignment'))
    .map((n) => n.telephoneNumber)
    .sort();
  expect(expected.length).toBeGreaterThan(12);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const q = token ? `&continuationToken=${encodeURIComponent(token)}` : '';
    const res = await system.api('GET', `${path}?free=true&top=12${q}`, { token: admin });
    if (res.status !== 200) throw new Error(`${res.status}: ${await res.text()}\n${system.host.output().slice(-3000)}`);
    const page = (await res.json()) as FreeNumbersPage;
    for (const n of page.value) {
      expect(n.isoCountryCode).toBe('US');
      expect(n.capabilities).toContain('voiceApplicationAssignment');
    }
    seen.push(...page.value.map((n) => n.telephoneNumber));
    token = page.continuationToken;
    pages++;
  } while (token && pages < 50);
  expect(pages).toBeGreaterThan(1);
  expect(seen.sort()).toEqual(expected);
});

test('only for admins; free=true is required; a token the API did not give is refused', async () => {
  const supervisor = await system.token(['Switchboard.Supervisor'], { queues: ['sales'] });
  expect((await system.api('GET', `${path}?free=true`, { token: supervisor })).status).toBe(403);
  const noFree = await system.api('GET', path, { token: admin });
  expect(noFree.status).toBe(400);
  expect(((await noFree.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['free']);
  // A token aiming Graph's request (and its bearer token) elsewhere is not one of ours.
  const forged = Buffer.from('https://evil.example/x').toString('base64url');
  const res = await system.api('GET', `${path}?free=true&continuationToken=${forged}`, { token: admin });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
    'continuationToken',
  ]);
});
