// How a call looks to the bot: the #microsoft.graph.call resource in notifications and GET responses.
import type { SimCore } from '../core';
import type { SimCall } from './types';

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
    },
    targets: [
      {
        '@odata.type': '#microsoft.graph.invitationParticipantInfo',
        identity: call.direction === 'incoming' ? local : remote,
        endpointType: 'default',
      },
    ],
    requestedModalities: ['audio'],
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
