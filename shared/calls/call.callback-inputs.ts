/**
 * The call machine's transitions on the callback offer (call.rules.ts dispatches here). The callback flow
 * (call-callback-flow.ts) decides each step from the record and the call queue's settings (pure rules in
 * call-callback.rules.ts); this records it and issues its commands: listen for tones (once), cancel the offer's prompt
 * the caller answered, play the next prompts. Accepted: the call leaves the call queue (the router offers it to no
 * agent), `callbackRequested` is logged with the wait so far, and the bot hangs up once the last prompt has played.
 * A note about the callback's later attempts is taken even after the call ended (the story goes on).
 */
import { CallInput, isEnding } from './call.record';
import { callPhase } from './call.outcome';
import type { Step } from './call.step';

export function applyCallbackStep(t: Step, i: Extract<CallInput, { kind: 'callbackStep' }>): string | undefined {
  const r = t.r;
  const s = i.step;
  if (isEnding(r)) return 'the call is ending';
  if (r.callback?.stage === 'accepted') return 'the caller has asked for a callback already';
  if (callPhase(r) !== 'queued' || r.disposition) return `a call ${callPhase(r)} is not waiting`;
  if ((r.callback?.stage ?? 'none') !== s.from) return `stale callback step (from ${s.from}, now ${r.callback?.stage})`;
  const cb = (r.callback ??= { stage: s.stage, toneCursor: 0, listening: false });
  cb.stage = s.stage;
  if (s.usedTone !== undefined) cb.toneCursor = Math.max(cb.toneCursor, s.usedTone);
  if (s.number !== undefined) cb.number = s.number;
  cb.digits = s.digits;
  if (s.invalid !== undefined) cb.invalid = s.invalid;
  if (s.note) t.entry(s.note.kind, i.at, { callQueueId: r.callQueueId, waitMs: t.waitMs(i.at), detail: s.note.detail });
  if (s.promptUris.length && cb.prompt) {
    // The caller answered while the last prompt played: it stops, the next one plays.
    t.commands.push({
      op: 'cancelMediaProcessing',
      callId: r.callId,
      clientContext: t.clientContext('callbackCancel'),
    });
    delete r.pendingOps[cb.prompt];
    cb.prompt = undefined;
  }
  if (!cb.listening && !r.menu?.listening) {
    cb.listening = true;
    t.commands.push({ op: 'subscribeToTone', callId: r.callId, clientContext: t.clientContext('tones') });
  }
  if (s.promptUris.length) {
    const clientContext = t.clientContext('callbackPrompt');
    r.pendingOps[clientContext] = { purpose: 'callbackPrompt' };
    cb.prompt = clientContext;
    t.commands.push({ op: 'playPrompt', callId: r.callId, promptUris: s.promptUris.slice(0, 20), clientContext });
  }
  if (s.stage === 'accepted') {
    cb.requestedAt = i.at;
    if (!cb.prompt) t.hangUp(i.at);
  }
  return undefined;
}

/** The offer's prompt finished (played, cancelled or failed): once the caller accepted, the bot hangs up. */
export function callbackPromptFinished(t: Step, clientContext: string, at: number): void {
  const cb = t.r.callback;
  if (!cb || cb.prompt !== clientContext) return;
  cb.prompt = undefined;
  if (cb.stage === 'accepted') t.hangUp(at);
}

export function applyCallbackNote(t: Step, i: Extract<CallInput, { kind: 'callbackNote' }>): string | undefined {
  if (!t.r.callback?.requestedAt) return 'the caller asked for no callback';
  t.entry(i.note, i.at, {
    callQueueId: t.r.callQueueId,
    ...(i.agentId ? { agentId: i.agentId } : {}),
    ...(i.detail ? { detail: i.detail } : {}),
  });
  return undefined;
}
