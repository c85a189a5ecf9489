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
  longestWaitS: number;
  agents: Record<AgentLiveState, number>;
  answeredToday?: number;
  abandonedToday?: number;
  /** 0–100 */
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

/** The real-time API's answer (one snapshot; the stream's events carry the same) as tiles and agent rows. */
export function boardOf(body: unknown, source: BoardSource): Board {
  const b = obj(body);
  const queues = (b.callQueues ?? b.queues ?? []) as Json[];
  const agents = (b.agents ?? []) as Json[];
  const at = epochMs((b.at ?? b.asOf ?? b.generatedAt) as string | number | undefined) ?? Date.now();
  return {
    at,
    source,
    callQueues: queues.map((q) => {
      const today = obj(q.today);
      const sl = num(q.serviceLevelToday, q.serviceLevel, today.serviceLevel, obj(q.serviceLevel).percent);
      return {
        callQueueId: String(q.callQueueId ?? q.queueId ?? q.id),
        name: typeof q.name === 'string' ? q.name : undefined,
        waiting: num(q.waiting, q.waitingNow, q.callsWaiting) ?? 0,
        longestWaitS: num(q.longestWaitS, (num(q.longestWaitMs) ?? NaN) / 1000) ?? 0,
        agents: stateCounts(q.agents ?? q.agentsByState),
        answeredToday: num(q.answeredToday, today.answered),
        abandonedToday: num(q.abandonedToday, today.abandoned),
        // A fraction (0–1) is shown as a percentage.
        serviceLevelToday: sl !== undefined && sl <= 1 ? sl * 100 : sl,
        serviceLevelThresholdS: num(q.serviceLevelThresholdS),
      };
    }),
    agents: agents.map((a) => ({
      agentId: typeof a.agentId === 'string' ? a.agentId : undefined,
      userPrincipalName: String(a.userPrincipalName ?? a.agentId ?? ''),
      state: (a.state ?? 'offline') as AgentLiveState,
      since:
        epochMs((a.since ?? a.stateSince) as string | number | undefined) ??
        (num(a.timeInStateS) !== undefined ? at - num(a.timeInStateS)! * 1000 : undefined),
      callQueueIds: Array.isArray(a.callQueueIds) ? (a.callQueueIds as string[]) : undefined,
    })),
  };
}

/** Tiles from the call queue, agents and live calls API (what exists before the real-time API). */
export async function derivedBoard(
  api: Api,
  scope: string[] | undefined,
  known: CallQueue[] | undefined,
): Promise<Board> {
  const calls = itemsOf<LiveCall>(await api.json('GET', api.tenantPath('/calls?state=active')));
  const ids = new Set<string>(scope ?? known?.map((q) => q.queueId ?? '') ?? []);
  if (!scope && !known) for (const c of calls) if (c.callQueueId) ids.add(c.callQueueId);
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
      const q = known?.find((k) => k.queueId === id);
      return {
        callQueueId: id,
        name: q?.name,
        waiting: waiting.length,
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
export function useLiveBoard(api: Api, scope: string[] | undefined): LiveBoard {
  const [live, setLive] = useState<LiveBoard>({});
  useEffect(() => {
    const abort = new AbortController();
    let timer: number | undefined;
    let known: CallQueue[] | undefined;
    let missing: unknown;
    const inScope = (b: Board): Board =>
      scope ? { ...b, callQueues: b.callQueues.filter((q) => scope.includes(q.callQueueId)) } : b;
    const show = (b: Board) => {
      if (!abort.signal.aborted) setLive({ board: inScope(b), missing });
    };

    const poll = async () => {
      if (abort.signal.aborted) return;
      try {
        try {
          show(boardOf(await api.json('GET', api.tenantPath('/realtime')), 'realtime'));
        } catch (err) {
          if (!(err instanceof ApiProblem) || ![404, 405, 501].includes(err.problem.status)) throw err;
          missing ??= err;
          if (!scope && known === undefined) {
            known = await api
              .json('GET', api.tenantPath('/callQueues'))
              .then((b) => itemsOf<CallQueue>(b))
              .catch(() => undefined);
          }
          show(await derivedBoard(api, scope, known));
        }
      } catch (err) {
        if (!abort.signal.aborted) setLive((l) => ({ ...l, error: err, missing }));
      }
      if (!abort.signal.aborted) timer = window.setTimeout(() => void poll(), POLL_MS);
    };

    const stream = async (): Promise<boolean> => {
      const res = await api.request('GET', api.tenantPath('/realtime/stream'), {
        headers: { accept: 'text/event-stream' },
      });
      if (!res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) return false;
      const parser = createParser({
        onEvent: (e) => {
          try {
            show(boardOf(JSON.parse(e.data), 'stream'));
          } catch {
            // a keep-alive or an event of another kind
          }
        },
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      abort.signal.addEventListener('abort', () => void reader.cancel());
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
        missing = err;
      }
      void poll();
    };
    void run();
    return () => {
      abort.abort();
      if (timer) window.clearTimeout(timer);
    };
  }, [api, scope?.join(',')]);
  return live;
}
