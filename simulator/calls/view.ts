// How a call looks: the #microsoft.graph.call resource (notifications, GET), its roster as
// #microsoft.graph.participant (api-reference/v1.0/resources/participant.md), and the control API's call view.
import type { SimCore } from '../core';
import type { Participant, SimCall } from './types';

function identityOf(call: SimCall, p: Participant): Record<string, unknown> {
  const id = (v: Record<string, unknown>): Record<string, unknown> => ({
    '@odata.type': '#microsoft.graph.identity',
    ...v,
  });
  const set: Record<string, unknown> = { '@odata.type': '#microsoft.graph.identitySet' };
  if (p.applicationInstanceId)
    set.applicationInstance = id({ id: p.applicationInstanceId, displayName: p.displayName, tenantId: call.tenantId });
  else if (p.userId)
    set.user = id({ id: p.userId, displayName: p.displayName, identityProvider: 'AAD', tenantId: call.tenantId });
  else if (p.phone) set.phone = id({ id: p.phone });
  return set;
}

export function participantResource(call: SimCall, p: Participant): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.participant',
    id: p.id,
    info: {
      '@odata.type': '#microsoft.graph.participantInfo',
      identity: identityOf(call, p),
      endpointType: 'default',
      participantId: p.id,
    },
    mediaStreams: [
      {
        '@odata.type': '#microsoft.graph.mediaStream',
        mediaType: 'audio',
        sourceId: p.sourceId,
        direction: p.onHold ? 'receiveOnly' : 'sendReceive',
        serverMuted: p.isMuted,
      },
    ],
    isMuted: p.isMuted,
    isInLobby: false,
    ...(p.replacesCallId ? { replacesCallId: p.replacesCallId } : {}),
  };
}

/** Every participant the bot can see (hidden ones are in the roster too: Graph hides them from the others). */
export function rosterResource(call: SimCall): Record<string, unknown>[] {
  return call.participants.map((p) => participantResource(call, p));
}

export function callResource(
  core: SimCore,
  call: SimCall,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const tenant = core.tenants.get(call.tenantId);
  const ra = tenant?.users.get(call.resourceAccountId);
  const phone = {
    '@odata.type': '#microsoft.graph.identity',
    id: call.direction === 'incoming' ? call.from : call.to,
  };
  const app = {
    '@odata.type': '#microsoft.graph.identity',
    id: call.resourceAccountId,
    displayName: ra?.displayName ?? null,
    tenantId: call.tenantId,
  };
  const remote = { '@odata.type': '#microsoft.graph.identitySet', phone };
  const local = { '@odata.type': '#microsoft.graph.identitySet', applicationInstance: app };
  return {
    '@odata.type': '#microsoft.graph.call',
    state: call.state,
    direction: call.direction,
    callbackUri: call.callbackUri ?? call.webhookUrl,
    source: {
      '@odata.type': '#microsoft.graph.participantInfo',
      identity: call.direction === 'incoming' ? remote : local,
      endpointType: 'default',
      region: null,
      languageId: null,
      participantId: call.direction === 'incoming' ? call.callerParticipantId : call.myParticipantId,
    },
    targets: [
      {
        '@odata.type': '#microsoft.graph.invitationParticipantInfo',
        identity: call.direction === 'incoming' ? local : remote,
        endpointType: 'default',
      },
    ],
    requestedModalities: ['audio'],
    mediaConfig:
      call.mediaConfig === 'appHosted'
        ? { '@odata.type': '#microsoft.graph.appHostedMediaConfig' }
        : { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
    tenantId: call.tenantId,
    myParticipantId: call.myParticipantId,
    id: call.id,
    callChainId: call.callChainId,
    incomingContext:
      call.direction === 'incoming'
        ? {
            '@odata.type': '#microsoft.graph.incomingContext',
            sourceParticipantId: call.callerParticipantId,
            observedParticipantId: call.callerParticipantId,
            onBehalfOf: null,
            transferor: null,
          }
        : null,
    ...extra,
  };
}

function participantView(p: Participant): Record<string, unknown> {
  return {
    id: p.id,
    kind: p.kind,
    ...(p.userId ? { userId: p.userId } : {}),
    ...(p.phone ? { phone: p.phone } : {}),
    ...(p.applicationInstanceId ? { applicationInstanceId: p.applicationInstanceId } : {}),
    displayName: p.displayName,
    hidden: p.hidden,
    removeFromDefaultAudioRoutingGroup: p.removeFromDefaultAudioRoutingGroup,
    isMuted: p.isMuted,
    ...(p.mutedAt ? { mutedAt: p.mutedAt } : {}),
    onHold: p.onHold,
    joinedAt: p.joinedAt,
    ...(p.replacesCallId ? { replacesCallId: p.replacesCallId } : {}),
  };
}

/** GET /_sim/calls/{id}: what tests assert on. */
export function simCallView(call: SimCall): Record<string, unknown> {
  return {
    id: call.id,
    state: call.state,
    from: call.from,
    to: call.to,
    agentId: call.agentId,
    endReason: call.endReason,
    resultInfo: call.resultInfo,
    direction: call.direction,
    callbackUri: call.callbackUri,
    botInCall: call.botInCall,
    group: call.group,
    answeredBy: call.answeredBy,
    recordingStatus: call.recordingStatus,
    participants: call.participants.map(participantView),
    departed: call.departed.map((p) => ({ ...participantView(p), leftAt: p.leftAt })),
    heard: call.heard.map((h) => ({ ...h })),
    tones: call.tones.map((t) => ({ ...t })),
    recording: call.recording.map((r) => ({ ...r })),
    invitations: call.invitations.map((i) => ({ ...i })),
    lastKeepAliveAt: call.lastKeepAliveAt,
    createdAt: call.createdAt,
    ...(call.answeredAt ? { answeredAt: call.answeredAt } : {}),
    ...(call.connectedAt ? { connectedAt: call.connectedAt } : {}),
    ...(call.callerLeftAt ? { callerLeftAt: call.callerLeftAt } : {}),
    ...(call.endedAt ? { endedAt: call.endedAt } : {}),
    ...(call.loadId ? { loadId: call.loadId } : {}),
    requests: call.requests.map((r) => ({ ...r })),
    // the envelopes themselves are at GET /_sim/calls/{id}/notifications
    deliveries: call.deliveries.map(({ body: _body, ...d }) => d),
  };
}
