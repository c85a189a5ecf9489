/**
 * `GET /api/presence/connect/callback?code&state` (no token: the one-time state is the proof) → redeems the code,
 * stores the refresh token sealed → 200 with the connection; a bad, used or expired state, or Entra's `error` → 400.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { PresenceConnectError } from '../../shared/presence';
import { badRequest, problem } from '../../shared/http/problem';
import { appRoot } from '../composition-root';
import { HttpProblem, api, json, validationProblem } from '../lib/api-handler';
import { httpRoute } from '../lib/route-access';

export const PRESENCE_CONNECT_CALLBACK_ROUTE = 'presence/connect/callback';

httpRoute('presenceConnectCallback', {
  access: 'signInRedirect',
  route: PRESENCE_CONNECT_CALLBACK_ROUTE,
  authLevel: 'anonymous',
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
