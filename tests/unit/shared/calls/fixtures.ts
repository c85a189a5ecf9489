/**
 * Notifications shaped as Microsoft's API reference shows them (microsoftgraph/microsoft-graph-docs-contrib,
 * api-reference/v1.0/api/call-answer.md, participant-invite.md, participant-startholdmusic.md, call-transfer.md).
 */
export const TENANT = '8f2c2a5e-5b8e-4f0e-9a43-0c5b1d3e7a11';
export const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';
export const RESOURCE_ACCOUNT = '0f9e6d1c-1111-4a2b-9c3d-5e6f7a8b9c0d';
export const CALLER_PARTICIPANT = 'c0a1b2c3-0000-4000-8000-000000000001';
export const AGENT_USER = '278405a3-f568-4b3e-b684-009193463064';

export function envelope(...value: unknown[]): unknown {
  return { '@odata.type': '#microsoft.graph.commsNotifications', value };
}

export function incoming(callId = CALL): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'created',
    resource: `/app/calls/${callId}`,
    resourceUrl: `/communications/calls/${callId}`,
    resourceData: {
      '@odata.type': '#microsoft.graph.call',
      '@odata.id': `/communications/calls/${callId}`,
      '@odata.etag': 'W/"5445"',
      state: 'incoming',
      direction: 'incoming',
      callbackUri: 'https://bot.contoso.com/api/calls',
      source: {
        '@odata.type': '#microsoft.graph.participantInfo',
        identity: { '@odata.type': '#microsoft.graph.identitySet', phone: { id: '+14255550111' } },
        region: 'westus',
        languageId: 'en-US',
        someFutureField: { nested: true },
      },
      targets: [
        {
          '@odata.type': '#microsoft.graph.invitationParticipantInfo',
          identity: {
            applicationInstance: { id: RESOURCE_ACCOUNT.toUpperCase(), displayName: 'Support', tenantId: TENANT },
          },
        },
      ],
      requestedModalities: ['audio'],
      tenantId: TENANT,
      myParticipantId: 'b0000000-0000-4000-8000-000000000002',
      callChainId: 'd0000000-0000-4000-8000-000000000003',
      incomingContext: { sourceParticipantId: CALLER_PARTICIPANT, observedParticipantId: CALLER_PARTICIPANT },
    },
  };
}

/** An `updated` notification carrying only what changed (call-answer.md). */
export function stateUpdate(
  state: string,
  extra: Record<string, unknown> = {},
  callId = CALL,
): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'updated',
    resourceUrl: `/communications/calls/${callId}`,
    resourceData: { '@odata.type': '#microsoft.graph.call', state, ...extra },
  };
}

export function terminated(code: number, subcode: number, message = 'ended', callId = CALL): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'deleted',
    resource: `/app/calls/${callId}`,
    resourceUrl: `/communications/calls/${callId}`,
    resourceData: {
      '@odata.type': '#microsoft.graph.call',
      state: 'terminated',
      resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', code, subcode, message },
    },
  };
}

export function tone(sequenceId: number, t: string, callId = CALL): Record<string, unknown> {
  return stateUpdate(
    'established',
    { toneInfo: { '@odata.type': '#microsoft.graph.toneInfo', sequenceId, tone: t } },
    callId,
  );
}

export function operationDone(
  type: string,
  clientContext: string,
  status = 'completed',
  opId = 'eec3812a-fdc3-4fb4-825c-a06c9f35414e',
  callId = CALL,
): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'deleted',
    // participant-startholdmusic.md shows the path without its leading slash
    resourceUrl: `communications/calls/${callId}/operations/${opId}`,
    resourceData: {
      '@odata.type': `#microsoft.graph.${type}`,
      '@odata.etag': 'W/"54451"',
      id: opId,
      status,
      clientContext,
      ...(status.toLowerCase() === 'failed' ? { resultInfo: { code: 400, subcode: 8508, message: 'cancelled' } } : {}),
    },
  };
}

export function roster(
  participants: { userId?: string; phone?: string; id?: string | null; isMuted?: boolean }[],
  callId = CALL,
) {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'updated',
    resource: `/app/calls/${callId}/participants`,
    resourceUrl: `/communications/calls/${callId}/participants`,
    resourceData: participants.map((p) => ({
      '@odata.type': '#microsoft.graph.participant',
      id: p.id ?? null,
      info: {
        '@odata.type': '#microsoft.graph.participantInfo',
        identity: p.userId
          ? { user: { id: p.userId, tenantId: TENANT } }
          : p.phone
            ? { phone: { id: p.phone } }
            : { application: { id: 'bot' } },
        endpointType: 'default',
      },
      mediaStreams: [{ mediaType: 'audio', sourceId: '1', direction: 'sendReceive', serverMuted: p.isMuted ?? false }],
      isMuted: p.isMuted ?? false,
      isInLobby: false,
    })),
  };
}
