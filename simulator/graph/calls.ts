// Graph calls API: actions on /communications/calls/{id}, outbound calls, delete. The engine plays them out.
import { SimError, SimCall } from '../calls/engine';
import { json, SimResponse } from '../http';
import { CALLS_PERMISSIONS } from '../model';
import { isRecord } from '../util';
import { GraphCtx, GraphFailure, GraphRoute, context } from './router';

const ANY = CALLS_PERMISSIONS;
const JOIN = ['Calls.JoinGroupCall.All', 'Calls.JoinGroupCallAsGuest.All'];
const INITIATE = ['Calls.Initiate.All'];
const OUTBOUND = ['Calls.Initiate.All', 'Calls.InitiateGroupCall.All'];
const MEDIA = ['Calls.AccessMedia.All'];
const GROUP = ['Calls.InitiateGroupCall.All'];

function wrap(
  fn: (ctx: GraphCtx, call: SimCall, body: Record<string, unknown>) => SimResponse,
): (ctx: GraphCtx) => SimResponse {
  return (ctx) => {
    try {
      const call = ctx.core.calls.get(ctx.tenant.tenantId, ctx.appId, ctx.params[0]);
      const body = isRecord(ctx.req.body) ? ctx.req.body : {};
      return fn(ctx, call, body);
    } catch (e) {
      if (e instanceof SimError) {
        throw new GraphFailure(
          e.status,
          e.status === 404 ? 'itemNotFound' : e.status === 403 ? 'Forbidden' : 'BadRequest',
          e.message,
        );
      }
      throw e;
    }
  };
}

const accepted = (): SimResponse => ({ status: 202 });
const op = (ctx: GraphCtx, view: Record<string, unknown>): SimResponse =>
  json(
    200,
    { '@odata.context': context(ctx, 'communications/calls/operations/$entity'), ...view },
    { location: `${ctx.root}/communications/calls/${ctx.params[0]}/operations/${String(view.id)}` },
  );

function outbound(ctx: GraphCtx): SimResponse {
  const b = ctx.req.body;
  if (!isRecord(b)) throw new GraphFailure(400, 'BadRequest', 'Invalid request body.');
  try {
    const call = ctx.core.calls.placeOutbound(ctx.tenant, ctx.appId, b);
    return json(
      201,
      { '@odata.context': context(ctx, 'communications/calls/$entity'), ...ctx.core.calls.resourceData(call) },
      {
        location: `${ctx.root}/communications/calls/${call.id}`,
      },
    );
  } catch (e) {
    if (e instanceof SimError)
      throw new GraphFailure(e.status, e.status === 403 ? 'Forbidden' : 'BadRequest', e.message);
    throw e;
  }
}

const CALL = '/communications/calls/([^/]+)';

export function callRoutes(): GraphRoute[] {
  const r = (method: string, suffix: string, perms: string[], handler: (ctx: GraphCtx) => SimResponse): GraphRoute => ({
    method,
    re: new RegExp(`^${CALL}${suffix}$`),
    perms,
    handler,
  });
  return [
    { method: 'POST', re: /^\/communications\/calls\/?$/, perms: OUTBOUND, handler: outbound },
    r(
      'GET',
      '',
      ANY,
      wrap((ctx, call) =>
        json(200, {
          '@odata.context': context(ctx, 'communications/calls/$entity'),
          ...ctx.core.calls.resourceData(call),
        }),
      ),
    ),
    r(
      'DELETE',
      '',
      ANY,
      wrap((ctx, call) => (ctx.core.calls.hangUpByBot(call), { status: 204 })),
    ),
    r(
      'POST',
      '/answer',
      JOIN,
      wrap((ctx, call, b) => (ctx.core.calls.answer(call, b), accepted())),
    ),
    r(
      'POST',
      '/reject',
      ANY,
      wrap((ctx, call, b) => (ctx.core.calls.reject(call, b), accepted())),
    ),
    r(
      'POST',
      '/redirect',
      INITIATE,
      wrap((ctx, call, b) => (ctx.core.calls.redirect(call, b), accepted())),
    ),
    r(
      'POST',
      '/transfer',
      INITIATE,
      wrap((ctx, call, b) => (ctx.core.calls.transfer(call, b), accepted())),
    ),
    r(
      'POST',
      '/playPrompt',
      ANY,
      wrap((ctx, call, b) => op(ctx, ctx.core.calls.playPrompt(call, b))),
    ),
    r(
      'POST',
      '/recordResponse',
      MEDIA,
      wrap((ctx, call, b) => op(ctx, ctx.core.calls.recordResponse(call, b))),
    ),
    r(
      'POST',
      '/subscribeToTone',
      ANY,
      wrap((ctx, call, b) => op(ctx, ctx.core.calls.subscribeToTone(call, b))),
    ),
    r(
      'POST',
      '/cancelMediaProcessing',
      ANY,
      wrap((ctx, call, b) => op(ctx, ctx.core.calls.cancelMediaProcessing(call, b))),
    ),
    r(
      'POST',
      '/updateRecordingStatus',
      ANY,
      wrap((ctx, call, b) => op(ctx, ctx.core.calls.updateRecordingStatus(call, b))),
    ),
    r(
      'POST',
      '/keepAlive',
      ANY,
      wrap(() => ({ status: 200 })),
    ),
    r(
      'POST',
      '/participants/invite',
      GROUP,
      wrap((ctx, call, b) => op(ctx, ctx.core.calls.invite(call, b))),
    ),
    r(
      'POST',
      '/participants/([^/]+)/startHoldMusic',
      ANY,
      wrap((ctx, call, b) => op(ctx, ctx.core.calls.holdMusic(call, true, b))),
    ),
    r(
      'POST',
      '/participants/([^/]+)/stopHoldMusic',
      ANY,
      wrap((ctx, call, b) => op(ctx, ctx.core.calls.holdMusic(call, false, b))),
    ),
  ];
}
