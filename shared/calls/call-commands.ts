/**
 * Carries out the call machine's commands through a CallControl. A call that is gone is not an error here: the
 * machine learns of the end from Graph's `deleted` notification.
 */
import type { CallCommand } from './call.rules';
import { CallControl, CommsOperation, isCallGone } from './call-control.port';

export type CommandResult =
  { op: CallCommand['op']; outcome: 'done'; operation?: CommsOperation } | { op: CallCommand['op']; outcome: 'gone' };

export async function executeCallCommand(cc: CallControl, cmd: CallCommand): Promise<CommandResult> {
  try {
    switch (cmd.op) {
      case 'answer':
        await cc.answer(cmd.callId, { callbackUri: cmd.callbackUri });
        return { op: cmd.op, outcome: 'done' };
      case 'reject':
        await cc.reject(cmd.callId, cmd.reason);
        return { op: cmd.op, outcome: 'done' };
      case 'redirect':
        await cc.redirect(cmd.callId, {
          targets: cmd.targets,
          timeoutS: cmd.timeoutS,
          callbackUri: cmd.callbackUri,
          routingPolicies: cmd.routingPolicies,
        });
        return { op: cmd.op, outcome: 'done' };
      case 'transfer':
        await cc.transfer(cmd.callId, {
          target: cmd.target,
          clientContext: cmd.clientContext,
          transfereeParticipantId: cmd.transfereeParticipantId,
        });
        return { op: cmd.op, outcome: 'done' };
      case 'invite':
        return {
          op: cmd.op,
          outcome: 'done',
          operation: await cc.invite(cmd.callId, {
            participants: cmd.targets.map((target) => ({
              target,
              ...(cmd.participantId ? { participantId: cmd.participantId } : {}),
            })),
            clientContext: cmd.clientContext,
          }),
        };
      case 'startHoldMusic':
        return {
          op: cmd.op,
          outcome: 'done',
          operation: await cc.startHoldMusic(cmd.callId, cmd.participantId, { clientContext: cmd.clientContext }),
        };
      case 'stopHoldMusic':
        return {
          op: cmd.op,
          outcome: 'done',
          operation: await cc.stopHoldMusic(cmd.callId, cmd.participantId, cmd.clientContext),
        };
      case 'playPrompt':
        return {
          op: cmd.op,
          outcome: 'done',
          operation: await cc.playPrompt(cmd.callId, { promptUris: cmd.promptUris, clientContext: cmd.clientContext }),
        };
      case 'subscribeToTone':
        return { op: cmd.op, outcome: 'done', operation: await cc.subscribeToTone(cmd.callId, cmd.clientContext) };
      case 'cancelMediaProcessing':
        return {
          op: cmd.op,
          outcome: 'done',
          operation: await cc.cancelMediaProcessing(cmd.callId, cmd.clientContext),
        };
      case 'cancelInvite':
        return {
          op: cmd.op,
          outcome: (await cc.removeParticipant(cmd.callId, cmd.participantId)) === 'gone' ? 'gone' : 'done',
        };
      case 'muteParticipant':
        return {
          op: cmd.op,
          outcome: 'done',
          operation: await cc.muteParticipant(cmd.callId, cmd.participantId, cmd.clientContext),
        };
      case 'removeParticipant':
        return {
          op: cmd.op,
          outcome: (await cc.removeParticipant(cmd.callId, cmd.participantId)) === 'gone' ? 'gone' : 'done',
        };
      case 'updateRecordingStatus':
        return {
          op: cmd.op,
          outcome: 'done',
          operation: await cc.updateRecordingStatus(cmd.callId, cmd.status, cmd.clientContext),
        };
      case 'hangUp':
        return { op: cmd.op, outcome: (await cc.hangUp(cmd.callId)) === 'gone' ? 'gone' : 'done' };
    }
  } catch (e) {
    if (isCallGone(e)) return { op: cmd.op, outcome: 'gone' };
    throw e;
  }
}
