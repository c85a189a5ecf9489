// The call's roster: inviting agents into the bot's call (the bot stays), and the participants notifications.
import { newId } from '../util';
import type { CallEngine } from './engine';
import { Operation, SimCall, SimError } from './types';

export class Participants {
  constructor(private readonly e: CallEngine) {}

  invite(call: SimCall, body: Record<string, unknown>): Record<string, unknown> {
    this.e.media.requireEstablished(call);
    const participants = Array.isArray(body.participants) ? body.participants : [];
    if (participants.length === 0 || participants.length > 5)
      throw new SimError(400, 'invite needs 1 to 5 participants.');
    const userId = (participants[0] as { identity?: { user?: { id?: unknown } } }).identity?.user?.id;
    if (typeof userId !== 'string') throw new SimError(400, 'participants[0].identity.user.id is required.');
    const op: Operation = {
      id: newId(),
      type: 'inviteParticipantsOperation',
      clientContext: typeof body.clientContext === 'string' ? body.clientContext : null,
    };
    call.ops.set(op.id, op);
    this.e.people.ringAgent(call, userId, this.e.core.faults.incomingCallTimeoutMs, (answered) => {
      if (!answered || this.e.people.agentBusy.has(userId) || call.agentId) {
        this.e.notify.operation(call, op, 'failed', {
          code: 408,
          subcode: 0,
          message: 'The invited participant did not answer.',
        });
        return;
      }
      this.e.people.occupyAgent(call, userId);
      const tenant = this.e.core.tenants.get(call.tenantId)!;
      this.e.notify.enqueue(call, {
        changeType: 'updated',
        resourceUrl: `/communications/calls/${call.id}/participants`,
        resourceData: [
          {
            '@odata.type': '#microsoft.graph.participant',
            id: newId(),
            info: {
              '@odata.type': '#microsoft.graph.participantInfo',
              identity: {
                user: {
                  id: userId,
                  displayName: tenant.users.get(userId)?.displayName ?? null,
                  tenantId: call.tenantId,
                },
              },
            },
            mediaStreams: [],
            isInLobby: false,
            isMuted: false,
          },
        ],
      });
      this.e.notify.operation(call, op, 'completed', {
        code: 200,
        subcode: 0,
        message: 'The participant was added.',
      });
    });
    return this.e.media.opView(op, 'running');
  }
}
