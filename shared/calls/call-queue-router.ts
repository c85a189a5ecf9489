/**
 * The call queue router: after any change, asks the routing engine (through a port) for the offers a call queue
 * should make now and makes them — the agent is claimed FIRST with an ETag-guarded write on its `agents` row (so two
 * routers never offer one agent two calls), then the offer is applied to the call (state machine, ETag on the call
 * row) and its command (invite into the bot's call) carried out. Offer expiry is a delayed storage-queue message.
 * The agents' side of each call transition (connected → busy, missed → count + auto opt-out, ended → wrap-up or
 * available) is settled here too, and the call queue's own rules around the engine: maxCalls when a call enters a
 * call queue (overflowAction), its max wait as a delayed timer due exactly maxWaitS after it entered
 * (timeoutAction), and noAgentAction when nobody of the call queue is opted in and signed in.
 */
import { randomUUID } from 'node:crypto';
import { refusesArrivals, type AgentRecord } from '../domain';
import type { CallQueueMessage } from './call-events.queue';
import { CallInput, CallRecord, callPhase } from './call.rules';
import {
  enteredCallQueueAt,
  signedInState,
  timerDelayMs,
  toCallQueueAction,
  waitUntilDue,
  type StoredCallQueueAction,
} from './call-queue-actions';
import type { CallRepository, CallTransitionResult } from './call.repository';
import type { CallAgentChange, CallQueueRouter } from './call-routing.port';
import { callbackIdOfItem, type CallbackDialer } from './call-callback-dialer';

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
  /** Calls that may wait at once: a call entering a full call queue overflows (default 50). */
  maxCalls?: number;
  /** Longest wait in this call queue, in seconds (default 1200). */
  maxWaitS?: number;
  overflowAction?: StoredCallQueueAction;
  timeoutAction?: StoredCallQueueAction;
  noAgentAction?: StoredCallQueueAction;
  agents: { agentId: string; order?: number }[];
  /** Set while a DELETE of the call queue is under way: no call may enter it. */
  deleting?: string;
  /**
   * The call queue's callback settings; absent: it never offered callbacks, so it has none waiting and the routing
   * pass skips the `callbacks` query (present but disabled: callbacks asked for earlier are still served).
   */
  callback?: { enabled?: boolean };
}

/** The call queue rules of shared/routing the router applies (injected: shared/calls does not import routing). */
export interface CallQueueRules {
  /** A call entering a call queue where `waitingCalls` already wait overflows. */
  overflowsAtArrival(config: { maxCalls: number }, waitingCalls: number): boolean;
  /** Nobody opted in whose state is other than offline. */
  noAgentActionApplies(agents: readonly { optedIn: boolean; state: string }[]): boolean;
}

const DEFAULT_RULES: CallQueueRules = {
  overflowsAtArrival: (config, waiting) => waiting >= config.maxCalls,
  noAgentActionApplies: (agents) => !agents.some((a) => a.optedIn && a.state !== 'offline'),
};

const DEFAULT_MAX_CALLS = 50;
const DEFAULT_MAX_WAIT_S = 1200;

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
  callQueues: {
    get(tenantId: string, queueId: string): Promise<RouterCallQueue | undefined>;
    /** The tenant's call queues (to find every call queue an agent serves). */
    list(tenantId: string): Promise<RouterCallQueue[]>;
  };
  agents: {
    list(tenantId: string): Promise<AgentRecord[]>;
    update(
      tenantId: string,
      agentId: string,
      mutate: (current: AgentRecord | undefined) => AgentRecord | undefined,
    ): Promise<AgentRecord | undefined>;
  };
  calls: Pick<CallRepository, 'listActive' | 'listActiveRecords' | 'get'>;
  decide(input: OfferDecisionInput): { offers: { callId: string; agentId: string; alertUntil: number }[] };
  /** Default: the same rules written out (shared/routing's, which the composition root passes). */
  rules?: CallQueueRules;
  /** Teams presence by agent id (absent: everyone Available). */
  presence?(tenantId: string, agentIds: readonly string[]): Promise<Map<string, string>>;
  /** Forgets the agents' cached presence (read again before their next offer). */
  forgetPresence?(tenantId: string, agentIds: readonly string[]): void;
  /** Reads the agents' presence now (batches of ≤ 650); the agents whose availability changed. */
  refreshPresence?(tenantId: string, agentIds: readonly string[]): Promise<string[]>;
  applyRouterInput(tenantId: string, callId: string, input: CallInput): Promise<CallTransitionResult>;
  timers: { send(messages: readonly CallQueueMessage[], o?: { delayMs?: number }): Promise<void> };
  /** Callbacks waiting at their callers' places (call-callback-dialer.ts); absent: none. */
  callbacks?: Pick<CallbackDialer, 'waiting' | 'dial'>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

