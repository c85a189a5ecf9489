/**
 * An agent as the API shows it (`GET /api/tenants/{t}/agents`): the stored row's contact-center state joined with the
 * agent's Teams presence. Shared by the API, the CLI and the portal.
 */
import type { AgentLiveState } from './agent';

export interface AgentView {
  agentId: string;
  userPrincipalName: string;
  skills: Record<string, number>;
  /** What the agent is doing now, for routing: {@link shownAgentState}. */
  state: AgentLiveState;
  /** ISO time the contact-center state began (absent: never changed since the row was made). */
  since?: string;
  /** Teams availability (Graph presence `availability`), `PresenceUnknown` when not read. */
  presence: string;
  /**
   * The call the agent is offered or busy with. `callerPhone`: the caller's number — whole on the agent's own row and
   * to an Admin, masked to the last four digits for a Supervisor (shared/auth/caller-privacy.ts).
   */
  currentCall?: { callId: string; callQueueId?: string; offerId?: string; callerPhone?: string };
  /** The call queues (of those listed in the request's scope) the agent serves. */
  callQueues?: string[];
  idleSince?: string;
  lastOfferedAt?: string;
  missedOffers: Record<string, number>;
  optedOut: string[];
  /** Kept for earlier clients: the same as `currentCall`'s fields. */
  callId?: string;
  offerId?: string;
  callQueueId?: string;
}

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
