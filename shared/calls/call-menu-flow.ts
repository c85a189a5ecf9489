/**
 * The menu flow: after each transition of a call that arrived on a menu, finds the one thing the menus must answer
 * next — the call was answered (enter the endpoint's menu), a tone not yet used (callers type ahead; one key per
 * step, in sequenceId order), the prompt that ended — asks the menus (the `CallMenus` port) for the step and applies
 * it to the call (state machine, ETag). Applying triggers this again, so typed-ahead keys are used one after another.
 * The input timer is a delayed `call-events` message `menuTimeout:{visit}`; a timer for an older visit changes nothing.
 */
import type { CallQueueMessage } from './call-events.queue';
import { isEnding, type CallInput, type CallMenuStep, type CallRecord } from './call.rules';
import type { CallRepository, CallTransitionResult } from './call.repository';
import type { CallMenuEvent, CallMenus } from './call-routing.port';

/** How long a tone after a gap in the sequence waits for the tone in between (see nextMenuEvent). */
export const TONE_GAP_WAIT_MS = 10_000;

/** After this long a claimed self-service request with no answer applied is made again (same idempotency key). */
export const SELF_SERVICE_RETAKE_MS = 30_000;

export interface CallMenuFlowDeps {
  calls: Pick<CallRepository, 'get'>;
  menus: CallMenus;
  apply(tenantId: string, callId: string, input: CallInput): Promise<CallTransitionResult>;
  timers: { send(messages: readonly CallQueueMessage[], o?: { delayMs?: number }): Promise<void> };
  /** Our webhook URL (prompt URLs default to its origin). */
  callbackUri(): string | undefined;
  now?: () => number;
  log?: (line: string) => void;
}

/** A tone after a gap in the sequence (after a used tone) that still waits for the tone in between. */
function toneAwaitsGap(r: CallRecord, tone: CallRecord['tones'][number], now: number): boolean {
  const cursor = r.menu?.toneCursor ?? 0;
  return cursor > 0 && tone.sequenceId > cursor + 1 && tone.at !== undefined && now - tone.at < TONE_GAP_WAIT_MS;
}

/** Whether a tone waits for a missing one before it (the input timer must not count the caller silent then). */
export function tonesAwaitGap(r: CallRecord, now: number): boolean {
  const tone = r.tones.find((t) => t.sequenceId > (r.menu?.toneCursor ?? 0));
  return !!tone && toneAwaitsGap(r, tone, now);
}

/** What the menus must answer next for this call, with the step's idempotency key; undefined: nothing. */
export function nextMenuEvent(
  r: CallRecord,
  now = Number.POSITIVE_INFINITY,
): { event: CallMenuEvent; key: string; usedTone?: number; handledPrompt?: string } | undefined {
  if (r.arrival?.route.action !== 'menu' || r.answeredAt === undefined || isEnding(r) || r.menu?.left) return undefined;
  const m = r.menu;
  if (!m) return { event: { kind: 'enter' }, key: 'enter' };
  // A self-service request is claimed: its worker makes it (or the retake timer); keys typed meanwhile wait.
  if (m.posting && m.posting.visit === m.visit) return undefined;
  const tone = r.tones.find((t) => t.sequenceId > m.toneCursor);
  // Tones are numbered one after another (toneInfo.sequenceId: "an incremental identifier used for ordering DTMF
  // events"), but their notifications are applied in any order: after a used tone, a gap means the tone in between
  // is on its way — wait for it (a PIN's digits must not be skipped or swapped), unless the later tone has waited
  // TONE_GAP_WAIT_MS already (a tone Graph never sent must not block the caller for good).
  if (tone && !toneAwaitsGap(r, tone, now))
    return { event: { kind: 'tone', tone: tone.tone }, key: `tone:${tone.sequenceId}`, usedTone: tone.sequenceId };
  if (m.prompt?.finished && !m.prompt.handled)
    return {
      event: { kind: 'promptDone' },
      key: `done:${m.prompt.clientContext}`,
      handledPrompt: m.prompt.clientContext,
    };
  return undefined;
}

