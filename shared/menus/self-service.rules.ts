/**
 * Self-service rules — pure. Collecting digits from a caller (one item after another: its prompt plays, digits are
 * taken as they come — typed ahead during the prompt too — until the terminator, `max` digits, or the input timeout
 * with at least `min` digits), signing the request to the line-of-business system, and describing what was collected
 * without the digits (for the call's story).
 *
 * - A digit while the item's prompt plays stops the prompt (barge-in) and arms the input timer; every further digit
 *   re-arms it (the timer names the step it was armed for, so an older one changes nothing).
 * - The terminator with fewer than `min` digits, or any other non-digit key: the invalid prompt and the item again,
 *   one retry used. The timer with fewer than `min` digits: the item again, one retry used. More than `maxRetries`
 *   retries on one item: collection fails (`no valid input`).
 * - `max` digits end the item at once (no terminator needed; one pressed right after is ignored); keys typed ahead
 *   after it feed the next item.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PromptRef } from './menu.schema';
import type { CollectItem } from './self-service.schema';

export interface CollectState {
  serviceId: string;
  /** The item being collected (index into `collect`). */
  item: number;
  /** Digits of the item so far. */
  digits: string;
  /** Values of the items done, in order. Sensitive: dropped once the request is made (see redactCollect). */
  collected: string[];
  /** Retries used on this item. */
  retries: number;
  /** The item's prompt ended (or was cut short by a key): the input timer runs. */
  waiting: boolean;
  /** The previous item ended at its `max` digits: its terminator, pressed next out of habit, is ignored. */
  swallow?: '#' | '*';
}

export type CollectEvent =
  { kind: 'start' } | { kind: 'key'; key: string } | { kind: 'promptDone' } | { kind: 'timeout' };

export interface CollectDecision {
  state: CollectState;
  cancel: boolean;
  play: PromptRef[];
  listen: boolean;
  waitInputS?: number;
  /** Collection is over: every item collected, or failed (why, never a digit). */
  done?: { ok: true } | { ok: false; reason: string };
  /** For the story: what happened, never a digit. */
  note?: string;
}

export interface CollectConfig {
  collect: readonly CollectItem[];
  timeoutS: number;
  maxRetries: number;
  invalidPrompt?: PromptRef;
}

const DIGIT = /^[0-9]$/;
const INVALID: PromptRef = { prompt: 'invalid-entry' };

export function startCollect(serviceId: string, cfg: CollectConfig): CollectDecision {
  const state: CollectState = { serviceId, item: 0, digits: '', collected: [], retries: 0, waiting: false };
  return { state, cancel: true, play: [cfg.collect[0].prompt], listen: true };
}

export function collectStep(cfg: CollectConfig, state: CollectState, e: CollectEvent): CollectDecision {
  let s = state;
  if (e.kind === 'start') return startCollect(s.serviceId, cfg);
  const item = cfg.collect[s.item];
  const none: CollectDecision = { state: s, cancel: false, play: [], listen: false };
  if (!item) return none;
  switch (e.kind) {
    case 'promptDone':
      if (s.waiting) return none;
      return { state: { ...s, waiting: true }, cancel: false, play: [], listen: true, waitInputS: cfg.timeoutS };
    case 'timeout':
      if (!s.waiting) return none;
      if (s.digits.length >= item.digits.min) return itemDone(cfg, s);
      return retry(cfg, s, false, `${item.name}: no input within ${cfg.timeoutS} s`);
    case 'key': {
      if (s.swallow !== undefined && e.key === s.swallow && s.digits === '')
        return { state: { ...s, swallow: undefined }, cancel: false, play: [], listen: false };
      s = s.swallow === undefined ? s : { ...s, swallow: undefined };
      if (DIGIT.test(e.key)) {
        const next = { ...s, digits: s.digits + e.key, waiting: true };
        if (next.digits.length >= item.digits.max) return itemDone(cfg, next, !s.waiting, item.terminator);
        return { state: next, cancel: !s.waiting, play: [], listen: true, waitInputS: cfg.timeoutS };
      }
      if (e.key === item.terminator && s.digits.length >= item.digits.min) return itemDone(cfg, s, !s.waiting);
      const why =
        e.key === item.terminator
          ? `${item.name}: ${s.digits.length} digits, at least ${item.digits.min} needed`
          : `${item.name}: key ${e.key} is not a digit`;
      return retry(cfg, s, true, why);
    }
  }
}

