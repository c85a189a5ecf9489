// The call's roster: invite (≤ 5 users or PSTN numbers, replacesCallId, hidden, removeFromDefaultAudioRoutingGroup;
// a second and third invite barge in after the agent), list, mute, remove. Every participants notification carries
// the whole roster with mediaStreams (api-reference/v1.0/api/participant-invite.md, participant-mute.md,
// participant-delete.md, resources/participant.md).
import { isRecord } from '../util';
import type { CallEngine } from './engine';
import { Participant, SimCall, SimError } from './types';
import { participantResource, rosterResource } from './view';

interface Invitee {
  userId?: string;
  phone?: string;
  hidden: boolean;
  removeFromDefaultAudioRoutingGroup: boolean;
  replacesCallId?: string;
  info: Record<string, unknown>;
}

export class Participants {
  constructor(private readonly e: CallEngine) {}

  invite(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    this.e.media.requireEstablished(call);
    const list = Array.isArray(body.participants) ? body.participants : [];
    if (list.length === 0 || list.length > 5) throw new SimError(400, 'invite takes 1 to 5 participants.');
    const invitees: Invitee[] = list.map((p, i) => {
      const r = isRecord(p) ? p : {};
      const identity = (r.identity ?? {}) as { user?: { id?: unknown }; phone?: { id?: unknown } };
      const userId = identity.user?.id;
      const phone = identity.phone?.id;
      if (typeof userId !== 'string' && typeof phone !== 'string')
        throw new SimError(400, `participants[${i}].identity must contain a user or phone.`);
      if (typeof userId === 'string' && call.participants.some((x) => x.userId === userId && x.kind === 'agent'))
        throw new SimError(400, `User '${userId}' is already in the call.`);
      return {
        ...(typeof userId === 'string' ? { userId } : { phone: phone as string }),
        hidden: r.hidden === true,
        removeFromDefaultAudioRoutingGroup: r.removeFromDefaultAudioRoutingGroup === true,
        ...(typeof r.replacesCallId === 'string' ? { replacesCallId: r.replacesCallId } : {}),
        info: {
          '@odata.type': '#microsoft.graph.invitationParticipantInfo',
          identity: {
            '@odata.type': '#microsoft.graph.identitySet',
            ...(typeof userId === 'string'
              ? {
                  user: {
                    '@odata.type': '#microsoft.graph.identity',
                    id: userId,
                    identityProvider: 'AAD',
                    tenantId: call.tenantId,
                  },
                }
              : { phone: { '@odata.type': '#microsoft.graph.identity', id: phone } }),
          },
          ...(typeof r.replacesCallId === 'string' ? { replacesCallId: r.replacesCallId } : {}),
        },
      };
    });
    const op = this.e.media.newOp(call, 'inviteParticipantsOperation', body);
    let pending = invitees.length;
    const joined: Invitee[] = [];
    const settle = (): void => {
      if (--pending > 0) return;
      if (joined.length === 0) {
        this.e.notify.operation(
          call,
          op,
          'failed',
          { code: 408, subcode: 0, message: 'The invited participants did not answer.' },
          { participants: invitees.map((x) => x.info) },
        );
        return;
      }
      call.group = true;
      for (const x of joined) {
        const o = {
          hidden: x.hidden,
          removeFromDefaultAudioRoutingGroup: x.removeFromDefaultAudioRoutingGroup,
          replacesCallId: x.replacesCallId,
        };
        if (x.userId) this.e.people.agentJoins(call, x.userId, o);
        else
          this.e.people.participant(call, {
            id: `pstn-${x.phone}`,
            kind: 'pstn',
            phone: x.phone,
            displayName: null,
            ...o,
            hidden: o.hidden,
            removeFromDefaultAudioRoutingGroup: o.removeFromDefaultAudioRoutingGroup,
          });
      }
      this.e.notify.operation(
        call,
        op,
        'completed',
        { code: 200, subcode: 0, message: 'The participants were added.' },
        { participants: joined.map((x) => x.info) },
      );
      this.e.notify.roster(call);
    };
    for (const x of invitees) {
      if (x.userId) {
        const id = x.userId;
        this.e.people.ringAgent(
          call,
          id,
          this.e.core.faults.incomingCallTimeoutMs,
          (r) => {
            if (r === 'answered' && !this.e.people.agentBusy.has(id)) joined.push(x);
            else if (r === 'answered') this.e.people.endLeg(id, call.id, 'noAnswer'); // on another call meanwhile
            settle();
          },
          false,
          true,
        );
      } else
        this.e.people.ringCallee(call, x.phone!, (r) => {
          if (r === 'answered') joined.push(x);
          settle();
        });
    }
    return { ...this.e.media.opView(op, 'running'), participants: invitees.map((x) => x.info) };
  }

  list(call: SimCall): Record<string, unknown>[] {
    return rosterResource(call);
  }

  find(call: SimCall, participantId: string): Participant {
    const p = call.participants.find((x) => x.id === participantId);
    if (!p) throw new SimError(404, `Participant '${participantId}' was not found in the call.`, 8522);
    return p;
  }

  one(call: SimCall, participantId: string): Record<string, unknown> {
    return participantResource(call, this.find(call, participantId));
  }

  /** participant-mute.md: 200 with a muteParticipantOperation; the roster then shows isMuted. */
  mute(call: SimCall, participantId: string, body: Record<string, unknown>): Record<string, unknown> {
    this.e.media.requireEstablished(call);
    const p = this.find(call, participantId);
    const op = this.e.media.newOp(call, 'muteParticipantOperation', body);
    p.isMuted = true;
    op.timer = this.e.after(call, this.e.core.faults.establishDelayMs, () => {
      this.e.notify.operation(call, op, 'completed', {
        code: 200,
        subcode: 0,
        message: 'Action completed successfully.',
      });
      this.e.notify.roster(call);
    });
    return this.e.media.opView(op, 'running');
  }

  /** participant-delete.md: 204; the participant leaves (the caller of a two-party call ends it). */
  remove(call: SimCall, participantId: string): void {
    const p = this.find(call, participantId);
    if (p.kind === 'bot') throw new SimError(400, "Use DELETE /communications/calls/{id} to end the bot's own leg.");
    if (p.kind === 'caller') {
      if (!call.group)
        return this.e.terminate(
          call,
          {
            code: 200,
            subcode: 5300,
            message: 'Participant was removed from the conversation by another participant.',
          },
          call.connectedAt ? 'completed' : 'removed',
        );
      return this.e.people.callerHangsUp(call);
    }
    this.e.people.leaves(call, p);
  }
}
