/**
 * `GET /api/tenants/{tenantId}/presence/connect` (Admin) → 302 to the tenant's authorize endpoint (the bot's client id,
 * Presence.Read.All offline_access, PKCE, state bound to the tenant and a server-side nonce). Graph takes presence
 * change-notification subscriptions with a delegated token only (shared/presence PresenceConnectionService).
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
    return { status: 302, headers: { location, 'cache-control': 'no-store' } };
  }),
});
