// Contract: the callback JWT — either issuer (Bot Framework's or Graph's, mixed by graphIssuerFraction), 300 s
// lifetime, claims {tid, appid, nbf, exp, iss, aud}, header x5t; the signing key rotates and the old key stays in the
// JWKS for botKeyGraceS, then leaves.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { call, eventually } from './helpers';
import { BOT, Fixture, NUMBER, startFixture, TENANT, waitFor } from './calls-fixture';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

const header = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString());
const claims = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

async function jwks(): Promise<{ keys: { kid: string; x5t: string }[] }> {
  const oidc = await call<{ jwks_uri: string }>(f.t, 'GET', '/botframework/v1/.well-known/OpenIdConfiguration');
  return (await call<{ keys: { kid: string; x5t: string }[] }>(f.t, 'GET', new URL(oidc.body.jwks_uri).pathname)).body;
}

/** Places `n` calls and returns the token of each one's `created` POST. */
async function tokens(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
      tenantId: TENANT,
      from: `+1425555010${i}`,
      to: NUMBER,
    });
    const id = placed.body.callId;
    await waitFor(f, id, (x) => x.changeType === 'created');
    const post = f.posts.find((p) =>
      p.body.value.some((x) => x.changeType === 'created' && x.resourceUrl === `/communications/calls/${id}`),
    )!;
    out.push(post.authorization.replace(/^Bearer /, ''));
    await call(f.t, 'POST', `/_sim/calls/${id}/hangup`);
  }
  return out;
}

test('claims, lifetime and header; both issuers verify against the JWKS', async () => {
  const [a, b] = await tokens(2);
  const keys = createLocalJWKSet((await jwks()) as never);
  const issuers = new Set<string>();
  for (const jwt of [a, b]) {
    const h = header(jwt);
    expect(h.alg).toBe('RS256');
    expect(typeof h.x5t).toBe('string');
    const c = claims(jwt);
    expect(c).toMatchObject({ aud: BOT, tid: TENANT });
    expect(typeof c.appid).toBe('string');
    expect(Number(c.exp) - Number(c.nbf)).toBe(300);
    const { payload } = await jwtVerify(jwt, keys, {
      issuer: ['https://api.botframework.com', 'https://graph.microsoft.com'],
      audience: BOT,
    });
    issuers.add(String(payload.iss));
  }
  expect(issuers.size).toBeGreaterThan(0);
  // the default mix (0.5) alternates POST by POST: over every POST so far the two issuers differ by at most one
  await eventually(() => (f.posts.length >= 4 ? true : undefined));
  const all = f.posts.map((p) => claims(p.authorization.replace(/^Bearer /, '')).iss);
  const graph = all.filter((i) => i === 'https://graph.microsoft.com').length;
  expect(graph).toBeGreaterThan(0);
  expect(Math.abs(all.length - 2 * graph)).toBeLessThanOrEqual(1);
});

test('graphIssuerFraction 0 and 1 pin the issuer', async () => {
  await call(f.t, 'POST', '/_sim/faults', { graphIssuerFraction: 1 });
  expect((await tokens(2)).map((x) => claims(x).iss)).toEqual([
    'https://graph.microsoft.com',
    'https://graph.microsoft.com',
  ]);
  await call(f.t, 'POST', '/_sim/faults', { graphIssuerFraction: 0 });
  expect((await tokens(2)).map((x) => claims(x).iss)).toEqual([
    'https://api.botframework.com',
    'https://api.botframework.com',
  ]);
  await call(f.t, 'POST', '/_sim/faults', { graphIssuerFraction: 0.5 });
});

test('rotation: a new kid signs, the old key stays in the JWKS for the grace period, then leaves', async () => {
  const [before] = await tokens(1);
  const oldKid = String(header(before).kid);
  await call(f.t, 'POST', '/_sim/faults', { botKeyGraceS: 4 });
  const rotated = await call<{ kid: string }>(f.t, 'POST', '/_sim/keys/rotate');
  expect(rotated.status).toBe(200);
  const [after] = await tokens(1);
  expect(header(after).kid).toBe(rotated.body.kid);
  expect(header(after).kid).not.toBe(oldKid);
  const kids = (await jwks()).keys.map((k) => k.kid);
  expect(kids).toEqual(expect.arrayContaining([oldKid, rotated.body.kid]));
  // the token signed before the rotation still verifies during the grace period
  await jwtVerify(before, createLocalJWKSet((await jwks()) as never), { audience: BOT });
  await eventually(async () => ((await jwks()).keys.some((k) => k.kid === oldKid) ? undefined : true), 15000, 200);
  expect((await jwks()).keys.map((k) => k.kid)).toEqual([rotated.body.kid]);
});

test('the botKeyRotationS knob rotates on its own', async () => {
  const [before] = await tokens(1);
  await call(f.t, 'POST', '/_sim/faults', { botKeyRotationS: 1, botKeyGraceS: 60 });
  try {
    const kid = await eventually(
      async () => {
        const [x] = await tokens(1);
        return header(x).kid !== header(before).kid ? String(header(x).kid) : undefined;
      },
      8000,
      200,
    );
    expect((await jwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid, String(header(before).kid)]));
  } finally {
    await call(f.t, 'POST', '/_sim/faults', { botKeyRotationS: 86400 });
  }
});
