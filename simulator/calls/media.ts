// Service-hosted media: prompts (queued, in order), recordResponse, tones (the caller types ahead, also during
// prompts), cancelMediaProcessing, hold music, recording status. Shapes follow api-reference/v1.0/api/
// call-playprompt.md, call-record.md, call-subscribetotone.md, call-cancelmediaprocessing.md,
// participant-startholdmusic.md, participant-stopholdmusic.md and call-updaterecordingstatus.md.
import { newId } from '../util';
import type { CallEngine } from './engine';
import { MediaJob, Operation, SimCall, SimError } from './types';
import { checkWav } from './wav';

const TONES: Record<string, string> = { '*': 'star', '#': 'pound' };
const RECORDING_STATES = ['recording', 'notRecording', 'failed'];

export class Media {
  constructor(
    private readonly e: CallEngine,
    private readonly ca: string,
  ) {}

  newOp(call: SimCall, type: string, body: Record<string, unknown>): Operation {
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

  /** call-playprompt.md: "supported only for calls that are initiated with serviceHostedMediaConfig". */
  private requireServiceMedia(call: SimCall, action: string): void {
    if (call.mediaConfig !== 'serviceHosted')
      throw new SimError(
        400,
        `${action} is supported only for calls answered or placed with serviceHostedMediaConfig.`,
      );
  }

  private promptsOf(body: Record<string, unknown>, min: number, max: number): MediaJob['prompts'] {
    const prompts = body.prompts === undefined ? [] : body.prompts;
    if (!Array.isArray(prompts) || prompts.length < min || prompts.length > max)
      throw new SimError(
        400,
        max === 1 ? 'recordResponse takes at most one prompt.' : `prompts must hold ${min} to ${max} mediaPrompts.`,
      );
    return prompts.map((p) => {
      const info = (p as { mediaInfo?: { uri?: unknown } } | null)?.mediaInfo;
      const text = (p as { text?: unknown } | null)?.text;
      if (typeof info?.uri !== 'string') throw new SimError(400, 'Each prompt needs mediaInfo.uri.');
      return { uri: info.uri, ...(typeof text === 'string' ? { text } : {}) };
    });
  }

  /** Prompts are queued behind the call's running media operation and play in order. */
  playPrompt(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    this.requireEstablished(call);
    this.requireServiceMedia(call, 'playPrompt');
    const prompts = this.promptsOf(body, 1, 20);
    const op = this.newOp(call, 'playPromptOperation', body);
    call.mediaQueue.push({ op, kind: 'prompt', prompts });
    this.runNext(call);
    return this.opView(op, 'running');
  }

  /** call-record.md: one prompt at most, then records; ends at max duration with 200/8515. */
  recordResponse(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    this.requireEstablished(call);
    this.requireServiceMedia(call, 'recordResponse');
    const max = typeof body.maxRecordDurationInSeconds === 'number' ? body.maxRecordDurationInSeconds : 5;
    if (max < 1 || max > 120) throw new SimError(400, 'maxRecordDurationInSeconds must be between 1 and 120.');
    const prompts = this.promptsOf(body, 0, 1);
    const op = this.newOp(call, 'recordOperation', body);
    call.mediaQueue.push({ op, kind: 'record', prompts, maxRecordMs: max * 1000 });
    this.runNext(call);
    return this.opView(op, 'running');
  }

  private runNext(call: SimCall): void {
    if (call.mediaRunning || call.mediaQueue.length === 0 || call.state === 'terminated') return;
    const job = call.mediaQueue.shift()!;
    call.mediaRunning = job;
    this.play(call, job, 0);
  }

  private play(call: SimCall, job: MediaJob, i: number): void {
    if (i >= job.prompts.length) return this.afterPrompts(call, job);
    const prompt = job.prompts[i];
    const check = this.e.core.faults.promptFetch && prompt.uri ? checkWav(prompt.uri, this.ca) : Promise.resolve(null);
    void check.then((problem) => {
      if (call.mediaRunning !== job || call.state === 'terminated') return;
      if (problem) {
        // codes shared with Azure Communication Services' media platform (8535 format, 8536 download)
        this.finish(call, job, 'failed', { code: 400, subcode: problem.subcode, message: problem.message });
        return;
      }
      const heard = {
        at: Date.now(),
        kind: 'prompt' as const,
        uri: prompt.uri,
        ...(prompt.text ? { text: prompt.text } : {}),
      };
      call.heard.push(heard);
      job.op.timer = this.e.after(call, this.e.core.faults.promptDurationMs, () => {
        Object.assign(heard, { until: Date.now() });
        this.play(call, job, i + 1);
      });
    });
  }

  private afterPrompts(call: SimCall, job: MediaJob): void {
    if (job.kind === 'prompt') {
      this.finish(call, job, 'completed', { code: 200, subcode: 0, message: 'Action completed successfully.' });
      return;
    }
    job.op.timer = this.e.after(call, Math.min(job.maxRecordMs ?? 5000, this.e.core.faults.promptDurationMs), () =>
      this.finish(
        call,
        job,
        'completed',
        { code: 200, subcode: 8515, message: 'Action completed, max record duration reached.' },
        {
          completionReason: 'maxRecordDurationReached',
          recordingLocation: `${this.e.core.baseUrl}/_sim/recordings/${job.op.id}`,
          recordingAccessToken: newId(),
        },
      ),
    );
  }

  private finish(
    call: SimCall,
    job: MediaJob,
    status: 'completed' | 'failed',
    info: { code: number; subcode: number; message: string },
    extra: Record<string, unknown> = {},
  ): void {
    this.e.cancel(call, job.op.timer);
    this.e.notify.operation(call, job.op, status, info, extra);
    if (call.mediaRunning === job) call.mediaRunning = undefined;
    for (const h of call.heard) if (h.kind === 'prompt' && h.until === undefined) h.until = Date.now();
    this.promptEnded(call);
    this.runNext(call);
  }

  subscribeToTone(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    if (call.state !== 'established' && call.state !== 'establishing')
      throw new SimError(400, `Call is in state '${call.state}'.`);
    this.requireServiceMedia(call, 'subscribeToTone');
    call.toneSubscribed = true;
    const op: Operation = {
      id: newId(),
      type: 'subscribeToToneOperation',
      clientContext: typeof body.clientContext === 'string' ? body.clientContext : null,
    };
    this.startDtmf(call);
    return this.opView(op, 'completed');
  }

  /** Cancels the running media operation and every queued one (each ends `failed`, 400/8508). */
  cancelMediaProcessing(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    const jobs = [...(call.mediaRunning ? [call.mediaRunning] : []), ...call.mediaQueue.splice(0)];
    call.mediaRunning = undefined;
    for (const job of jobs) {
      this.e.cancel(call, job.op.timer);
      this.e.notify.operation(call, job.op, 'failed', {
        code: 400,
        subcode: 8508,
        message: 'The operation was cancelled.',
      });
    }
    for (const h of call.heard) if (h.kind === 'prompt' && h.until === undefined) h.until = Date.now();
    if (jobs.length) this.promptEnded(call);
    const op: Operation = {
      id: newId(),
      type: 'commsOperation',
      clientContext: typeof body.clientContext === 'string' ? body.clientContext : null,
    };
    return this.opView(op, 'completed');
  }

  /** The bot left the call: its media operations die with its leg, without notifications. */
  stopAll(call: SimCall): void {
    for (const job of [...(call.mediaRunning ? [call.mediaRunning] : []), ...call.mediaQueue])
      this.e.cancel(call, job.op.timer);
    call.mediaRunning = undefined;
    call.mediaQueue = [];
    for (const op of call.ops.values()) this.e.cancel(call, op.timer);
    call.ops.clear();
    for (const h of call.heard) if (h.until === undefined) h.until = Date.now();
  }

  /**
   * call-updaterecordingstatus.md: `{clientContext, status: notRecording | recording | failed}` → **200** with a
   * Location header and an updateRecordingStatusOperation, `completed`, `resultInfo: null` (the page's example). The
   * page documents no notification for it, so none is sent. Accepted on established calls only; the history (with
   * each clientContext) shows in the call view (PCI pause tests).
   */
  updateRecordingStatus(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    this.requireEstablished(call);
    if (!RECORDING_STATES.includes(String(body.status)))
      throw new SimError(400, 'status must be recording, notRecording or failed.');
    call.recordingStatus = String(body.status);
    call.recording.push({
      at: Date.now(),
      status: call.recordingStatus,
      ...(typeof body.clientContext === 'string' ? { clientContext: body.clientContext } : {}),
    });
    const op = this.newOp(call, 'updateRecordingStatusOperation', body);
    call.ops.delete(op.id);
    return this.opView(op, 'completed');
  }

  /**
   * participant-startholdmusic.md / stopholdmusic.md: 202 with a running operation that completes by notification;
   * the participant id must be in the roster; one participant on hold at a time.
   */
  holdMusic(
    call: SimCall,
    participantId: string,
    start: boolean,
    body: Record<string, unknown>,
  ): Record<string, unknown> {
    this.requireEstablished(call);
    const p = call.participants.find((x) => x.id === participantId);
    if (!p) throw new SimError(404, `Participant '${participantId}' was not found in the call.`, 8522);
    if (p.kind === 'bot') throw new SimError(400, 'The bot cannot put itself on hold.');
    if (start) {
      const other = call.participants.find((x) => x.onHold);
      if (other) throw new SimError(400, `Participant '${other.id}' is already on hold; one participant at a time.`);
    } else if (!p.onHold) throw new SimError(400, `Participant '${participantId}' is not on hold.`);
    const uri = (body.customPrompt as { mediaInfo?: { uri?: unknown } } | undefined)?.mediaInfo?.uri;
    const op = this.newOp(call, start ? 'startHoldMusicOperation' : 'stopHoldMusicOperation', body);
    if (start) p.onHold = true;
    op.timer = this.e.after(call, this.e.core.faults.establishDelayMs, () => {
      if (start) {
        call.heard.push({ at: Date.now(), kind: 'music', participantId, ...(typeof uri === 'string' ? { uri } : {}) });
      } else {
        p.onHold = false;
        for (const h of call.heard)
          if (h.kind === 'music' && h.participantId === participantId && h.until === undefined) h.until = Date.now();
      }
      this.e.notify.operation(call, op, 'completed', {
        code: 200,
        subcode: 0,
        message: 'Action completed successfully.',
      });
      this.e.notify.roster(call);
    });
    return this.opView(op, 'running');
  }

  // ---- the caller's keys ----

  /** The caller starts on their dtmf script once the bot listens (subscribeToTone) on an established call. */
  startDtmf(call: SimCall): void {
    if (call.dtmfStarted || !call.toneSubscribed || call.state !== 'established' || !call.dtmf) return;
    call.dtmfStarted = true;
    call.dtmfPos = 0;
    this.e.after(call, this.e.core.faults.dtmfIntervalMs, () => this.nextKey(call));
  }

  /**
   * One script character: a digit, `*` or `#` is pressed (also while a prompt plays: callers type ahead); `,` or a
   * space pauses one interval; `w` waits until the next prompt ends.
   */
  private nextKey(call: SimCall): void {
    const interval = this.e.core.faults.dtmfIntervalMs;
    while (call.dtmfPos < call.dtmf.length) {
      const ch = call.dtmf[call.dtmfPos++];
      if (ch === 'w' || ch === 'W') {
        call.dtmfWaiting = true;
        return;
      }
      if (ch === ',' || ch === ' ') {
        this.e.after(call, interval, () => this.nextKey(call));
        return;
      }
      const tone = TONES[ch] ?? (/^[0-9]$/.test(ch) ? `tone${ch}` : null);
      if (!tone) continue;
      if (call.state === 'established' && call.botInCall) {
        call.tones.push({ at: Date.now(), tone });
        // call-subscribetotone.md, "Notification - tone": {state, toneInfo}
        this.e.notify.updated(call, {
          state: call.state,
          toneInfo: { '@odata.type': '#microsoft.graph.toneInfo', sequenceId: ++call.toneSequence, tone },
        });
      }
      this.e.after(call, interval, () => this.nextKey(call));
      return;
    }
  }

  private promptEnded(call: SimCall): void {
    if (!call.dtmfWaiting) return;
    call.dtmfWaiting = false;
    this.e.after(call, this.e.core.faults.dtmfIntervalMs, () => this.nextKey(call));
  }
}
