/**
 * Connecting a tenant's presence as an Admin's browser does: the app's connect route answers 302 to the simulator's
 * Entra sign-in page; the page's form is posted with the chosen person (as the browser posts it); Entra redirects to
 * the app's callback with `code` and `state`, which the browser follows.
 */
import type { System } from '../../scripts/lib/system';

const unescapeHtml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

/**
 * Opens the sign-in page at `authorizeUrl` and posts its form as `login` (who must be offered on the page); answers
 * where Entra redirects (the Location of its 302).
 */
export async function signInOnPage(authorizeUrl: string, login: string): Promise<URL> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`sign-in page → ${page.status}: ${html.slice(0, 300)}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no sign-in form on the page: ${html.slice(0, 300)}`);
  if (!html.includes(`name="login" value="${login}"`)) throw new Error(`${login} is not offered on the sign-in page`);
  const form = new URLSearchParams(
    [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m): [string, string] => [
      unescapeHtml(m[1]),
      unescapeHtml(m[2]),
    ]),
  );
  form.set('login', login);
  const res = await fetch(unescapeHtml(action), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`sign-in post → ${res.status}: ${await res.text()}`);
  return new URL(location);
}

/**
 * `GET /api/tenants/{t}/presence/connect` as the Admin (302 to the authorize endpoint), the sign-in as `login`, and
 * the callback; answers the callback's response and the authorize URL the app chose.
 */
export async function connectPresence(
  system: System,
  tenantId: string,
  adminToken: string,
  login = 'admin@contoso.com',
): Promise<{ authorize: URL; callback: Response }> {
  const start = await fetch(`${system.origin}/api/tenants/${tenantId}/presence/connect`, {
    headers: { authorization: `Bearer ${adminToken}` },
    redirect: 'manual',
  });
  const location = start.headers.get('location');
  if (start.status !== 302 || !location) throw new Error(`connect → ${start.status}: ${await start.text()}`);
  const authorize = new URL(location);
  const back = await signInOnPage(location, login);
  const callback = await fetch(back, { redirect: 'manual' });
  return { authorize, callback };
}
