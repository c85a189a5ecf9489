/**
 * `POST /api/calls/notifications` (anonymous: Graph's bot token, no API role): checks the token and the envelope, puts
 * one message per notification on the `call-events` storage queue, answers 202 at once. 403 for a forged, expired,
 * wrong-audience token or a tenant we do not serve; 400 naming the fields of a malformed body. Never logs the token.
 */
import type { HttpRequest, InvocationContext } from '@azure/functions';
import { api, optionalJsonBody, validationProblem } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callNotifications', {
  access: 'bot',
  route: 'calls/notifications',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: api(async (request: HttpRequest, _context: InvocationContext) => {
    const authorization = request.headers.get('authorization');
    const intake = appRoot().callNotificationIntake;
    // The token first: an unauthenticated caller learns nothing about what a valid body looks like.
    const tenantId = await intake.checkToken(authorization);
    const body = await optionalJsonBody(request);
    const outcome = await intake.accept(tenantId, body ?? {}, request.url);
    if (outcome.kind === 'invalid') throw validationProblem(outcome.errors);
    return { status: 202, headers: { 'cache-control': 'no-store' } };
  }),
});
