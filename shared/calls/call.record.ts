/**
 * The call state machine's data: the record (facts that only grow), its inputs, log entries and commands. The machine
 * itself is call.rules.ts (applyCallInput), with its transitions in call.graph-events.ts (Graph's notifications) and
 * call.router-inputs.ts (the router's decisions and timers); what is derived from a record is in call.outcome.ts.
 *
 * The call state machine of the contact center — pure. A call's record + one input (a Graph notification's event, or
 * a decision of the router / a timer) → the next record, the event-log entries to append (`callEvents`) and the
 * commands to send through CallControl.
 *
 * Lifecycle: arrived → answered → queued (in a call queue) → offered (to an agent, or — attendant — to several agents
 * at once, the first to answer winning) → connected → ended, with offers
 * missed / declined (back to the call queue, same place), transferred, overflowed, timed out, no agent, abandoned,
 * rejected.
 *
 * Notifications arrive late, twice and out of order (storage queues do not keep order; api/call-answer.md: "Call
 * establishing/established notifications may arrive out of order"). So the record holds *facts* that only grow
 * (arrival, answered-at, offers and their results, connection, end) and the phase is derived from them:
 * - every input has a key; an input whose key the record has seen changes nothing (idempotent);
 * - a fact is set once; times merge by minimum (the earliest evidence wins, whatever the order it was read in);
 * - terminal is terminal: after the end no command is issued and no offer / connection fact changes, though late
 *   descriptive facts (who called, when it was answered) still fill in, so the summary converges;
 * - a Graph state of lower rank than one already seen is ignored (a late `establishing` after `established`), except
 *   `established` carrying a failure resultInfo, which is how a failed transfer returns the call (api/call-transfer.md);
 * - an operation completion for an operation the record is not waiting for (unknown, or already finished) is ignored.
 */
import type { CallLogKind } from '../domain';
import type { CallEvent } from './notification.parser';
import type { GraphCallState, ResultInfo, Tone } from './notification.schema';

export type CallPhase = 'unknown' | 'arrived' | 'answered' | 'queued' | 'offered' | 'connected' | 'ended';

export type CallOutcome =
  | 'completed'
  | 'transferred'
  | 'abandoned'
  | 'rejected'
  | 'overflowed'
  | 'timedOut'
  | 'noAgent'
  | 'unanswered'
  | 'failed'
  /** A menu ended the call (its disconnect action: closed hours, no input). */
  | 'endedByMenu'
  /** The caller asked to be called back and was hung up (the callback keeps their place). */
  | 'callback';

/** api/call-reject.md: `none`, `busy`, `forbidden`. */
export type RejectReason = 'none' | 'busy' | 'forbidden';

export type CallTarget = { kind: 'user'; userId: string; tenantId?: string } | { kind: 'phone'; number: string };

/** What to do with a call that arrives on a resource account (decided by the caller of the machine from storage). */
export type ArrivalRoute =
  | { action: 'answer'; callQueueId: string; endpoint?: string }
  /** Answered into a menu (IVR): the menu flow (call-menu-flow.ts) leads the caller on. */
  | { action: 'menu'; menuId: string; endpoint?: string }
  | { action: 'reject'; reason: RejectReason; why: string };

/** A call queue's overflow / timeout / no-agent action (issue 13: `{kind, target?}`). */
export type CallQueueAction =
  | { kind: 'disconnect' }
  | { kind: 'callQueue'; callQueueId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'number'; number: string };

/**
 * api/call-redirect.md example 2: `routingPolicies: ["disableForwarding"]`. An offer to an agent must reach the agent,
 * not their voicemail or forwarding, and a missed offer is not a missed call on their client.
 */
export type RedirectRoutingPolicy = 'disableForwarding' | 'noMissedCall';
export const AGENT_REDIRECT_POLICIES: readonly RedirectRoutingPolicy[] = ['disableForwarding', 'noMissedCall'];

export type OfferVia = 'transfer' | 'redirect' | 'invite';
export type OfferResult = 'accepted' | 'missed' | 'declined' | 'cancelled';

