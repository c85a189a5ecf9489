/**
 * The callback's pure rules (issue 14 item 5): when a waiting caller is offered a callback, what each key does in the
 * offer's short dialogue, and whether a typed number is one we can call (E.164 for the tenant's country). No I/O:
 * call-callback-flow.ts asks these and applies the step to the call.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { maskPhone } from '../auth';
import type { CallCallbackProgress, CallCallbackStep } from './call.record';

/** A call queue's `callback` settings as the API stores them. */
export interface CallbackSettings {
  enabled: boolean;
  key: string;
  offerAfterS?: number;
  offerBeyondPosition?: number;
  retries: number;
  retryAfterS: number;
  numberSource: 'callerId' | 'ask';
}

/**
 * Whether the offer is due for a caller who has waited `waitedS` at `position` (1 = first): once `offerAfterS` has
 * passed, or the position is beyond `offerBeyondPosition`; with neither set, at once.
 */
export function callbackOfferDue(s: CallbackSettings | undefined, at: { waitedS: number; position: number }): boolean {
  if (!s?.enabled) return false;
  if (s.offerAfterS === undefined && s.offerBeyondPosition === undefined) return true;
  if (s.offerAfterS !== undefined && at.waitedS >= s.offerAfterS) return true;
  return s.offerBeyondPosition !== undefined && at.position > s.offerBeyondPosition;
}

/**
 * Seconds from now until the offer may next become due by time (a position only gets better while one waits, so the
 * position rule is checked when the call enters; time is what a timer waits for); undefined: never by time.
 */
export function callbackOfferCheckInS(s: CallbackSettings | undefined, waitedS: number): number | undefined {
  if (!s?.enabled || s.offerAfterS === undefined) return undefined;
  return Math.max(0, s.offerAfterS - waitedS);
}

export type CallbackNumberResult = { ok: true; number: string } | { ok: false; reason: string };

/**
 * The number a caller typed (digits only, national or with the international prefix of `country`), or the caller id,
 * as E.164 — valid for its country by libphonenumber's full metadata. A number of another country is refused unless
 * it was given internationally (a callback is a call the tenant pays for).
 */
export function callbackNumber(input: string, country: string | undefined): CallbackNumberResult {
  const text = input.trim();
  if (!/^\+?[0-9]{3,20}$/.test(text)) return { ok: false, reason: 'is not a run of digits' };
  const parsed = parsePhoneNumberFromString(text, (country?.toUpperCase() as CountryCode | undefined) ?? undefined);
  if (!parsed) return { ok: false, reason: 'is not a phone number' };
  if (!parsed.isValid()) return { ok: false, reason: `is not a valid number${country ? ` for ${country}` : ''}` };
  return { ok: true, number: parsed.number };
}

/** A DTMF tone as the key a caller pressed. */
export function toneKey(tone: string): string | undefined {
  if (/^tone[0-9]$/.test(tone)) return tone.slice(4);
  if (tone === 'star') return '*';
  if (tone === 'pound') return '#';
  return undefined;
}

/** Prompt names of the default set (shared/menus/default-prompts.ts). */
export const CALLBACK_PROMPTS = {
  offer: 'callback-offer',
  confirm: 'callback-confirm',
  confirmKeys: 'callback-confirm-keys',
  ask: 'callback-ask',
  invalid: 'callback-invalid',
  accepted: 'callback-accepted',
} as const;

/** Wrong numbers after which the caller goes back to waiting (the offer stays answered "no" until then). */
export const MAX_INVALID_NUMBERS = 3;
/** More digits than any number: the entry ends as if # was pressed. */
const MAX_DIGITS = 20;

/** The prompts that say a key: digits as `n-d`, `*` and `#` by name. */
export function keyPrompts(key: string): string[] {
  if (/^[0-9]$/.test(key)) return [`n-${key}`];
  return [key === '*' ? 'key-star' : 'key-hash'];
}

/** The prompts that read a number back digit by digit (country code included). */
export function numberPrompts(number: string): string[] {
  return number
    .replace(/\D/g, '')
    .split('')
    .map((d) => `n-${d}`);
}

export type CallbackEvent = { kind: 'offer'; lastToneSeq: number } | { kind: 'tone'; tone: string; seq: number };

/** A step with prompt names (the flow turns them into URLs). */
export type CallbackDecision = Omit<CallCallbackStep, 'promptUris'> & { prompts: string[] };

/**
 * The next step of the offer's dialogue, from where the caller is (`cb`, absent before the offer) and what happened;
 * undefined: nothing to do (no offer yet and none asked, or the caller has accepted already).
 */
export function decideCallbackStep(
  cb: CallCallbackProgress | undefined,
  ev: CallbackEvent,
  ctx: { settings: CallbackSettings; callerNumber?: string; country?: string },
): CallbackDecision | undefined {
  const s = ctx.settings;
  if (ev.kind === 'offer') {
    if (cb) return undefined;
    return {
      from: 'none',
      stage: 'offered',
      usedTone: ev.lastToneSeq,
      prompts: [CALLBACK_PROMPTS.offer, ...keyPrompts(s.key)],
      note: { kind: 'callbackOffered', detail: `press ${s.key}` },
    };
  }
  if (!cb || cb.stage === 'accepted' || ev.seq <= cb.toneCursor) return undefined;
  const key = toneKey(ev.tone);
  const base = { from: cb.stage, usedTone: ev.seq } as const;
  const stay: CallbackDecision = { ...base, stage: cb.stage, digits: cb.digits, prompts: [] };
  const ask: CallbackDecision = { ...base, stage: 'collect', digits: '', prompts: [CALLBACK_PROMPTS.ask] };
  const confirm = (number: string): CallbackDecision => ({
    ...base,
    stage: 'confirm',
    number,
    prompts: [CALLBACK_PROMPTS.confirm, ...numberPrompts(number), CALLBACK_PROMPTS.confirmKeys],
  });
  switch (cb.stage) {
    case 'offered': {
      if (key !== s.key) return stay;
      const caller =
        s.numberSource === 'callerId' && ctx.callerNumber ? callbackNumber(ctx.callerNumber, ctx.country) : undefined;
      return caller?.ok ? confirm(caller.number) : ask;
    }
    case 'confirm':
      if (key === '1' && cb.number)
        return {
          ...base,
          stage: 'accepted',
          prompts: [CALLBACK_PROMPTS.accepted],
          note: { kind: 'callbackRequested', detail: `call back ${maskPhone(cb.number)}` },
        };
      return key === '2' ? ask : stay;
    case 'collect': {
      const digits = cb.digits ?? '';
      if (key === '*') return { ...stay, digits: '' };
      if (key !== '#' && key !== undefined && /[0-9]/.test(key) && digits.length < MAX_DIGITS)
        return { ...stay, digits: digits + key };
      if (key !== '#' && digits.length < MAX_DIGITS) return stay;
      const typed = callbackNumber(digits, ctx.country);
      if (typed.ok) return { ...confirm(typed.number), digits: '' };
      const invalid = (cb.invalid ?? 0) + 1;
      if (invalid >= MAX_INVALID_NUMBERS)
        return { ...base, stage: 'offered', digits: '', invalid, prompts: [CALLBACK_PROMPTS.invalid] };
      return { ...ask, invalid, prompts: [CALLBACK_PROMPTS.invalid, CALLBACK_PROMPTS.ask] };
    }
  }
}
