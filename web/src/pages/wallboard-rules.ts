// The wallboard's pure rules: the real-time snapshot as tiles and agent rows, and when a tile turns amber or red.
import { AGENT_STATES, epochMs, type AgentLiveState } from '../contact-center';

export interface QueueTile {
  callQueueId: string;
  name?: string;
  waiting: number;
  /** callbacks asked for and not over (pending or being dialled); undefined when the data does not say */
  callbacksWaiting?: number;
  /** epoch ms the longest-waiting call arrived (the page counts its wait up from it) */
  oldestArrivedAt?: number;
  /** when the data was read (the wait then, when the arrival is not known) */
  longestWaitS: number;
  agents: Record<AgentLiveState, number>;
  answeredToday?: number;
  abandonedToday?: number;
  /** 0–100: answered within the threshold ÷ offered today (Teams' fourth variant, docs/metrics.md) */
  serviceLevelToday?: number;
  serviceLevelThresholdS?: number;
}

export interface AgentRow {
  agentId?: string;
  userPrincipalName: string;
  state: AgentLiveState;
  /** epoch ms the state began */
  since?: number;
  callQueueIds?: string[];
}

export type BoardSource = 'stream' | 'realtime' | 'derived';

export interface Board {
  callQueues: QueueTile[];
  agents: AgentRow[];
  /** epoch ms of the data (the server's, when it says) */
  at: number;
  source: BoardSource;
}

type Json = Record<string, unknown>;
const num = (...vs: unknown[]): number | undefined => {
  for (const v of vs) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
};
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});

function stateCounts(v: unknown): Record<AgentLiveState, number> {
  const o = obj(v);
  return Object.fromEntries(AGENT_STATES.map((s) => [s, num(o[s]) ?? 0])) as Record<AgentLiveState, number>;
}

/**
 * The real-time API's snapshot (`GET …/realtime`; each stream event carries the same) as tiles and agent rows:
 * `{at, callQueues: [{callQueueId, name, waiting, callbacksWaiting, oldestArrivedAt, longestWaitS, agents: {state: n}, today: {offered,
 * answered, abandoned, serviceLevel: {…five}}}], agents: [{agentId, userPrincipalName, state, since, timeInStateS,
 * callQueueIds}]}`. `thresholds` adds each call queue's service-level threshold (the snapshot does not carry it).
 */
export function boardOf(body: unknown, source: BoardSource, thresholds?: Map<string, number>): Board {
  const b = obj(body);
  const queues = (b.callQueues ?? []) as Json[];
  const agents = (b.agents ?? []) as Json[];
  const at = epochMs(b.at as string | number | undefined) ?? Date.now();
  return {
    at,
    source,
    callQueues: queues.map((q) => {
      const today = obj(q.today);
      const sl = num(obj(today.serviceLevel).teamsAnsweredOverOffered);
      const id = String(q.callQueueId);
      return {
        callQueueId: id,
        name: typeof q.name === 'string' ? q.name : undefined,
        waiting: num(q.waiting) ?? 0,
        callbacksWaiting: num(q.callbacksWaiting),
        oldestArrivedAt: epochMs((q.oldestArrivedAt ?? undefined) as string | undefined),
        longestWaitS: num(q.longestWaitS) ?? 0,
        agents: stateCounts(q.agents),
        answeredToday: num(today.answered),
        abandonedToday: num(today.abandoned),
        serviceLevelToday: sl === undefined ? undefined : sl * 100,
        serviceLevelThresholdS: thresholds?.get(id),
      };
    }),
    agents: agents.map((a) => ({
      agentId: typeof a.agentId === 'string' ? a.agentId : undefined,
      userPrincipalName: String(a.userPrincipalName ?? a.agentId ?? ''),
      state: (a.state ?? 'offline') as AgentLiveState,
      since: epochMs((a.since ?? undefined) as string | undefined),
      callQueueIds: Array.isArray(a.callQueueIds) ? (a.callQueueIds as string[]) : undefined,
    })),
  };
}

export type Level = 'ok' | 'amber' | 'red';

/**
 * A tile's level. Calls waiting that no agent is being offered are "unserved". Red when the longest wait reaches
 * twice the call queue's service-level threshold, or unserved calls wait with no agent available or in wrap-up;
 * amber when the longest wait reaches the threshold, or unserved calls outnumber available agents; else on target.
 */
export function tileLevel(t: QueueTile, now: number): Level {
  if (t.waiting === 0) return 'ok';
  const threshold = t.serviceLevelThresholdS ?? 20;
  const wait = longestWait(t, now);
  const unserved = Math.max(0, t.waiting - t.agents.offered);
  if (wait >= 2 * threshold || (unserved > 0 && t.agents.available + t.agents.wrapUp === 0)) return 'red';
  if (wait >= threshold || unserved > t.agents.available) return 'amber';
  return 'ok';
}

/** The longest wait now, in seconds: counted up from the oldest waiting call's arrival when the data says it. */
export function longestWait(t: QueueTile, now: number): number {
  return t.oldestArrivedAt !== undefined ? Math.max(0, (now - t.oldestArrivedAt) / 1000) : t.longestWaitS;
}