type ActionReason = 'overflowed' | 'timedOut' | 'noAgent';

/** What a call entering a call queue that no longer exists takes: disconnect (its own actions are gone with it). */
const GONE_CALL_QUEUE: Omit<RouterCallQueue, 'queueId'> = {
  routingMethod: 'attendant',
  presenceBasedRouting: true,
  agentAlertTimeS: 30,
  wrapUpS: 0,
  noAgentAction: { kind: 'disconnect' },
  agents: [],
};

export class CallQueueRouterService implements CallQueueRouter {
  constructor(private readonly deps: CallQueueRouterDeps) {}

  private get rules(): CallQueueRules {
    return this.deps.rules ?? DEFAULT_RULES;
  }

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /**
   * A call entered a call queue (answered into it, or moved there by an action): a full call queue overflows it, a
   * call queue nobody can serve applies its no-agent action, else its max wait is armed. True when an action was
   * taken (the call is leaving this call queue).
   */
  async callEnqueued(tenantId: string, record: CallRecord, now: number): Promise<boolean> {
    const t = tenantId.toLowerCase();
    const q = record.callQueueId;
    if (!q || callPhase(record) !== 'queued' || record.disposition) return false;
    const moves = record.moves ?? 0;
    // Independent reads, at once (the routing pass that follows reuses them: see router-read-memo.ts), all after the
    // call's row says it is in q (the DELETE's check for calls relies on that order).
    const [queue, active, known] = await Promise.all([
      this.deps.callQueues.get(t, q),
      this.deps.calls.listActive(t, q),
      this.deps.agents.list(t),
    ]);
    if (!queue || refusesArrivals(queue.deleting, now)) {
      // Being deleted: no call may enter it (its no-agent action); gone: nothing would ever route it (disconnect).
      this.deps.log?.(`call ${record.callId}: call queue ${q} ${queue ? 'is being deleted' : 'does not exist'}`);
      const refusing: RouterCallQueue = queue ?? { ...GONE_CALL_QUEUE, queueId: q };
      return this.act(t, record.callId, refusing, 'noAgent', `noAgent:${q}:${moves}`, now);
    }
    const waiting = active.filter(
      (c) => c.callId !== record.callId && (c.phase === 'queued' || c.phase === 'offered'),
    ).length;
    if (this.rules.overflowsAtArrival({ maxCalls: queue.maxCalls ?? DEFAULT_MAX_CALLS }, waiting))
      return this.act(t, record.callId, queue, 'overflowed', `overflowed:${q}:${moves}`, now);
    if (await this.nobodyToServe(t, queue, known))
      return this.act(t, record.callId, queue, 'noAgent', `noAgent:${q}:${moves}`, now);
    const entered = enteredCallQueueAt(record) ?? now;
    await this.armTimer(
      {
        kind: 'timer',
        tenantId: t,
        callId: record.callId,
        callQueueId: q,
        purpose: `maxWait:${moves}`,
        dueAt: entered + (queue.maxWaitS ?? DEFAULT_MAX_WAIT_S) * 1000,
      },
      now,
    );
    await this.armRelaxation(t, record.callId, queue, record.enqueuedAt ?? entered, now);
    return false;
  }