export class CallMenuFlow {
  constructor(private readonly deps: CallMenuFlowDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Our webhook, carried by the timers so their prompts have a base URL (each invocation learns it anew). */
  private via(): { callbackUri?: string } {
    const callbackUri = this.deps.callbackUri();
    return callbackUri ? { callbackUri } : {};
  }

  /** After a transition: takes the menu's next step if one is due. */
  async after(tenantId: string, record: CallRecord): Promise<void> {
    const next = nextMenuEvent(record, this.now);
    if (!next) return;
    await this.take(tenantId, record, next.event, next.key, next);
  }

  /**
   * The retake timer of a self-service request claimed at `visit`: the claim is still there (its worker died before
   * the answer was applied) — make the request again, with the same idempotency key.
   */
  async selfServiceDue(tenantId: string, callId: string, visit: number): Promise<void> {
    const row = await this.deps.calls.get(tenantId, callId);
    const r = row?.record;
    if (!r || !r.menu || r.menu.left || r.menu.visit !== visit || r.menu.posting?.visit !== visit || isEnding(r))
      return;
    await this.take(tenantId, r, { kind: 'post' }, 'post', {});
  }

  /** The input timer of `visit` fired. */
  async timeout(tenantId: string, callId: string, visit: number): Promise<void> {
    const row = await this.deps.calls.get(tenantId, callId);
    const r = row?.record;
    if (!r || !r.menu || r.menu.left || r.menu.visit !== visit || isEnding(r)) return;
    const now = this.now;
    // The caller is not silent: a key waits for one before it (reordered notifications) — look again when the gap's
    // wait is over; or a key is there to take — take it.
    if (tonesAwaitGap(r, now)) {
      await this.deps.timers.send(
        [
          {
            kind: 'timer',
            tenantId,
            callId,
            purpose: `menuTimeout:${visit}`,
            dueAt: now + TONE_GAP_WAIT_MS,
            ...this.via(),
          },
        ],
        { delayMs: TONE_GAP_WAIT_MS },
      );
      return;
    }
    const next = nextMenuEvent(r, now);
    if (next) return this.take(tenantId, r, next.event, next.key, next);
    await this.take(tenantId, r, { kind: 'timeout' }, 'timeout', {});
  }

  private async take(
    tenantId: string,
    r: CallRecord,
    event: CallMenuEvent,
    key: string,
    used: { usedTone?: number; handledPrompt?: string },
  ): Promise<void> {
    const fromVisit = r.menu?.visit ?? 0;
    const menuId = r.menu?.menuId ?? (r.arrival?.route.action === 'menu' ? r.arrival.route.menuId : '');
    const at = this.now;
    const decided = await this.deps.menus.step(tenantId, {
      menuId,
      state: r.menu?.state,
      event,
      at,
      callbackUri: this.deps.callbackUri(),
      call: { callId: r.callId, from: r.arrival?.callerPhone, requestId: `${r.callId}:${fromVisit}` },
    });
    const { waitInputS, ...rest } = decided;
    const step: CallMenuStep = { ...rest, fromVisit, ...used };
    const result = await this.deps.apply(tenantId, r.callId, {
      kind: 'menuStep',
      key: `${fromVisit}:${key}`,
      at,
      step,
    });
    if (result.refused) this.deps.log?.(`call ${r.callId}: menu step refused (${result.refused})`);
    if (!result.changed) return;
    if (step.post && result.record && event.kind !== 'post') {
      // The claim committed (ETag): this worker makes the request once; a timer retakes it if this worker dies.
      const visit = fromVisit + 1;
      await this.deps.timers.send(
        [
          {
            kind: 'timer',
            tenantId,
            callId: r.callId,
            purpose: `selfService:${visit}`,
            dueAt: at + SELF_SERVICE_RETAKE_MS,
            ...this.via(),
          },
        ],
        { delayMs: SELF_SERVICE_RETAKE_MS },
      );
      await this.take(tenantId, result.record, { kind: 'post' }, 'post', {});
      return;
    }
    if (!waitInputS) return;
    await this.deps.timers.send(
      [
        {
          kind: 'timer',
          tenantId,
          callId: r.callId,
          purpose: `menuTimeout:${fromVisit + 1}`,
          dueAt: at + waitInputS * 1000,
          ...this.via(),
        },
      ],
      { delayMs: waitInputS * 1000 },
    );
  }
}
