// PSTN callers and Teams agents. Plays a call's lifecycle out in answer to the bot's Graph actions and posts
// commsNotifications (signed callback tokens) to the bot — as hard as Graph: partial, batched and sometimes reordered
// or duplicated notifications, real result codes, media rules, keepAlive expiry, full rosters.
//
// The engine holds the calls and their timers; the seams live in their own files: signalling.ts (answer, reject,
// redirect, transfer, hang-up), media.ts (prompts, tones, recording, hold music), participants.ts (roster, invite),
// people.ts (the caller, agents and PSTN callees), notify.ts (delivery), tokens.ts (callback JWTs) and view.ts.
import type { SimCore } from '../core';
import { Tenant } from '../model';
import { isRecord, newId } from '../util';
import { Media } from './media';
import { Notifier } from './notify';
import { Participants } from './participants';
import { People } from './people';
import { mediaConfigOf, Signalling } from './signalling';
import type { CallbackTokens } from './tokens';
import { CALL_NOT_FOUND, PlaceOptions, RESULTS, ResultInfo, SimCall, SimError, TENANT_MISMATCH } from './types';
import { callResource } from './view';

export type { CallState, ResultInfo, SimCall, PlaceOptions } from './types';
export { SimError } from './types';

const KEEP_ENDED = 500;

function blankCall(
  fields: Pick<
    SimCall,
    'tenantId' | 'direction' | 'state' | 'from' | 'to' | 'resourceAccountId' | 'botAppId' | 'webhookUrl' | 'callbackUri'
  > &
    Partial<SimCall>,
): SimCall {
  const now = Date.now();
  return {
    id: newId(),
    myParticipantId: newId(),
    callerParticipantId: newId(),
    callChainId: newId(),
    createdAt: now,
    botInCall: true,
    group: false,
    mediaConfig: null,
    participants: [],
    nextSourceId: 1,
    dtmf: '',
    dtmfPos: -1,
    dtmfWaiting: false,
    dtmfStarted: false,
    toneSequence: 0,
    toneSubscribed: false,
    patienceS: 120,
    handleTimeS: 60,
    recordingStatus: 'notRecording',
    ops: new Map(),
    mediaQueue: [],
    heard: [],
    tones: [],
    recording: [],
    invitations: [],
    departed: [],
    lastKeepAliveAt: now,
    timers: new Set(),
    requests: [],
    deliveries: [],
    pending: [],
    chain: Promise.resolve(),
    seq: 0,
    ...fields,
  };
}

