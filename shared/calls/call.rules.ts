/**
 * The call state machine of the contact center — pure. A call's record + one input (a Graph notification's event, or
 * a decision of the router / a timer) → the next record, the event-log entries to append (`callEvents`) and the
 * commands to send through CallControl.
 *
 * Lifecycle: arrived → answered → queued (in a call queue) → offered (to an agent) → connected → ended, with offers
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
import type { CallEvent, RosterParticipant } from './notification.parser';
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
  | 'failed';

/** api/call-reject.md: `none`, `busy`, `forbidden`. */
export type RejectReason = 'none' | 'busy' | 'forbidden';

export type CallTarget = { kind: 'user'; userId: string; tenantId?: string } | { kind: 'phone'; number: string };

/** What to do with a call that arrives on a resource account (decided by the caller of the machine from storage). */
export type ArrivalRoute =
  | { action: 'answer'; callQueueId: string; endpoint?: string }
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
  /** The agent's Entra object id (whom Graph rings). */
  userId: string;
  via: OfferVia;
  offeredAt: number;
  clientContext: string;
  result?: OfferResult;
  resolvedAt?: number;
}

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
  enqueuedAt?: number;
  offers: CallOffer[];
  connected?: { agentId: string; userId: string; at: number; offerId?: string };
  /** An overflow / timeout / no-agent action that takes the call out of its call queue. */
  disposition?: { reason: 'overflowed' | 'timedOut' | 'noAgent'; at: number; action: CallQueueAction };
  end?: { at: number; resultInfo?: ResultInfo };
  outcome?: CallOutcome;
  /** A roster has listed the caller (so a roster without them means they left). */
  rosterHadCaller?: boolean;
  /** DTMF by sequence id (callers type ahead; order restored by sequenceId). */
  tones: { sequenceId: number; tone: Tone }[];
  /** Operations we started and wait for, by clientContext. */
  pendingOps: Record<string, { purpose: 'offer' | 'holdMusic' | 'action'; offerId?: string }>;
  /** Keys of the inputs applied (bounded, newest last). */
  seen: string[];
  /** Log entries written so far (the next entry's seq is logSeq + 1). */
  logSeq: number;
  /** Counter for clientContext values. */
  opSeq: number;
}

export type CallLogKind =
  | 'arrived'
  | 'rejected'
  | 'answered'
  | 'enqueued'
  | 'offered'
  | 'offerMissed'
  | 'offerDeclined'
  | 'connected'
  | 'transferred'
  | 'overflowed'
  | 'timedOut'
  | 'noAgent'
  | 'abandoned'
  | 'ended';

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
  | { op: 'invite'; callId: string; targets: CallTarget[]; clientContext: string }
  | { op: 'startHoldMusic'; callId: string; participantId: string; clientContext: string }
  | { op: 'stopHoldMusic'; callId: string; participantId: string; clientContext: string }
  | { op: 'hangUp'; callId: string };

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
    })
  | (InputBase & { kind: 'offerExpired'; key: string; offerId: string })
  | (InputBase & {
      kind: 'callQueueAction';
      key: string;
      reason: 'overflowed' | 'timedOut' | 'noAgent';
      action: CallQueueAction;
    });

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