function itemDone(cfg: CollectConfig, s: CollectState, cancel = false, swallow?: '#' | '*'): CollectDecision {
  const collected = [...s.collected, s.digits];
  const item = s.item + 1;
  const after = swallow ? { swallow } : {};
  if (item >= cfg.collect.length)
    return {
      state: { ...s, item, digits: '', collected, retries: 0, waiting: false },
      cancel,
      play: [],
      listen: false,
      done: { ok: true },
    };
  return {
    state: { ...s, item, digits: '', collected, retries: 0, waiting: false, ...after },
    cancel: true,
    play: [cfg.collect[item].prompt],
    listen: true,
  };
}

function retry(cfg: CollectConfig, s: CollectState, invalid: boolean, why: string): CollectDecision {
  const retries = s.retries + 1;
  if (retries > cfg.maxRetries)
    return {
      state: { ...s, digits: '', retries, waiting: false },
      cancel: true,
      play: [],
      listen: false,
      done: { ok: false, reason: `no valid input (${why}; retries used up: ${cfg.maxRetries})` },
      note: `${why}; retries used up`,
    };
  return {
    state: { ...s, digits: '', retries, waiting: false },
    cancel: true,
    play: [...(invalid ? [cfg.invalidPrompt ?? INVALID] : []), cfg.collect[s.item].prompt],
    listen: true,
    note: `${why}; retry ${retries} of ${cfg.maxRetries}`,
  };
}

/** The collected values by name (the request's `collected`). */
export function collectedByName(cfg: CollectConfig, s: CollectState): Record<string, string> {
  return Object.fromEntries(
    cfg.collect.flatMap((c, i) => (s.collected[i] !== undefined ? [[c.name, s.collected[i]]] : [])),
  );
}

/** What was collected, for the story: names and lengths, never a digit (`account (8 digits), pin (4 digits)`). */
export function describeCollected(cfg: CollectConfig, s: CollectState): string {
  const done = cfg.collect.flatMap((c, i) =>
    s.collected[i] !== undefined ? [`${c.name} (${s.collected[i].length} digits)`] : [],
  );
  return done.length ? done.join(', ') : 'nothing';
}

/** The state without a digit: what stays on the call once the request is made (or collection failed). */
export function redactCollect(s: CollectState): CollectState {
  return { ...s, digits: '', collected: s.collected.map(() => '') };
}

/** Header names of a signed request (docs/menus.md "Self-service"). */
export const SIGNATURE_HEADERS = {
  timestamp: 'X-Switchboard-Timestamp',
  signature: 'X-Switchboard-Signature',
  requestId: 'X-Switchboard-Request-Id',
} as const;

/** How far a request's timestamp may be from the receiver's clock (the receiver's check; documented for it). */
export const REPLAY_WINDOW_S = 300;

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
export function selfServiceSignature(secret: string, timestampS: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`;
}

/** The request's headers: timestamp (Unix seconds), signature, idempotency key, JSON. */
export function signedHeaders(secret: string, nowMs: number, body: string, requestId: string): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    [SIGNATURE_HEADERS.timestamp]: String(ts),
    [SIGNATURE_HEADERS.signature]: selfServiceSignature(secret, ts, body),
    [SIGNATURE_HEADERS.requestId]: requestId,
  };
}

/**
 * The receiver's check (what a line-of-business system does; the tests' server uses it): the signature matches and
 * the timestamp is within the replay window. Constant-time comparison.
 */
export function verifySelfServiceSignature(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  body: string,
  nowMs: number,
): { ok: true } | { ok: false; reason: string } {
  const ts = Number(headers.timestamp);
  if (!headers.timestamp || !Number.isInteger(ts)) return { ok: false, reason: 'no timestamp' };
  if (Math.abs(nowMs / 1000 - ts) > REPLAY_WINDOW_S)
    return { ok: false, reason: 'timestamp outside the replay window' };
  const want = Buffer.from(selfServiceSignature(secret, ts, body));
  const got = Buffer.from(headers.signature ?? '');
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'bad signature' };
  return { ok: true };
}