export interface CallOffer {
  offerId: string;
  agentId: string;
  /**
   * The invited agent's participant id (invitationParticipantInfo.participantId, = the offer id): what
   * `DELETE …/participants/{id}` cancels while the invitation still rings (api/participant-delete.md, example 2).
   */
  participantId?: string;
  /** The agent joined after the offer was over and was removed again (once). */
  removed?: boolean;
  /**
   * One of several invitations of this call ringing at once (attendant): the first agent to answer wins and the
   * others are withdrawn (result `cancelled`, logged `offerWithdrawn`, never a miss).
   */
  ringAll?: boolean;
  /** The agent's Entra object id (whom Graph rings). */
  userId: string;
  via: OfferVia;
  offeredAt: number;
  clientContext: string;
  result?: OfferResult;
  resolvedAt?: number;
}

/** Monitor: the supervisor hears the call, muted; barge: the supervisor speaks (docs/supervision.md). */
export type SupervisionMode = 'monitor' | 'barge';

/**
 * One supervisor's presence in the call: invited (participants/invite, with a participant id we choose), joined
 * (the invitation completed or a roster lists them), over (upgraded, downgraded, left, failed, the end).
 */
export interface SupervisionSession {
  /** The supervisor's Entra object id (whom Graph invites), lower case. */
  userId: string;
  mode: SupervisionMode;
  /** invitationParticipantInfo.participantId: what mute and DELETE …/participants/{id} name. */
  participantId: string;
  clientContext: string;
  requestedAt: number;
  /** Who asked (the caller's object id), for the audit trail. */
  requestedBy?: string;
  joinedAt?: number;
  endedAt?: number;
  /**
   * When the latest roster that listed them was received: a roster without them means they left only when received
   * after it (rosters arrive out of order through the storage queue, but are stamped on receipt).
   */
  rosterAt?: number;
  /** The roster's `isMuted` for this participant, as last read. */
  muted?: boolean;
  endReason?: string;
}

/** Who may pause / resume a call's recording (a call queue's `recording.pauseAllowedFor`). */
export type RecordingActorRole = 'agent' | 'supervisor' | 'admin';

/** One stretch of the call as the recorder had it: Graph's words, `recording` or `notRecording`. */
export interface RecordingSpan {
  from: number;
  /** Absent while the span lasts. */
  to?: number;
  state: 'recording' | 'notRecording';
}

/**
 * The compliance recorder's state for a call (issue 15 item 6): started at the connection when the call queue's
 * mode is `always`, paused and resumed (PCI), stopped at the end. Spans only grow; the last one is open while the
 * call lasts. `reported` is the clientContext of the last updateRecordingStatus asked for (an older one is never
 * sent again by the outbox).
 */
export interface CallRecording {
  mode: 'always';
  pauseAllowedFor: RecordingActorRole[];
  state: 'recording' | 'paused' | 'stopped';
  spans: RecordingSpan[];
  reported?: string;
}

/** starting / stopping: the operation is running (202), its completion notification not read yet. */
export type HoldState = 'starting' | 'on' | 'stopping' | 'off';