  /**
   * A call's max-wait timer: waits out the last seconds to its due time, then — if the call still waits in that call
   * queue, not moved since — applies the call queue's timeout action, logged at the moment it is applied.
   */
  async maxWaitDue(message: Extract<CallQueueMessage, { kind: 'timer' }>): Promise<'applied' | 'stale' | 'rearmed'> {
    const t = message.tenantId.toLowerCase();
    const moves = Number(message.purpose.split(':')[1] ?? 0);
    const q = message.callQueueId;
    // What can be checked is checked before the due time, so the action goes out the moment it is due; the machine
    // checks again under the call row's ETag (still in call queue q, not moved since, still waiting).
    const stored = message.callId ? await this.deps.calls.get(t, message.callId) : undefined;
    const r = stored?.record;
    if (!r || !q || r.callQueueId !== q || (r.moves ?? 0) !== moves || r.disposition) return 'stale';
    const phase = callPhase(r);
    if (phase !== 'queued' && phase !== 'offered') return 'stale';
    const queue = await this.deps.callQueues.get(t, q);
    if (!queue) return 'stale';
    const due = await waitUntilDue(
      message.dueAt,
      () => this.now,
      () => this.armTimer(message, this.now),
      this.deps.sleep,
    );
    if (!due) return 'rearmed';
    const applied = await this.act(t, r.callId, queue, 'timedOut', `timedOut:${q}:${moves}`, this.now, { moves });
    return applied ? 'applied' : 'stale';
  }

  /** Applies a call queue's overflow / timeout / no-agent action to a call. */
  private async act(
    t: string,
    callId: string,
    queue: RouterCallQueue,
    reason: ActionReason,
    key: string,
    at: number,
    expect: { moves?: number } = {},
  ): Promise<boolean> {
    const stored =
      reason === 'overflowed'
        ? queue.overflowAction
        : reason === 'timedOut'
          ? queue.timeoutAction
          : queue.noAgentAction;
    const result = await this.deps.applyRouterInput(t, callId, {
      kind: 'callQueueAction',
      key,
      reason,
      action: toCallQueueAction(stored),
      at,
      fromCallQueueId: queue.queueId,
      ...(expect.moves !== undefined ? { moves: expect.moves } : {}),
    });
    if (result.refused) this.deps.log?.(`call ${callId}: ${reason} not applied (${result.refused})`);
    return result.changed && !result.refused;
  }

  /** Nobody of the call queue is opted in and signed in (state other than offline, presence not Offline). */
  private async nobodyToServe(t: string, queue: RouterCallQueue, known?: AgentRecord[]): Promise<boolean> {
    const listed = new Set(queue.agents.map((a) => a.agentId.toLowerCase()));
    const agents = (known ?? (await this.deps.agents.list(t))).filter((a) => listed.has(a.agentId));
    const optedIn = agents.filter((a) => !a.optedOut.includes(queue.queueId));
    const presence = await this.presenceOf(
      t,
      optedIn.map((a) => a.agentId),
    );
    return this.rules.noAgentActionApplies(
      agents.map((a) => ({
        optedIn: !a.optedOut.includes(queue.queueId),
        state: signedInState(a.state, presence.get(a.agentId)),
      })),
    );
  }

  private async presenceOf(t: string, ids: string[]): Promise<Map<string, string>> {
    if (!this.deps.presence || ids.length === 0) return new Map();
    return this.deps.presence(t, ids);
  }

  /** Sends a timer so that it is seen a little before it is due (see TIMER_LEAD_MS). */
  private async armTimer(message: Extract<CallQueueMessage, { kind: 'timer' }>, now: number): Promise<void> {
    await this.deps.timers.send([message], { delayMs: timerDelayMs(message.dueAt, now) });
  }

  /**
   * The presence refresh (timer): reads the presence of every agent of the tenant's call queues at once, then routes
   * every call queue — a presence change may free an agent for a waiting call, or leave a call queue with nobody
   * signed in (its waiting calls then take the no-agent action). Returns the agents whose presence changed.
   */
  async presenceSweep(tenantId: string, now: number): Promise<string[]> {
    const t = tenantId.toLowerCase();
    const queues = await this.deps.callQueues.list(t);
    const ids = [...new Set(queues.flatMap((q) => q.agents.map((a) => a.agentId.toLowerCase())))];
    const changed = this.deps.refreshPresence && ids.length ? await this.deps.refreshPresence(t, ids) : [];
    for (const q of queues) await this.route(t, q.queueId, now);
    return changed;
  }