const STATE_RANK: Record<GraphCallState, number> = {
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
const ANSWERED_STATES: ReadonlySet<GraphCallState> = new Set([
  'established',
  'hold',
  'transferring',
  'transferAccepted',
]);

/** resultInfo subcode of a completed transfer / redirect (api/call-transfer.md: 0/7015 GracefulTransferCompleted). */
export const TRANSFER_COMPLETED_SUBCODE = 7015;

export function newCallRecord(callId: string, tenantId: string): CallRecord {
  return { callId, tenantId, offers: [], tones: [], pendingOps: {}, seen: [], logSeq: 0, opSeq: 0 };
}

export function inputKey(input: CallInput): string {
  return input.kind === 'graph' ? input.event.key : `${input.kind}:${input.key}`;
}

function inputCallId(input: CallInput, current: CallRecord | undefined): string {
  if (input.kind === 'graph') return input.event.callId;
  if (!current) throw new Error(`${input.kind} for a call with no record`);
  return current.callId;
}

/** Applies one input. Never mutates `current`. */
export function applyCallInput(current: CallRecord | undefined, input: CallInput, env: CallEnv): Transition {
  const key = inputKey(input);
  if (current?.seen.includes(key)) return { record: current, log: [], commands: [], changed: false };
  if (input.kind === 'graph' && input.event.type === 'ignored')
    return {
      record: current ?? newCallRecord(input.event.callId, input.event.tenantId ?? ''),
      log: [],
      commands: [],
      changed: false,
    };
  const callId = inputCallId(input, current);
  const r: CallRecord = current
    ? structuredClone(current)
    : newCallRecord(callId, (input.kind === 'graph' ? input.event.tenantId : undefined) ?? '');
  if (!r.tenantId && input.kind === 'graph' && input.event.tenantId) r.tenantId = input.event.tenantId;
  const t = new Step(r, env);
  const refused = t.apply(input);
  if (refused !== undefined) return { record: current ?? r, log: [], commands: [], changed: false, refused };
  t.settleOutcome();
  r.seen.push(key);
  if (r.seen.length > SEEN_LIMIT) r.seen.splice(0, r.seen.length - SEEN_LIMIT);
  return { record: r, log: t.log, commands: t.commands, changed: true };
}

/** Applies inputs in order (tests, replays). */
export function applyCallInputs(
  current: CallRecord | undefined,
  inputs: readonly CallInput[],
  env: CallEnv,
): { record: CallRecord | undefined; log: CallLogEntry[]; commands: CallCommand[] } {
  let record = current;
  const log: CallLogEntry[] = [];
  const commands: CallCommand[] = [];
  for (const input of inputs) {
    const t = applyCallInput(record, input, env);
    record = t.record;
    log.push(...t.log);
    commands.push(...t.commands);
  }
  return { record, log, commands };
}

export function openOffer(r: CallRecord): CallOffer | undefined {
  return r.offers.find((o) => !o.result);
}

export function callPhase(r: CallRecord): CallPhase {
  if (r.end) return 'ended';
  if (r.connected) return 'connected';
  if (openOffer(r)) return 'offered';
  if (r.answeredAt !== undefined && r.callQueueId) return 'queued';
  if (r.answeredAt !== undefined) return 'answered';
  if (r.arrival) return 'arrived';
  return 'unknown';
}

/** The outcome, once the call has ended and enough is known to say. Derived from facts only. */
export function callOutcome(r: CallRecord): CallOutcome | undefined {
  if (!r.end) return undefined;
  if (r.connected) {
    const offer = r.offers.find((o) => o.offerId === r.connected?.offerId);
    return offer && offer.via !== 'invite' ? 'transferred' : 'completed';
  }
  if (r.disposition && r.disposition.action.kind !== 'callQueue') return r.disposition.reason;
  if (!r.arrival) return undefined;
  if (r.arrival.route.action === 'reject') return 'rejected';
  const code = r.end.resultInfo?.code;
  if (r.answeredAt === undefined && code === 408) return 'unanswered';
  if (code !== undefined && code >= 500 && r.end.resultInfo?.subcode !== TRANSFER_COMPLETED_SUBCODE) return 'failed';
  return 'abandoned';
}

/** What the live view and reports show; what converges whatever order the notifications were read in. */
export interface CallSummary {
  callId: string;
  tenantId: string;
  phase: CallPhase;
  outcome?: CallOutcome;
  callQueueId?: string;
  arrivedAt?: number;
  answeredAt?: number;
  connectedAt?: number;
  agentId?: string;
  endedAt?: number;
  resultCode?: number;
  resultSubcode?: number;
  callerPhone?: string;
}

export function callSummary(r: CallRecord): CallSummary {
  const s: CallSummary = { callId: r.callId, tenantId: r.tenantId, phase: callPhase(r) };
  const put = <K extends keyof CallSummary>(k: K, v: CallSummary[K] | undefined) => {
    if (v !== undefined) s[k] = v;
  };
  put('outcome', callOutcome(r));
  put('callQueueId', r.callQueueId ?? (r.arrival?.route.action === 'answer' ? r.arrival.route.callQueueId : undefined));
  put('arrivedAt', r.arrival?.at);
  put('answeredAt', r.answeredAt);
  put('connectedAt', r.connected?.at);
  put('agentId', r.connected?.agentId);
  put('endedAt', r.end?.at);
  put('resultCode', r.end?.resultInfo?.code);
  put('resultSubcode', r.end?.resultInfo?.subcode ?? undefined);
  put('callerPhone', r.arrival?.callerPhone);
  return s;
}

/** One input's effects, gathered while the record (a private copy) is updated. */
class Step {
  readonly log: CallLogEntry[] = [];
  readonly commands: CallCommand[] = [];

  constructor(
    private readonly r: CallRecord,
    private readonly env: CallEnv,
  ) {}

  /** Returns a reason when a router input is refused (nothing changes). */
  apply(input: CallInput): string | undefined {
    switch (input.kind) {
      case 'graph':
        this.graph(input.event, input.at, input.route);
        return undefined;
      case 'offer':
        return this.offer(input);
      case 'offerExpired':
        return this.offerExpired(input.offerId, input.at);
      case 'callQueueAction':
        return this.callQueueAction(input.reason, input.action, input.at);
    }
  }

  settleOutcome(): void {
    const before = this.r.outcome;
    const now = callOutcome(this.r);
    if (now === before) return;
    this.r.outcome = now;
    if (now === 'abandoned' && this.r.end)
      this.entry('abandoned', this.r.end.at, { waitMs: this.waitMs(this.r.end.at), callQueueId: this.r.callQueueId });
  }

  // ---- Graph -------------------------------------------------------------------------------------------------

  private graph(e: CallEvent, at: number, route: ArrivalRoute | undefined): void {
    switch (e.type) {
      case 'incomingCall':
        if (!route) throw new Error('an incomingCall input needs its route');
        return this.incoming(e, at, route);
      case 'callStateChanged':
        if (e.state === 'terminated') return this.terminated(at, e.resultInfo, undefined);
        return this.stateChanged(e.state, at, e.resultInfo);
      case 'callTerminated':
        return this.terminated(at, e.resultInfo, e.terminationReason);
      case 'toneReceived':
        if (!this.r.tones.some((t) => t.sequenceId === e.sequenceId)) {
          this.r.tones.push({ sequenceId: e.sequenceId, tone: e.tone });
          this.r.tones.sort((a, b) => a.sequenceId - b.sequenceId);
          if (this.r.tones.length > 64) this.r.tones.splice(0, this.r.tones.length - 64);
        }
        return;
      case 'operationFinished':
        return this.operationFinished(e.clientContext, e.status, at, e.resultInfo);
      case 'participantsChanged':
        return this.roster(e.participants, at);
      case 'ignored':
        return;
    }
  }

  private incoming(e: Extract<CallEvent, { type: 'incomingCall' }>, at: number, route: ArrivalRoute): void {
    const r = this.r;
    if (r.arrival) {
      if (at < r.arrival.at) r.arrival.at = at;
      return;
    }
    r.arrival = {
      at,
      route,
      targetApplicationInstanceId: e.targetApplicationInstanceId,
      callerPhone: e.callerPhone,
      callerUserId: e.callerUserId,
      callerParticipantId: e.callerParticipantId,
      callChainId: e.callChainId,
    };
    if (e.tenantId && !r.tenantId) r.tenantId = e.tenantId;
    this.entry('arrived', at, {
      callQueueId: route.action === 'answer' ? route.callQueueId : undefined,
      detail: route.action === 'reject' ? route.why : undefined,
    });
    if (route.action === 'reject') {
      this.entry('rejected', at, { detail: `${route.reason}: ${route.why}` });
      if (!r.end) this.commands.push({ op: 'reject', callId: r.callId, reason: route.reason });
      return;
    }
    if (r.end) return;
    if (r.answeredAt === undefined) {
      this.commands.push({
        op: 'answer',
        callId: r.callId,
        callbackUri: this.env.callbackUri,
        acceptedModalities: ['audio'],
      });
    } else {
      // `established` was read before `incoming`: the call is answered already.
      this.enqueue(r.answeredAt);
    }
  }

  private stateChanged(state: GraphCallState, at: number, resultInfo: ResultInfo | undefined): void {
    const r = this.r;
    const failedBack = state === 'established' && resultInfo !== undefined && resultInfo.code >= 400;
    if (failedBack) {
      // A transfer that failed returns the call to `established` with the failure (api/call-transfer.md).
      const offer = openOffer(r);
      if (!r.end && offer && offer.via === 'transfer') {
        this.resolveOffer(offer, 'declined', at, resultInfo);
        r.graphState = 'established';
        this.holdMusic(at);
      }
    } else if (r.graphState === undefined || STATE_RANK[state] >= STATE_RANK[r.graphState]) {
      if (!r.end) r.graphState = state;
    }
    if (ANSWERED_STATES.has(state)) {
      this.answered(at);
      if (state === 'transferAccepted') this.transferAccepted(at);
    }
  }

  private answered(at: number): void {
    const r = this.r;
    if (r.answeredAt !== undefined) {
      if (at < r.answeredAt) r.answeredAt = at;
      return;
    }
    r.answeredAt = at;
    this.entry('answered', at, { waitMs: this.waitMs(at) });
    if (!r.end && r.arrival?.route.action === 'answer') this.enqueue(at);
  }

  private enqueue(at: number): void {
    const r = this.r;
    if (r.enqueuedAt !== undefined || r.arrival?.route.action !== 'answer') return;
    r.enqueuedAt = at;
    r.callQueueId = r.arrival.route.callQueueId;
    this.entry('enqueued', at, { callQueueId: r.callQueueId });
    this.holdMusic(at);
  }

  private holdMusic(_at: number): void {
    const r = this.r;
    const participantId = r.arrival?.callerParticipantId;
    if (r.end || r.connected || !participantId) return;
    const clientContext = this.clientContext('hold');
    r.pendingOps[clientContext] = { purpose: 'holdMusic' };
    this.commands.push({ op: 'startHoldMusic', callId: r.callId, participantId, clientContext });
  }

  private transferAccepted(at: number): void {
    const r = this.r;
    const offer = r.end
      ? r.offers.find((o) => o.offerId === r.connected?.offerId)
      : r.offers.find((o) => !o.result && o.via !== 'invite');
    if (offer) this.connect(offer, at);
  }

  private terminated(at: number, resultInfo: ResultInfo | undefined, terminationReason: string | undefined): void {
    const r = this.r;
    if (r.end) {
      if (at < r.end.at) r.end.at = at;
      if (!r.end.resultInfo && resultInfo) r.end.resultInfo = resultInfo;
      return;
    }
    // A transfer / redirect that completed takes the call out of the bot's hands (api/call-transfer.md: 0/7015).
    const handedOver = isHandOver(resultInfo, terminationReason);
    const open = openOffer(r);
    if (handedOver && open && open.via !== 'invite') this.connect(open, at);
    const via = r.offers.find((o) => o.offerId === r.connected?.offerId)?.via;
    if (handedOver && r.connected && via !== 'invite')
      this.entry('transferred', at, { agentId: r.connected.agentId, offerId: r.connected.offerId });
    else if (handedOver && r.disposition)
      this.entry('transferred', at, { detail: describeAction(r.disposition.action) });
    for (const o of r.offers) if (!o.result) this.resolveOffer(o, 'cancelled', at);
    r.end = { at, resultInfo };
    r.graphState = 'terminated';
    r.pendingOps = {};
    this.entry('ended', at, { resultInfo });
  }

  private operationFinished(
    clientContext: string | undefined,
    status: 'completed' | 'failed',
    at: number,
    resultInfo: ResultInfo | undefined,
  ): void {
    const r = this.r;
    const pending = clientContext ? r.pendingOps[clientContext] : undefined;
    if (!pending || r.end || !clientContext) return; // unknown or finished operation: ignored
    delete r.pendingOps[clientContext];
    if (pending.purpose !== 'offer') return;
    const offer = r.offers.find((o) => o.offerId === pending.offerId);
    if (!offer || offer.result) return;
    if (status === 'completed') {
      if (offer.via === 'invite') this.connect(offer, at);
    } else {
      this.resolveOffer(offer, 'declined', at, resultInfo);
    }
  }

  private roster(participants: RosterParticipant[], at: number): void {
    const r = this.r;
    if (r.end) return;
    const offer = openOffer(r);
    if (offer?.via === 'invite' && participants.some((p) => p.userId === offer.userId.toLowerCase()))
      this.connect(offer, at);
    // Invite model: the caller left while the agent and the bot stay (issue 12 §7) → the bot ends the call. Only
    // once a roster has shown the caller: some rosters list only who was added (participant-invite.md example 1).
    const phone = r.arrival?.callerPhone;
    const callerIn = !!phone && participants.some((p) => p.phone === phone);
    if (callerIn) r.rosterHadCaller = true;
    else if (r.connected && r.rosterHadCaller) this.commands.push({ op: 'hangUp', callId: r.callId });
  }

  // ---- router / timers ---------------------------------------------------------------------------------------

  private offer(i: Extract<CallInput, { kind: 'offer' }>): string | undefined {
    const r = this.r;
    const phase = callPhase(r);
    if (r.offers.some((o) => o.offerId === i.offerId)) return `offer ${i.offerId} exists`;
    if (i.via === 'redirect' ? phase !== 'arrived' : phase !== 'queued')
      return `a call ${phase} cannot take a ${i.via} offer`;
    const clientContext = this.clientContext(`offer:${i.offerId}`);
    r.offers.push({
      offerId: i.offerId,
      agentId: i.agentId,
      userId: i.userId,
      via: i.via,
      offeredAt: i.at,
      clientContext,
    });
    r.pendingOps[clientContext] = { purpose: 'offer', offerId: i.offerId };
    this.entry('offered', i.at, { agentId: i.agentId, offerId: i.offerId, callQueueId: r.callQueueId });
    const target: CallTarget = { kind: 'user', userId: i.userId, tenantId: r.tenantId || undefined };
    if (i.via === 'transfer')
      this.commands.push({ op: 'transfer', callId: r.callId, target, clientContext, ...this.transferee() });
    else if (i.via === 'invite')
      this.commands.push({ op: 'invite', callId: r.callId, targets: [target], clientContext });
    else
      this.commands.push({
        op: 'redirect',
        callId: r.callId,
        targets: [target],
        timeoutS: i.timeoutS,
        callbackUri: this.env.callbackUri,
        routingPolicies: [...AGENT_REDIRECT_POLICIES],
      });
    return undefined;
  }

  private offerExpired(offerId: string, at: number): string | undefined {
    const offer = this.r.offers.find((o) => o.offerId === offerId);
    if (!offer) return `no offer ${offerId}`;
    if (offer.result || this.r.end) return `offer ${offerId} is ${offer.result ?? 'over'}`;
    this.resolveOffer(offer, 'missed', at);
    return undefined;
  }

  private callQueueAction(
    reason: 'overflowed' | 'timedOut' | 'noAgent',
    action: CallQueueAction,
    at: number,
  ): string | undefined {
    const r = this.r;
    const phase = callPhase(r);
    if (phase === 'ended' || phase === 'connected' || phase === 'unknown') return `the call is ${phase}`;
    if (r.disposition) return `the call is leaving already (${r.disposition.reason})`;
    const offer = openOffer(r);
    if (offer) this.resolveOffer(offer, 'cancelled', at);
    this.entry(reason, at, { callQueueId: r.callQueueId, waitMs: this.waitMs(at), detail: describeAction(action) });
    const answered = r.answeredAt !== undefined;
    switch (action.kind) {
      case 'callQueue':
        r.callQueueId = action.callQueueId; // the call keeps its arrival time
        return undefined;
      case 'disconnect':
        r.disposition = { reason, at, action };
        this.commands.push(
          answered ? { op: 'hangUp', callId: r.callId } : { op: 'reject', callId: r.callId, reason: 'busy' },
        );
        return undefined;
      case 'user':
      case 'number': {
        r.disposition = { reason, at, action };
        const target: CallTarget =
          action.kind === 'user'
            ? { kind: 'user', userId: action.userId, tenantId: r.tenantId || undefined }
            : { kind: 'phone', number: action.number };
        if (answered) {
          const clientContext = this.clientContext(reason);
          r.pendingOps[clientContext] = { purpose: 'action' };
          this.commands.push({ op: 'transfer', callId: r.callId, target, clientContext, ...this.transferee() });
        } else {
          this.commands.push({
            op: 'redirect',
            callId: r.callId,
            targets: [target],
            callbackUri: this.env.callbackUri,
          });
        }
        return undefined;
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private connect(offer: CallOffer, at: number): void {
    const r = this.r;
    if (r.connected) {
      if (r.connected.offerId === offer.offerId && at < r.connected.at) r.connected.at = at;
      return;
    }
    if (r.end) return;
    offer.result = 'accepted';
    offer.resolvedAt = at;
    r.connected = { agentId: offer.agentId, userId: offer.userId, at, offerId: offer.offerId };
    delete r.pendingOps[offer.clientContext];
    this.entry('connected', at, { agentId: offer.agentId, offerId: offer.offerId, waitMs: this.waitMs(at) });
    // Invite model: the caller stays in the bot's call, now talking to the agent — the music stops.
    const participantId = r.arrival?.callerParticipantId;
    if (offer.via === 'invite' && participantId) {
      const cc = this.clientContext('unhold');
      r.pendingOps[cc] = { purpose: 'holdMusic' };
      this.commands.push({ op: 'stopHoldMusic', callId: r.callId, participantId, clientContext: cc });
    }
  }

  private resolveOffer(offer: CallOffer, result: OfferResult, at: number, resultInfo?: ResultInfo): void {
    offer.result = result;
    offer.resolvedAt = at;
    delete this.r.pendingOps[offer.clientContext];
    if (result === 'missed' || result === 'declined')
      this.entry(result === 'missed' ? 'offerMissed' : 'offerDeclined', at, {
        agentId: offer.agentId,
        offerId: offer.offerId,
        resultInfo,
      });
  }

  /** An invite made the bot's call a group call: a transfer must then name the caller as transferee. */
  private transferee(): { transfereeParticipantId?: string } {
    const pid = this.r.arrival?.callerParticipantId;
    return pid && this.r.offers.some((o) => o.via === 'invite') ? { transfereeParticipantId: pid } : {};
  }

  private clientContext(purpose: string): string {
    this.r.opSeq += 1;
    return `${this.r.callId}|${purpose}|${this.r.opSeq}`;
  }

  private waitMs(at: number): number | undefined {
    return this.r.arrival ? Math.max(0, at - this.r.arrival.at) : undefined;
  }

  private entry(kind: CallLogKind, at: number, extra: Omit<CallLogEntry, 'seq' | 'kind' | 'at'> = {}): void {
    this.r.logSeq += 1;
    const e: CallLogEntry = { seq: this.r.logSeq, kind, at };
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) (e as unknown as Record<string, unknown>)[k] = v;
    this.log.push(e);
  }
}

/** A transfer / redirect completed: 0/7015, or (consultative transfer) terminationReason AppTransferred. */
export function isHandOver(resultInfo: ResultInfo | undefined, terminationReason?: string): boolean {
  return resultInfo?.subcode === TRANSFER_COMPLETED_SUBCODE || /^AppTransferred$/i.test(terminationReason ?? '');
}

function describeAction(a: CallQueueAction): string {
  switch (a.kind) {
    case 'disconnect':
      return 'disconnect';
    case 'callQueue':
      return `callQueue ${a.callQueueId}`;
    case 'user':
      return `user ${a.userId}`;
    case 'number':
      return `number ${a.number}`;
  }
}

/**
 * api/call-keepalive.md: a call with no keepAlive for 45 minutes ends; send one every 15. Due when the call is
 * answered, not ended, and 15 minutes have passed since the last keepAlive (or the answer).
 */
export const KEEP_ALIVE_EVERY_MS = 15 * 60_000;

export function keepAliveDue(r: CallRecord, now: number, lastKeepAliveAt?: number): boolean {
  if (r.end || r.answeredAt === undefined) return false;
  return now - Math.max(r.answeredAt, lastKeepAliveAt ?? 0) >= KEEP_ALIVE_EVERY_MS;
}
