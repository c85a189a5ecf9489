/**
 * An agent as the `agents` table holds it (PartitionKey tenantId, RowKey the agent's Entra object id): skills, the
 * contact center's live state (ETag-guarded: two routers never offer one agent two calls), opt-outs, missed offers.
 * Shared by the call queue capability (which stores it) and the call router (which claims agents through a port).
 */
export const AGENT_LIVE_STATES = ['available', 'offered', 'busy', 'wrapUp', 'away', 'offline'] as const;
export type AgentLiveState = (typeof AGENT_LIVE_STATES)[number];

export interface AgentRecord {
  tenantId: string;
  /** Entra object id (whom Graph rings). */
  agentId: string;
  userPrincipalName: string;
  /** skill → level 1–5 */
  skills: Record<string, number>;
  state: AgentLiveState;
  /** Epoch ms the state began. */
  since: number;
  /** The call and offer the agent is offered / busy with. */
  callId?: string;
  offerId?: string;
  callQueueId?: string;
  /** When the agent last became available (longest idle). */
  idleSince: number;
  lastOfferedAt?: number;
  /** Missed offers in a row, per call queue. */
  missedOffers: Record<string, number>;
  /** Call queues the agent opted out of. */
  optedOut: string[];
  etag?: string;
}

export function newAgentRecord(tenantId: string, agentId: string, userPrincipalName: string): AgentRecord {
  return {
    tenantId: tenantId.toLowerCase(),
    agentId: agentId.toLowerCase(),
    userPrincipalName: userPrincipalName.toLowerCase(),
    skills: {},
    state: 'available',
    since: 0,
    idleSince: 0,
    missedOffers: {},
    optedOut: [],
  };
}
