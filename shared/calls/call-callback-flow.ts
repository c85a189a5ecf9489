/**
 * The callback offer to waiting callers (issue 14 item 5), after each transition of a call: a call that entered a
 * call queue with `callback.enabled` is offered a callback once the offer is due (call-callback.rules.ts: at once,
 * beyond a position, or after `offerAfterS` — then a delayed `call-events` message `callbackOffer:{moves}`); each key
 * the caller presses afterwards takes one step of the offer's dialogue (confirm the caller id or type a number, then
 * "we will call you back, you keep your place" and the hang-up). Once the caller accepted, the callback is created
 * (the `callbacks` row, at the call's place) and its call queue routed, so a free agent takes it at once.
 */
import type { CallQueueMessage } from './call-events.queue';
import { callPhase, isEnding, type CallInput, type CallLogEntry, type CallRecord } from './call.rules';
import type { CallRepository, CallTransitionResult } from './call.repository';
import {
  callbackOfferCheckInS,
  callbackOfferDue,
  decideCallbackStep,
  type CallbackEvent,
  type CallbackSettings,
} from './call-callback.rules';
import type { CallbackRecord, CallbackRepository } from './call-callback.repository';

export interface CallCallbackFlowDeps {
  calls: Pick<CallRepository, 'get' | 'listActive'>;
  callbacks: Pick<CallbackRepository, 'create'>;
  /** The call queue's callback settings (absent: no callbacks there). */
  settings(tenantId: string, callQueueId: string): Promise<CallbackSettings | undefined>;
  /** The tenant's country for numbers typed without a country code (ISO 3166 alpha-2), from the endpoint. */
  country(tenantId: string, record: CallRecord): Promise<string | undefined>;
  /** Prompt names → URLs Graph can fetch. */
  prompts(tenantId: string, names: string[], callbackUri?: string): Promise<string[]>;
  apply(tenantId: string, callId: string, input: CallInput): Promise<CallTransitionResult>;
  /** Routes a call queue (a callback now waits there). */
  route(tenantId: string, callQueueId: string): Promise<void>;
  timers: { send(messages: readonly CallQueueMessage[], o?: { delayMs?: number }): Promise<void> };
  callbackUri(): string | undefined;
  now?: () => number;
  log?: (line: string) => void;
}

export class CallCallbackFlow {
  constructor(private readonly deps: CallCallbackFlowDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  async after(tenantId: string, record: CallRecord, log: readonly CallLogEntry[]): Promise<void> {
    const q = record.callQueueId;
    if (!q) return;
    if (record.callback?.requestedAt !== undefined) {
      await this.request(tenantId, record);
      return;
    }
    const entered = log.some((e) => e.kind === 'enqueued' || (e.callQueueId === q && MOVES.has(e.kind)));
    if (entered && !record.callback) await this.consider(tenantId, record, true);
    const cb = record.callback;
    if (!cb) return;
    const tone = record.tones
      .filter((x) => x.sequenceId > cb.toneCursor)
      .sort((a, b) => a.sequenceId - b.sequenceId)[0];
    if (tone) await this.step(tenantId, record, { kind: 'tone', tone: tone.tone, seq: tone.sequenceId });
  }

  /** The offer timer of a call (armed for its `moves`th call queue): offers if it still waits there. */
  async timer(tenantId: string, callId: string, moves: number): Promise<void> {
    const r = (await this.deps.calls.get(tenantId, callId))?.record;
    if (!r || (r.moves ?? 0) !== moves || r.callback) return;
    await this.consider(tenantId, r, false);
  }

  /** Offers now when due; when it may become due with time, arms the timer (`arm`, on entering only). */
  private async consider(tenantId: string, r: CallRecord, arm: boolean): Promise<void> {
    const q = r.callQueueId;
    if (!q || isEnding(r) || callPhase(r) !== 'queued' || r.disposition) return;
    const s = await this.deps.settings(tenantId, q);
    if (!s?.enabled) return;
    const now = this.now;
    const waitedS = (now - (r.enqueuedAt ?? now)) / 1000;
    const waiting = (await this.deps.calls.listActive(tenantId, q))
      .filter((c) => c.phase === 'queued' || c.phase === 'offered')
      .sort((a, b) => (a.arrivedAt ?? 0) - (b.arrivedAt ?? 0) || (a.callId < b.callId ? -1 : 1));
    const index = waiting.findIndex((c) => c.callId === r.callId);
    const position = (index < 0 ? waiting.length : index) + 1;
    if (callbackOfferDue(s, { waitedS, position })) {
      const lastToneSeq = Math.max(0, ...r.tones.map((t) => t.sequenceId));
      await this.step(tenantId, r, { kind: 'offer', lastToneSeq }, s);
      return;
    }
    const inS = arm ? callbackOfferCheckInS(s, waitedS) : undefined;
    if (inS === undefined) return;
    await this.deps.timers.send(
      [
        {
          kind: 'timer',
          tenantId,
          callId: r.callId,
          callQueueId: q,
          purpose: `callbackOffer:${r.moves ?? 0}`,
          dueAt: now + inS * 1000,
        },
      ],
      { delayMs: inS * 1000 },
    );
  }

  private async step(tenantId: string, r: CallRecord, ev: CallbackEvent, known?: CallbackSettings): Promise<void> {
    const s = known ?? (r.callQueueId ? await this.deps.settings(tenantId, r.callQueueId) : undefined);
    if (!s?.enabled) return;
    const country = await this.deps.country(tenantId, r);
    const decided = decideCallbackStep(r.callback, ev, { settings: s, callerNumber: r.arrival?.callerPhone, country });
    if (!decided) return;
    const { prompts, ...step } = decided;
    const promptUris = prompts.length ? await this.deps.prompts(tenantId, prompts, this.deps.callbackUri()) : [];
    const key = ev.kind === 'offer' ? 'offer' : `tone:${ev.seq}`;
    const result = await this.deps.apply(tenantId, r.callId, {
      kind: 'callbackStep',
      key,
      at: this.now,
      step: { ...step, promptUris },
    });
    if (result.refused) this.deps.log?.(`call ${r.callId}: callback step refused (${result.refused})`);
  }

  /** The caller accepted: their callback waits at their call's place (created once), and the call queue is routed. */
  private async request(tenantId: string, r: CallRecord): Promise<void> {
    const cb = r.callback;
    const q = r.callQueueId;
    const instance = r.arrival?.targetApplicationInstanceId;
    if (!cb?.requestedAt || !cb.number || !q || !instance) return;
    const s = await this.deps.settings(tenantId, q);
    const webhook = this.deps.callbackUri();
    const record: CallbackRecord = {
      tenantId: tenantId.toLowerCase(),
      callbackId: r.callId,
      callQueueId: q,
      number: cb.number,
      applicationInstanceId: instance,
      ...(webhook ? { webhook } : {}),
      arrivedAt: r.arrival?.at ?? r.enqueuedAt ?? cb.requestedAt,
      priority: r.routing?.priority ?? 3,
      ...(r.routing?.requiredSkills ? { requiredSkills: r.routing.requiredSkills } : {}),
      requestedAt: cb.requestedAt,
      state: 'pending',
      maxAttempts: 1 + (s?.retries ?? 2),
      retryAfterS: s?.retryAfterS ?? 120,
      attempts: [],
      updatedAt: cb.requestedAt,
    };
    const stored = await this.deps.callbacks.create(record);
    if (stored.state === 'pending' && stored.attempts.length === 0) await this.deps.route(tenantId, q);
  }
}

const MOVES = new Set(['overflowed', 'timedOut', 'noAgent']);
