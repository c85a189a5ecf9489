/**
 * Real-time figures (the wallboard): per call queue — calls waiting now, the longest wait, its agents by state,
 * today's answered / abandoned / service levels (from today's day bucket, UTC); per agent — state and time in it.
 * Read from the live rows (calls not ended, agents) and one day bucket per call queue: no scan. `changeKey` leaves
 * out what only the clock changes (waits, time in state), so a stream pushes when something happened, and clients
 * count the seconds from `since` / `oldestArrivedAt`.
 */
import { z } from 'zod';
import type { AgentStateName } from './aggregate.rules';
import { DAY_MS } from './aggregate.rules';
import type { ReportingService } from './reporting.service';

const STATES: readonly AgentStateName[] = ['available', 'offered', 'busy', 'wrapUp', 'away', 'offline'];

export interface RealtimeSources {
  callQueues(tenantId: string): Promise<{ queueId: string; name?: string; agents: { agentId: string }[] }[]>;
  agents(tenantId: string): Promise<{ agentId: string; userPrincipalName: string; state: string; since: number }[]>;
  /** Calls not ended, with their phase and call queue. */
  activeCalls(tenantId: string): Promise<{ callId: string; phase: string; callQueueId?: string; arrivedAt?: number }[]>;
  reports: Pick<ReportingService, 'callQueues'>;
  /** Callbacks not over (pending or dialing) per call queue id; absent: none. */
  callbacksWaiting?(tenantId: string): Promise<Map<string, number>>;
}

const agentCountsSchema = z.object({
  available: z.number(),
  offered: z.number(),
  busy: z.number(),
  wrapUp: z.number(),
  away: z.number(),
  offline: z.number(),
}) satisfies z.ZodType<Record<AgentStateName, number>>;

export const realtimeCallQueueSchema = z.object({
  callQueueId: z.string(),
  name: z.string().optional(),
  waiting: z.number(),
  /** Callbacks asked for and not over yet (waiting for an agent, or being dialled). */
  callbacksWaiting: z.number(),
  oldestArrivedAt: z.string().nullable(),
  longestWaitS: z.number().nullable(),
  agents: agentCountsSchema,
  today: z.object({
    offered: z.number(),
    answered: z.number(),
    abandoned: z.number(),
    serviceLevel: z.record(z.string(), z.number().nullable()),
  }),
});
export type RealtimeCallQueue = z.infer<typeof realtimeCallQueueSchema>;

export const realtimeAgentSchema = z.object({
  agentId: z.string(),
  userPrincipalName: z.string(),
  state: z.string(),
  since: z.string().nullable(),
  timeInStateS: z.number().nullable(),
  callQueueIds: z.array(z.string()),
});
export type RealtimeAgent = z.infer<typeof realtimeAgentSchema>;

/** `GET /api/tenants/{tenantId}/realtime` (and each `snapshot` event of the stream). */
export const realtimeSnapshotSchema = z.object({
  at: z.string(),
  callQueues: z.array(realtimeCallQueueSchema),
  agents: z.array(realtimeAgentSchema),
});
export type RealtimeSnapshot = z.infer<typeof realtimeSnapshotSchema>;

export class RealtimeService {
  constructor(private readonly sources: RealtimeSources) {}

  /** `visible`: the call queues the caller may see (undefined = all). */
  async snapshot(tenantId: string, visible: readonly string[] | undefined, now: number): Promise<RealtimeSnapshot> {
    const [queues, agents, calls, callbacks] = await Promise.all([
      this.sources.callQueues(tenantId),
      this.sources.agents(tenantId),
      this.sources.activeCalls(tenantId),
      this.sources.callbacksWaiting?.(tenantId) ?? Promise.resolve(new Map<string, number>()),
    ]);
    const shown = queues.filter((q) => !visible || visible.includes(q.queueId));
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const byAgent = new Map(agents.map((a) => [a.agentId.toLowerCase(), a]));
    const queuesOf = new Map<string, string[]>();
    const callQueues = await Promise.all(
      shown.map(async (q): Promise<RealtimeCallQueue> => {
        const waiting = calls.filter(
          (c) => c.callQueueId === q.queueId && (c.phase === 'queued' || c.phase === 'offered'),
        );
        const oldest = Math.min(...waiting.map((c) => c.arrivedAt ?? now));
        const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<AgentStateName, number>;
        for (const member of q.agents) {
          const id = member.agentId.toLowerCase();
          queuesOf.set(id, [...(queuesOf.get(id) ?? []), q.queueId]);
          const a = byAgent.get(id);
          const state = (a?.state ?? 'offline') as AgentStateName;
          if (state in counts) counts[state] += 1;
        }
        const [today] = await this.sources.reports.callQueues({
          tenantId,
          from: dayStart,
          to: dayStart + DAY_MS,
          interval: '1d',
          callQueueId: q.queueId,
        });
        const sl = today?.serviceLevel;
        return {
          callQueueId: q.queueId,
          ...(q.name ? { name: q.name } : {}),
          waiting: waiting.length,
          callbacksWaiting: callbacks.get(q.queueId) ?? 0,
          oldestArrivedAt: waiting.length ? new Date(oldest).toISOString() : null,
          longestWaitS: waiting.length ? Math.max(0, Math.round((now - oldest) / 1000)) : null,
          agents: counts,
          today: {
            offered: today?.offered ?? 0,
            answered: today?.answered ?? 0,
            abandoned: today?.abandoned ?? 0,
            serviceLevel: sl ? { ...sl } : { thresholdS: null },
          },
        };
      }),
    );
    const shownAgents = agents
      .filter((a) => !visible || queuesOf.has(a.agentId.toLowerCase()))
      .map((a): RealtimeAgent => ({
        agentId: a.agentId,
        userPrincipalName: a.userPrincipalName,
        state: a.state,
        since: a.since > 0 ? new Date(a.since).toISOString() : null,
        timeInStateS: a.since > 0 ? Math.max(0, Math.round((now - a.since) / 1000)) : null,
        callQueueIds: queuesOf.get(a.agentId.toLowerCase()) ?? [],
      }))
      .sort((x, y) => x.userPrincipalName.localeCompare(y.userPrincipalName));
    return { at: new Date(now).toISOString(), callQueues, agents: shownAgents };
  }
}

/** What a stream compares to decide whether to push: the snapshot without the clock's figures. */
export function changeKey(s: RealtimeSnapshot): string {
  return JSON.stringify({
    q: s.callQueues.map(({ longestWaitS: _w, ...rest }) => rest),
    a: s.agents.map(({ timeInStateS: _t, ...rest }) => rest),
  });
}
