// PSTN callers and Teams agents. Plays a call's lifecycle out in answer to the bot's Graph actions and posts
// commsNotifications (signed with the simulator's Bot Framework key) to the bot, in order per call.
//
// The engine holds the calls and their timers; the seams live in their own files: signalling.ts (answer, reject,
// redirect, transfer, hang-up), media.ts (prompts, tones, recording), participants.ts (roster, invite),
// people.ts (agents and PSTN parties), notify.ts (delivery) and view.ts (the call resource).
import type { SimCore } from '../core';
import { Tenant } from '../model';
import { newId } from '../util';
import { Media } from './media';
import { Notifier } from './notify';
import { Participants } from './participants';
import { People } from './people';
import { Signalling } from './signalling';
import { PlaceOptions, ResultInfo, SimCall, SimError } from './types';
import { callResource } from './view';

export type { CallState, ResultInfo, SimCall, PlaceOptions } from './types';
export { SimError } from './types';

const KEEP_ENDED = 500;

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
    this.media = new Media(this);
    this.participants = new Participants(this);
    this.people = new People(this);
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

  reset(): void {
    for (const c of this.calls.values()) for (const t of c.timers) clearTimeout(t);
    this.calls.clear();
    this.ended.length = 0;
    this.people.reset();
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
      Math.max(0, ms),
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
    const f = this.core.faults;
    const call: SimCall = {
      id: newId(),
      tenantId: tenant.tenantId,
      direction: 'incoming',
      state: 'incoming',
      from: o.from,
      to,
      resourceAccountId: inst.objectId,
      botAppId: inst.apsApplicationId,
      webhookUrl: f.webhookUrl,
      callbackUri: null,
      myParticipantId: newId(),
      callerParticipantId: newId(),
      callChainId: newId(),
      createdAt: Date.now(),
      botInCall: true,
      dtmf: o.dtmf ?? '',
      dtmfStarted: false,
      toneSubscribed: false,
      patienceS: o.patienceS ?? 120,
      handleTimeS: o.handleTimeS ?? f.defaultHandleTimeS,
      recordingStatus: 'notRecording',
      loadId: o.loadId,
      ops: new Map(),
      timers: new Set(),
      chain: Promise.resolve(),
      seq: 0,
    };
    this.calls.set(call.id, call);
    this.notify.state(call, 'created');
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
      if (!call.connectedAt)
        this.terminate(
          call,
          { code: 200, subcode: 5010, message: 'The call was ended by the remote party.' },
          'abandoned',
        );
    });
    return call;
  }

  /** The bot's POST /communications/calls (e.g. a callback to a caller). */
  placeOutbound(tenant: Tenant, appId: string, body: Record<string, unknown>): SimCall {
    const source = body.source as { identity?: { applicationInstance?: { id?: unknown } } } | undefined;
    const target = (
      body.targets as { identity?: { phone?: { id?: unknown }; user?: { id?: unknown } } }[] | undefined
    )?.[0];
    const sourceId = source?.identity?.applicationInstance?.id;
    const phone = target?.identity?.phone?.id;
    const userId = target?.identity?.user?.id;
    if (typeof body.callbackUri !== 'string') throw new SimError(400, 'callbackUri is required.');
    if (typeof phone !== 'string' && typeof userId !== 'string')
      throw new SimError(400, 'targets[0].identity must contain a phone or user identity.');
    let resourceAccountId = '';
    if (typeof sourceId === 'string') {
      const inst = tenant.instances.get(sourceId);
      if (!inst) throw new SimError(400, `source applicationInstance ${sourceId} was not found.`);
      if (inst.apsApplicationId !== appId)
        throw new SimError(403, `application instance ${sourceId} is not bound to app ${appId}.`);
      resourceAccountId = sourceId;
    }
    const call: SimCall = {
      id: newId(),
      tenantId: tenant.tenantId,
      direction: 'outgoing',
      state: 'establishing',
      from: resourceAccountId,
      to: typeof phone === 'string' ? phone : String(userId),
      resourceAccountId,
      botAppId: appId,
      webhookUrl: body.callbackUri,
      callbackUri: body.callbackUri,
      myParticipantId: newId(),
      callerParticipantId: newId(),
      callChainId: newId(),
      createdAt: Date.now(),
      answeredAt: Date.now(),
      botInCall: true,
      dtmf: '',
      dtmfStarted: false,
      toneSubscribed: false,
      patienceS: 120,
      handleTimeS: this.core.faults.defaultHandleTimeS,
      recordingStatus: 'notRecording',
      ops: new Map(),
      timers: new Set(),
      chain: Promise.resolve(),
      seq: 0,
    };
    this.calls.set(call.id, call);
    this.notify.state(call);
    if (typeof userId === 'string') {
      this.people.ringAgent(call, userId, this.core.faults.incomingCallTimeoutMs, (answered) => {
        if (!answered)
          return this.terminate(call, { code: 408, subcode: 0, message: 'The target did not answer.' }, 'unanswered');
        this.people.occupyAgent(call, userId);
        call.state = 'established';
        this.notify.state(call);
      });
    } else {
      this.after(call, this.core.faults.outboundAnswerDelayMs, () => {
        call.state = 'established';
        this.notify.state(call);
        this.media.maybeStartDtmf(call);
      });
    }
    return call;
  }

  get(tenantId: string, appId: string, callId: string): SimCall {
    const call = this.calls.get(callId);
    if (
      !call ||
      call.tenantId !== tenantId ||
      call.botAppId !== appId ||
      call.state === 'terminated' ||
      !call.botInCall
    ) {
      throw new SimError(404, `Call '${callId}' was not found.`);
    }
    return call;
  }

  /** Ends the call; tells the bot (if it still holds the call) with a deleted notification carrying resultInfo. */
  terminate(call: SimCall, info: ResultInfo, reason: string): void {
    if (call.state === 'terminated') return;
    for (const t of call.timers) clearTimeout(t);
    call.timers.clear();
    call.state = 'terminated';
    call.endedAt = Date.now();
    call.endReason = reason;
    call.resultInfo = info;
    if (call.botInCall) {
      this.notify.enqueue(call, {
        changeType: 'deleted',
        resourceUrl: `/communications/calls/${call.id}`,
        resourceData: this.resourceData(call, {
          resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', ...info },
        }),
      });
    }
    this.people.release(call);
    this.ended.push(call.id);
    while (this.ended.length > KEEP_ENDED) this.calls.delete(this.ended.shift()!);
    for (const fn of this.endListeners) fn(call);
  }

  // ---- the bot's actions, by seam ----
  answer = (call: SimCall, b: Record<string, unknown>): void => this.signalling.answer(call, b);
  reject = (call: SimCall, b: Record<string, unknown>): void => this.signalling.reject(call, b);
  redirect = (call: SimCall, b: Record<string, unknown>): void => this.signalling.redirect(call, b);
  transfer = (call: SimCall, b: Record<string, unknown>): void => this.signalling.transfer(call, b);
  hangUpByBot = (call: SimCall): void => this.signalling.hangUpByBot(call);
  playPrompt = (call: SimCall, b: Record<string, unknown>): Record<string, unknown> => this.media.playPrompt(call, b);
  recordResponse = (call: SimCall, b: Record<string, unknown>): Record<string, unknown> =>
    this.media.recordResponse(call, b);
  subscribeToTone = (call: SimCall, b: Record<string, unknown>): Record<string, unknown> =>
    this.media.subscribeToTone(call, b);
  cancelMediaProcessing = (call: SimCall, b: Record<string, unknown>): Record<string, unknown> =>
    this.media.cancelMediaProcessing(call, b);
  updateRecordingStatus = (call: SimCall, b: Record<string, unknown>): Record<string, unknown> =>
    this.media.updateRecordingStatus(call, b);
  holdMusic = (call: SimCall, start: boolean, b: Record<string, unknown>): Record<string, unknown> =>
    this.media.holdMusic(call, start, b);
  invite = (call: SimCall, b: Record<string, unknown>): Record<string, unknown> => this.participants.invite(call, b);
}
