/**
 * CallControl: what the contact center asks of a call, independent of how (the Graph adapter in
 * call-control.graph.ts talks to /communications/calls with the bot's credential). One instance serves one customer
 * tenant. Failures are {@link CallControlError}s; a call that no longer exists is "gone" — a result for hang-up,
 * keepAlive and participant removal (api/call-keepalive.md: "a call that has already ended will result in a
 * 404 Not-Found … the resources related to the call should be cleaned up"), a {@link CallGoneError} for the rest.
 */
import type { CallTarget, RedirectRoutingPolicy, RejectReason } from './call.rules';

export type { CallTarget, RedirectRoutingPolicy, RejectReason };

/** A commsOperation as Graph answers an action (playPrompt, invite, startHoldMusic, …). */
export interface CommsOperation {
  /** May be absent: Graph answers some actions 202 with no body (hold music on some tenants). */
  id?: string;
  type?: string;
  status: string;
  clientContext?: string;
  resultInfo?: { code: number; subcode?: number; message?: string };
}

/** Who to invite (invitationParticipantInfo: participant-invite.md, resources/invitationparticipantinfo.md). */
export interface InviteParticipant {
  target: CallTarget;
  /** Not shown in the roster (a silent monitor). */
  hidden?: boolean;
  /** Kept out of the default audio routing group (hears only what an audio routing group gives them). */
  removeFromDefaultAudioRoutingGroup?: boolean;
  /** The call this invitation replaces (a consultative hand-over). */
  replacesCallId?: string;
  /**
   * The invitee's participant id (invitationParticipantInfo.participantId, "Optional. The ID of the target
   * participant"): known before Graph answers, so `removeParticipant` can cancel the invitation while it rings.
   */
  participantId?: string;
}

export type RecordingStatus = 'recording' | 'notRecording' | 'failed';

export interface CallControl {
  readonly tenantId: string;
  /** api/call-answer.md: service-hosted media, audio only, later notifications to `callbackUri`. 202. */
  answer(callId: string, o: { callbackUri: string; preFetchMediaUris?: string[] }): Promise<void>;
  /** api/call-reject.md: `{reason}`. 202. */
  reject(callId: string, reason: RejectReason, callbackUri?: string): Promise<void>;
  /** api/call-redirect.md: an unanswered call to 1–25 targets ringing at once, for `timeoutS` (15–90). 202. */
  redirect(
    callId: string,
    o: { targets: CallTarget[]; timeoutS?: number; callbackUri?: string; routingPolicies?: RedirectRoutingPolicy[] },
  ): Promise<void>;
  /** api/call-transfer.md: `{transferTarget[, transferee]}` — transferee needed once the call is a group call. 202. */
  transfer(
    callId: string,
    o: { target: CallTarget; transfereeParticipantId?: string; clientContext?: string },
  ): Promise<void>;
  /** api/call-playprompt.md: ≤ 20 prompts played in order; completion arrives as a notification. */
  playPrompt(callId: string, o: { promptUris: string[]; clientContext: string }): Promise<CommsOperation>;
  /** api/call-subscribetotone.md: DTMF then arrives as `toneInfo` notifications. */
  subscribeToTone(callId: string, clientContext?: string): Promise<CommsOperation>;
  /** api/call-cancelmediaprocessing.md: cancels running and queued prompts / recordings. */
  cancelMediaProcessing(callId: string, clientContext?: string): Promise<CommsOperation>;
  /** api/participant-startholdmusic.md: one participant on hold at a time. */
  startHoldMusic(
    callId: string,
    participantId: string,
    o?: { customPromptUri?: string; clientContext?: string },
  ): Promise<CommsOperation>;
  stopHoldMusic(callId: string, participantId: string, clientContext?: string): Promise<CommsOperation>;
  /** api/participant-invite.md: ≤ 5 participants into the bot's (group) call. */
  invite(callId: string, o: { participants: InviteParticipant[]; clientContext?: string }): Promise<CommsOperation>;
  /** api/participant-delete.md: removes a participant; 'gone' when the call or participant no longer exists. */
  removeParticipant(callId: string, participantId: string): Promise<'removed' | 'gone'>;
  /** api/participant-mute.md: mutes another participant. */
  muteParticipant(callId: string, participantId: string, clientContext?: string): Promise<CommsOperation>;
  /** api/call-delete.md: the bot leaves / ends the call; 'gone' when it had already ended. */
  hangUp(callId: string): Promise<'ended' | 'gone'>;
  /** api/call-keepalive.md: every 15–45 min; 'gone' = the call ended (404), clean up. */
  keepAlive(callId: string): Promise<'alive' | 'gone'>;
  /** api/call-updaterecordingstatus.md: reports our recorder's state to Teams (the PCI pause). */
  updateRecordingStatus(callId: string, status: RecordingStatus, clientContext?: string): Promise<CommsOperation>;
  /** api/application-post-calls.md: an outbound call from one of our resource accounts (e.g. a callback). 201. */
  createCall(o: {
    sourceApplicationInstanceId: string;
    target: CallTarget;
    callbackUri: string;
    clientContext?: string;
  }): Promise<{ callId: string; state?: string }>;
}

export interface CallControlFactory {
  forTenant(tenantId: string): CallControl;
}

export type CallControlErrorKind =
  /** The call (or participant) no longer exists: 404, or Graph's 8522. Clean up; do not retry. */
  | 'callGone'
  /** 429, or 503/504 with Retry-After: wait `retryAfterMs`. */
  | 'throttled'
  /** 408, 5xx, network: worth another try. */
  | 'retryable'
  /** 409/412, or the call is in a state that does not allow it. */
  | 'conflict'
  /** 401/403 from Graph (missing permission, tenant mismatch) or no token: an admin must act. */
  | 'forbidden'
  /** Any other 4xx: our request was wrong for this call. */
  | 'badRequest';

export interface CallControlErrorInit {
  kind: CallControlErrorKind;
  message: string;
  operation: string;
  status?: number;
  /** Graph's `error.code` as sent (e.g. `itemNotFound`, `8522`). */
  code?: string;
  /** Graph's numeric calling code where one was given (8522 call not found, 7505 tenant mismatch, 8537 expired). */
  resultCode?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class CallControlError extends Error {
  readonly kind: CallControlErrorKind;
  readonly operation: string;
  readonly status?: number;
  readonly code?: string;
  readonly resultCode?: number;
  readonly retryAfterMs?: number;

  constructor(init: CallControlErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'CallControlError';
    this.kind = init.kind;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.resultCode = init.resultCode;
    this.retryAfterMs = init.retryAfterMs;
  }

  get retryable(): boolean {
    return this.kind === 'retryable' || this.kind === 'throttled';
  }

  toJSON(): Omit<CallControlErrorInit, 'cause'> {
    return {
      kind: this.kind,
      message: this.message,
      operation: this.operation,
      status: this.status,
      code: this.code,
      resultCode: this.resultCode,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

export class CallGoneError extends CallControlError {
  constructor(init: Omit<CallControlErrorInit, 'kind'>) {
    super({ ...init, kind: 'callGone' });
    this.name = 'CallGoneError';
  }
}

export function isCallGone(e: unknown): e is CallGoneError {
  return e instanceof CallControlError && e.kind === 'callGone';
}

/** Graph's numeric calling codes this app acts on (resources/resultinfo.md, api/call-delete.md; issue 12). */
export const GRAPH_CALL_CODES = {
  callNotFound: 8522,
  keepAliveExpired: 8537,
  tenantMismatch: 7505,
  operationCancelled: 8508,
  transferCompleted: 7015,
} as const;
