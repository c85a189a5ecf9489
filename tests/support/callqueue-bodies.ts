/**
 * Call queue bodies both sides' unit tests build (the API's schema in shared/callqueues, the portal's form in web/):
 * `{name}` with Teams' defaults spelled out, and a stored call queue with every setting set.
 */
import type { CallQueueBody } from '../../shared/domain';

/** What the API makes of `{name}`: Teams' defaults, written out (not read from CALL_QUEUE_DEFAULTS, which they check). */
export function withTeamsDefaults(name = 'Sales'): CallQueueBody {
  return {
    name,
    routingMethod: 'attendant',
    presenceBasedRouting: true,
    agentAlertTimeS: 30,
    wrapUpS: 0,
    maxCalls: 50,
    maxWaitS: 1200,
    overflowAction: { kind: 'disconnect' },
    timeoutAction: { kind: 'disconnect' },
    noAgentAction: { kind: 'disconnect' },
    serviceLevelThresholdS: 20,
    agents: [],
  };
}

/** A call queue as GET shows it, every setting away from its default, its agents with their object ids. */
export function storedCallQueue(): CallQueueBody & {
  queueId: string;
  tenantId: string;
  updatedAt: string;
  agents: { userPrincipalName: string; order?: number; agentId: string }[];
} {
  return {
    queueId: 'sales',
    tenantId: 't',
    updatedAt: '2026-12-03T00:00:00Z',
    name: 'Sales',
    routingMethod: 'skillsBased',
    presenceBasedRouting: false,
    agentAlertTimeS: 20,
    wrapUpS: 15,
    maxCalls: 10,
    maxWaitS: 300,
    overflowAction: { kind: 'callQueue', target: 'support' },
    timeoutAction: { kind: 'number', target: '+14255550100' },
    noAgentAction: { kind: 'user', target: 'lead@contoso.com' },
    serviceLevelThresholdS: 30,
    requiredSkills: { french: 3, billing: 2 },
    missedOffersBeforeOptOut: 3,
    relaxation: [{ afterS: 60, minLevelDelta: 1 }],
    agents: [
      { userPrincipalName: 'agent02@contoso.com', order: 2, agentId: 'id-2' },
      { userPrincipalName: 'agent01@contoso.com', agentId: 'id-1' },
    ],
  };
}
