// The call's signalling actions: answer, reject, redirect, transfer, hang up — and how the call leaves the bot.
import type { CallEngine } from './engine';
import { ResultInfo, SimCall, SimError } from './types';
import { callResource } from './view';

export class Signalling {
  constructor(private readonly e: CallEngine) {}

  answer(call: SimCall, body: Record<string, unknown>): void {
    if (call.state !== 'incoming')
      throw new SimError(400, `Call is in state '${call.state}'; only incoming calls can be answered.`);
    if (typeof body.callbackUri !== 'string' || !/^https?:\/\//.test(body.callbackUri))
      throw new SimError(400, 'callbackUri is required.');
    call.callbackUri = body.callbackUri;
    call.answeredAt = Date.now();
    call.state = 'establishing';
    const d = this.e.core.faults.establishDelayMs;
    this.e.after(call, d, () => {
      this.e.notify.state(call);
      this.e.after(call, d, () => {
        call.state = 'established';
        this.e.notify.state(call);
        this.e.media.maybeStartDtmf(call);
      });
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

  redirect(call: SimCall, body: Record<string, unknown>): void {
    if (call.state !== 'incoming') throw new SimError(400, 'Only unanswered (incoming) calls can be redirected.');
    const targets = Array.isArray(body.targets) ? body.targets : [];
    if (targets.length === 0 || targets.length > 25) throw new SimError(400, 'redirect needs 1 to 25 targets.');
    const timeoutS = typeof body.timeout === 'number' ? body.timeout : 55;
    if (timeoutS < 15 || timeoutS > 90) throw new SimError(400, 'timeout must be between 15 and 90 seconds.');
    call.state = 'redirecting';
    this.e.notify.state(call);
    const userIds = targets
      .map((t) => (t as { identity?: { user?: { id?: unknown } } }).identity?.user?.id)
      .filter((id): id is string => typeof id === 'string');
    let done = false;
    let pending = userIds.length;
    const finishNoAnswer = (): void => {
      if (done) return;
      done = true;
      this.e.terminate(call, { code: 408, subcode: 0, message: 'No redirect target answered.' }, 'unanswered');
    };
    if (pending === 0) {
      // PSTN targets: the far end picks up
      this.e.after(call, this.e.core.faults.outboundAnswerDelayMs, () =>
        this.handOver(call, undefined, { code: 0, subcode: 7015, message: 'The call was redirected.' }),
      );
      return;
    }
    for (const id of userIds) {
      this.e.people.ringAgent(call, id, timeoutS * 1000, (answered) => {
        if (done) return;
        if (answered && !this.e.people.agentBusy.has(id)) {
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
    this.e.notify.state(call);
    const accepted = (agentId: string | undefined): void => {
      call.state = 'transferAccepted';
      this.e.notify.state(call);
      this.handOver(call, agentId, { code: 0, subcode: 7015, message: 'GracefulTransferCompleted' });
    };
    if (typeof phone === 'string') {
      this.e.after(call, this.e.core.faults.outboundAnswerDelayMs, () => accepted(undefined));
      return;
    }
    this.e.people.ringAgent(call, userId as string, this.e.core.faults.incomingCallTimeoutMs, (answered) => {
      if (answered && !this.e.people.agentBusy.has(userId as string)) return accepted(userId as string);
      call.state = 'established';
      this.e.notify.state(call, 'updated', {
        resultInfo: {
          '@odata.type': '#microsoft.graph.resultInfo',
          code: 500,
          subcode: 7000,
          message: 'The transfer target did not answer.',
        },
      });
    });
  }

  /** The call leaves the bot (transfer/redirect accepted); the caller and agent talk on. */
  handOver(call: SimCall, agentId: string | undefined, info: ResultInfo): void {
    call.resultInfo = info;
    const bot = { ...call };
    bot.state = 'terminated';
    this.e.notify.enqueue(call, {
      changeType: 'deleted',
      resourceUrl: `/communications/calls/${call.id}`,
      resourceData: callResource(this.e.core, bot, {
        resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', ...info },
      }),
    });
    call.botInCall = false;
    for (const op of call.ops.values()) if (op.timer) this.e.cancel(call, op.timer);
    call.ops.clear();
    call.state = 'connectedToAgent';
    if (agentId) this.e.people.occupyAgent(call, agentId);
    else {
      call.connectedAt = Date.now();
      this.e.connected(call);
      this.e.after(call, call.handleTimeS * 1000, () =>
        this.e.terminate(
          call,
          { code: 200, subcode: 5010, message: 'The call was ended by the remote party.' },
          'completed',
        ),
      );
    }
  }

  hangUpByBot(call: SimCall): void {
    this.e.terminate(
      call,
      { code: 200, subcode: 5000, message: 'The call was ended by the application.' },
      'endedByBot',
    );
  }
}
