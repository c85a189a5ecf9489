// Graph calls API: actions on /communications/calls/{id}, the roster, outbound calls, delete. The engine plays them
// out. Errors carry Graph's numeric calls-API code in error.code where Graph sends one (e.g. "8522" call not found:
// microsoftgraph/microsoft-graph-comms-samples issue #330 shows `Code: 8522 Message: Call not found.`).
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

function failure(e: SimError): GraphFailure {
  const name = e.status === 404 ? 'itemNotFound' : e.status === 403 ? 'Forbidden' : 'BadRequest';
  return new GraphFailure(e.status, e.code !== undefined ? String(e.code) : name, e.message);
}

function wrap(
  fn: (ctx: GraphCtx, call: SimCall, body: Record<string, unknown>) => SimResponse,
): (ctx: GraphCtx) => SimResponse {
  return (ctx) => {
    try {
      const call = ctx.core.calls.get(ctx.tenant.tenantId, ctx.appId, ctx.params[0]);
      const path = ctx.req.path.replace(/^.*\/communications\/calls\/[^/]+/, '');
      call.requests.push({ at: ctx.req.receivedAt ?? Date.now(), method: ctx.req.method, path });
      const body = isRecord(ctx.req.body) ? ctx.req.body : {};
      return fn(ctx, call, body);
    } catch (e) {
      if (e instanceof SimError) throw failure(e);
      throw e;
    }
  };
}

const accepted = (): SimResponse => ({ status: 202 });
const op = (ctx: GraphCtx, view: Record<string, unknown>, status = 200): SimResponse =>
  json(
    status,
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
    if (e instanceof SimError) throw failure(e);
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
    throttle: 'calls',
  });
  const e = (ctx: GraphCtx) => ctx.core.calls;
  return [
    { method: 'POST', re: /^\/communications\/calls\/?$/, perms: OUTBOUND, handler: outbound, throttle: 'calls' },
    r(
      'GET',
      '',
      ANY,
      wrap((ctx, call) =>
        json(200, { '@odata.context': context(ctx, 'communications/calls/$entity'), ...e(ctx).resourceData(call) }),
      ),
    ),
    r(
      'DELETE',
      '',
      ANY,
      wrap((ctx, call) => (e(ctx).signalling.hangUpByBot(call), { status: 204 })),
    ),
    r(
      'POST',
      '/answer',
      JOIN,
      wrap((ctx, call, b) => (e(ctx).signalling.answer(call, b), accepted())),
    ),
    r(
      'POST',
      '/reject',
      ANY,
      wrap((ctx, call, b) => (e(ctx).signalling.reject(call, b), accepted())),
    ),
    r(
      'POST',
      '/redirect',
      INITIATE,
      wrap((ctx, call, b) => (e(ctx).signalling.redirect(call, b), accepted())),
    ),
    r(
      'POST',
      '/transfer',
      INITIATE,
      wrap((ctx, call, b) => (e(ctx).signalling.transfer(call, b), accepted())),
    ),
    r(
      'POST',
      '/playPrompt',
      ANY,
      wrap((ctx, call, b) => op(ctx, e(ctx).media.playPrompt(call, b))),
    ),
    r(
      'POST',
      '/recordResponse',
      MEDIA,
      wrap((ctx, call, b) => op(ctx, e(ctx).media.recordResponse(call, b))),
    ),
    r(
      'POST',
      '/subscribeToTone',
      MEDIA,
      wrap((ctx, call, b) => op(ctx, e(ctx).media.subscribeToTone(call, b))),
    ),
    r(
      'POST',
      '/cancelMediaProcessing',
      ANY,
      wrap((ctx, call, b) => op(ctx, e(ctx).media.cancelMediaProcessing(call, b))),
    ),
    r(
      'POST',
      '/updateRecordingStatus',
      ANY,
      wrap((ctx, call, b) => op(ctx, e(ctx).media.updateRecordingStatus(call, b))),
    ),
    r(
      'POST',
      '/keepAlive',
      ANY,
      wrap((ctx, call) => (e(ctx).keepAlive(call), { status: 200 })),
    ),
    r(
      'POST',
      '/participants/invite',
      GROUP,
      wrap((ctx, call, b) => op(ctx, e(ctx).participants.invite(call, b))),
    ),
    r(
      'GET',
      '/participants',
      ANY,
      wrap((ctx, call) =>
        json(200, {
          '@odata.context': context(ctx, `communications/calls('${call.id}')/participants`),
          value: e(ctx).participants.list(call),
        }),
      ),
    ),
    r(
      'GET',
      '/participants/([^/]+)',
      ANY,
      wrap((ctx, call) =>
        json(200, {
          '@odata.context': context(ctx, `communications/calls('${call.id}')/participants/$entity`),
          ...e(ctx).participants.one(call, ctx.params[1]),
        }),
      ),
    ),
    r(
      'DELETE',
      '/participants/([^/]+)',
      ANY,
      wrap((ctx, call) => (e(ctx).participants.remove(call, ctx.params[1]), { status: 204 })),
    ),
    r(
      'POST',
      '/participants/([^/]+)/mute',
      ANY,
      wrap((ctx, call, b) => op(ctx, e(ctx).participants.mute(call, ctx.params[1], b))),
    ),
    r(
      'POST',
      '/participants/([^/]+)/startHoldMusic',
      ANY,
      wrap((ctx, call, b) => op(ctx, e(ctx).media.holdMusic(call, ctx.params[1], true, b), 202)),
    ),
    r(
      'POST',
      '/participants/([^/]+)/stopHoldMusic',
      ANY,
      wrap((ctx, call, b) => op(ctx, e(ctx).media.holdMusic(call, ctx.params[1], false, b), 202)),
    ),
  ];
}
