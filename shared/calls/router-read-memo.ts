/**
 * The reads of one call-events message, shared: a message that enqueues a call asks the call queue router twice for
 * the same facts — `callEnqueued` (the call queue's config, its waiting calls, its agents: full? anybody to serve?)
 * and then the routing pass (the same three) — and each was a table round trip, the agents' and calls' ones whole
 * partition queries. Within one message (the composition root builds this per invocation) a read is made once and
 * reused until something this message does could have changed it: an agent's update drops the agents, a call's
 * transition drops the calls. Nothing is kept across messages, so what another router wrote meanwhile is read as
 * before; the writes themselves stay ETag-guarded (a claim re-reads its agent row), so a reused read can at worst
 * suggest an offer that the guarded write then refuses, exactly as a read made a moment earlier could.
 */
import type { AgentRecord } from '../domain';
import { callSummary, type CallRecord, type CallSummary } from './call.rules';
import type { CallQueueRouterDeps, RouterCallQueue } from './call-queue-router';
import type { CallRepository, CallTransitionResult } from './call.repository';

type Calls = Pick<CallRepository, 'apply' | 'claimKeepAlive' | 'get' | 'listActive' | 'listActiveRecords'>;

export interface RouterReadMemo<Q extends RouterCallQueue> {
  callQueues: {
    get(tenantId: string, queueId: string): Promise<Q | undefined>;
    list(tenantId: string): Promise<Q[]>;
  };
  agents: CallQueueRouterDeps['agents'];
  calls: Calls;
}

/** Remembers a promise per key; a failed read is forgotten (the next asks again). */
class Memo<T> {
  private readonly map = new Map<string, Promise<T>>();
  get(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.map.get(key);
    if (!p) {
      p = read();
      this.map.set(key, p);
      p.catch(() => this.map.delete(key));
    }
    return p;
  }
  clear(): void {
    this.map.clear();
  }
}

export function routerReadMemo<Q extends RouterCallQueue>(source: {
  callQueues: { get(tenantId: string, queueId: string): Promise<Q | undefined>; list(tenantId: string): Promise<Q[]> };
  agents: CallQueueRouterDeps['agents'];
  calls: Calls;
}): RouterReadMemo<Q> {
  const queue = new Memo<Q | undefined>();
  const queues = new Memo<Q[]>();
  const agents = new Memo<AgentRecord[]>();
  const active = new Memo<CallRecord[]>();
  const key = (...parts: string[]) => parts.map((p) => p.toLowerCase()).join('|');
  const activeRecords = (tenantId: string, callQueueId: string) =>
    active.get(key(tenantId, callQueueId), () => source.calls.listActiveRecords(tenantId, callQueueId));
  return {
    callQueues: {
      get: (tenantId, queueId) => queue.get(key(tenantId, queueId), () => source.callQueues.get(tenantId, queueId)),
      list: (tenantId) => queues.get(key(tenantId), () => source.callQueues.list(tenantId)),
    },
    agents: {
      list: (tenantId) => agents.get(key(tenantId), () => source.agents.list(tenantId)),
      async update(tenantId, agentId, mutate) {
        agents.clear();
        try {
          return await source.agents.update(tenantId, agentId, mutate);
        } finally {
          agents.clear(); // a list read while the update ran may hold the row before it
        }
      },
    },
    calls: {
      async apply(...args: Parameters<Calls['apply']>): Promise<CallTransitionResult> {
        active.clear();
        try {
          return await source.calls.apply(...args);
        } finally {
          active.clear();
        }
      },
      // A write to the call's row (its keepAlive link), passed through: no active-call figure depends on it.
      claimKeepAlive: (...args: Parameters<Calls['claimKeepAlive']>) => source.calls.claimKeepAlive(...args),
      get: (tenantId, callId) => source.calls.get(tenantId, callId),
      listActiveRecords: (tenantId, callQueueId) => activeRecords(tenantId, callQueueId),
      // One call queue's active calls are the same query as the routing pass's records: read once, summed up here.
      async listActive(tenantId: string, callQueueId?: string): Promise<CallSummary[]> {
        if (!callQueueId) return source.calls.listActive(tenantId);
        return (await activeRecords(tenantId, callQueueId)).map(callSummary);
      },
    },
  };
}
