/**
 * The callbacks' outbound side (issue 14 item 5). A callback waits in its call queue like a call — at the place of
 * the call that asked for it (arrival time and priority) — and the router offers it an agent as it would a call
 * (`waiting`): the agent is reserved first (ETag on the agent's row), then `dial` places the call from the endpoint's
 * resource account to the caller's number (`POST /communications/calls`, source applicationInstance, target a PSTN
 * phone; api/application-post-calls.md). The customer is dialled first and the reserved agent invited into the call
 * once the customer answers: a PSTN callback is unanswered far more often than an agent misses an invitation, and a
 * reserved agent who is not rung can keep working until someone is there to talk to (a customer who answers hears
 * a few seconds of silence while the agent's Teams rings — the agent is idle and reserved, so that is short).
 *
 * The outbound call's notifications come to the webhook with `?callbackId=` on the callbackUri, so they reach
 * `notification` here, never the inbound call machine. No answer / busy / a failed call → the agent is released and
 * the callback waits again — not before `retryAfterS` (a delayed `call-events` message `callbackRetry:{n}` routes
 * the call queue then, so a host restart loses nothing) — until `1 + retries` attempts are used: then `failed`.
 * Every attempt, the completion and the failure are noted on the story of the call that asked for it.
 */
import { randomUUID } from 'node:crypto';
import type { CallQueueMessage } from './call-events.queue';
import type { CallInput } from './call.record';
import type { CallControlFactory } from './call-control.port';
import type { CallAgentChange } from './call-routing.port';
import type { CallTransitionResult } from './call.repository';
import type { CallbackAttempt, CallbackRecord, CallbackRepository } from './call-callback.repository';
import type { CallEvent } from './notification.parser';

/** How long after an attempt starts its outbound call must be known (Graph answers the POST in seconds). */
const DIAL_CHECK_MS = 120_000;

/** A retry's timer may be read this early (whole-second queue delays): the callback counts as due then. */
const RETRY_SLACK_MS = 1500;

/** Callback ids appear to the routing engine with this prefix (a call id never has it). */
export const CALLBACK_ITEM_PREFIX = 'callback:';

export function callbackItemId(callbackId: string): string {
  return `${CALLBACK_ITEM_PREFIX}${callbackId}`;
}

export function callbackIdOfItem(itemId: string): string | undefined {
  return itemId.startsWith(CALLBACK_ITEM_PREFIX) ? itemId.slice(CALLBACK_ITEM_PREFIX.length) : undefined;
}

/** How an attempt that never reached the customer ended, from Graph's resultInfo. */
export function attemptResult(code: number | undefined): 'busy' | 'noAnswer' | 'failed' {
  if (code === 486 || code === 600 || code === 603) return 'busy';
  if (code === 408 || code === 480 || code === 487) return 'noAnswer';
  return 'failed';
}

/** Whether a callback waits for an agent at `now`: pending, and past its retry's wait. */
export function callbackWaits(c: Pick<CallbackRecord, 'state' | 'notBefore'>, now: number): boolean {
  return c.state === 'pending' && (c.notBefore ?? 0) <= now + RETRY_SLACK_MS;
}

/**
 * A callback as the routing engine sees it: a waiting call at the place of the call that asked for it — that call's
 * arrival and priority (and the skills its menu asked for) — so it is served before every call that arrived later.
 */
export function callbackWaitingItem(c: CallbackRecord): CallbackWaitingItem {
  return {
    callId: callbackItemId(c.callbackId),
    priority: c.priority,
    ...(c.requiredSkills ? { requiredSkills: c.requiredSkills } : {}),
    arrivedAt: c.arrivedAt,
    enqueuedAt: c.requestedAt,
    missedByAgentIds: c.attempts.filter((a) => a.result === 'agentMissed').map((a) => a.agentId),
  };
}

/** What the routing engine sees of a waiting callback (a WaitingCall). */
export interface CallbackWaitingItem {
  callId: string;
  priority: number;
  requiredSkills?: Record<string, number>;
  arrivedAt: number;
  enqueuedAt: number;
  missedByAgentIds: string[];
}

export interface CallbackDialerDeps {
  callbacks: CallbackRepository;
  callControl: CallControlFactory;
  /** Our webhook (the outbound call's callbackUri gets `?callbackId=`). */
  callbackUri(): string | undefined;
  /** The agent's side of the callback, as for a call (router.callChanged): connected, cancelled (released), ended. */
  agentChanged(tenantId: string, change: CallAgentChange): Promise<void>;
  /** A note on the story of the call that asked for the callback. */
  note(tenantId: string, callId: string, input: CallInput): Promise<CallTransitionResult>;
  timers: { send(messages: readonly CallQueueMessage[], o?: { delayMs?: number }): Promise<void> };
  now?: () => number;
  log?: (line: string) => void;
}

