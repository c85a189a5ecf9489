// The wallboard's live data: the real-time stream (`GET …/realtime/stream`, server-sent events read with fetch, since
// EventSource cannot send the bearer token) when the API has it; else `GET …/realtime` every 2 s; else, while the
// real-time API is not there, the same tiles derived every 2 s from the call queue, agents and live calls API (no
// "today" figures then). The problem+json of what is missing is kept for the page to show.
import { createParser } from 'eventsource-parser';
import { useEffect, useState } from 'react';
import { ApiProblem, type Api } from '../api';
import {
  AGENT_STATES,
  enc,
  epochMs,
  itemsOf,
  type AgentLiveState,
  type AgentView,
  type CallQueue,
  type LiveCall,
} from '../contact-center';

export interface QueueTile {
  callQueueId: string;
  name?: string;
  waiting: number;
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
 * `{at, callQueues: [{callQueueId, name, waiting, oldestArrivedAt, longestWaitS, agents: {state: n}, today: {offered,
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

/** Tiles from the call queue, agents and live calls API (what exists before the real-time API). */
export async function derivedBoard(api: Api, known: CallQueue[]): Promise<Board> {
  const calls = itemsOf<LiveCall>(await api.json('GET', api.tenantPath('/calls?state=active')));
  const ids = new Set<string>(known.map((q) => q.queueId ?? ''));
  const now = Date.now();
  const agentRows = new Map<string, AgentRow>();
  const tiles = await Promise.all(
    [...ids].filter(Boolean).map(async (id): Promise<QueueTile> => {
      const members = itemsOf<AgentView>(await api.json('GET', api.tenantPath(`/agents?callQueueId=${enc(id)}`)));
      for (const a of members) {
        const row = agentRows.get(a.agentId) ?? {
          agentId: a.agentId,
          userPrincipalName: a.userPrincipalName,
          state: a.state,
          since: epochMs(a.since),
          callQueueIds: [],
        };
        row.callQueueIds!.push(id);
        agentRows.set(a.agentId, row);
      }
      const waiting = calls.filter((c) => c.callQueueId === id && !c.connectedAt && c.phase !== 'connected');
      const q = known.find((k) => k.queueId === id);
      const oldest = Math.min(...waiting.map((c) => epochMs(c.arrivedAt) ?? now));
      return {
        callQueueId: id,
        name: q?.name,
        waiting: waiting.length,
        oldestArrivedAt: waiting.length ? oldest : undefined,
        longestWaitS: Math.max(0, ...waiting.map((c) => c.waitS ?? (now - (epochMs(c.arrivedAt) ?? now)) / 1000)),
        agents: Object.fromEntries(AGENT_STATES.map((s) => [s, members.filter((m) => m.state === s).length])) as Record<
          AgentLiveState,
          number
        >,
        serviceLevelThresholdS: q?.serviceLevelThresholdS,
      };
    }),
  );
  return { at: now, source: 'derived', callQueues: tiles, agents: [...agentRows.values()] };
}

export interface LiveBoard {
  board?: Board;
  /** Why the stream or the real-time API is not used (their problem+json), shown beside the board. */
  missing?: unknown;
  error?: unknown;
}

const POLL_MS = 2000;

/** Keeps the board live for as long as the page shows it. */
export function useLiveBoard(api: Api): LiveBoard {
  const [live, setLive] = useState<LiveBoard>({});
  useEffect(() => {
    const abort = new AbortController();
    let timer: number | undefined;
    let known: CallQueue[] | undefined;
    let missing: unknown;
    // The call queues the caller may see (the API scopes the list): names and service-level thresholds.
    const callQueues = async (): Promise<CallQueue[]> =>
      (known ??= itemsOf<CallQueue>(await api.json('GET', api.tenantPath('/callQueues?top=1000'))));
    const thresholds = () =>
      new Map((known ?? []).map((q) => [q.queueId ?? '', q.serviceLevelThresholdS] as [string, number]));
    const show = (b: Board) => {
      if (!abort.signal.aborted) setLive({ board: b, missing });
    };

    const poll = async () => {
      if (abort.signal.aborted) return;
      try {
        await callQueues().catch(() => undefined);
        try {
          show(boardOf(await api.json('GET', api.tenantPath('/realtime')), 'realtime', thresholds()));
        } catch (err) {
          if (!(err instanceof ApiProblem) || ![404, 405, 501].includes(err.problem.status)) throw err;
          missing ??= err;
          show(await derivedBoard(api, await callQueues()));
        }
      } catch (err) {
        if (!abort.signal.aborted) setLive((l) => ({ ...l, error: err, missing }));
      }
      if (!abort.signal.aborted) timer = window.setTimeout(() => void poll(), POLL_MS);
    };

    const stream = async (): Promise<boolean> => {
      await callQueues().catch(() => undefined);
      const res = await api.request('GET', api.tenantPath('/realtime/stream'), {
        headers: { accept: 'text/event-stream' },
        signal: abort.signal,
      });
      if (!res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) return false;
      const parser = createParser({
        onEvent: (e) => {
          try {
            show(boardOf(JSON.parse(e.data), 'stream', thresholds()));
          } catch {
            // a keep-alive or an event of another kind
          }
        },
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return true;
        parser.feed(value);
      }
    };

    const run = async () => {
      try {
        // A stream that ends (server restart, idle timeout) is opened again; one that cannot be had falls back.
        while (!abort.signal.aborted && (await stream())) {
          await new Promise((r) => setTimeout(r, 1000));
        }
      } catch (err) {
        if (abort.signal.aborted) return;
        missing = err;
      }
      void poll();
    };
    void run();
    return () => {
      abort.abort();
      if (timer) window.clearTimeout(timer);
    };
  }, [api]);
  return live;
}
