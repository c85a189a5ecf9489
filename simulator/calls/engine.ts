// PSTN callers and Teams agents. Plays a call's lifecycle out in answer to the bot's Graph actions and posts
// commsNotifications (signed with the simulator's Bot Framework key) to the bot, in order per call.
import type { SimCore } from '../core';
import { signJwt } from '../jwt';
import { BOT_ISSUER, Tenant } from '../model';
import { newId } from '../util';
import { postJson } from './notify';

export type CallState =
  | 'incoming'
  | 'establishing'
  | 'established'
  | 'redirecting'
  | 'transferring'
  | 'transferAccepted'
  | 'connectedToAgent'
  | 'terminating'
  | 'terminated';

export interface ResultInfo {
  code: number;
  subcode: number;
  message: string;
}

interface Operation {
  id: string;
  type: string;
  clientContext: string | null;
  timer?: NodeJS.Timeout;
}

export interface SimCall {
  id: string;
  tenantId: string;
  direction: 'incoming' | 'outgoing';
  state: CallState;
  from: string;
  to: string;
  resourceAccountId: string;
  botAppId: string;
  webhookUrl: string;
  callbackUri: string | null;
  myParticipantId: string;
  callerParticipantId: string;
  callChainId: string;
  createdAt: number;
  answeredAt?: number;
  connectedAt?: number;
  endedAt?: number;
  agentId?: string;
  /** the bot still holds the call after an agent joined via participants/invite */
  botInCall: boolean;
  dtmf: string;
  dtmfStarted: boolean;
  toneSubscribed: boolean;
  patienceS: number;
  handleTimeS: number;
  recordingStatus: string;
  endReason?: string;
  resultInfo?: ResultInfo;
  loadId?: string;
  ops: Map<string, Operation>;
  timers: Set<NodeJS.Timeout>;
  chain: Promise<void>;
  seq: number;
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PlaceOptions {
  tenantId: string;
  from: string;
  to: string;
  dtmf?: string;
  patienceS?: number;
  handleTimeS?: number;
  loadId?: string;
}

const KEEP_ENDED = 500;
const AVAILABLE_TO_ANSWER = new Set(['Available', 'AvailableIdle', 'Away', 'BeRightBack']);

export class CallEngine {
  readonly calls = new Map<string, SimCall>();
  private readonly ended: string[] = [];
  /** agentId → callId while the agent talks */
  private readonly agentBusy = new Map<string, string>();
  private readonly endListeners: ((call: SimCall) => void)[] = [];
  private readonly connectListeners: ((call: SimCall) => void)[] = [];

  constructor(
    private readonly core: SimCore,
    private readonly ca: string,
  ) {}

  onEnd(fn: (call: SimCall) => void): void {
    this.endListeners.push(fn);
  }

  onConnect(fn: (call: SimCall) => void): void {
    this.connectListeners.push(fn);
  }

  reset(): void {
    for (const c of this.calls.values()) for (const t of c.timers) clearTimeout(t);
    this.calls.clear();
    this.ended.length = 0;
    this.agentBusy.clear();
  }

  list(tenantId: string): SimCall[] {
    return [...this.calls.values()].filter((c) => c.tenantId === tenantId);
  }

  // ---- timers bound to a call: cleared when it ends ----
  private after(call: SimCall, ms: number, fn: () => void): NodeJS.Timeout {
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

  private cancel(call: SimCall, t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    call.timers.delete(t);
  }

  // ---- notifications ----
  private botToken(call: SimCall): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(this.core.botKey, {
      iss: BOT_ISSUER,
      aud: call.botAppId,
      tid: call.tenantId,
      serviceurl: `${this.core.baseUrl}/`,
      iat: now,
      nbf: now - 5,
      exp: now + 3600,
    });
  }

  private enqueue(call: SimCall, notification: Record<string, unknown>, url?: string): void {
    const target = url ?? call.callbackUri ?? call.webhookUrl;
    const envelope = {
      '@odata.type': '#microsoft.graph.commsNotifications',
      value: [{ '@odata.type': '#microsoft.graph.commsNotification', ...notification }],
    };
    const token = this.botToken(call);
    call.seq++;
    call.chain = call.chain.then(async () => {
      const res = await postJson(target, envelope, token, this.ca);
      if (res.ok) this.core.guard.stats.notificationsSent++;
      else {
        this.core.guard.stats.notificationsFailed++;
        this.core.log(`notification for call ${call.id} to ${target} failed: ${res.error ?? res.status}`);
      }
    });
  }

