// The call's roster: invite (≤ 5 users or PSTN numbers, replacesCallId, hidden, removeFromDefaultAudioRoutingGroup;
// a second and third invite barge in after the agent), list, mute, remove. Every participants notification carries
// the whole roster with mediaStreams (api-reference/v1.0/api/participant-invite.md, participant-mute.md,
// participant-delete.md, resources/participant.md).
import { isRecord } from '../util';
import type { CallEngine } from './engine';
import { newId } from '../util';
import { Invitation, Participant, SimCall, SimError } from './types';
import { participantResource, rosterResource } from './view';

/**
 * The properties of invitationParticipantInfo (resources/invitationparticipantinfo.md; the SDKs' models add
 * endpointType, hidden, participantId, removeFromDefaultAudioRoutingGroup). It is not an open type: Graph refuses
 * any other property with 400 — there is no way to invite someone muted (a monitor is muted after joining).
 */
const INVITATION_PROPERTIES = new Set([
  '@odata.type',
  'identity',
  'endpointType',
  'hidden',
  'participantId',
  'removeFromDefaultAudioRoutingGroup',
  'replacesCallId',
]);

interface Invitee {
  invitation: Invitation;
  userId?: string;
  phone?: string;
  hidden: boolean;
  removeFromDefaultAudioRoutingGroup: boolean;
  replacesCallId?: string;
  info: Record<string, unknown>;
}

export class Participants {
  /** Invitations still ringing → how to cancel each. */
  private readonly ringing = new Map<Invitation, () => void>();

  constructor(private readonly e: CallEngine) {}

  invite(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    this.e.media.requireEstablished(call);
    const list = Array.isArray(body.participants) ? body.participants : [];
    if (list.length === 0 || list.length > 5) throw new SimError(400, 'invite takes 1 to 5 participants.');
    const invitees: Invitee[] = list.map((p, i) => {
      const r = isRecord(p) ? p : {};
      const unknown = Object.keys(r).find((k) => !INVITATION_PROPERTIES.has(k));
      if (unknown)
        throw new SimError(
          400,
          `The property '${unknown}' does not exist on type 'microsoft.graph.invitationParticipantInfo'. ` +
            'Make sure to only use property names that are defined by the type.',
        );
      const identity = (r.identity ?? {}) as { user?: { id?: unknown }; phone?: { id?: unknown } };
      const userId = identity.user?.id;
      const phone = identity.phone?.id;
      if (typeof userId !== 'string' && typeof phone !== 'string')
        throw new SimError(400, `participants[${i}].identity must contain a user or phone.`);
      if (typeof userId === 'string' && call.participants.some((x) => x.userId === userId && x.kind === 'agent'))
        throw new SimError(400, `User '${userId}' is already in the call.`);
      // invitationParticipantInfo.participantId: "Optional. The ID of the target participant" — the inviter may
      // name it, so it can cancel the invitation while it rings (participant-delete.md example 2).
      const participantId = typeof r.participantId === 'string' && r.participantId ? r.participantId : newId();
      if (
        call.participants.some((x) => x.id === participantId) ||
        call.invitations.some((x) => x.participantId === participantId)
      )
        throw new SimError(400, `participants[${i}].participantId '${participantId}' is already in use in the call.`);
      return {
        invitation: {
          participantId,
          ...(typeof userId === 'string' ? { userId } : { phone: phone as string }),
          at: Date.now(),
          status: 'ringing' as const,
        },
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
          participantId,
        },
      };
    });
    call.invitations.push(...invitees.map((x) => x.invitation));
    const op = this.e.media.newOp(call, 'inviteParticipantsOperation', body);
    let pending = invitees.length;
    const joined: Invitee[] = [];
    const finish = (): void => {
      if (joined.length === 0) {
        const cancelled = invitees.every((x) => x.invitation.status === 'cancelled');
        this.e.notify.operation(
          call,
          op,
          'failed',
          cancelled
            ? { code: 487, subcode: 0, message: 'The invitation was cancelled.' }
            : { code: 408, subcode: 0, message: 'The invited participants did not answer.' },
          { participants: invitees.map((x) => x.info) },
        );
        return;
      }
      call.group = true;
      for (const x of joined) {
        const o = {
          id: x.invitation.participantId,
          hidden: x.hidden,
          removeFromDefaultAudioRoutingGroup: x.removeFromDefaultAudioRoutingGroup,
          replacesCallId: x.replacesCallId,
        };
        if (x.userId) this.e.people.agentJoins(call, x.userId, o);
        else this.e.people.participant(call, { ...o, kind: 'pstn', phone: x.phone, displayName: null });
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
    const settle = (x: Invitee, status: 'joined' | 'noAnswer' | 'cancelled'): void => {
      // Settled once: a late answer to a cancelled invitation changes nothing.
      if (x.invitation.status !== 'ringing') return;
      x.invitation.status = status;
      x.invitation.settledAt = Date.now();
      this.ringing.delete(x.invitation);
      if (status === 'joined') joined.push(x);
      if (--pending === 0) finish();
    };
    for (const x of invitees) {
      this.ringing.set(x.invitation, () => settle(x, 'cancelled'));
      if (x.userId) {
        const id = x.userId;
        this.e.people.ringAgent(
          call,
          id,
          this.e.core.faults.incomingCallTimeoutMs,
          (r) => {
            const busy = this.e.people.agentBusy.has(id);
            if (r === 'answered' && busy) this.e.people.endLeg(id, call.id, 'noAnswer'); // on another call meanwhile
            settle(x, r === 'answered' && !busy ? 'joined' : 'noAnswer');
          },
          false,
          true,
        );
      } else this.e.people.ringCallee(call, x.phone!, (r) => settle(x, r === 'answered' ? 'joined' : 'noAnswer'));
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

  /**
   * participant-mute.md: 200 with a muteParticipantOperation; the roster then shows isMuted. "This method is only
   * supported for group calls" (a call becomes one by participants/invite): 400 otherwise. There is no API to unmute
   * another participant (call-unmute.md unmutes the bot itself).
   */
  mute(call: SimCall, participantId: string, body: Record<string, unknown>): Record<string, unknown> {
    this.e.media.requireEstablished(call);
    if (!call.group) throw new SimError(400, 'Mute is only supported for group calls.');
    const p = this.find(call, participantId);
    const op = this.e.media.newOp(call, 'muteParticipantOperation', body);
    p.isMuted = true;
    p.mutedAt = Date.now();
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

  /**
   * participant-delete.md: 204; the participant leaves (the caller of a two-party call ends it). "When an invited
   * participant is removed, any outstanding add participant request is canceled" (example 2: before the participant
   * is added to the roster): the invitee's phone stops ringing, a late answer joins nobody.
   */
  remove(call: SimCall, participantId: string): void {
    const invitation = call.invitations.find((i) => i.participantId === participantId && i.status === 'ringing');
    const cancel = invitation && this.ringing.get(invitation);
    if (cancel) return cancel();
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
