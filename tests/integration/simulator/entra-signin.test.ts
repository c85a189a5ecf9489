// Contract: browser sign-in for the portal — the authorize page lists the people with API roles, a pick redirects with
// a code, and the code grant (PKCE S256, cross-origin as for SPAs) yields the person's API token, an id token and a
// refresh token.
import { createHash, randomBytes } from 'node:crypto';
import { claimsOf, startTestSimulator, TestSim } from './helpers';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => t.stop());

const ORIGIN = 'http://localhost:7071';
const REDIRECT = `${ORIGIN}/api/portal/`;

async function send(path: string, init: RequestInit & { form?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  let body = init.body;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  return fetch(`${t.sim.url}${path}`, {
    ...init,
    headers,
    body,
    redirect: 'manual',
    dispatcher: t.dispatcher,
  } as RequestInit);
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeParams(challenge: string): Record<string, string> {
  return {
    client_id: t.sim.settings.portal.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'api://switchboard/.default openid profile offline_access',
    state: 'st-1',
    nonce: 'n-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    response_mode: 'fragment',
  };
}

async function signIn(login: string, challenge: string): Promise<URL> {
  const res = await send(`/${t.sim.tenantId}/oauth2/v2.0/authorize`, {
    method: 'POST',
    form: { ...authorizeParams(challenge), login },
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

test('the sign-in page lists the seeded people with their roles', async () => {
  const { challenge } = pkce();
  const res = await send(
    `/${t.sim.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams(authorizeParams(challenge)).toString()}`,
  );
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/html');
  const html = await res.text();
  expect(html).toContain('admin@contoso.com');
  expect(html).toContain('supervisor@contoso.com');
  expect(html).toContain('agent01@contoso.com');
  expect(html).toMatch(/Supervisor · call queues: sales, support/);
  expect(html).not.toContain('agent04@contoso.com');
});

test('a code redeemed with the right verifier gives the person API token, id token and refresh token', async () => {
  const { verifier, challenge } = pkce();
  const location = await signIn('supervisor@contoso.com', challenge);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  const fragment = new URLSearchParams(location.hash.slice(1));
  expect(fragment.get('state')).toBe('st-1');
  const code = fragment.get('code')!;
  const res = await send(`/${t.sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { origin: ORIGIN },
    form: {
      client_id: t.sim.settings.portal.clientId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      scope: 'api://switchboard/.default openid profile offline_access',
    },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  const body = (await res.json()) as Record<string, string>;
  const access = claimsOf(body.access_token);
  expect(access).toMatchObject({
    aud: 'api://switchboard',
    tid: t.sim.tenantId,
    roles: ['Switchboard.Supervisor'],
    queues: ['sales', 'support'],
    preferred_username: 'supervisor@contoso.com',
  });
  expect(claimsOf(body.id_token)).toMatchObject({ aud: t.sim.settings.portal.clientId, nonce: 'n-1' });
  expect(body.refresh_token).toBeTruthy();

  // The code is single-use.
  const again = await send(`/${t.sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { origin: ORIGIN },
    form: {
      client_id: t.sim.settings.portal.clientId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    },
  });
  expect(again.status).toBe(400);
  expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');

  const refreshed = await send(`/${t.sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { origin: ORIGIN },
    form: {
      client_id: t.sim.settings.portal.clientId,
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token,
      scope: 'api://switchboard/.default openid profile offline_access',
    },
  });
  expect(refreshed.status).toBe(200);
  expect(claimsOf(((await refreshed.json()) as { access_token: string }).access_token).roles).toEqual([
    'Switchboard.Supervisor',
  ]);
});

test('a wrong PKCE verifier is refused', async () => {
  const { challenge } = pkce();
  const location = await signIn('admin@contoso.com', challenge);
  const code = new URLSearchParams(location.hash.slice(1)).get('code')!;
  const res = await send(`/${t.sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { origin: ORIGIN },
    form: {
      client_id: t.sim.settings.portal.clientId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    },
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error_description: string }).error_description).toMatch(/^AADSTS501481/);
});

test('an unknown redirect URI gets an error page, not a redirect', async () => {
  const res = await send(
    `/${t.sim.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams({
      ...authorizeParams(pkce().challenge),
      redirect_uri: 'https://evil.example/cb',
    }).toString()}`,
  );
  expect(res.status).toBe(400);
  expect(await res.text()).toContain('AADSTS50011');
});
