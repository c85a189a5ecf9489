/**
 * One input's effects on a call's record (a private copy), gathered as they happen: the log entries to append and the
 * commands to send. The transitions themselves are in call.graph-events.ts and call.router-inputs.ts; what they share
 * (connecting an offer, resolving one, hold music, log entries, clientContext values) is here.
 */
import type { ResultInfo } from './notification.schema';
import {
  CallCommand,
  CallEnv,
  CallLogEntry,
  CallLogKind,
  CallOffer,
  CallRecord,
  OfferResult,
  isEnding,
} from './call.record';
import { callOutcome } from './call.outcome';

export class Step {
  readonly log: CallLogEntry[] = [];
  readonly commands: CallCommand[] = [];

  constructor(
    readonly r: CallRecord,
    readonly env: CallEnv,
  ) {}

  /** After the input: the outcome, once derivable, is stored; an abandoned call is logged with its wait. */
  settleOutcome(): void {
    const before = this.r.outcome;
    const now = callOutcome(this.r);
    if (now === before) return;
    this.r.outcome = now;
    if (now === 'abandoned' && this.r.end)
      this.entry('abandoned', this.r.end.at, { waitMs: this.waitMs(this.r.end.at), callQueueId: this.r.callQueueId });
  }

  /** The caller hears hold music — unless it plays already (one participant on hold at a time, a second start is 400). */
  startHoldMusic(_at: number): void {
    const r = this.r;
    const participantId = r.arrival?.callerParticipantId;
    if (isEnding(r) || r.connected || !participantId) return;
    if (r.hold && r.hold.state !== 'off') return;
    const clientContext = this.clientContext('hold');
    r.pendingOps[clientContext] = { purpose: 'holdMusic', hold: 'start' };
    r.hold = { participantId, state: 'starting' };
    this.commands.push({ op: 'startHoldMusic', callId: r.callId, participantId, clientContext });
  }

  /** Stops the music we started (stopHoldMusic on a participant not on hold is a 400). */
  stopHoldMusic(): void {
    const r = this.r;
    const hold = r.hold;
    if (isEnding(r) || !hold || (hold.state !== 'starting' && hold.state !== 'on')) return;
    const clientContext = this.clientContext('unhold');
    r.pendingOps[clientContext] = { purpose: 'holdMusic', hold: 'stop' };
    hold.state = 'stopping';
    this.commands.push({ op: 'stopHoldMusic', callId: r.callId, participantId: hold.participantId, clientContext });
  }

  /** A hold-music operation finished. Completions may arrive out of order: a late start never undoes a stop. */
  holdMusicFinished(kind: 'start' | 'stop' | undefined, status: 'completed' | 'failed'): void {
    const hold = this.r.hold;
    if (!hold || !kind) return;
    if (kind === 'start') {
      if (hold.state === 'starting') hold.state = status === 'completed' ? 'on' : 'off';
    } else if (hold.state === 'stopping') hold.state = status === 'completed' ? 'off' : 'on';
  }

  /** The bot ends the call, once. */
  hangUp(at: number): void {
    const r = this.r;
    if (r.end || r.hangUpAt !== undefined) return;
    r.hangUpAt = at;
    this.commands.push({ op: 'hangUp', callId: r.callId });
  }

  connect(offer: CallOffer, at: number): void {
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
    // Attendant: the first to answer wins; every other invitation still ringing for this call is withdrawn.
    for (const other of r.offers) if (!other.result) this.withdraw(other, at);
    // Invite model: the caller stays in the bot's call, now talking to the agent — the music stops.
    if (offer.via === 'invite') this.stopHoldMusic();
  }

  /**
   * Another agent answered first (attendant): the offer is over — `cancelled`, logged `offerWithdrawn`, not the
   * agent's miss — and its invitation stops ringing (DELETE of the invitee; if they joined meanwhile, it removes them).
   */
  withdraw(offer: CallOffer, at: number): void {
    this.resolveOffer(offer, 'cancelled', at);
    this.entry('offerWithdrawn', at, {
      agentId: offer.agentId,
      offerId: offer.offerId,
      detail: 'another agent answered',
    });
    this.cancelInvite(offer, { evenIfConnected: true });
  }

  resolveOffer(offer: CallOffer, result: OfferResult, at: number, resultInfo?: ResultInfo): void {
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

  /**
   * An invitation that no longer stands (missed, cancelled) stops ringing: `DELETE …/participants/{id}` on the
   * invitee (api/participant-delete.md: "When an invited participant is removed, any outstanding add participant
   * request is canceled"), so a late answer cannot join an agent to a call that moved on.
   */
  cancelInvite(offer: CallOffer, o: { evenIfConnected?: boolean } = {}): void {
    if (offer.via !== 'invite' || !offer.participantId || isEnding(this.r)) return;
    if (this.r.connected && !o.evenIfConnected) return;
    this.commands.push({ op: 'cancelInvite', callId: this.r.callId, participantId: offer.participantId });
  }

  /** An invite made the bot's call a group call: a transfer must then name the caller as transferee. */
  transferee(): { transfereeParticipantId?: string } {
    const pid = this.r.arrival?.callerParticipantId;
    return pid && this.r.offers.some((o) => o.via === 'invite') ? { transfereeParticipantId: pid } : {};
  }

  clientContext(purpose: string): string {
    this.r.opSeq += 1;
    return `${this.r.callId}|${purpose}|${this.r.opSeq}`;
  }

  waitMs(at: number): number | undefined {
    return this.r.arrival ? Math.max(0, at - this.r.arrival.at) : undefined;
  }

  entry(kind: CallLogKind, at: number, extra: Omit<CallLogEntry, 'seq' | 'kind' | 'at'> = {}): void {
    this.r.logSeq += 1;
    const e: CallLogEntry = { seq: this.r.logSeq, kind, at };
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) (e as unknown as Record<string, unknown>)[k] = v;
    this.log.push(e);
  }
}
