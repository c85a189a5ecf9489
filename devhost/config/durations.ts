/**
 * .NET TimeSpan strings as host.json uses them (`00:00:02`, `1.02:03:04.5`, `00:10:00`), plus numbers (taken as
 * milliseconds) and ISO-8601-less plain seconds are not guessed: anything else is an error.
 */
import { ConfigError } from './settings';

const TIMESPAN = /^\s*(-)?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?\s*$/;

/** Parses `[-][d.]hh:mm[:ss[.fffffff]]` into milliseconds; returns undefined when it is not a TimeSpan. */
export function parseTimeSpanMs(text: string): number | undefined {
  const m = TIMESPAN.exec(text);
  if (!m) return undefined;
  const [, neg, days, hours, minutes, seconds, fraction] = m;
  const h = Number(hours);
  const min = Number(minutes);
  const s = Number(seconds ?? 0);
  if (h > 23 || min > 59 || s > 59) return undefined;
  const ms =
    ((Number(days ?? 0) * 24 + h) * 60 + min) * 60_000 + s * 1000 + (fraction ? Number(`0.${fraction}`) * 1000 : 0);
  return neg ? -ms : ms;
}

/** A host.json duration setting: TimeSpan string or number of milliseconds; `fallback` when unset. */
export function durationSettingMs(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const ms = parseTimeSpanMs(value);
    if (ms !== undefined) return ms;
  }
  throw new ConfigError(`host.json ${name}: "${String(value)}" is not a TimeSpan (hh:mm:ss)`);
}
