// Service-hosted media operations: prompts, recording, tones, hold music, recording status; and the caller's keys.
import { newId } from '../util';
import type { CallEngine } from './engine';
import { Operation, SimCall, SimError } from './types';

export class Media {
  constructor(private readonly e: CallEngine) {}

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

  requireEstablished(call: SimCall): void {
    if (call.state !== 'established')
      throw new SimError(400, `Call is in state '${call.state}'; the action needs an established call.`);
  }

  playPrompt(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    this.requireEstablished(call);
    const prompts = Array.isArray(body.prompts) ? body.prompts : [];
    if (prompts.length === 0 || prompts.length > 20) throw new SimError(400, 'playPrompt needs 1 to 20 prompts.');
    const op = this.newOp(call, 'playPromptOperation', body);
    op.timer = this.e.after(call, this.e.core.faults.promptDurationMs * prompts.length, () => {
      this.e.notify.operation(call, op, 'completed', {
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
    op.timer = this.e.after(call, Math.min(max * 1000, this.e.core.faults.promptDurationMs), () => {
      this.e.notify.operation(
        call,
        op,
        'completed',
        { code: 200, subcode: 8510, message: 'Action completed, max record duration reached.' },
        {
          completionReason: 'maxRecordDurationReached',
          recordingLocation: `${this.e.core.baseUrl}/_sim/recordings/${op.id}`,
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
      this.e.cancel(call, op.timer);
      this.e.notify.operation(call, op, 'failed', {
        code: 400,
        subcode: 8508,
        message: 'The operation was cancelled.',
      });
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
  maybeStartDtmf(call: SimCall): void {
    if (call.dtmfStarted || !call.toneSubscribed || call.state !== 'established' || !call.dtmf) return;
    if ([...call.ops.values()].some((o) => o.type === 'playPromptOperation')) return;
    call.dtmfStarted = true;
    const interval = this.e.core.faults.dtmfIntervalMs;
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
      this.e.after(call, delay, () => {
        if (call.state !== 'established' || !call.botInCall) return;
        this.e.notify.state(call, 'updated', {
          toneInfo: { '@odata.type': '#microsoft.graph.toneInfo', sequenceId, tone },
        });
      });
      delay += interval;
    }
  }
}