  /**
   * Agents' presence changed (a Graph change notification, or a resync after a `missed` lifecycle notification):
   * their presence is read now (batches of ≤ 650) and every call queue one of them serves is routed at once, the
   * offers it makes marked with `trigger` in the call's story (`offered` entry's `detail`). Returns the agents whose
   * availability changed. Without this, the polling refresh would notice within PRESENCE_REFRESH_SCHEDULE.
   */
  async presenceChanged(
    tenantId: string,
    agentIds: readonly string[],
    now: number,
    trigger: string,
  ): Promise<string[]> {
    const t = tenantId.toLowerCase();
    const ids = new Set(agentIds.map((a) => a.toLowerCase()));
    if (ids.size === 0) return [];
    const queues = (await this.deps.callQueues.list(t)).filter((q) =>
      q.agents.some((a) => ids.has(a.agentId.toLowerCase())),
    );
    const served = [...ids].filter((id) => queues.some((q) => q.agents.some((a) => a.agentId.toLowerCase() === id)));
    const changed = this.deps.refreshPresence && served.length ? await this.deps.refreshPresence(t, served) : [];
    for (const q of queues) await this.route(t, q.queueId, now, true, trigger);
    return changed;
  }

  /**
   * After a change: routes the call's call queue and — when agents were freed (call ended, wrap-up over, offer
   * missed or cancelled) — every call queue those agents serve, each once.
   */
  async routeAfterChange(
    tenantId: string,
    callQueueId: string | undefined,
    freedAgentIds: readonly string[],
    now: number,
  ): Promise<void> {
    const t = tenantId.toLowerCase();
    const queues = new Set<string>(callQueueId ? [callQueueId] : []);
    if (freedAgentIds.length > 0) {
      const freed = new Set(freedAgentIds.map((a) => a.toLowerCase()));
      // The presence read during their call (Busy, InACall) is stale now: read it again before offering them.
      this.deps.forgetPresence?.(t, [...freed]);
      const all = await this.deps.callQueues.list(t);
      for (const q of all) if (q.agents.some((a) => freed.has(a.agentId.toLowerCase()))) queues.add(q.queueId);
      // A wrap-up that is over ends now, even when no call waits (a routing pass returns early then, and the agent
      // would stay in wrap-up until the next call arrived).
      for (const a of await this.deps.agents.list(t)) {
        if (!freed.has(a.agentId) || a.state !== 'wrapUp') continue;
        const q = all.find((x) => x.queueId === (a.callQueueId ?? callQueueId));
        if (q) await this.endWrapUp(t, a, q, now);
      }
    }
    for (const q of queues) await this.route(t, q, now);
  }

