// The humans on the far side: the PSTN caller, Teams agents (who ring, answer, forward to voicemail, talk and hang
// up per their profile) and PSTN callees (per callee profile). Agents' presence follows their calls.
import type { CalleeProfile } from '../model';
import { newId } from '../util';
import type { CallEngine } from './engine';
import { AgentLeg, Participant, RESULTS, SimCall } from './types';

const AVAILABLE_TO_ANSWER = new Set(['Available', 'AvailableIdle', 'Away', 'BeRightBack']);

export type RingResult = 'answered' | 'voicemail' | 'noAnswer';

export interface JoinOptions {
  /** The participant id to join with (an invitation's, when the inviter chose one). */
  id?: string;
  hidden?: boolean;
  removeFromDefaultAudioRoutingGroup?: boolean;
  replacesCallId?: string;
}

export class People {
  /** agentId → callId while the agent is on a call */
  readonly agentBusy = new Map<string, string>();
  /** PSTN numbers the bot calls out to, by number */
  readonly callees = new Map<string, CalleeProfile>();
  /** agentId → every leg the agent was rung on, in order (GET /_sim/agents/{id}/legs) */
  readonly legs = new Map<string, AgentLeg[]>();

  constructor(private readonly e: CallEngine) {}

  reset(): void {
    this.agentBusy.clear();
    this.callees.clear();
    this.legs.clear();
  }

  /** The agent's open leg on this call (rung, not over). */
  private openLeg(agentId: string, callId: string): AgentLeg | undefined {
    return this.legs.get(agentId)?.find((l) => l.callId === callId && l.endedAt === undefined);
  }

  /** The agent's leg on this call is over (rang out, went to voicemail, or they left / were not let in). */
  endLeg(agentId: string, callId: string, result: NonNullable<AgentLeg['result']>): void {
    const leg = this.openLeg(agentId, callId);
    if (!leg) return;
    leg.endedAt = Date.now();
    leg.result ??= result;
  }

  /**
   * Rings an agent: they answer after answerDelayMs with answerProbability if free and present. When they do not
   * answer and `forwarding` is allowed, an agent with forwardToVoicemailAfterS set is "answered" by voicemail then.
   */
  ringAgent(
    call: SimCall,
    agentId: string,
    timeoutMs: number,
    done: (r: RingResult) => void,
    forwarding = false,
    /** the caller joins the agent later (an invite waits for every invitee), not inside `done` */
    joinLater = false,
  ): void {
    const tenant = this.e.core.tenants.get(call.tenantId)!;
    const profile = tenant.agentProfiles.get(agentId);
    const presence = tenant.presence.get(agentId);
    const voicemailMs =
      forwarding && profile?.forwardToVoicemailAfterS !== undefined
        ? profile.forwardToVoicemailAfterS * 1000
        : Infinity;
    const willAnswer =
      !!profile &&
      !!presence &&
      AVAILABLE_TO_ANSWER.has(presence.availability) &&
      !this.agentBusy.has(agentId) &&
      Math.random() < profile.answerProbability &&
      profile.answerDelayMs < Math.min(timeoutMs, voicemailMs);
    const list = this.legs.get(agentId) ?? [];
    this.legs.set(agentId, list);
    const leg: AgentLeg = { callId: call.id, ringingAt: Date.now() };
    list.push(leg);
    const settle = (r: RingResult): void => {
      if (r !== 'answered') this.endLeg(agentId, call.id, r);
      done(r);
      // answered, but not let in (on another call meanwhile, or another target won): the leg is over
      if (r === 'answered' && !joinLater && leg.joinedAt === undefined) this.endLeg(agentId, call.id, 'noAnswer');
    };
    if (willAnswer) this.e.after(call, profile!.answerDelayMs, () => settle('answered'));
    else if (voicemailMs < timeoutMs) this.e.after(call, voicemailMs, () => settle('voicemail'));
    else this.e.after(call, timeoutMs, () => settle('noAnswer'));
  }

  /** A PSTN callee per its profile (default: picks up after outboundAnswerDelayMs). */
  ringCallee(call: SimCall, number: string, done: (r: 'answered' | 'busy' | 'noAnswer') => void): void {
    const f = this.e.core.faults;
    const p = this.callees.get(number) ?? { answerDelayMs: f.outboundAnswerDelayMs, answerProbability: 1, busy: false };
    if (p.busy) this.e.after(call, Math.min(p.answerDelayMs, 200), () => done('busy'));
    else if (Math.random() < p.answerProbability && p.answerDelayMs < f.incomingCallTimeoutMs)
      this.e.after(call, p.answerDelayMs, () => done('answered'));
    else this.e.after(call, f.incomingCallTimeoutMs, () => done('noAnswer'));
  }

