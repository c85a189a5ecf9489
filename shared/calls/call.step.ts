/**
 * One input's effects on a call's record (a private copy), gathered as they happen: the log entries to append and the
 * commands to send. The transitions themselves are in call.graph-events.ts and call.router-inputs.ts; what they share
 * (connecting an offer, resolving one, hold music, log entries, clientContext values) is here.
 */
import type { ResultInfo } from './notification.schema';
import { CallCommand, CallEnv, CallLogEntry, CallLogKind, CallOffer, CallRecord, OfferResult } from './call.record';
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

  startHoldMusic(_at: number): void {
    const r = this.r;
    const participantId = r.arrival?.callerParticipantId;
    if (r.end || r.connected || !participantId) return;
    const clientContext = this.clientContext('hold');
    r.pendingOps[clientContext] = { purpose: 'holdMusic' };
    this.commands.push({ op: 'startHoldMusic', callId: r.callId, participantId, clientContext });
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
    // Invite model: the caller stays in the bot's call, now talking to the agent — the music stops.
    const participantId = r.arrival?.callerParticipantId;
    if (offer.via === 'invite' && participantId) {
      const cc = this.clientContext('unhold');
      r.pendingOps[cc] = { purpose: 'holdMusic' };
      this.commands.push({ op: 'stopHoldMusic', callId: r.callId, participantId, clientContext: cc });
    }
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