  /**
   * One routing pass of a call queue. `again`: when a call refused an agent claimed for it (another router offered
   * the call first), the agent is released and the call queue routed once more, so the agent is not left idle until
   * the next change.
   */
  async route(tenantId: string, callQueueId: string, now: number, again = true, trigger?: string): Promise<void> {
    const t = tenantId.toLowerCase();
    // The three reads at once. The waiting calls' records come from the one query (not one read per call).
    const [queue, active, all] = await Promise.all([
      this.deps.callQueues.get(t, callQueueId),
      this.deps.calls.listActiveRecords(t, callQueueId),
      this.deps.agents.list(t),
    ]);
    if (!queue) return;
    const records = active.filter((r) => {
      const phase = callPhase(r);
      return (
        (phase === 'queued' || phase === 'offered') &&
        r.callQueueId === callQueueId &&
        !r.disposition &&
        r.callback?.requestedAt === undefined
      );
    });
    const callbacks = queue.callback ? ((await this.deps.callbacks?.waiting(t, callQueueId, now)) ?? []) : [];
    if (records.length === 0 && callbacks.length === 0) return;
    const listed = new Map(queue.agents.map((a, i) => [a.agentId.toLowerCase(), a.order ?? i]));
    let agents = all.filter((a) => listed.has(a.agentId));
    agents = await Promise.all(agents.map((a) => this.endWrapUp(t, a, queue, now)));
    // Nobody left to serve this call queue (all opted out or signed out): its waiting calls take the no-agent action.
    if (await this.nobodyToServe(t, queue, agents)) {
      for (const r of records)
        await this.act(t, r.callId, queue, 'noAgent', `noAgent:${callQueueId}:${r.moves ?? 0}`, now);
      return;
    }
    const waiting = records
      .filter((r) => callPhase(r) === 'queued')
      .map((r) => ({
        callId: r.callId,
        priority: r.routing?.priority ?? 3,
        ...(r.routing?.requiredSkills ? { requiredSkills: r.routing.requiredSkills } : {}),
        arrivedAt: r.arrival?.at ?? r.enqueuedAt ?? now,
        enqueuedAt: r.enqueuedAt,
        missedByAgentIds: r.offers.filter((o) => o.result && o.result !== 'accepted').map((o) => o.agentId),
      }))
      .concat(callbacks);
    if (waiting.length === 0 || !agents.some((a) => a.state === 'available')) return;
    const presence = await this.presenceOf(
      t,
      agents.map((a) => a.agentId),
    );
    const { offers } = this.deps.decide({
      config: queue,
      calls: waiting,
      agents: agents.map((a) => ({
        id: a.agentId,
        state: a.state,
        presence: this.deps.presence ? (presence.get(a.agentId) ?? 'PresenceUnknown') : 'Available',
        skills: a.skills,
        optedIn: !a.optedOut.includes(callQueueId),
        idleSince: a.idleSince,
        lastOfferedAt: a.lastOfferedAt,
        missedOffers: a.missedOffers[callQueueId] ?? 0,
        order: listed.get(a.agentId) ?? 0,
      })),
      now,
    });
    const released = await this.makeOffers(t, queue, offers, trigger);
    if (released > 0 && again) await this.route(t, callQueueId, this.now, false, trigger);
  }

  /**
   * Makes the engine's offers, call by call. Attendant rings every agent the engine gave a call at once: they are
   * all claimed first (in parallel, each by its ETag), then their invitations are made in one transition of the call
   * and sent together, so they ring together. Returns how many claimed agents a call refused (released again).
   */
  private async makeOffers(
    t: string,
    queue: RouterCallQueue,
    offers: { callId: string; agentId: string }[],
    trigger?: string,
  ): Promise<number> {
    let released = 0;
    const byCall = new Map<string, string[]>();
    for (const o of offers) byCall.set(o.callId, [...(byCall.get(o.callId) ?? []), o.agentId]);
    for (const [callId, agentIds] of byCall) {
      const callbackId = callbackIdOfItem(callId);
      if (callbackId && this.deps.callbacks) {
        // A callback takes one agent (attendant too): reserved first, then the customer is dialled.
        const claim = await this.claim(t, queue, callId, agentIds[0]);
        if (claim && !(await this.deps.callbacks.dial(t, callbackId, agentIds[0], claim.offerId))) {
          await this.release(t, agentIds[0], (cur) => cur.offerId === claim.offerId, claim.at, false);
          released++;
        }
        continue;
      }
      if (queue.routingMethod !== 'attendant') {
        for (const agentId of agentIds) {
          const claim = await this.claim(t, queue, callId, agentId);
          if (claim && !(await this.makeOffer(t, queue, callId, agentId, claim.offerId, claim.at, trigger))) released++;
        }
        continue;
      }
      const claims = await Promise.all(
        agentIds.map(async (agentId) => ({ agentId, claim: await this.claim(t, queue, callId, agentId) })),
      );
      const invites = claims.flatMap((c) => (c.claim ? [{ offerId: c.claim.offerId, agentId: c.agentId }] : []));
      // Stamped once every claim is made (no earlier than any agent's claim).
      if (invites.length > 0) released += await this.ringAll(t, queue, callId, invites, this.now, trigger);
    }
    return released;
  }

