/**
 * The tenant's delegated presence connection (Graph takes presence change-notification subscriptions with a delegated
 * token only; shared/presence PresenceConnectionService):
 * - `GET /api/tenants/{tenantId}/presence/connect` (Admin) → 302 to the tenant's authorize endpoint (the bot's client
 *   id, Presence.Read.All offline_access, PKCE, state bound to the tenant and a server-side nonce);
 * - `GET /api/presence/connect/callback?code&state` (anonymous: the state is the proof) → redeems the code, stores the
 *   refresh token sealed → 200 with the connection; a bad, used or expired state, or Entra's `error` → 400;
 * - `GET /api/tenants/{tenantId}/presence/connection` (Admin) → whether connected, by whom, since when (never the
 *   token), and whether subscriptions are on;
 * - `DELETE /api/tenants/{tenantId}/presence/connection` (Admin) → deletes the tenant's presence subscriptions and the
 *   connection → 204 (404 when not connected).
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { PresenceConnectError } from '../../shared/presence';
import { badRequest, notFound, problem } from '../../shared/http/problem';
import { appRoot } from '../composition-root';
import { HttpProblem, api, authorizeTenant, json, validationProblem } from '../lib/api-handler';

const CALLBACK_ROUTE = 'presence/connect/callback';

app.http('presenceConnect', {
  route: 'tenants/{tenantId}/presence/connect',
  methods: ['GET'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { principal, tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const redirectUri = `${new URL(request.url).origin}/api/${CALLBACK_ROUTE}`;
    const location = await appRoot().presenceConnections.begin(
      tenantId,
      { name: principal.username ?? principal.name ?? principal.oid, oid: principal.oid },
      redirectUri,
    );
    return { status: 302, headers: { location, 'cache-control': 'no-store' } };
  }),
});

app.http('presenceConnectCallback', {
  route: CALLBACK_ROUTE,
  methods: ['GET'],
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const error = request.query.get('error');
    if (error)
      throw new HttpProblem(
        badRequest(`the sign-in was not completed: ${error}: ${request.query.get('error_description') ?? ''}`),
      );
    const code = request.query.get('code') ?? '';
    const state = request.query.get('state') ?? '';
    const missing = [
      ...(code ? [] : [{ field: 'code', message: 'is required' }]),
      ...(state ? [] : [{ field: 'state', message: 'is required' }]),
    ];
    if (missing.length) throw validationProblem(missing);
    try {
      return json(200, await appRoot().presenceConnections.complete(code, state));
    } catch (e) {
      if (e instanceof PresenceConnectError)
        throw new HttpProblem(
          e.status === 400
            ? badRequest(e.message, [{ field: 'state', message: e.message }])
            : problem(e.status, 'presence-connect', 'Presence connect failed', e.message),
        );
      throw e;
    }
  }),
});

app.http('presenceConnection', {
  route: 'tenants/{tenantId}/presence/connection',
  methods: ['GET', 'DELETE'],
  handler: api(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const root = appRoot();
    if (request.method === 'GET') return json(200, await root.presenceConnections.connection(tenantId));
    if (!(await root.presenceConnections.connected(tenantId)))
      throw new HttpProblem(notFound(`presence is not connected for tenant ${tenantId}`));
    // Delete our subscriptions while the delegated token still works, then forget the token.
    const removed = await root.presenceNotificationsFor((line) => context.log(line)).unsubscribeAll(tenantId);
    await root.presenceConnections.disconnect(tenantId);
    context.log(`presence disconnected for tenant ${tenantId} (${removed} subscriptions deleted)`);
    return { status: 204, headers: { 'cache-control': 'no-store' } };
  }),
});
