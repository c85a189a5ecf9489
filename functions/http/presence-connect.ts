/**
 * `GET /api/tenants/{tenantId}/presence/connect` (Admin) → 302 to the tenant's authorize endpoint (the bot's client id,
 * Presence.Read.All offline_access, PKCE, state bound to the tenant and a server-side nonce). Graph takes presence
 * change-notification subscriptions with a delegated token only (shared/presence PresenceConnectionService).
 * With `Accept: application/json` (a single-page app holding a bearer token cannot follow a redirect to another
 * origin) it answers 200 `{authorizeUrl}` instead, with the same state and PKCE bookkeeping; the app then navigates.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { appRoot } from '../composition-root';
import { api, authorizeTenant } from '../lib/api-handler';
import { httpRoute } from '../lib/route-access';
import { PRESENCE_CONNECT_CALLBACK_ROUTE } from './presence-connect-callback';

httpRoute('presenceConnect', {
  access: 'admin',
  route: 'tenants/{tenantId}/presence/connect',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { principal, tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const redirectUri = `${new URL(request.url).origin}/api/${PRESENCE_CONNECT_CALLBACK_ROUTE}`;
    const location = await appRoot().presenceConnections.begin(
      tenantId,
      { name: principal.username ?? principal.name ?? principal.oid, oid: principal.oid },
      redirectUri,
    );
    if (wantsJson(request.headers.get('accept')))
      return { status: 200, jsonBody: { authorizeUrl: location }, headers: { 'cache-control': 'no-store' } };
    return { status: 302, headers: { location, 'cache-control': 'no-store' } };
  }),
});

/** True when the caller asks for JSON (`application/json` in Accept, with a quality above 0). */
export function wantsJson(accept: string | null): boolean {
  return (accept ?? '').split(',').some((part) => {
    const [type, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return type === 'application/json' && (!q || Number(q.slice(2)) > 0);
  });
}
