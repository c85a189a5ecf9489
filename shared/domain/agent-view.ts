/**
 * An agent as the API shows it (`GET /api/tenants/{t}/agents`): the stored row's contact-center state joined with the
 * agent's Teams presence. Shared by the API, the CLI, the portal and the OpenAPI document (the zod schema is the
 * definition).
 */
import { z } from 'zod';
import { AGENT_LIVE_STATES, type AgentLiveState } from './agent';

export const agentViewSchema = z.object({
  agentId: z.string(),
  userPrincipalName: z.string(),
  skills: z.record(z.string(), z.number()),
  /** What the agent is doing now, for routing: {@link shownAgentState}. */
  state: z.enum(AGENT_LIVE_STATES),
  /** ISO time the contact-center state began (absent: never changed since the row was made). */
  since: z.string().optional(),
  /** Teams availability (Graph presence `availability`), `PresenceUnknown` when not read. */
  presence: z.string(),
  /**
   * The call the agent is offered or busy with. `callerPhone`: the caller's number — whole on the agent's own row and
   * to an Admin, masked to the last four digits for a Supervisor (shared/auth/caller-privacy.ts).
   */
  currentCall: z
    .object({
      callId: z.string(),
      callQueueId: z.string().optional(),
      offerId: z.string().optional(),
      callerPhone: z.string().optional(),
    })
    .optional(),
  /** The call queues (of those listed in the request's scope) the agent serves. */
  callQueues: z.array(z.string()).optional(),
  idleSince: z.string().optional(),
  lastOfferedAt: z.string().optional(),
  missedOffers: z.record(z.string(), z.number()),
  optedOut: z.array(z.string()),
  /** Kept for earlier clients: the same as `currentCall`'s fields. */
  callId: z.string().optional(),
  offerId: z.string().optional(),
  callQueueId: z.string().optional(),
});
export type AgentView = z.infer<typeof agentViewSchema>;

const AWAY = new Set(['Away', 'BeRightBack']);
const BUSY_IN_TEAMS = new Set(['Busy', 'BusyIdle', 'DoNotDisturb']);
const ONLINE = new Set(['Available', 'AvailableIdle']);

/**
 * The state an agent is shown in. The contact center's own state wins while it holds the agent (offered, busy with
 * our call, wrap-up); an agent free for us is shown by Teams presence: Available → available, Away / BeRightBack →
 * away, Busy / DoNotDisturb (busy in Teams, not with our call) → busy, Offline / PresenceUnknown / anything else →
 * offline. Presence is only a display here: routing decides eligibility from presence itself.
 */
export function shownAgentState(rowState: AgentLiveState, presence: string | undefined): AgentLiveState {
  if (rowState !== 'available') return rowState;
  const p = presence ?? 'PresenceUnknown';
  if (ONLINE.has(p)) return 'available';
  if (AWAY.has(p)) return 'away';
  if (BUSY_IN_TEAMS.has(p)) return 'busy';
  return 'offline';
}