/** The longest delay setTimeout honours; beyond it Node fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class CallEngine {
  readonly calls = new Map<string, SimCall>();
  readonly notify: Notifier;
  readonly signalling: Signalling;
  readonly media: Media;
  readonly participants: Participants;
  readonly people: People;
  private readonly ended: string[] = [];
  private readonly endListeners: ((call: SimCall) => void)[] = [];
  private readonly connectListeners: ((call: SimCall) => void)[] = [];

  constructor(
    readonly core: SimCore,
    ca: string,
  ) {
    this.notify = new Notifier(core, ca);
    this.signalling = new Signalling(this);
    this.media = new Media(this, ca);
    this.participants = new Participants(this);
    this.people = new People(this);
  }

  get tokens(): CallbackTokens {
    return this.notify.tokens;
  }

  onEnd(fn: (call: SimCall) => void): void {
    this.endListeners.push(fn);
  }

  onConnect(fn: (call: SimCall) => void): void {
    this.connectListeners.push(fn);
  }

  /** A caller reached an agent (or a PSTN party): tell the listeners (load generator). */
  connected(call: SimCall): void {
    for (const fn of this.connectListeners) fn(call);
  }

  /**
   * `POST /_sim/reset` drops every call; first each live one ends as if its caller hung up, and the bot still in it
   * hears so at once (the `deleted` notification leaves now, not after the batching window the reset cancels). So an
   * app does not keep agents busy with, or callers waiting in, calls the reset dropped.
   */
  hangUpAll(): void {
    for (const c of [...this.calls.values()]) {
      if (c.state === 'terminated') continue;
      this.terminate(c, RESULTS.pstnHangUp, c.connectedAt ? 'completed' : 'abandoned');
      this.notify.flushNow(c);
    }
  }

  reset(): void {
    for (const c of this.calls.values()) {
      for (const t of c.timers) clearTimeout(t);
      if (c.flushTimer) clearTimeout(c.flushTimer);
    }
    this.calls.clear();
    this.ended.length = 0;
    this.people.reset();
    this.notify.reset();
  }

  list(tenantId: string): SimCall[] {
    return [...this.calls.values()].filter((c) => c.tenantId === tenantId);
  }

  // ---- timers bound to a call: cleared when it ends ----
  after(call: SimCall, ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(
      () => {
        call.timers.delete(t);
        if (call.state !== 'terminated') fn();
      },
      // setTimeout fires at once past 2^31 − 1 ms (about 24.8 days): a caller who would wait that long waits "forever".
      Math.min(Math.max(0, ms), MAX_TIMER_MS),
    );
    t.unref();
    call.timers.add(t);
    return t;
  }

  cancel(call: SimCall, t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    call.timers.delete(t);
  }

  resourceData(call: SimCall, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return callResource(this.core, call, extra);
  }

  /** call-keepalive.md: no successful keepAlive for 45 min (keepAliveTimeoutMs) → the call ends 408/8537. */
  keepAlive(call: SimCall): void {
    call.lastKeepAliveAt = Date.now();
    this.cancel(call, call.keepAliveTimer);
    call.keepAliveTimer = this.after(call, this.core.faults.keepAliveTimeoutMs, () =>
      this.terminate(call, RESULTS.keepAliveTimeout, 'keepAliveTimeout'),
    );
  }

  // ---- placing calls ----

  /** An inbound PSTN call to the resource account that owns `to`. */
  place(o: PlaceOptions): SimCall {
    const tenant = this.core.tenants.get(o.tenantId);
    if (!tenant) throw new SimError(404, `unknown tenant ${o.tenantId}`);
    const to = o.to.replace(/^tel:/, '');
    const n = tenant.numbers.get(to);
    if (!n) throw new SimError(404, `number ${to} is not in tenant ${o.tenantId}'s inventory`);
    if (!n.assignmentTargetId || n.activationState !== 'activated')
      throw new SimError(409, `number ${to} is not assigned (or still pending); the call fails`);
    const inst = tenant.instances.get(n.assignmentTargetId);
    if (!inst) throw new SimError(409, `number ${to} is assigned to a user, not to a resource account`);
    if (!inst.apsApplicationId) {
      throw new SimError(
        409,
        `application instance ${inst.objectId} is not synced to the Agent Provisioning Service; the call does not reach a bot`,
      );
    }
    return this.ring(tenant, inst.objectId, inst.apsApplicationId, to, o);
  }

  /** The incoming call itself: `created` to the webhook; unanswered → 408; the caller's patience runs. */
  private ring(tenant: Tenant, instanceId: string, botAppId: string, to: string, o: PlaceOptions): SimCall {
    const f = this.core.faults;
    const call = blankCall({
      tenantId: tenant.tenantId,
      direction: 'incoming',
      state: 'incoming',
      from: o.from,
      to,
      resourceAccountId: instanceId,
      botAppId,
      webhookUrl: f.webhookUrl,
      callbackUri: null,
      dtmf: o.dtmf ?? '',
      patienceS: o.patienceS ?? 120,
      handleTimeS: o.handleTimeS ?? f.defaultHandleTimeS,
      loadId: o.loadId,
    });
    this.addParties(tenant, call, { id: call.callerParticipantId, kind: 'caller', phone: o.from });
    this.calls.set(call.id, call);
    this.notify.created(call);
    this.keepAlive(call);
    this.after(call, f.incomingCallTimeoutMs, () => {
      if (call.state === 'incoming') {
        this.terminate(
          call,
          { code: 408, subcode: 0, message: `The call was not answered within ${f.incomingCallTimeoutMs / 1000} s.` },
          'unanswered',
        );
      }
    });
    this.after(call, call.patienceS * 1000, () => {
      if (!call.connectedAt) this.people.callerHangsUp(call);
    });
    return call;
  }

  private addParties(
    tenant: Tenant,
    call: SimCall,
    other: { id: string; kind: 'caller' | 'pstn' | 'agent'; phone?: string; userId?: string },
  ): void {
    const base = { hidden: false, removeFromDefaultAudioRoutingGroup: false };
    this.people.participant(call, {
      ...base,
      id: call.myParticipantId,
      kind: 'bot',
      applicationInstanceId: call.resourceAccountId,
      displayName: tenant.users.get(call.resourceAccountId)?.displayName ?? null,
    });
    if (other.kind !== 'agent') this.people.participant(call, { ...base, ...other, displayName: null });
  }

  /** A redirect or transfer to another resource account: the bot's leg ends; that account's bot gets a new call. */
  handOverToInstance(call: SimCall, instanceId: string, info: ResultInfo): void {
    const tenant = this.core.tenants.get(call.tenantId)!;
    const inst = tenant.instances.get(instanceId)!;
    this.notify.deleted(call, info);
    this.signalling.leaveBot(call);
    if (!inst.apsApplicationId)
      return this.terminate(
        call,
        { code: 480, subcode: 10037, message: 'No callee endpoints were found.' },
        'unanswered',
      );
    const number = (inst.phoneNumber ?? call.to).replace(/^tel:/, '');
    const next = this.ring(tenant, inst.objectId, inst.apsApplicationId, number, {
      tenantId: call.tenantId,
      from: call.from,
      to: number,
      dtmf: call.dtmf,
      patienceS: Math.max(1, call.patienceS - (Date.now() - call.createdAt) / 1000),
      handleTimeS: call.handleTimeS,
      loadId: call.loadId,
    });
    call.loadId = undefined;
    this.terminate(call, info, `movedTo:${next.id}`);
  }

  /**
   * The bot's POST /communications/calls: needs source.identity.applicationInstance (an account of this app with a
   * number), tenantId, mediaConfig and requestedModalities (api-reference/v1.0/api/application-post-calls.md).
   */
  placeOutbound(tenant: Tenant, appId: string, body: Record<string, unknown>): SimCall {
    const source = body.source as { identity?: { applicationInstance?: { id?: unknown } } } | undefined;
    const target = (
      body.targets as { identity?: { phone?: { id?: unknown }; user?: { id?: unknown } } }[] | undefined
    )?.[0];
    const sourceId = source?.identity?.applicationInstance?.id;
    const phone = target?.identity?.phone?.id;
    const userId = target?.identity?.user?.id;
    if (typeof body.callbackUri !== 'string' || !/^https?:\/\//.test(body.callbackUri))
      throw new SimError(400, 'callbackUri is required.');
    if (typeof phone !== 'string' && typeof userId !== 'string')
      throw new SimError(400, 'targets[0].identity must contain a phone or user identity.');
    const modalities = body.requestedModalities;
    if (!Array.isArray(modalities) || modalities.length === 0)
      throw new SimError(400, 'requestedModalities is required (e.g. ["audio"]).');
    const mediaConfig = mediaConfigOf(body.mediaConfig);
    if (typeof body.tenantId !== 'string') throw new SimError(400, 'tenantId is required.');
    if (body.tenantId.toLowerCase() !== tenant.tenantId.toLowerCase())
      throw new SimError(403, `Tenant mismatch: tenantId ${body.tenantId} is not the app's tenant.`, TENANT_MISMATCH);
    if (typeof sourceId !== 'string')
      throw new SimError(400, 'source.identity.applicationInstance.id is required (the resource account calling out).');
    const inst = tenant.instances.get(sourceId);
    if (!inst) throw new SimError(400, `source applicationInstance ${sourceId} was not found.`);
    if (inst.apsApplicationId !== appId)
      throw new SimError(403, `application instance ${sourceId} is not bound to app ${appId}.`);
    if (typeof phone === 'string' && !inst.phoneNumber)
      throw new SimError(400, `application instance ${sourceId} has no phone number; it cannot call a PSTN number.`);
    const call = blankCall({
      tenantId: tenant.tenantId,
      direction: 'outgoing',
      state: 'establishing',
      from: sourceId,
      to: typeof phone === 'string' ? phone : String(userId),
      resourceAccountId: sourceId,
      botAppId: appId,
      webhookUrl: body.callbackUri,
      callbackUri: body.callbackUri,
      answeredAt: Date.now(),
      mediaConfig,
      handleTimeS: this.core.faults.defaultHandleTimeS,
    });
    this.addParties(
      tenant,
      call,
      typeof phone === 'string'
        ? { id: call.callerParticipantId, kind: 'pstn', phone }
        : { id: call.callerParticipantId, kind: 'agent', userId: String(userId) },
    );
    this.calls.set(call.id, call);
    this.notify.updated(call, { state: 'establishing' });
    this.keepAlive(call);
    const established = (): void => {
      call.state = 'established';
      this.notify.updated(call, { state: 'established' });
      this.notify.roster(call);
      this.media.startDtmf(call);
    };
    if (typeof userId === 'string') {
      this.people.ringAgent(call, userId, this.core.faults.incomingCallTimeoutMs, (r) => {
        if (r !== 'answered' || this.people.agentBusy.has(userId))
          return this.terminate(
            call,
            { code: 408, subcode: 10057, message: 'The target did not answer.' },
            'unanswered',
          );
        this.people.agentJoins(call, userId);
        established();
      });
    } else {
      this.people.ringCallee(call, phone as string, (r) => {
        if (r === 'busy')
          return this.terminate(call, { code: 486, subcode: 0, message: 'The callee is busy.' }, 'busy');
        if (r === 'noAnswer')
          return this.terminate(
            call,
            { code: 408, subcode: 10057, message: 'The callee did not answer.' },
            'unanswered',
          );
        call.connectedAt = Date.now();
        this.connected(call);
        established();
        this.after(call, call.handleTimeS * 1000, () => this.people.callerHangsUp(call));
      });
    }
    return call;
  }

  /** A call the bot can act on: its tenant and app, not ended, the bot still in it — else 404 with 8522. */
  get(tenantId: string, appId: string, callId: string): SimCall {
    const call = this.calls.get(callId);
    if (
      !call ||
      call.tenantId !== tenantId ||
      call.botAppId !== appId ||
      call.state === 'terminated' ||
      !call.botInCall
    ) {
      throw new SimError(404, `Call '${callId}' was not found.`, CALL_NOT_FOUND);
    }
    return call;
  }

  /** Ends the call; tells the bot (if it still holds the call) with a deleted notification carrying resultInfo. */
  terminate(call: SimCall, info: ResultInfo, reason: string): void {
    if (call.state === 'terminated') return;
    if (call.botInCall) this.notify.deleted(call, info);
    this.media.stopAll(call);
    for (const t of call.timers) clearTimeout(t);
    call.timers.clear();
    call.state = 'terminated';
    call.endedAt = Date.now();
    call.endReason = reason;
    call.resultInfo = info;
    this.people.release(call);
    this.ended.push(call.id);
    while (this.ended.length > KEEP_ENDED) this.calls.delete(this.ended.shift()!);
    for (const fn of this.endListeners) fn(call);
  }

  /** POST /_sim/callees/{number}: how a PSTN number answers the bot's outbound calls. */
  setCallee(number: string, body: unknown): Record<string, unknown> {
    const b = isRecord(body) ? body : {};
    const f = this.core.faults;
    const p = this.people.callees.get(number) ?? {
      answerDelayMs: f.outboundAnswerDelayMs,
      answerProbability: 1,
      busy: false,
    };
    if (b.answerDelayMs !== undefined) {
      if (typeof b.answerDelayMs !== 'number' || b.answerDelayMs < 0)
        throw new SimError(400, 'answerDelayMs must be a number ≥ 0');
      p.answerDelayMs = b.answerDelayMs;
    }
    if (b.answerProbability !== undefined) {
      if (typeof b.answerProbability !== 'number' || b.answerProbability < 0 || b.answerProbability > 1)
        throw new SimError(400, 'answerProbability must be between 0 and 1');
      p.answerProbability = b.answerProbability;
    }
    if (b.busy !== undefined) {
      if (typeof b.busy !== 'boolean') throw new SimError(400, 'busy must be a boolean');
      p.busy = b.busy;
    }
    this.people.callees.set(number, p);
    return { number, ...p };
  }
}