export class CallbackDialer {
  constructor(private readonly deps: CallbackDialerDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** The callbacks of a call queue that wait for an agent now (pending, past any retry wait). */
  async waiting(tenantId: string, callQueueId: string, now: number): Promise<CallbackWaitingItem[]> {
    const pending = await this.deps.callbacks.list(tenantId, { callQueueId, state: 'pending' });
    return pending.filter((c) => callbackWaits(c, now)).map(callbackWaitingItem);
  }

  /**
   * The router reserved `agentId` (offer `offerId`) for the callback: the attempt starts (pending → dialing, under
   * the row's ETag: two routers never dial one callback twice) and the customer is called. False: the callback took
   * no agent (not pending any more) — the router releases the agent.
   */
  async dial(tenantId: string, callbackId: string, agentId: string, offerId: string): Promise<boolean> {
    const t = tenantId.toLowerCase();
    const at = this.now;
    const started = await this.deps.callbacks.update(t, callbackId, (c) => {
      if (c.state !== 'pending' || (c.notBefore ?? 0) > at + RETRY_SLACK_MS) return undefined;
      const attempt: CallbackAttempt = { n: c.attempts.length + 1, at, agentId, offerId };
      return { ...c, state: 'dialing', agentId, offerId, attempts: [...c.attempts, attempt], updatedAt: at };
    });
    if (!started?.changed) return false;
    const c = started.record;
    const n = c.attempts.length;
    // A host that dies between the write above and Graph's answer leaves the attempt with no call: this check ends
    // it (agent released, retried) unless a call id has been recorded by then.
    await this.deps.timers.send(
      [
        {
          kind: 'timer',
          tenantId: t,
          callId: callbackId,
          purpose: `callbackDialCheck:${n}`,
          dueAt: at + DIAL_CHECK_MS,
        },
      ],
      { delayMs: DIAL_CHECK_MS },
    );
    const hook = this.deps.callbackUri() ?? c.webhook;
    if (!hook) {
      await this.attemptOver(t, callbackId, n, undefined, 'failed', 'no webhook URL known yet');
      return true;
    }
    const url = new URL(hook);
    url.searchParams.set('callbackId', callbackId);
    try {
      const placed = await this.deps.callControl.forTenant(t).createCall({
        sourceApplicationInstanceId: c.applicationInstanceId,
        target: { kind: 'phone', number: c.number },
        callbackUri: url.toString(),
        clientContext: `${callbackId}|callback|${n}`,
      });
      await this.deps.callbacks.update(t, callbackId, (cur) => {
        const a = cur.attempts[n - 1];
        if (!a || a.callId) return undefined;
        const attempts = [...cur.attempts];
        attempts[n - 1] = { ...a, callId: placed.callId };
        return { ...cur, attempts, updatedAt: this.now };
      });
    } catch (e) {
      this.deps.log?.(`callback ${callbackId}: attempt ${n} not placed: ${(e as Error).message}`);
      await this.attemptOver(t, callbackId, n, undefined, 'failed', (e as Error).message);
    }
    return true;
  }

  /** A notification of a callback's outbound call (its callbackUri named the callback). */
  async notification(tenantId: string, callbackId: string, events: readonly CallEvent[]): Promise<void> {
    const t = tenantId.toLowerCase();
    for (const event of events) {
      const c = await this.deps.callbacks.get(t, callbackId);
      if (!c) return;
      const n = c.attempts.findIndex((a) => a.callId === event.callId) + 1 || c.attempts.length;
      const attempt = c.attempts[n - 1];
      if (!attempt || (attempt.callId && attempt.callId !== event.callId)) continue;
      if (!attempt.callId) await this.setCallId(t, callbackId, n, event.callId);
      const ended =
        event.type === 'callTerminated' || (event.type === 'callStateChanged' && event.state === 'terminated');
      if (ended) {
        const code =
          event.type === 'callTerminated' || event.type === 'callStateChanged' ? event.resultInfo?.code : undefined;
        await this.callEnded(t, c, n, event.callId, code);
      } else if (event.type === 'callStateChanged' && event.state === 'established') {
        await this.customerAnswered(t, c, n, event.callId);
      } else if (event.type === 'participantsChanged') {
        await this.roster(t, c, n, event);
      } else if (
        event.type === 'operationFinished' &&
        event.status === 'failed' &&
        event.clientContext?.includes('|agent|')
      ) {
        // The reserved agent did not answer the invitation: the customer is told nothing better than a hang-up; the
        // attempt counts as the agent's miss (the callback is offered to another agent, not counted against the customer).
        await this.markAttempt(t, callbackId, n, 'agentMissed');
        await this.hangUp(t, event.callId);
      }
    }
  }

  /** The dial check of attempt `n`: still dialing with no outbound call recorded → the attempt is over (failed). */
  async dialCheck(tenantId: string, callbackId: string, n: number): Promise<void> {
    const t = tenantId.toLowerCase();
    const c = await this.deps.callbacks.get(t, callbackId);
    const a = c?.attempts[n - 1];
    if (!c || !a || a.callId || (c.state !== 'dialing' && !a.endedAt)) return;
    await this.attemptOver(t, callbackId, n, undefined, 'failed', 'no call was placed');
  }

  private async setCallId(t: string, callbackId: string, n: number, callId: string): Promise<void> {
    await this.deps.callbacks.update(t, callbackId, (cur) => {
      const a = cur.attempts[n - 1];
      if (!a || a.callId) return undefined;
      const attempts = [...cur.attempts];
      attempts[n - 1] = { ...a, callId };
      return { ...cur, attempts };
    });
  }

  private async markAttempt(t: string, callbackId: string, n: number, result: string): Promise<boolean> {
    const r = await this.deps.callbacks.update(t, callbackId, (cur) => {
      const a = cur.attempts[n - 1];
      if (!a || a.result) return undefined;
      const attempts = [...cur.attempts];
      attempts[n - 1] = { ...a, result };
      return { ...cur, attempts, updatedAt: this.now };
    });
    return r?.changed ?? false;
  }

  /** The customer picked up: the reserved agent is invited into the call (once). */
  private async customerAnswered(t: string, c: CallbackRecord, n: number, callId: string): Promise<void> {
    if (c.state !== 'dialing' || !c.agentId) return;
    if (!(await this.markAttempt(t, c.callbackId, n, 'answered'))) return;
    try {
      await this.deps.callControl.forTenant(t).invite(callId, {
        participants: [{ target: { kind: 'user', userId: c.agentId, tenantId: t }, participantId: c.offerId }],
        clientContext: `${c.callbackId}|agent|${n}`,
      });
    } catch (e) {
      this.deps.log?.(`callback ${c.callbackId}: invite of ${c.agentId} failed: ${(e as Error).message}`);
      await this.markAttempt(t, c.callbackId, n, 'agentMissed');
      await this.hangUp(t, callId);
    }
  }

  /** The roster: the agent joined (connected); later, either party gone → the bot leaves, the call ends. */
  private async roster(
    t: string,
    c: CallbackRecord,
    n: number,
    event: Extract<CallEvent, { type: 'participantsChanged' }>,
  ): Promise<void> {
    const agentIn = event.participants.some((p) => p.userId?.toLowerCase() === c.agentId);
    const customerIn = event.participants.some((p) => p.phone !== undefined);
    if (c.state === 'dialing' && agentIn && c.agentId) {
      const at = this.now;
      await this.deps.callbacks.update(t, c.callbackId, (cur) =>
        cur.state === 'dialing' ? { ...cur, state: 'connected', connectedAt: at, updatedAt: at } : undefined,
      );
      await this.connectedAfter(t, c.callbackId, n);
      return;
    }
    if (c.state === 'connected' && agentIn && !c.attempts[n - 1]?.endedAt) {
      // Read again after a crash between the write and what follows it: done again (idempotent).
      await this.connectedAfter(t, c.callbackId, n);
    }
    if (c.state === 'connected' && (!agentIn || !customerIn)) await this.hangUp(t, event.callId);
  }

  /** The agent is busy with the callback and the asking call's story says it completed (both idempotent). */
  private async connectedAfter(t: string, callbackId: string, n: number): Promise<void> {
    const c = await this.deps.callbacks.get(t, callbackId);
    if (c?.state !== 'connected' || !c.agentId) return;
    const at = c.connectedAt ?? this.now;
    await this.deps.agentChanged(t, {
      callId: callbackItemId(c.callbackId),
      callQueueId: c.callQueueId,
      agentId: c.agentId,
      offerId: c.offerId,
      result: 'connected',
      at,
    });
    await this.deps.note(t, callbackId, {
      kind: 'callbackNote',
      key: `completed`,
      at,
      note: 'callbackCompleted',
      agentId: c.agentId,
      detail: `attempt ${n}`,
    });
  }

  private async hangUp(t: string, callId: string): Promise<void> {
    try {
      await this.deps.callControl.forTenant(t).hangUp(callId);
    } catch (e) {
      this.deps.log?.(`callback call ${callId}: hang-up failed: ${(e as Error).message}`);
    }
  }

  private async callEnded(t: string, c: CallbackRecord, n: number, callId: string, code?: number): Promise<void> {
    if ((c.state === 'connected' || c.state === 'completed') && c.attempts[n - 1]?.callId === callId) {
      const at = this.now;
      const r = await this.deps.callbacks.update(t, c.callbackId, (cur) =>
        cur.state === 'connected' ? { ...cur, state: 'completed', completedAt: at, updatedAt: at } : undefined,
      );
      // Also when read again after a crash: the agent's row ignores an end of a call they are not on.
      if (r?.record.state === 'completed' && c.agentId)
        await this.deps.agentChanged(t, {
          callId: callbackItemId(c.callbackId),
          callQueueId: c.callQueueId,
          agentId: c.agentId,
          offerId: c.offerId,
          result: 'ended',
          at: r.record.completedAt ?? at,
        });
      return;
    }
    const a = c.attempts[n - 1];
    const result =
      a?.result === 'agentMissed' ? 'agentMissed' : a?.result === 'answered' ? 'failed' : attemptResult(code);
    await this.attemptOver(t, c.callbackId, n, callId, result, code !== undefined ? `resultInfo ${code}` : undefined);
  }

  /**
   * Attempt `n` is over without a connection: the agent is released; the callback waits again after retryAfterS
   * (a delayed message routes its call queue then), or — every attempt used — has failed.
   */
  private async attemptOver(
    t: string,
    callbackId: string,
    n: number,
    callId: string | undefined,
    result: string,
    why?: string,
  ): Promise<void> {
    const at = this.now;
    const r = await this.deps.callbacks.update(t, callbackId, (cur) => {
      if (cur.state !== 'dialing' || cur.attempts.length !== n) return undefined;
      const attempts = [...cur.attempts];
      attempts[n - 1] = { ...attempts[n - 1], ...(callId ? { callId } : {}), result, endedAt: at };
      // An agent's miss costs the customer no attempt.
      const used = attempts.filter((x) => x.result !== 'agentMissed').length;
      const base = { ...cur, attempts, agentId: undefined, offerId: undefined, updatedAt: at };
      if (used >= cur.maxAttempts) return { ...base, state: 'failed' as const, failedAt: at };
      const notBefore = result === 'agentMissed' ? at : at + cur.retryAfterS * 1000;
      return { ...base, state: 'pending' as const, notBefore };
    });
    const c = r?.record;
    const a = c?.attempts[n - 1];
    // What follows the attempt's end is done again when the notification is read again (the host died after the
    // write, before the rest): each step is idempotent, so the retry's timer and the agent's release are never lost.
    if (!c || !a?.endedAt) return;
    const ended = a.endedAt;
    if (c.state === 'pending' && c.attempts.length === n) {
      const dueAt = c.notBefore ?? ended;
      await this.deps.timers.send(
        [
          {
            kind: 'timer',
            tenantId: t,
            callQueueId: c.callQueueId,
            callId: callbackId,
            purpose: `callbackRetry:${n}`,
            dueAt,
          },
        ],
        { delayMs: Math.max(0, dueAt - this.now) },
      );
    }
    await this.deps.agentChanged(t, {
      callId: callbackItemId(callbackId),
      callQueueId: c.callQueueId,
      agentId: a.agentId,
      offerId: a.offerId,
      result: 'cancelled',
      at: ended,
    });
    await this.deps.note(t, callbackId, {
      kind: 'callbackNote',
      key: `attempt:${n}`,
      at: ended,
      note: 'callbackAttempt',
      detail: `attempt ${n}: ${a.result ?? result}${why ? ` (${why})` : ''}`,
    });
    if (c.state === 'failed')
      await this.deps.note(t, callbackId, {
        kind: 'callbackNote',
        key: 'failed',
        at: c.failedAt ?? ended,
        note: 'callbackFailed',
        detail: `${c.attempts.length} attempts`,
      });
  }

  /** A fresh offer id for a reservation (the agent's row carries it). */
  static offerId(): string {
    return randomUUID();
  }
}