export interface CallRecord {
  callId: string;
  tenantId: string;
  arrival?: {
    at: number;
    route: ArrivalRoute;
    targetApplicationInstanceId?: string;
    callerPhone?: string;
    callerUserId?: string;
    callerParticipantId?: string;
    callChainId?: string;
  };
  /** Highest-ranked Graph state seen (informative). */
  graphState?: GraphCallState;
  answeredAt?: number;
  /** The call queue the call waits in now (an action to another call queue moves it; its arrival time stays). */
  callQueueId?: string;
  /** When the call entered the call queue it waits in now (the answer, or the move to another call queue). */
  enqueuedAt?: number;
  /** How many times a call queue action moved the call to another call queue (bounded: {@link MAX_CALL_QUEUE_MOVES}). */
  moves?: number;
  offers: CallOffer[];
  connected?: { agentId: string; userId: string; at: number; offerId?: string };
  /** An overflow / timeout / no-agent action that takes the call out of its call queue. */
  disposition?: { reason: 'overflowed' | 'timedOut' | 'noAgent'; at: number; action: CallQueueAction };
  end?: { at: number; resultInfo?: ResultInfo };
  outcome?: CallOutcome;
  /** A roster has listed the caller (so a roster without them means they left). */
  rosterHadCaller?: boolean;
  /**
   * The caller's hold music as we asked for it. startHoldMusic / stopHoldMusic answer 202 with a running operation
   * that completes by notification, and only one participant is on hold at a time (api/participant-startholdmusic.md,
   * issue 12 §8): so a second start while the music plays is refused, and the music is stopped only once started.
   */
  hold?: { participantId: string; state: HoldState };
  /** When the bot asked Graph to end the call (asked once; Graph answers `terminating`, then `deleted` 200/7000). */
  hangUpAt?: number;
  /** Supervisors invited into the call (monitor / barge), oldest first. */
  supervision?: SupervisionSession[];
  /** The compliance recorder's state (absent: the call is not recorded). */
  recording?: CallRecording;
  /** The callback offer and the caller's answer to it (call.callback-inputs.ts); absent until offered. */
  callback?: CallCallbackProgress;
  /** Where the caller is in the menus (call.menu-inputs.ts); absent until the first menu step. */
  menu?: CallMenuProgress;
  /** How the call queue routes this call (from the menu option that chose the call queue). */
  routing?: { requiredSkills?: Record<string, number>; priority?: number };
  /**
   * DTMF by sequence id (callers type ahead; order restored by sequenceId). Tones a self-service collected are
   * `redacted` once its request is made (or the call ends): PINs never stay on the call.
   */
  tones: { sequenceId: number; tone: Tone | 'redacted'; at?: number }[];
  /**
   * Set when the call ended while a self-service held digits: a tone that arrives after the end (notifications are
   * reordered) is kept, as in order it would have been, but redacted as in order it would have been too.
   */
  tonesRedactedAtEnd?: true;
  /** Operations we started and wait for, by clientContext. */
  pendingOps: Record<
    string,
    {
      purpose: 'offer' | 'holdMusic' | 'action' | 'menuPrompt' | 'announcement' | 'supervise' | 'callbackPrompt';
      offerId?: string;
      /** A supervisor's invitation: their participant id. */
      participantId?: string;
      hold?: 'start' | 'stop';
    }
  >;
  /** Keys of the inputs applied (bounded, newest last). */
  seen: string[];
  /** Log entries written so far (the next entry's seq is logSeq + 1). */
  logSeq: number;
  /** Counter for clientContext values. */
  opSeq: number;
}

export type { CallLogKind };

/** Kinds a call's log holds at most once. */
export const UNIQUE_LOG_KINDS: readonly CallLogKind[] = [
  'arrived',
  'rejected',
  'answered',
  'enqueued',
  'connected',
  'transferred',
  'abandoned',
  'ended',
];

export interface CallLogEntry {
  seq: number;
  kind: CallLogKind;
  at: number;
  callQueueId?: string;
  agentId?: string;
  offerId?: string;
  /** Waited so far (arrival → this entry), for abandoned / connected / timed out. */
  waitMs?: number;
  resultInfo?: ResultInfo;
  outcome?: CallOutcome;
  detail?: string;
  /** Supervision entries: the supervisor's object id. */
  supervisorId?: string;
}

export type CallCommand =
  | { op: 'answer'; callId: string; callbackUri: string; acceptedModalities: ['audio'] }
  | { op: 'reject'; callId: string; reason: RejectReason }
  | {
      op: 'redirect';
      callId: string;
      targets: CallTarget[];
      timeoutS?: number;
      callbackUri: string;
      routingPolicies?: RedirectRoutingPolicy[];
    }
  | {
      op: 'transfer';
      callId: string;
      target: CallTarget;
      clientContext: string;
      /** The caller, once the bot's call is a group call (issue 12 §7: transfer needs transferee then). */
      transfereeParticipantId?: string;
    }
  | {
      op: 'invite';
      callId: string;
      targets: CallTarget[];
      clientContext: string;
      /** The invitee's participant id, chosen by us so the invitation can be cancelled (one target). */
      participantId?: string;
    }
  /** Cancels a ringing invitation (or removes the participant): `DELETE …/participants/{id}`. */
  | { op: 'cancelInvite'; callId: string; participantId: string }
  | { op: 'startHoldMusic'; callId: string; participantId: string; clientContext: string }
  | { op: 'stopHoldMusic'; callId: string; participantId: string; clientContext: string }
  | { op: 'hangUp'; callId: string }
  | { op: 'playPrompt'; callId: string; promptUris: string[]; clientContext: string }
  | { op: 'subscribeToTone'; callId: string; clientContext: string }
  | { op: 'cancelMediaProcessing'; callId: string; clientContext: string }
  /** A monitoring supervisor is muted once joined (Graph invites no one muted: participant-mute.md). */
  | { op: 'muteParticipant'; callId: string; participantId: string; clientContext: string }
  /** A supervisor's leg leaves (monitor → barge: Graph cannot unmute another participant). */
  | { op: 'removeParticipant'; callId: string; participantId: string }
  /** api/call-updaterecordingstatus.md: the recorder's state, told to Teams. */
  | { op: 'updateRecordingStatus'; callId: string; status: 'recording' | 'notRecording'; clientContext: string };