  /** Attendant: every claimed agent's invitation in one transition; agents the call did not take are released. */
  private async ringAll(
    t: string,
    queue: RouterCallQueue,
    callId: string,
    invites: { offerId: string; agentId: string }[],
    now: number,
    trigger?: string,
  ): Promise<number> {
    const result = await this.deps.applyRouterInput(t, callId, {
      kind: 'ringAll',
      key: invites[0].offerId,
      invites: invites.map((i) => ({ ...i, userId: i.agentId })),
      at: now,
      ...(trigger ? { trigger } : {}),
    });
    const made = new Set(result.changed && !result.refused ? result.record?.offers.map((o) => o.offerId) : []);
    await Promise.all(
      invites.map(({ offerId, agentId }) => {
        if (made.has(offerId)) return this.armOfferExpiry(t, queue, callId, offerId, now);
        this.deps.log?.(`call ${callId}: invitation of ${agentId} not made (${result.refused ?? 'refused'})`);
        return this.release(t, agentId, (cur) => cur.offerId === offerId, now, false);
      }),
    );
    return invites.filter((i) => !made.has(i.offerId)).length;
  }

  private async armOfferExpiry(t: string, queue: RouterCallQueue, callId: string, offerId: string, now: number) {
    // The alert ends exactly agentAlertTimeS after the offer (seen early, waited out: see TIMER_LEAD_MS).
    await this.armTimer(
      {
        kind: 'timer',
        tenantId: t,
        callId,
        callQueueId: queue.queueId,
        purpose: `offerExpired:${offerId}`,
        dueAt: now + queue.agentAlertTimeS * 1000,
      },
      now,
    );
  }

  /**
   * Claims the agent for an offer (ETag): the offer's id and time, or undefined when another router took the agent
   * first. The offer is stamped when the agent is claimed, not when the routing pass began: the pass may have read
   * the agent free only after a call of theirs ended, and their offers must never seem to overlap.
   */
  private async claim(
    t: string,
    queue: RouterCallQueue,
    callId: string,
    agentId: string,
  ): Promise<{ offerId: string; at: number } | undefined> {
    const offerId = randomUUID();
    let at = this.now;
    const claimed = await this.deps.agents.update(t, agentId, (cur) => {
      at = this.now;
      return cur && cur.state === 'available' && !cur.callId
        ? { ...cur, state: 'offered', since: at, callId, offerId, callQueueId: queue.queueId, lastOfferedAt: at }
        : undefined;
    });
    return claimed ? { offerId, at } : undefined;
  }

  /**
   * Applies the offer to the call (the agent claimed), arms its expiry; releases the agent if the call refuses
   * (false).
   */
  private async makeOffer(
    t: string,
    queue: RouterCallQueue,
    callId: string,
    agentId: string,
    offerId: string,
    now: number,
    trigger?: string,
  ): Promise<boolean> {
    const result = await this.deps.applyRouterInput(t, callId, {
      kind: 'offer',
      key: offerId,
      offerId,
      agentId,
      userId: agentId,
      via: 'invite',
      at: now,
      ...(trigger ? { trigger } : {}),
    });
    if (!result.changed || result.refused) {
      this.deps.log?.(`call ${callId}: offer to ${agentId} not made (${result.refused ?? 'no change'})`);
      await this.release(t, agentId, (cur) => cur.offerId === offerId, now, false);
      return false;
    }
    await this.armOfferExpiry(t, queue, callId, offerId, now);
    return true;
  }

  /**
   * Relaxation loosens a waiting call's requirement at fixed points of its wait; nothing else may happen then, so
   * each step gets a delayed message that routes the call queue again (armed once, when the call is enqueued).
   */
  private async armRelaxation(t: string, callId: string, queue: RouterCallQueue, enqueuedAt: number, now: number) {
    const steps = (queue.relaxation ?? []).filter((step) => step.afterS > 0);
    await Promise.all(
      steps.map((step, i) => {
        const dueAt = enqueuedAt + step.afterS * 1000;
        return this.deps.timers.send(
          [{ kind: 'timer', tenantId: t, callId, callQueueId: queue.queueId, purpose: `relaxation:${i}`, dueAt }],
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
    if (change.result === 'cancelled') {
      // The call left the call queue while the agent's phone rang (overflow, timeout, no agent): not a miss.
      await this.release(t, change.agentId, (cur) => cur.offerId === change.offerId, change.at, false, queue);
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
