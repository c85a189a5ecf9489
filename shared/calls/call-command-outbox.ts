/**
 * The command outbox: a Graph command whose transition is saved but whose request failed for a passing reason
 * (429, 5xx, a timeout, a network error) is sent again later, from a delayed `call-events` message that carries the
 * command — Retry-After honoured, otherwise exponential backoff, a bounded number of attempts. Before each attempt
 * the call's record (re-read) must still want the command: an operation we wait for by its clientContext is still
 * pending, the offer it belongs to still open, the call not ending. So a command whose effect already arrived (Graph
 * did it although its answer was lost, and the notification came) is never sent twice.
 */
import { CallControlError } from './call-control.port';
import type { CallCommand, CallRecord } from './call.record';

/** Attempts in all, the first (inline, after the transition) included. */
export const COMMAND_MAX_ATTEMPTS = 6;
/** Backoff of the n-th retry without Retry-After: 1 s, 2 s, 4 s … capped. */
export const COMMAND_BACKOFF_BASE_MS = 1000;
export const COMMAND_BACKOFF_CAP_MS = 30_000;

/** A failure worth another attempt later: throttled (429, 503/504 with Retry-After) or passing (408, 5xx, network). */
export function isPassingFailure(e: unknown): e is CallControlError {
  return e instanceof CallControlError && (e.kind === 'throttled' || e.kind === 'retryable');
}

/** When the next attempt goes, after `attempt` attempts failed: Retry-After when Graph said, else backoff. */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined): number {
  const backoff = Math.min(COMMAND_BACKOFF_CAP_MS, COMMAND_BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, 0) : backoff;
}

/** A stable name for a command, for logs and timer purposes. */
export function commandKey(c: CallCommand): string {
  switch (c.op) {
    case 'transfer':
    case 'invite':
    case 'startHoldMusic':
    case 'stopHoldMusic':
    case 'muteParticipant':
    case 'updateRecordingStatus':
      return c.clientContext;
    case 'cancelInvite':
      return `${c.callId}|cancelInvite|${c.participantId}`;
    case 'removeParticipant':
      return `${c.callId}|removeParticipant|${c.participantId}`;
    default:
      return `${c.callId}|${c.op}`;
  }
}

/**
 * Whether the call still wants this command sent (pure). Undefined record: the call is unknown, nothing to do.
 * Returns the reason it is no longer wanted, or undefined when it is.
 */
export function commandNoLongerWanted(r: CallRecord | undefined, c: CallCommand): string | undefined {
  if (!r) return 'the call is unknown';
  if (r.end) return 'the call has ended';
  const terminating = r.graphState === 'terminating';
  switch (c.op) {
    case 'hangUp':
      return terminating ? 'the call is ending already' : undefined;
    case 'answer':
      return r.answeredAt !== undefined ? 'the call is answered' : undefined;
    case 'reject':
      return undefined;
    case 'redirect': {
      if (r.disposition) return undefined;
      const open = r.offers.find((o) => !o.result && o.via === 'redirect');
      return open ? undefined : 'no redirect is waiting';
    }
    case 'cancelInvite': {
      if (terminating || r.hangUpAt !== undefined) return 'the call is ending';
      const offer = r.offers.find((o) => o.participantId === c.participantId);
      if (!offer) return 'no such invitation';
      if (!offer.result || offer.result === 'accepted') return 'the invitation stands';
      return undefined;
    }
    case 'muteParticipant': {
      if (terminating || r.hangUpAt !== undefined) return 'the call is ending';
      const s = r.supervision?.find((x) => x.participantId === c.participantId);
      return s && s.endedAt === undefined && s.mode === 'monitor' ? undefined : 'the supervisor no longer monitors';
    }
    case 'removeParticipant': {
      if (terminating || r.hangUpAt !== undefined) return 'the call is ending';
      const s = r.supervision?.find((x) => x.participantId === c.participantId);
      return s && s.endedAt === undefined ? 'the supervisor is still wanted in the call' : undefined;
    }
    case 'updateRecordingStatus': {
      if (terminating || r.hangUpAt !== undefined) return 'the call is ending';
      // Only the last state asked for is told again: an older report would undo a later pause or resume.
      return r.recording?.reported === c.clientContext ? undefined : 'a later recording state was reported';
    }
    default: {
      if (terminating || r.hangUpAt !== undefined) return 'the call is ending';
      const pending = r.pendingOps[c.clientContext];
      if (!pending) return `operation ${c.clientContext} is no longer awaited`;
      if (pending.purpose === 'offer') {
        const offer = r.offers.find((o) => o.offerId === pending.offerId);
        if (!offer || offer.result) return `the offer is ${offer?.result ?? 'gone'}`;
      }
      if (pending.purpose === 'supervise') {
        const s = r.supervision?.find((x) => x.participantId === pending.participantId);
        if (!s || s.endedAt !== undefined || s.joinedAt !== undefined) return 'the supervisor is no longer invited';
      }
      if (c.op === 'startHoldMusic' && r.hold?.state !== 'starting') return `hold music is ${r.hold?.state ?? 'off'}`;
      if (c.op === 'stopHoldMusic' && r.hold?.state !== 'stopping') return `hold music is ${r.hold?.state ?? 'off'}`;
      return undefined;
    }
  }
}
