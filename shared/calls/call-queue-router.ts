/**
 * The call queue router: after any change, asks the routing engine (through a port) for the offers a call queue
 * should make now and makes them — the agent is claimed FIRST with an ETag-guarded write on its `agents` row (so two
 * routers never offer one agent two calls), then the offer is applied to the call (state machine, ETag on the call
 * row) and its command (invite into the bot's call) carried out. Offer expiry is a delayed storage-queue message.
 * The agents' side of each call transition (connected → busy, missed → count + auto opt-out, ended → wrap-up or
 * available) is settled here too.
 */
import { randomUUID } from 'node:crypto';
import type { AgentRecord } from '../domain';
import type { CallQueueMessage } from './call-events.queue';
import type { CallInput } from './call.rules';
import type { CallRepository, CallTransitionResult } from './call.repository';
import type { CallAgentChange, CallQueueRouter } from './call-routing.port';

/** A call queue's routing view (the call queue capability's record satisfies it). */
export interface RouterCallQueue {
  queueId: string;
  routingMethod: string;
  presenceBasedRouting: boolean;
  agentAlertTimeS: number;
  wrapUpS: number;
  requiredSkills?: Record<string, number>;
  relaxation?: { afterS: number; minLevelDelta?: number; levels?: Record<string, number> }[];
  missedOffersBeforeOptOut?: number;
  agents: { agentId: string; order?: number }[];
}

/** The engine's input and answer, as shared/routing's `decideOffers` has them. */
export interface OfferDecisionInput {
  config: Pick<
    RouterCallQueue,
    'routingMethod' | 'presenceBasedRouting' | 'agentAlertTimeS' | 'requiredSkills' | 'relaxation'
  >;
  calls: {
    callId: string;
    priority: number;
    /** The call's own requirement (from a menu option); absent: the call queue's. */
    requiredSkills?: Record<string, number>;
    arrivedAt: number;
    enqueuedAt?: number;
    liveOfferAgentIds?: string[];
    missedByAgentIds?: string[];
  }[];
  agents: {
    id: string;
    state: string;
    presence: string;
    skills: Record<string, number>;
    optedIn: boolean;
    idleSince: number;
    lastOfferedAt?: number;
    missedOffers: number;
    order: number;
  }[];
  now: number;
}

export interface CallQueueRouterDeps {
  callQueues: { get(tenantId: string, queueId: string): Promise<RouterCallQueue | undefined> };
  agents: {
    list(tenantId: string): Promise<AgentRecord[]>;
    update(
      tenantId: string,
      agentId: string,
      mutate: (current: AgentRecord | undefined) => AgentRecord | undefined,
    ): Promise<AgentRecord | undefined>;
  };
  calls: Pick<CallRepository, 'listActive' | 'get'>;
  decide(input: OfferDecisionInput): { offers: { callId: string; agentId: string; alertUntil: number }[] };
  /** Teams presence by agent id (absent: everyone Available). */
  presence?(tenantId: string, agentIds: readonly string[]): Promise<Map<string, string>>;
  applyRouterInput(tenantId: string, callId: string, input: CallInput): Promise<CallTransitionResult>;
  timers: { send(messages: readonly CallQueueMessage[], o?: { delayMs?: number }): Promise<void> };
  now?: () => number;
  log?: (line: string) => void;
}

export class CallQueueRouterService implements CallQueueRouter {
  constructor(private readonly deps: CallQueueRouterDeps) {}

  async route(tenantId: string, callQueueId: string, now: number): Promise<void> {
    const t = tenantId.toLowerCase();
    const queue = await this.deps.callQueues.get(t, callQueueId);
    if (!queue) return;
    const listed = new Map(queue.agents.map((a, i) => [a.agentId.toLowerCase(), a.order ?? i]));
    let agents = (await this.deps.agents.list(t)).filter((a) => listed.has(a.agentId));
    agents = await Promise.all(agents.map((a) => this.endWrapUp(t, a, queue, now)));
    const summaries = (await this.deps.calls.listActive(t, callQueueId)).filter((c) => c.phase === 'queued');
    if (summaries.length === 0 || !agents.some((a) => a.state === 'available')) return;
    const waiting = (await Promise.all(summaries.map((s) => this.deps.calls.get(t, s.callId)))).flatMap((c) =>
      c && c.record.callQueueId === callQueueId
        ? [
            {
              callId: c.record.callId,
              priority: c.record.routing?.priority ?? 3,
              ...(c.record.routing?.requiredSkills ? { requiredSkills: c.record.routing.requiredSkills } : {}),
              arrivedAt: c.record.arrival?.at ?? c.record.enqueuedAt ?? now,
              enqueuedAt: c.record.enqueuedAt,
              missedByAgentIds: c.record.offers
                .filter((o) => o.result && o.result !== 'accepted')
                .map((o) => o.agentId),
            },
          ]
        : [],
    );
    const presence = this.deps.presence
      ? await this.deps.presence(
          t,
          agents.map((a) => a.agentId),
        )
      : new Map<string, string>();
    const { offers } = this.deps.decide({
      config: queue,
      calls: waiting,
      agents: agents.map((a) => ({
        id: a.agentId,
        state: a.state,
        presence: presence.get(a.agentId) ?? 'Available',
        skills: a.skills,
        optedIn: !a.optedOut.includes(callQueueId),
        idleSince: a.idleSince,
        lastOfferedAt: a.lastOfferedAt,
        missedOffers: a.missedOffers[callQueueId] ?? 0,
        order: listed.get(a.agentId) ?? 0,
      })),
      now,
    });
    for (const offer of offers) await this.makeOffer(t, queue, offer.callId, offer.agentId, now);
  }