  participant(call: SimCall, p: Omit<Participant, 'sourceId' | 'joinedAt' | 'isMuted' | 'onHold'>): Participant {
    const full: Participant = {
      ...p,
      isMuted: false,
      onHold: false,
      joinedAt: Date.now(),
      sourceId: String(call.nextSourceId++),
    };
    call.participants.push(full);
    return full;
  }

  /** An agent joins the call (invite, transfer, redirect or an outbound call to them). */
  agentJoins(call: SimCall, agentId: string, o: JoinOptions = {}): Participant {
    const tenant = this.e.core.tenants.get(call.tenantId)!;
    const first = !call.agentId;
    if (first) {
      call.agentId = agentId;
      call.connectedAt = Date.now();
    }
    this.agentBusy.set(agentId, call.id);
    const leg = this.openLeg(agentId, call.id);
    if (leg) {
      leg.joinedAt ??= Date.now();
      leg.result = 'answered';
    }
    tenant.presence.set(agentId, { availability: 'Busy', activity: 'InACall' });
    const p = this.participant(call, {
      id: o.id ?? newId(),
      kind: 'agent',
      userId: agentId,
      displayName: tenant.users.get(agentId)?.displayName ?? null,
      hidden: o.hidden === true,
      removeFromDefaultAudioRoutingGroup: o.removeFromDefaultAudioRoutingGroup === true,
      ...(o.replacesCallId ? { replacesCallId: o.replacesCallId } : {}),
    });
    if (first) {
      this.e.connected(call);
      // the caller talks for their handle time, then hangs up
      this.e.after(call, call.handleTimeS * 1000, () => this.callerHangsUp(call));
    }
    const hangUp = tenant.agentProfiles.get(agentId)?.hangsUpAfterS;
    if (hangUp !== undefined) this.e.after(call, hangUp * 1000, () => this.leaves(call, p));
    return p;
  }

  /** Someone other than the caller and the bot leaves (agent hangs up, or removed by the bot). */
  leaves(call: SimCall, p: Participant): void {
    const i = call.participants.indexOf(p);
    if (i < 0) return;
    call.participants.splice(i, 1);
    call.departed.push({ ...p, leftAt: Date.now() });
    if (p.kind === 'agent' && p.userId) this.releaseAgent(call, p.userId);
    if (!call.botInCall) {
      // caller and agent alone: the agent's hang-up ends the call
      return this.e.terminate(call, RESULTS.otherPartyLeft, 'completed');
    }
    if (!call.group) return this.e.terminate(call, RESULTS.otherPartyLeft, 'completed');
    this.e.notify.roster(call);
    this.endIfAlone(call);
  }

  /** The PSTN caller hangs up: a group call goes on without them; otherwise the call ends (540000). */
  callerHangsUp(call: SimCall): void {
    if (call.state === 'terminated') return;
    const reason = call.connectedAt ? 'completed' : 'abandoned';
    if (call.botInCall && call.group) {
      // the PSTN party: the caller of an incoming call, the callee of an outbound one (a callback)
      const p = call.participants.find(
        (x) => x.kind === 'caller' || (call.direction === 'outgoing' && x.kind === 'pstn'),
      );
      if (p) call.participants.splice(call.participants.indexOf(p), 1);
      call.callerLeftAt = Date.now();
      this.e.notify.roster(call);
      this.endIfAlone(call);
      return;
    }
    // an outbound call to a Teams user: that user is "the other party" (4521); otherwise the PSTN party hung up
    const p2pUser = call.direction === 'outgoing' && call.participants.some((x) => x.kind === 'agent');
    this.e.terminate(call, p2pUser ? RESULTS.otherPartyLeft : RESULTS.pstnHangUp, reason);
  }

  /** call-delete.md 200/5002: everyone but the bot has left. */
  private endIfAlone(call: SimCall): void {
    if (call.participants.every((p) => p.kind === 'bot'))
      this.e.terminate(call, RESULTS.allLeft, call.callerLeftAt ? 'completed' : 'abandoned');
  }

  private releaseAgent(call: SimCall, agentId: string): void {
    this.endLeg(agentId, call.id, 'callEnded');
    if (this.agentBusy.get(agentId) !== call.id) return;
    this.agentBusy.delete(agentId);
    const tenant = this.e.core.tenants.get(call.tenantId);
    if (tenant?.presence.has(agentId))
      tenant.presence.set(agentId, { availability: 'Available', activity: 'Available' });
  }

  /** The call ended: its agents are free again. */
  release(call: SimCall): void {
    for (const [agentId, callId] of [...this.agentBusy]) if (callId === call.id) this.releaseAgent(call, agentId);
    // agents still ringing when the call ended (their ring timers died with it)
    for (const agentId of this.legs.keys()) this.endLeg(agentId, call.id, 'callEnded');
  }
}
