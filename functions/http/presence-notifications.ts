/**
 * `POST /api/presence/notifications` (anonymous: Graph change notifications carry no token; each is checked by its
 * subscription's `clientState`): Graph's presence change and lifecycle notifications. With `?validationToken=` it is
 * the validation handshake of a new subscription: 200 with the token as text/plain. Otherwise the body (bounded) is a
 * change notification collection: one message per notification whose subscription and clientState match goes on the
 * presence events queue → 202; none matching → 403 (nothing queued); a malformed body → 400 naming the fields.
 */
import { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { forbidden } from '../../shared/http/problem';
import { HttpProblem, api, boundedText, validationProblem } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

/** Graph's validation tokens are short opaque strings; anything much longer is not one. */
const MAX_VALIDATION_TOKEN = 1024;
/** A collection of notifications (Graph batches them) stays well under this. */
const MAX_BODY_BYTES = 256 * 1024;

httpRoute('presenceNotifications', {
  access: 'subscription',
  route: 'presence/notifications',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: api(async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const validationToken = request.query.get('validationToken');
    if (validationToken !== null) {
      if (validationToken.length > MAX_VALIDATION_TOKEN)
        throw validationProblem([
          { field: 'validationToken', message: `must be at most ${MAX_VALIDATION_TOKEN} characters` },
        ]);
      return {
        status: 200,
        body: validationToken,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      };
    }
    const text = await boundedText(request, MAX_BODY_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch (e) {
      throw validationProblem([{ field: 'body', message: `is not valid JSON: ${(e as Error).message}` }]);
    }
    const outcome = await appRoot().presenceNotifications.intake(body);
    if (outcome.kind === 'invalid') throw validationProblem(outcome.errors);
    if (outcome.accepted === 0)
      throw new HttpProblem(forbidden('No notification names a subscription of ours with its clientState.'));
    return { status: 202, headers: { 'cache-control': 'no-store' } };
  }),
});