interface InputBase {
  /** When it happened: the webhook's receive time for a notification, the decision time for the router's inputs. */
  at: number;
}

export type CallInput =
  /** A Graph notification's event; `route` is required with `incomingCall`. */
  | (InputBase & { kind: 'graph'; event: CallEvent; route?: ArrivalRoute })
  | (InputBase & {
      kind: 'offer';
      key: string;
      offerId: string;
      agentId: string;
      userId: string;
      via: OfferVia;
      /** Ring time for a redirect (api/call-redirect.md: 15–90 s). */
      timeoutS?: number;
      /**
       * Attendant: this invite may ring alongside the call's other open ring-all invites (one per agent); without it
       * a call takes one open offer at a time.
       */
      ringAll?: boolean;
      /** What made the routing pass that made this offer (e.g. a presence notification): the entry's `detail`. */
      trigger?: string;
    })
  /**
   * Attendant: one agent's invitation each, all made in one transition so they ring together (each as a ring-all
   * `offer`); an agent the call cannot take is skipped, and the input is refused only when none could be made.
   */
  | (InputBase & {
      kind: 'ringAll';
      key: string;
      invites: { offerId: string; agentId: string; userId: string }[];
      trigger?: string;
    })
  | (InputBase & { kind: 'offerExpired'; key: string; offerId: string })
  /** A supervisor asks to monitor (muted) or barge into (speaking) a connected call. */
  | (InputBase & {
      kind: 'supervise';
      key: string;
      mode: SupervisionMode;
      userId: string;
      participantId: string;
      requestedBy?: string;
    })
  /** The recorder: start (at the connection, mode `always`), pause / resume (PCI); `by` names who acted. */
  | (InputBase & {
      kind: 'recording';
      key: string;
      action: 'start' | 'pause' | 'resume';
      pauseAllowedFor?: RecordingActorRole[];
      by?: string;
    })
  | (InputBase & { kind: 'menuStep'; key: string; step: CallMenuStep })
  | (InputBase & {
      kind: 'announce';
      key: string;
      promptUris: string[];
      position: number;
      /** The estimated wait (s); absent: no agent staffed, the position only. */
      estimateS?: number;
    })
  | (InputBase & { kind: 'callbackStep'; key: string; step: CallCallbackStep })
  /** A note on the call's story about its callback (attempt, completed, failed): taken after the call ended too. */
  | (InputBase & {
      kind: 'callbackNote';
      key: string;
      note: 'callbackAttempt' | 'callbackCompleted' | 'callbackFailed';
      agentId?: string;
      detail?: string;
    })
  | (InputBase & {
      kind: 'callQueueAction';
      key: string;
      reason: 'overflowed' | 'timedOut' | 'noAgent';
      action: CallQueueAction;
      /** Refused unless the call still waits in this call queue … */
      fromCallQueueId?: string;
      /** … and has been moved this many times (a timer armed before a move is stale after it). */
      moves?: number;
    });

/**
 * The caller's place in the menus. `visit` counts the steps taken: a step computed from an older visit is refused
 * (two workers deciding on one call), and the input timer names the visit it was armed for.
 */
export interface CallMenuProgress {
  menuId: string;
  visit: number;
  /** The menu rules' own state (opaque here). */
  state: unknown;
  /** Tones with a sequenceId up to this one have been used. */
  toneCursor: number;
  /** subscribeToTone was asked for. */
  listening: boolean;
  /** The prompts playing now (by clientContext): finished when Graph says so; handled when a step took note. */
  prompt?: { clientContext: string; finished: boolean; handled: boolean };
  /** The caller left the menus (to a call queue, a transfer or a hang-up). */
  left?: boolean;
  /** Menus the caller went through, in order. */
  path: string[];
  /** A self-service has taken digits that are still on the call (tones, menu state): redacted at the end. */
  sensitive?: boolean;
  /** A self-service request claimed at this visit (made by the worker whose claim committed; a timer retakes it). */
  posting?: { visit: number; at: number };
}

