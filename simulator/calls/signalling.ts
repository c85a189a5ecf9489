// The call's signalling: answer, reject, redirect, transfer, hang-up — and how the call leaves the bot.
// Shapes and codes follow api-reference/v1.0/api/call-answer.md, call-redirect.md, call-transfer.md and
// call-delete.md (microsoftgraph/microsoft-graph-docs-contrib).
import { isRecord } from '../util';
import type { CallEngine } from './engine';
import { RESULTS, ResultInfo, SimCall, SimError, TENANT_MISMATCH } from './types';

type Identity = { user?: { id?: unknown }; phone?: { id?: unknown }; applicationInstance?: { id?: unknown } };
const ROUTING_POLICIES = new Set([
  'none',
  'noMissedCall',
  'disableForwardingExceptPhone',
  'disableForwarding',
  'preferSkypeForBusiness',
]);

export type Taker =
  { kind: 'agent'; agentId: string } | { kind: 'pstn'; number: string } | { kind: 'voicemail'; agentId: string };

export class Signalling {
  constructor(private readonly e: CallEngine) {}

  /** call-answer.md: callbackUri, acceptedModalities and mediaConfig are required. */
  answer(call: SimCall, body: Record<string, unknown>): void {
    if (call.state !== 'incoming')
      throw new SimError(400, `Call is in state '${call.state}'; only incoming calls can be answered.`);
    if (typeof body.callbackUri !== 'string' || !/^https?:\/\//.test(body.callbackUri))
      throw new SimError(400, 'callbackUri is required.');
    const modalities = body.acceptedModalities;
    if (!Array.isArray(modalities) || modalities.length === 0 || !modalities.every((m) => typeof m === 'string'))
      throw new SimError(400, 'acceptedModalities is required (e.g. ["audio"]).');
    call.mediaConfig = mediaConfigOf(body.mediaConfig);
    call.callbackUri = body.callbackUri;
    call.answeredAt = Date.now();
    call.state = 'establishing';
    this.establish(call);
  }

  /**
   * establishing → established, each after establishDelayMs. With establishSwapProbability the two notifications
   * arrive the other way round (microsoft-graph.md §6: "establishing/established may arrive out of order").
   */
  establish(call: SimCall): void {
    const f = this.e.core.faults;
    const d = f.establishDelayMs;
    const swap = Math.random() < f.establishSwapProbability;
    const established = (): void => {
      call.state = 'established';
      this.e.notify.updated(call, { state: 'established' });
      this.e.notify.roster(call);
      this.e.media.startDtmf(call);
    };
    this.e.after(call, d, () => {
      if (swap) {
        established();
        this.e.after(call, d, () => this.e.notify.updated(call, { state: 'establishing' }));
        return;
      }
      this.e.notify.updated(call, { state: 'establishing' });
      this.e.after(call, d, established);
    });
  }

  reject(call: SimCall, body: Record<string, unknown>): void {
    if (call.state !== 'incoming')
      throw new SimError(400, `Call is in state '${call.state}'; only incoming calls can be rejected.`);
    const reason = typeof body.reason === 'string' ? body.reason : 'none';
    this.e.terminate(
      call,
      { code: 603, subcode: 0, message: `The call was rejected by the application (${reason}).` },
      'rejected',
    );
  }

  /** Another resource account as a target: it must be in the call's tenant (7505 otherwise). */
  private instanceTarget(call: SimCall, identity: Identity | undefined): string | undefined {
    const id = identity?.applicationInstance?.id;
    if (typeof id !== 'string') return undefined;
    const tenant = this.e.core.tenants.get(call.tenantId)!;
    if (!tenant.instances.has(id))
      throw new SimError(
        403,
        `Tenant mismatch: application instance ${id} is not in tenant ${call.tenantId}.`,
        TENANT_MISMATCH,
      );
    return id;
  }

  /**
   * call-redirect.md: unanswered calls only; targets ring together (≤ 25), timeout 15–90 s; routingPolicies
   * disableForwarding stops an agent's forwarding to voicemail; the redirect's own callbackUri gets its notifications.
   */
  redirect(call: SimCall, body: Record<string, unknown>): void {
    if (call.state !== 'incoming') throw new SimError(400, 'Only unanswered (incoming) calls can be redirected.');
    const targets = (Array.isArray(body.targets) ? body.targets : []) as { identity?: Identity }[];
    if (targets.length === 0 || targets.length > 25) throw new SimError(400, 'redirect needs 1 to 25 targets.');
    const timeoutS = typeof body.timeout === 'number' ? body.timeout : 55;
    if (timeoutS < 15 || timeoutS > 90) throw new SimError(400, 'timeout must be between 15 and 90 seconds.');
    const policies = body.routingPolicies === undefined ? [] : body.routingPolicies;
    if (!Array.isArray(policies) || !policies.every((p) => typeof p === 'string' && ROUTING_POLICIES.has(p)))
      throw new SimError(400, `routingPolicies must be a subset of ${[...ROUTING_POLICIES].join(', ')}.`);
    if (
      body.callbackUri !== undefined &&
      (typeof body.callbackUri !== 'string' || !/^https?:\/\//.test(body.callbackUri))
    )
      throw new SimError(400, 'callbackUri must be an http(s) URL.');
    const instances = targets.map((t) => this.instanceTarget(call, t.identity));
    if (typeof body.callbackUri === 'string') call.callbackUri = body.callbackUri;
    const forwarding = !policies.includes('disableForwarding');
    call.state = 'redirecting';
    this.e.notify.updated(call, { state: 'redirecting' });
    let done = false;
    let pending = targets.length;
    const win = (t: Taker | string): void => {
      if (done) return;
      done = true;
      if (typeof t === 'string') this.e.handOverToInstance(call, t, RESULTS.redirected);
      else this.handOver(call, t, RESULTS.redirected);
    };
    const lose = (): void => {
      if (done || --pending > 0) return;
      done = true;
      this.e.terminate(call, { code: 408, subcode: 0, message: 'No redirect target answered.' }, 'unanswered');
    };
    targets.forEach((t, i) => {
      const userId = t.identity?.user?.id;
      const phone = t.identity?.phone?.id;
      if (instances[i]) this.e.after(call, this.e.core.faults.establishDelayMs, () => win(instances[i]!));
      else if (typeof userId === 'string')
        this.e.people.ringAgent(
          call,
          userId,
          timeoutS * 1000,
          (r) => {
            if (r === 'answered' && !this.e.people.agentBusy.has(userId)) win({ kind: 'agent', agentId: userId });
            else if (r === 'voicemail') win({ kind: 'voicemail', agentId: userId });
            else lose();
          },
          forwarding,
        );
      else if (typeof phone === 'string')
        this.e.people.ringCallee(call, phone, (r) =>
          r === 'answered' ? win({ kind: 'pstn', number: phone }) : lose(),
        );
      else lose();
    });
  }

  /**
   * call-transfer.md: established calls only; `transferee` is needed once the call is a group call; completed →
   * transferring, transferAccepted, deleted 0/7015; failed → back to established with resultInfo 500/7000.
   */
  transfer(call: SimCall, body: Record<string, unknown>): void {
    if (call.state !== 'established')
      throw new SimError(400, `Call is in state '${call.state}'; only established calls can be transferred.`);
    const tt = body.transferTarget as { identity?: Identity } | undefined;
    const userId = tt?.identity?.user?.id;
    const phone = tt?.identity?.phone?.id;
    const instance = this.instanceTarget(call, tt?.identity);
    if (typeof userId !== 'string' && typeof phone !== 'string' && !instance)
      throw new SimError(400, 'transferTarget.identity must contain a user, phone or applicationInstance.');
    if (call.group) {
      const transferee = body.transferee;
      const pid = isRecord(transferee) ? transferee.participantId : undefined;
      if (typeof pid !== 'string')
        throw new SimError(
          400,
          'transferee (participantInfo with participantId) is required to transfer from a group call.',
        );
      if (!call.participants.some((p) => p.id === pid))
        throw new SimError(404, `Participant '${pid}' was not found in the call.`, 8522);
    }
    call.state = 'transferring';
    this.e.notify.updated(call, { state: 'transferring' });
    const accepted = (t: Taker | string): void => {
      call.state = 'transferAccepted';
      this.e.notify.updated(call, { state: 'transferAccepted' });
      if (typeof t === 'string') this.e.handOverToInstance(call, t, RESULTS.transferred);
      else this.handOver(call, t, RESULTS.transferred);
    };
    const failed = (): void => {
      call.state = 'established';
      this.e.notify.updated(call, {
        state: 'established',
        resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', ...RESULTS.transferFailed },
      });
    };
    if (instance) return void this.e.after(call, this.e.core.faults.establishDelayMs, () => accepted(instance));
    if (typeof phone === 'string')
      return this.e.people.ringCallee(call, phone, (r) =>
        r === 'answered' ? accepted({ kind: 'pstn', number: phone }) : failed(),
      );
    const agentId = userId as string;
    this.e.people.ringAgent(
      call,
      agentId,
      this.e.core.faults.incomingCallTimeoutMs,
      (r) => {
        if (r === 'answered' && !this.e.people.agentBusy.has(agentId)) accepted({ kind: 'agent', agentId });
        else if (r === 'voicemail') accepted({ kind: 'voicemail', agentId });
        else failed();
      },
      true,
    );
  }

  /** The call leaves the bot (transfer/redirect accepted): the bot's leg ends; the caller talks on with the taker. */
  handOver(call: SimCall, taker: Taker, info: ResultInfo): void {
    this.e.notify.deleted(call, info);
    this.leaveBot(call);
    call.state = 'connectedToAgent';
    if (taker.kind === 'agent') {
      call.answeredBy = 'agent';
      this.e.people.agentJoins(call, taker.agentId);
      return;
    }
    if (taker.kind === 'voicemail') {
      // the agent's voicemail takes the call: the caller leaves a message and hangs up
      call.answeredBy = 'voicemail';
      const tenant = this.e.core.tenants.get(call.tenantId)!;
      this.e.people.participant(call, {
        id: `voicemail-${taker.agentId}`,
        kind: 'voicemail',
        userId: taker.agentId,
        displayName: `${tenant.users.get(taker.agentId)?.displayName ?? taker.agentId} (voicemail)`,
        hidden: false,
        removeFromDefaultAudioRoutingGroup: false,
      });
      this.e.after(call, Math.min(call.handleTimeS, 30) * 1000, () =>
        this.e.terminate(call, RESULTS.pstnHangUp, 'voicemail'),
      );
      return;
    }
    call.answeredBy = 'pstn';
    call.connectedAt = Date.now();
    this.e.people.participant(call, {
      id: `pstn-${taker.number}`,
      kind: 'pstn',
      phone: taker.number,
      displayName: null,
      hidden: false,
      removeFromDefaultAudioRoutingGroup: false,
    });
    this.e.connected(call);
    this.e.after(call, call.handleTimeS * 1000, () => this.e.people.callerHangsUp(call));
  }

  /** The bot's leg is gone: no more notifications, operations or media. */
  leaveBot(call: SimCall): void {
    call.botInCall = false;
    // keepAlive is the bot's duty: a call it no longer holds cannot expire for want of one
    this.e.cancel(call, call.keepAliveTimer);
    this.e.media.stopAll(call);
    call.participants = call.participants.filter((p) => p.kind !== 'bot');
  }

  /**
   * DELETE /communications/calls/{id}: `terminating`, then `deleted` 200/7000. For a group call only the bot's leg
   * ends (call-delete.md): a caller still talking to an agent goes on without the bot.
   */
  hangUpByBot(call: SimCall): void {
    this.e.notify.updated(call, { state: 'terminating' });
    const humans = call.participants.filter((p) => p.kind !== 'bot');
    if (call.group && humans.some((p) => p.kind === 'caller') && humans.some((p) => p.kind === 'agent')) {
      this.e.notify.deleted(call, RESULTS.endedByBot);
      this.leaveBot(call);
      call.state = 'connectedToAgent';
      return;
    }
    this.e.terminate(call, RESULTS.endedByBot, call.callerLeftAt ? 'completed' : 'endedByBot');
  }
}

/** serviceHostedMediaConfig or appHostedMediaConfig, by @odata.type; anything else is a 400. */
export function mediaConfigOf(v: unknown): 'serviceHosted' | 'appHosted' {
  const t = isRecord(v) ? String(v['@odata.type'] ?? '') : '';
  if (/serviceHostedMediaConfig$/i.test(t)) return 'serviceHosted';
  if (/appHostedMediaConfig$/i.test(t)) return 'appHosted';
  throw new SimError(
    400,
    "mediaConfig is required ('#microsoft.graph.serviceHostedMediaConfig' or appHostedMediaConfig).",
  );
}