  resourceData(call: SimCall, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const tenant = this.core.tenants.get(call.tenantId);
    const ra = tenant?.users.get(call.resourceAccountId);
    const phone = {
      '@odata.type': '#microsoft.graph.identity',
      id: call.direction === 'incoming' ? call.from : call.to,
    };
    const app = {
      '@odata.type': '#microsoft.graph.identity',
      id: call.resourceAccountId,
      displayName: ra?.displayName ?? null,
    };
    const remote = { '@odata.type': '#microsoft.graph.identitySet', phone };
    const local = { '@odata.type': '#microsoft.graph.identitySet', applicationInstance: app };
    return {
      '@odata.type': '#microsoft.graph.call',
      state: call.state,
      direction: call.direction,
      callbackUri: call.callbackUri ?? call.webhookUrl,
      source: {
        '@odata.type': '#microsoft.graph.participantInfo',
        identity: call.direction === 'incoming' ? remote : local,
        endpointType: 'default',
        region: null,
        languageId: null,
      },
      targets: [
        {
          '@odata.type': '#microsoft.graph.invitationParticipantInfo',
          identity: call.direction === 'incoming' ? local : remote,
          endpointType: 'default',
        },
      ],
      requestedModalities: ['audio'],
      tenantId: call.tenantId,
      myParticipantId: call.myParticipantId,
      id: call.id,
      callChainId: call.callChainId,
      incomingContext:
        call.direction === 'incoming'
          ? {
              '@odata.type': '#microsoft.graph.incomingContext',
              sourceParticipantId: call.callerParticipantId,
              observedParticipantId: call.callerParticipantId,
              onBehalfOf: null,
              transferor: null,
            }
          : null,
      ...extra,
    };
  }

  private notifyState(call: SimCall, changeType = 'updated', extra: Record<string, unknown> = {}, url?: string): void {
    this.enqueue(
      call,
      { changeType, resourceUrl: `/communications/calls/${call.id}`, resourceData: this.resourceData(call, extra) },
      url,
    );
  }

