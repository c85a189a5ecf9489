/**
 * Pure helpers of the call queue router's own rules around the engine: a call queue's overflow / timeout / no-agent
 * action as the call machine takes it, who counts as signed in, when a call entered its call queue (the start of
 * its max wait), and how a delayed timer message is armed so that it fires on time.
 */
import type { CallQueueAction, CallRecord } from './call.record';

/** A call queue action as the call queue API stores it: `{kind, target?}`, a user target resolved to its object id. */
export interface StoredCallQueueAction {
  kind: 'disconnect' | 'callQueue' | 'user' | 'number';
  target?: string;
  /** The Entra object id of a `user` target (the API takes a UPN or an object id). */
  targetId?: string;
}

/** The action the call machine takes, or disconnect when the stored one lacks its target. */
export function toCallQueueAction(a: StoredCallQueueAction | undefined): CallQueueAction {
  switch (a?.kind) {
    case 'callQueue':
      return a.target ? { kind: 'callQueue', callQueueId: a.target } : { kind: 'disconnect' };
    case 'user': {
      const userId = a.targetId ?? a.target;
      return userId ? { kind: 'user', userId } : { kind: 'disconnect' };
    }
    case 'number':
      return a.target ? { kind: 'number', number: a.target } : { kind: 'disconnect' };
    default:
      return { kind: 'disconnect' };
  }
}

/** Log kinds of the call queue actions (each takes the call out of its call queue). */
export const CALL_QUEUE_ACTION_KINDS: ReadonlySet<string> = new Set(['overflowed', 'timedOut', 'noAgent']);

/**
 * An agent counts as signed in unless their state is offline or their Teams presence is Offline (PresenceUnknown —
 * presence not read — is not proof of absence: calls are never sent away on a failed presence read).
 */
export function signedInState(state: string, presence: string | undefined): string {
  return presence === 'Offline' ? 'offline' : state;
}

/**
 * When the call entered the call queue it waits in now — the start of its max wait: its arrival for the call queue
 * it arrived in (the caller's whole wait), the move for a call queue an action sent it to.
 */
export function enteredCallQueueAt(r: Pick<CallRecord, 'arrival' | 'enqueuedAt' | 'moves'>): number | undefined {
  return r.moves ? r.enqueuedAt : (r.arrival?.at ?? r.enqueuedAt);
}

/**
 * A queue trigger sees a delayed message up to the host's maxPollingInterval (host.json: 2 s) after it becomes
 * visible, and a visibility timeout counts whole seconds. So a timer that must fire on time is made visible this
 * much before it is due, and its handler waits out the rest in process (a crash then only delays it: the message
 * reappears after the visibility timeout).
 */
export const TIMER_LEAD_MS = 3000;

/** Longest in-process wait of a timer handler before its due time; a timer seen earlier is armed again. */
export const TIMER_MAX_HOLD_MS = 6000;

/** The delay (whole seconds, in ms) to send a timer due at `dueAt` with, so it is seen `TIMER_LEAD_MS` early. */
export function timerDelayMs(dueAt: number, now: number, leadMs = TIMER_LEAD_MS): number {
  return Math.max(0, Math.floor((dueAt - leadMs - now) / 1000) * 1000);
}
