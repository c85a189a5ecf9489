/**
 * The default English prompt set: the phrases menus and call queues use when a tenant gives none, and the numbers
 * needed to say a position ("you are caller number twenty three") and a wait in minutes. The WAVs are committed in
 * default-prompts/en-US/ (made by scripts/make-default-prompts.ts with espeak-ng); a tenant's own prompt of the same
 * name takes precedence.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_PHRASES: Readonly<Record<string, string>> = Object.freeze({
  'invalid-entry': 'Sorry, that is not a valid choice.',
  'no-input': 'Sorry, we did not get your choice.',
  closed: 'We are closed right now. Please call again during our business hours.',
  goodbye: 'Thank you for calling. Goodbye.',
  transferring: 'Please hold while we transfer your call.',
  'please-hold': 'Please stay on the line. The next available agent will be with you shortly.',
  'caller-number': 'You are caller number',
  'expected-wait': 'Your expected wait is about',
  minute: 'minute',
  minutes: 'minutes',
  'less-than-a-minute': 'less than a minute',
  'more-than-an-hour': 'more than an hour',
  // The callback offer (issue 14 item 5): the key and the number read back come from the numbers below.
  'callback-offer': 'To be called back and keep your place in line, press',
  'callback-confirm': 'We will call you back at',
  'callback-confirm-keys': 'Press 1 to confirm, or 2 to enter another number.',
  'callback-ask': 'Please enter the number to call you back on, followed by the hash key.',
  'callback-invalid': 'Sorry, that is not a valid phone number.',
  'callback-accepted': 'Thank you. We will call you back, and you keep your place in line. Goodbye.',
  'key-star': 'star',
  'key-hash': 'hash',
  'self-service-unavailable': "Sorry, we can't check that right now.",
});

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** `n-0` … `n-19`, `n-20` … `n-90`: enough for any whole number 0–99. */
export const DEFAULT_NUMBERS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries([
    ...ONES.map((w, i) => [`n-${i}`, w]),
    ...TENS.flatMap((w, i) => (i >= 2 ? [[`n-${i * 10}`, w]] : [])),
  ]),
);

export const DEFAULT_PROMPT_TEXT: Readonly<Record<string, string>> = Object.freeze({
  ...DEFAULT_PHRASES,
  ...DEFAULT_NUMBERS,
});

/** The prompt names that say `n` (0–99): `[n-23]` is not a file; `[n-20, n-3]` is. */
export function numberPrompts(n: number): string[] {
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new RangeError(`${n} is not a whole number 0–99`);
  if (n < 20) return [`n-${n}`];
  const tens = Math.floor(n / 10) * 10;
  return n % 10 === 0 ? [`n-${tens}`] : [`n-${tens}`, `n-${n % 10}`];
}

export const DEFAULT_PROMPT_LANGUAGE = 'en-US';

/** Where the committed WAVs are, from source (ts-jest) or from dist/. */
export function defaultPromptDir(): string {
  const candidates = [
    path.join(__dirname, 'default-prompts', DEFAULT_PROMPT_LANGUAGE),
    path.join(__dirname, '..', '..', '..', 'shared', 'menus', 'default-prompts', DEFAULT_PROMPT_LANGUAGE),
  ];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

const cache = new Map<string, Buffer>();

/** A default prompt's WAV, or undefined when the name is not in the set. */
export function readDefaultPrompt(name: string): Buffer | undefined {
  if (!Object.hasOwn(DEFAULT_PROMPT_TEXT, name)) return undefined;
  let wav = cache.get(name);
  if (!wav) {
    wav = readFileSync(path.join(defaultPromptDir(), `${name}.wav`));
    cache.set(name, wav);
  }
  return wav;
}

/**
 * "You are caller number 3; your expected wait is about 4 minutes" from the default set: the position, then the wait
 * rounded up to whole minutes ("less than a minute" under 60 s, "more than an hour" from 60 min; no wait: position
 * only).
 */
export function positionAndWaitPrompts(position: number, waitS: number | undefined): string[] {
  const out = ['caller-number', ...numberPrompts(Math.min(99, Math.max(1, position)))];
  if (waitS === undefined) return out;
  out.push('expected-wait');
  if (waitS < 60) return [...out, 'less-than-a-minute'];
  const minutes = Math.ceil(waitS / 60);
  if (minutes >= 60) return [...out, 'more-than-an-hour'];
  return [...out, ...numberPrompts(minutes), minutes === 1 ? 'minute' : 'minutes'];
}
