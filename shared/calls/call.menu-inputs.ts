/**
 * The call machine's transition on a menu step (call.rules.ts dispatches here). The menu flow (call-menu-flow.ts)
 * decides the step from the record and the menu's rules; this records it and issues its commands: cancel the prompts
 * playing, listen for tones (once), play the next prompts, and leave the menus — into a call queue (with the
 * option's skills and priority), by transfer, or by hanging up. A step decided from an older visit is refused.
 */
import { CallInput, CallRecord, CallTarget, isEnding } from './call.record';
import type { Step } from './call.step';

export function applyMenuStep(t: Step, i: Extract<CallInput, { kind: 'menuStep' }>): string | undefined {
  const r = t.r;
  const s = i.step;
  if (r.end || isEnding(r)) return 'the call is ending';
  if (r.answeredAt === undefined) return 'the call is not answered';
  if (r.arrival?.route.action !== 'menu') return 'the call did not arrive on a menu';
  if (r.menu?.left) return 'the caller has left the menus';
  if ((r.menu?.visit ?? 0) !== s.fromVisit) return `stale menu step (visit ${s.fromVisit}, now ${r.menu?.visit ?? 0})`;
  const m = (r.menu ??= { menuId: s.menuId, visit: 0, state: s.state, toneCursor: 0, listening: false, path: [] });
  m.visit += 1;
  if (m.path[m.path.length - 1] !== s.menuId) m.path.push(s.menuId);
  m.menuId = s.menuId;
  m.state = s.state;
  if (s.usedTone !== undefined) m.toneCursor = Math.max(m.toneCursor, s.usedTone);
  if (s.handledPrompt && m.prompt?.clientContext === s.handledPrompt) m.prompt.handled = true;
  if (s.sensitive) m.sensitive = true;
  m.posting = s.post ? { visit: m.visit, at: i.at } : undefined;
  if (s.redact) {
    redactTones(r, m.toneCursor);
    m.sensitive = undefined;
  }
  for (const n of s.notes) t.entry(n.kind, i.at, { detail: n.detail });
  const playing = m.prompt && !m.prompt.finished;
  if (s.cancel && playing) {
    t.commands.push({ op: 'cancelMediaProcessing', callId: r.callId, clientContext: t.clientContext('menuCancel') });
    m.prompt = undefined;
  }
  if (s.listen && !m.listening) {
    m.listening = true;
    t.commands.push({ op: 'subscribeToTone', callId: r.callId, clientContext: t.clientContext('tones') });
  }
  if (s.promptUris.length) {
    const clientContext = t.clientContext('menuPrompt');
    r.pendingOps[clientContext] = { purpose: 'menuPrompt' };
    m.prompt = { clientContext, finished: false, handled: false };
    t.commands.push({ op: 'playPrompt', callId: r.callId, promptUris: s.promptUris.slice(0, 20), clientContext });
  }
  if (s.exit) leave(t, s.exit, i.at);
  return undefined;
}

function leave(t: Step, exit: NonNullable<Extract<CallInput, { kind: 'menuStep' }>['step']['exit']>, at: number) {
  const r = t.r;
  r.menu!.left = true;
  switch (exit.kind) {
    case 'callQueue':
      r.callQueueId = exit.callQueueId;
      r.enqueuedAt = at;
      if (exit.requiredSkills || exit.priority)
        r.routing = {
          ...(exit.requiredSkills ? { requiredSkills: exit.requiredSkills } : {}),
          ...(exit.priority ? { priority: exit.priority } : {}),
        };
      t.entry('enqueued', at, { callQueueId: r.callQueueId });
      t.startHoldMusic(at);
      return;
    case 'transfer': {
      const target: CallTarget = exit.target;
      const clientContext = t.clientContext('menuTransfer');
      r.pendingOps[clientContext] = { purpose: 'action' };
      t.commands.push({ op: 'transfer', callId: r.callId, target, clientContext, ...t.transferee() });
      return;
    }
    case 'disconnect':
      t.hangUp(at);
      return;
  }
}

/** Tones up to `upTo` (sequenceId) lose their digit: a self-service's PIN does not stay on the call. */
export function redactTones(r: CallRecord, upTo = Number.POSITIVE_INFINITY): void {
  for (const tone of r.tones) if (tone.sequenceId <= upTo) tone.tone = 'redacted';
}

/**
 * The call ended while a self-service held digits: they are dropped from the call — the tones, and the menu state
 * (opaque here; nothing reads it after the end).
 */
export function redactMenuOnEnd(r: CallRecord): void {
  if (!r.menu?.sensitive) return;
  redactTones(r);
  r.tonesRedactedAtEnd = true;
  r.menu.state = null;
  r.menu.sensitive = undefined;
  r.menu.posting = undefined;
}

/** A menu prompt finished (completed, or failed: cancelled, or a WAV Graph could not play). */
export function menuPromptFinished(t: Step, clientContext: string): void {
  const m = t.r.menu;
  if (m?.prompt?.clientContext === clientContext) m.prompt.finished = true;
}