  private notifyOperation(
    call: SimCall,
    op: Operation,
    status: 'completed' | 'failed',
    resultInfo: ResultInfo,
    extra: Record<string, unknown> = {},
  ): void {
    call.ops.delete(op.id);
    if (!call.callbackUri || !call.botInCall) return;
    this.enqueue(call, {
      changeType: 'deleted',
      resourceUrl: `/communications/calls/${call.id}/operations/${op.id}`,
      resourceData: {
        '@odata.type': `#microsoft.graph.${op.type}`,
        id: op.id,
        status,
        clientContext: op.clientContext,
        resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', ...resultInfo },
        ...extra,
      },
    });
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
    this.notifyState(call, 'created');
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
    this.notifyState(call);
    if (typeof userId === 'string') {
      this.ringAgent(call, userId, this.core.faults.incomingCallTimeoutMs, (answered) => {
        if (!answered)
          return this.terminate(call, { code: 408, subcode: 0, message: 'The target did not answer.' }, 'unanswered');
        this.occupyAgent(call, userId);
        call.state = 'established';
        this.notifyState(call);
      });
    } else {
      this.after(call, this.core.faults.outboundAnswerDelayMs, () => {
        call.state = 'established';
        this.notifyState(call);
        this.maybeStartDtmf(call);
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

  // ---- bot actions ----

  answer(call: SimCall, body: Record<string, unknown>): void {
    if (call.state !== 'incoming')
      throw new SimError(400, `Call is in state '${call.state}'; only incoming calls can be answered.`);
    if (typeof body.callbackUri !== 'string' || !/^https?:\/\//.test(body.callbackUri))
      throw new SimError(400, 'callbackUri is required.');
    call.callbackUri = body.callbackUri;
    call.answeredAt = Date.now();
    call.state = 'establishing';
    const d = this.core.faults.establishDelayMs;
    this.after(call, d, () => {
      this.notifyState(call);
      this.after(call, d, () => {
        call.state = 'established';
        this.notifyState(call);
        this.maybeStartDtmf(call);
      });
    });
  }

  reject(call: SimCall, body: Record<string, unknown>): void {
    if (call.state !== 'incoming')
      throw new SimError(400, `Call is in state '${call.state}'; only incoming calls can be rejected.`);
    const reason = typeof body.reason === 'string' ? body.reason : 'none';
    this.terminate(
      call,
      { code: 603, subcode: 0, message: `The call was rejected by the application (${reason}).` },
      'rejected',
    );
  }

  redirect(call: SimCall, body: Record<string, unknown>): void {
    if (call.state !== 'incoming') throw new SimError(400, 'Only unanswered (incoming) calls can be redirected.');
    const targets = Array.isArray(body.targets) ? body.targets : [];
    if (targets.length === 0 || targets.length > 25) throw new SimError(400, 'redirect needs 1 to 25 targets.');
    const timeoutS = typeof body.timeout === 'number' ? body.timeout : 55;
    if (timeoutS < 15 || timeoutS > 90) throw new SimError(400, 'timeout must be between 15 and 90 seconds.');
    call.state = 'redirecting';
    this.notifyState(call);
    const userIds = targets
      .map((t) => (t as { identity?: { user?: { id?: unknown } } }).identity?.user?.id)
      .filter((id): id is string => typeof id === 'string');
    let done = false;
    let pending = userIds.length;
    const finishNoAnswer = (): void => {
      if (done) return;
      done = true;
      this.terminate(call, { code: 408, subcode: 0, message: 'No redirect target answered.' }, 'unanswered');
    };
    if (pending === 0) {
      // PSTN targets: the far end picks up
      this.after(call, this.core.faults.outboundAnswerDelayMs, () =>
        this.handOver(call, undefined, { code: 0, subcode: 7015, message: 'The call was redirected.' }),
      );
      return;
    }
    for (const id of userIds) {
      this.ringAgent(call, id, timeoutS * 1000, (answered) => {
        if (done) return;
        if (answered && !this.agentBusy.has(id)) {
          done = true;
          this.handOver(call, id, { code: 0, subcode: 7015, message: 'The call was redirected.' });
        } else if (--pending === 0) finishNoAnswer();
      });
    }
  }

  transfer(call: SimCall, body: Record<string, unknown>): void {
    if (call.state !== 'established')
      throw new SimError(400, `Call is in state '${call.state}'; only established calls can be transferred.`);
    const tt = body.transferTarget as { identity?: { user?: { id?: unknown }; phone?: { id?: unknown } } } | undefined;
    const userId = tt?.identity?.user?.id;
    const phone = tt?.identity?.phone?.id;
    if (typeof userId !== 'string' && typeof phone !== 'string')
      throw new SimError(400, 'transferTarget.identity must contain a user or phone.');
    call.state = 'transferring';
    this.notifyState(call);
    const accepted = (agentId: string | undefined): void => {
      call.state = 'transferAccepted';
      this.notifyState(call);
      this.handOver(call, agentId, { code: 0, subcode: 7015, message: 'GracefulTransferCompleted' });
    };
    if (typeof phone === 'string') {
      this.after(call, this.core.faults.outboundAnswerDelayMs, () => accepted(undefined));
      return;
    }
    this.ringAgent(call, userId as string, this.core.faults.incomingCallTimeoutMs, (answered) => {
      if (answered && !this.agentBusy.has(userId as string)) return accepted(userId as string);
      call.state = 'established';
      this.notifyState(call, 'updated', {
        resultInfo: {
          '@odata.type': '#microsoft.graph.resultInfo',
          code: 500,
          subcode: 7000,
          message: 'The transfer target did not answer.',
        },
      });
    });
  }

  /** Rings an agent: they answer after answerDelayMs with answerProbability, if free and present; else never. */
  private ringAgent(call: SimCall, agentId: string, timeoutMs: number, done: (answered: boolean) => void): void {
    const tenant = this.core.tenants.get(call.tenantId)!;
    const profile = tenant.agentProfiles.get(agentId);
    const presence = tenant.presence.get(agentId);
    const willAnswer =
      !!profile &&
      !!presence &&
      AVAILABLE_TO_ANSWER.has(presence.availability) &&
      !this.agentBusy.has(agentId) &&
      Math.random() < profile.answerProbability &&
      profile.answerDelayMs < timeoutMs;
    if (willAnswer) this.after(call, profile!.answerDelayMs, () => done(true));
    else this.after(call, timeoutMs, () => done(false));
  }

  private occupyAgent(call: SimCall, agentId: string): void {
    const tenant = this.core.tenants.get(call.tenantId)!;
    call.agentId = agentId;
    call.connectedAt = Date.now();
    this.agentBusy.set(agentId, call.id);
    tenant.presence.set(agentId, { availability: 'Busy', activity: 'InACall' });
    for (const fn of this.connectListeners) fn(call);
    // the caller talks for their handle time, then hangs up
    this.after(call, call.handleTimeS * 1000, () => {
      this.terminate(
        call,
        { code: 200, subcode: 5010, message: 'The call was ended by the remote party.' },
        'completed',
      );
    });
  }

  /** The call leaves the bot (transfer/redirect accepted); the caller and agent talk on. */
  private handOver(call: SimCall, agentId: string | undefined, info: ResultInfo): void {
    call.resultInfo = info;
    const bot = { ...call };
    bot.state = 'terminated';
    this.enqueue(call, {
      changeType: 'deleted',
      resourceUrl: `/communications/calls/${call.id}`,
      resourceData: this.resourceData(bot, { resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', ...info } }),
    });
    call.botInCall = false;
    for (const op of call.ops.values()) if (op.timer) this.cancel(call, op.timer);
    call.ops.clear();
    call.state = 'connectedToAgent';
    if (agentId) this.occupyAgent(call, agentId);
    else {
      call.connectedAt = Date.now();
      for (const fn of this.connectListeners) fn(call);
      this.after(call, call.handleTimeS * 1000, () =>
        this.terminate(
          call,
          { code: 200, subcode: 5010, message: 'The call was ended by the remote party.' },
          'completed',
        ),
      );
    }
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
      this.enqueue(call, {
        changeType: 'deleted',
        resourceUrl: `/communications/calls/${call.id}`,
        resourceData: this.resourceData(call, {
          resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', ...info },
        }),
      });
    }
    if (call.agentId && this.agentBusy.get(call.agentId) === call.id) {
      this.agentBusy.delete(call.agentId);
      const tenant = this.core.tenants.get(call.tenantId);
      if (tenant?.presence.has(call.agentId))
        tenant.presence.set(call.agentId, { availability: 'Available', activity: 'Available' });
    }
    this.ended.push(call.id);
    while (this.ended.length > KEEP_ENDED) this.calls.delete(this.ended.shift()!);
    for (const fn of this.endListeners) fn(call);
  }

  hangUpByBot(call: SimCall): void {
    this.terminate(call, { code: 200, subcode: 5000, message: 'The call was ended by the application.' }, 'endedByBot');
  }

  // ---- media operations ----

  private newOp(call: SimCall, type: string, body: Record<string, unknown>): Operation {
    const op: Operation = {
      id: newId(),
      type,
      clientContext: typeof body.clientContext === 'string' ? body.clientContext : null,
    };
    call.ops.set(op.id, op);
    return op;
  }

  opView(op: Operation, status: string): Record<string, unknown> {
    return {
      '@odata.type': `#microsoft.graph.${op.type}`,
      id: op.id,
      status,
      clientContext: op.clientContext,
      resultInfo: null,
    };
  }

  private requireEstablished(call: SimCall): void {
    if (call.state !== 'established')
      throw new SimError(400, `Call is in state '${call.state}'; the action needs an established call.`);
  }

  playPrompt(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    this.requireEstablished(call);
    const prompts = Array.isArray(body.prompts) ? body.prompts : [];
    if (prompts.length === 0 || prompts.length > 20) throw new SimError(400, 'playPrompt needs 1 to 20 prompts.');
    const op = this.newOp(call, 'playPromptOperation', body);
    op.timer = this.after(call, this.core.faults.promptDurationMs * prompts.length, () => {
      this.notifyOperation(call, op, 'completed', {
        code: 200,
        subcode: 0,
        message: 'Action completed, prompt played.',
      });
      this.maybeStartDtmf(call);
    });
    return this.opView(op, 'running');
  }

  recordResponse(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    this.requireEstablished(call);
    const max = typeof body.maxRecordDurationInSeconds === 'number' ? body.maxRecordDurationInSeconds : 5;
    if (max < 1 || max > 120) throw new SimError(400, 'maxRecordDurationInSeconds must be between 1 and 120.');
    const op = this.newOp(call, 'recordOperation', body);
    op.timer = this.after(call, Math.min(max * 1000, this.core.faults.promptDurationMs), () => {
      this.notifyOperation(
        call,
        op,
        'completed',
        { code: 200, subcode: 8510, message: 'Action completed, max record duration reached.' },
        {
          completionReason: 'maxRecordDurationReached',
          recordingLocation: `${this.core.baseUrl}/_sim/recordings/${op.id}`,
          recordingAccessToken: newId(),
        },
      );
    });
    return this.opView(op, 'running');
  }

  subscribeToTone(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    if (call.state !== 'established' && call.state !== 'establishing')
      throw new SimError(400, `Call is in state '${call.state}'.`);
    call.toneSubscribed = true;
    const op: Operation = {
      id: newId(),
      type: 'subscribeToToneOperation',
      clientContext: typeof body.clientContext === 'string' ? body.clientContext : null,
    };
    this.maybeStartDtmf(call);
    return this.opView(op, 'completed');
  }

  cancelMediaProcessing(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    for (const op of [...call.ops.values()]) {
      if (op.type !== 'playPromptOperation' && op.type !== 'recordOperation') continue;
      this.cancel(call, op.timer);
      this.notifyOperation(call, op, 'failed', { code: 400, subcode: 8508, message: 'The operation was cancelled.' });
    }
    const op: Operation = {
      id: newId(),
      type: 'commsOperation',
      clientContext: typeof body.clientContext === 'string' ? body.clientContext : null,
    };
    return this.opView(op, 'completed');
  }

  updateRecordingStatus(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    if (!['recording', 'notRecording', 'failed'].includes(String(body.status))) {
      throw new SimError(400, 'status must be recording, notRecording or failed.');
    }
    call.recordingStatus = String(body.status);
    const op: Operation = {
      id: newId(),
      type: 'updateRecordingStatusOperation',
      clientContext: typeof body.clientContext === 'string' ? body.clientContext : null,
    };
    return this.opView(op, 'completed');
  }

  invite(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    this.requireEstablished(call);
    const participants = Array.isArray(body.participants) ? body.participants : [];
    if (participants.length === 0 || participants.length > 5)
      throw new SimError(400, 'invite needs 1 to 5 participants.');
    const userId = (participants[0] as { identity?: { user?: { id?: unknown } } }).identity?.user?.id;
    if (typeof userId !== 'string') throw new SimError(400, 'participants[0].identity.user.id is required.');
    const op = this.newOp(call, 'inviteParticipantsOperation', body);
    this.ringAgent(call, userId, this.core.faults.incomingCallTimeoutMs, (answered) => {
      if (!answered || this.agentBusy.has(userId) || call.agentId) {
        this.notifyOperation(call, op, 'failed', {
          code: 408,
          subcode: 0,
          message: 'The invited participant did not answer.',
        });
        return;
      }
      this.occupyAgent(call, userId);
      const tenant = this.core.tenants.get(call.tenantId)!;
      this.enqueue(call, {
        changeType: 'updated',
        resourceUrl: `/communications/calls/${call.id}/participants`,
        resourceData: [
          {
            '@odata.type': '#microsoft.graph.participant',
            id: newId(),
            info: {
              '@odata.type': '#microsoft.graph.participantInfo',
              identity: {
                user: {
                  id: userId,
                  displayName: tenant.users.get(userId)?.displayName ?? null,
                  tenantId: call.tenantId,
                },
              },
            },
            mediaStreams: [],
            isInLobby: false,
            isMuted: false,
          },
        ],
      });
      this.notifyOperation(call, op, 'completed', { code: 200, subcode: 0, message: 'The participant was added.' });
    });
    return this.opView(op, 'running');
  }

  holdMusic(call: SimCall, start: boolean, body: Record<string, unknown>): Record<string, unknown> {
    this.requireEstablished(call);
    const op: Operation = {
      id: newId(),
      type: start ? 'startHoldMusicOperation' : 'stopHoldMusicOperation',
      clientContext: typeof body.clientContext === 'string' ? body.clientContext : null,
    };
    return this.opView(op, 'completed');
  }

  /** The caller presses their scripted keys once the bot listens and no prompt is playing. */
  private maybeStartDtmf(call: SimCall): void {
    if (call.dtmfStarted || !call.toneSubscribed || call.state !== 'established' || !call.dtmf) return;
    if ([...call.ops.values()].some((o) => o.type === 'playPromptOperation')) return;
    call.dtmfStarted = true;
    const interval = this.core.faults.dtmfIntervalMs;
    let delay = interval;
    let seq = 0;
    for (const ch of call.dtmf) {
      if (ch === ',' || ch === ' ') {
        delay += interval;
        continue;
      }
      const tone = ch === '*' ? 'star' : ch === '#' ? 'pound' : /^[0-9]$/.test(ch) ? `tone${ch}` : null;
      if (!tone) continue;
      const sequenceId = ++seq;
      this.after(call, delay, () => {
        if (call.state !== 'established' || !call.botInCall) return;
        this.notifyState(call, 'updated', {
          toneInfo: { '@odata.type': '#microsoft.graph.toneInfo', sequenceId, tone },
        });
      });
      delay += interval;
    }
  }
}
