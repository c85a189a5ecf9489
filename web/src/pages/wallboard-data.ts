// The wallboard's live data: the real-time stream (`GET …/realtime/stream`, server-sent events read with fetch, since
// EventSource cannot send the bearer token) when the API has it; else `GET …/realtime` every 2 s; else, while the
// real-time API is not there, the same tiles derived every 2 s from the call queue, agents and live calls API (no
// "today" figures then). The problem+json of what is missing is kept for the page to show.
import { createParser } from 'eventsource-parser';
import { useEffect, useState } from 'react';
import { ApiProblem, type Api } from '../api';
import { boardOf, type AgentRow, type Board, type QueueTile } from './wallboard-rules';
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