/** Where a menu sends a caller (the menu flow resolves users and call queues). */
export type CallMenuExit =
  | { kind: 'callQueue'; callQueueId: string; requiredSkills?: Record<string, number>; priority?: number }
  | { kind: 'transfer'; target: CallTarget }
  | { kind: 'disconnect' };

/** One step of the menu flow, decided from the record at `fromVisit`. */
export interface CallMenuStep {
  fromVisit: number;
  menuId: string;
  state: unknown;
  /** The tone this step used (its sequenceId), or the prompt whose end it handled. */
  usedTone?: number;
  handledPrompt?: string;
  cancel: boolean;
  promptUris: string[];
  listen: boolean;
  exit?: CallMenuExit;
  notes: { kind: CallLogKind; detail: string }[];
  /** Self-service: the digits are collected — this step claims the request. */
  post?: boolean;
  /** Self-service: digits typed are on the call now. */
  sensitive?: boolean;
  /** Self-service: the request is made (or collection failed) — the tones used so far are redacted. */
  redact?: boolean;
}

/** Where a waiting caller is in the callback offer. */
export type CallbackStage = 'offered' | 'confirm' | 'collect' | 'accepted';

export interface CallCallbackProgress {
  stage: CallbackStage;
  /** Tones with a sequenceId up to this one have been used by the offer. */
  toneCursor: number;
  /** subscribeToTone was asked for by the offer (a menu may have asked already). */
  listening: boolean;
  /** The number to call back (E.164), once known. */
  number?: string;
  /** Digits typed so far while the caller enters another number. */
  digits?: string;
  /** Wrong numbers typed. */
  invalid?: number;
  /** The offer's prompts playing now (clientContext). */
  prompt?: string;
  /** When the caller accepted (the call then leaves the call queue, keeping its place in the callback). */
  requestedAt?: number;
}

/** One step of the callback offer, decided from the record (shared/calls/call-callback.rules.ts). */
export interface CallCallbackStep {
  /** The stage the step was decided from (a step from an older stage is refused). */
  from: CallbackStage | 'none';
  stage: CallbackStage;
  usedTone?: number;
  number?: string;
  digits?: string;
  invalid?: number;
  promptUris: string[];
  note?: { kind: CallLogKind; detail: string };
}

export interface CallEnv {
  /** Our webhook: where Graph sends this call's later notifications. */
  callbackUri: string;
}

export interface Transition {
  record: CallRecord;
  log: CallLogEntry[];
  commands: CallCommand[];
  /** False when the input changed nothing (a duplicate, a late or an irrelevant notification). */
  changed: boolean;
  /** Why a router input was not applied (the router frees the agent it meant to offer). */
  refused?: string;
}

export const SEEN_LIMIT = 200;

/** A call moved by call queue actions more often than this is disconnected instead (two call queues overflowing into each other). */
export const MAX_CALL_QUEUE_MOVES = 4;

export const STATE_RANK: Record<GraphCallState, number> = {
  incoming: 0,
  establishing: 1,
  ringing: 1,
  redirecting: 1,
  established: 2,
  hold: 2,
  transferring: 3,
  transferAccepted: 4,
  terminating: 5,
  terminated: 6,
};

/** States that prove the bot answered (a redirect happens before any answer). */
export const ANSWERED_STATES: ReadonlySet<GraphCallState> = new Set([
  'established',
  'hold',
  'transferring',
  'transferAccepted',
]);

/** resultInfo subcode of a completed transfer / redirect (api/call-transfer.md: 0/7015 GracefulTransferCompleted). */
export const TRANSFER_COMPLETED_SUBCODE = 7015;

/** resultInfo subcode of a call Graph dropped for want of a keepAlive (408/8537, api/call-keepalive.md; issue 12 §5). */
export const KEEP_ALIVE_EXPIRED_SUBCODE = 8537;

/**
 * The call is over or on its way out: ended, or `terminating` seen (api/call-delete.md: the bot's DELETE answers
 * `terminating`, then `deleted`). No command is issued for a call that is ending.
 */
export function isEnding(r: CallRecord): boolean {
  return r.end !== undefined || r.graphState === 'terminating' || r.hangUpAt !== undefined;
}

export function newCallRecord(callId: string, tenantId: string): CallRecord {
  return { callId, tenantId, offers: [], tones: [], pendingOps: {}, seen: [], logSeq: 0, opSeq: 0 };
}

export function inputKey(input: CallInput): string {
  return input.kind === 'graph' ? input.event.key : `${input.kind}:${input.key}`;
}