  /** Claims the agent (ETag), applies the offer to the call, arms its expiry; releases the agent if the call refuses. */
  private async makeOffer(t: string, queue: RouterCallQueue, callId: string, agentId: string, now: number) {
    const offerId = randomUUID();
    const claimed = await this.deps.agents.update(t, agentId, (cur) =>
      cur && cur.state === 'available' && !cur.callId
        ? { ...cur, state: 'offered', since: now, callId, offerId, callQueueId: queue.queueId, lastOfferedAt: now }
        : undefined,
    );
    if (!claimed) return; // another router took the agent first
    const result = await this.deps.applyRouterInput(t, callId, {
      kind: 'offer',
      key: offerId,
      offerId,
      agentId,
      userId: agentId,
      via: 'invite',
      at: now,
    });
    if (!result.changed || result.refused) {
      this.deps.log?.(`call ${callId}: offer to ${agentId} not made (${result.refused ?? 'no change'})`);
      await this.release(t, agentId, (cur) => cur.offerId === offerId, now, false);
      return;
    }
    await this.deps.timers.send(
      [
        {
          kind: 'timer',
          tenantId: t,
          callId,
          callQueueId: queue.queueId,
          purpose: `offerExpired:${offerId}`,
          dueAt: now + queue.agentAlertTimeS * 1000,
        },
      ],
      { delayMs: queue.agentAlertTimeS * 1000 },
    );
  }

  /**
   * Relaxation loosens a waiting call's requirement at fixed points of its wait; nothing else may happen then, so
   * each step gets a delayed message that routes the call queue again (armed once, when the call is enqueued).
   */
  async callEnqueued(tenantId: string, callId: string, callQueueId: string, enqueuedAt: number): Promise<void> {
    const t = tenantId.toLowerCase();
    const queue = await this.deps.callQueues.get(t, callQueueId);
    const now = (this.deps.now ?? Date.now)();
    const steps = (queue?.relaxation ?? []).filter((step) => step.afterS > 0);
    await Promise.all(
      steps.map((step, i) => {
        const dueAt = enqueuedAt + step.afterS * 1000;
        return this.deps.timers.send(
          [{ kind: 'timer', tenantId: t, callId, callQueueId, purpose: `relaxation:${i}`, dueAt }],
          { delayMs: Math.max(0, dueAt - now) },
        );
      }),
    );
  }

  async callChanged(tenantId: string, change: CallAgentChange): Promise<void> {
    const t = tenantId.toLowerCase();
    const queue = change.callQueueId ? await this.deps.callQueues.get(t, change.callQueueId) : undefined;
    const q = change.callQueueId ?? '';
    if (change.result === 'connected') {
      await this.deps.agents.update(t, change.agentId, (cur) =>
        cur && cur.callId === change.callId && cur.state !== 'busy'
          ? { ...cur, state: 'busy', since: change.at, missedOffers: { ...cur.missedOffers, [q]: 0 } }
          : undefined,
      );
      return;
    }
    if (change.result === 'missed' || change.result === 'declined') {
      await this.release(t, change.agentId, (cur) => cur.offerId === change.offerId, change.at, true, queue);
      return;
    }
    // ended: the agent's call is over — wrap-up, else available at once.
    const wrapUpS = queue?.wrapUpS ?? 0;
    const updated = await this.deps.agents.update(t, change.agentId, (cur) => {
      if (!cur || cur.callId !== change.callId) return undefined;
      if (cur.state === 'busy' && wrapUpS > 0) return { ...cur, state: 'wrapUp', since: change.at };
      return freed(cur, change.at);
    });
    if (updated?.state === 'wrapUp' && change.callQueueId)
      await this.deps.timers.send(
        [
          {
            kind: 'timer',
            tenantId: t,
            callQueueId: change.callQueueId,
            purpose: `wrapUpEnd:${change.agentId}`,
            dueAt: change.at + wrapUpS * 1000,
          },
        ],
        { delayMs: wrapUpS * 1000 },
      );
  }

  private async release(
    t: string,
    agentId: string,
    match: (cur: AgentRecord) => boolean,
    at: number,
    countMiss: boolean,
    queue?: RouterCallQueue,
  ): Promise<void> {
    await this.deps.agents.update(t, agentId, (cur) => {
      if (!cur || !match(cur) || cur.state !== 'offered') return undefined;
      const q = cur.callQueueId ?? queue?.queueId ?? '';
      const next: AgentRecord = { ...cur, state: 'available', since: at, callId: undefined, offerId: undefined };
      if (!countMiss) return next;
      const missed = (cur.missedOffers[q] ?? 0) + 1;
      next.missedOffers = { ...cur.missedOffers, [q]: missed };
      const limit = queue?.missedOffersBeforeOptOut;
      if (limit && missed >= limit && !cur.optedOut.includes(q)) next.optedOut = [...cur.optedOut, q];
      return next;
    });
  }

  private async endWrapUp(t: string, a: AgentRecord, queue: RouterCallQueue, now: number): Promise<AgentRecord> {
    if (a.state !== 'wrapUp' || a.since + queue.wrapUpS * 1000 > now) return a;
    return (
      (await this.deps.agents.update(t, a.agentId, (cur) => (cur?.state === 'wrapUp' ? freed(cur, now) : undefined))) ??
      a
    );
  }
}

function freed(cur: AgentRecord, at: number): AgentRecord {
  return {
    ...cur,
    state: 'available',
    since: at,
    idleSince: at,
    callId: undefined,
    offerId: undefined,
    callQueueId: undefined,
  };
}
