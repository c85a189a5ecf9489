/**
 * Timer schedules as the host reads them: a 6-field NCRONTAB expression `{second} {minute} {hour} {day} {month}
 * {day-of-week}` (5 fields also accepted, seconds = 0, as the host's CronSchedule does), evaluated in UTC unless
 * WEBSITE_TIME_ZONE names a time zone (IANA id on Linux), or a TimeSpan `hh:mm:ss` (a constant interval).
 * Cron evaluation is croner's (6-part = seconds first); NCRONTAB requires both day-of-month and day-of-week to
 * match, hence `domAndDow`.
 */
import { Cron } from 'croner';
import { parseTimeSpanMs } from '../config/durations';
import { ConfigError } from '../config/settings';

export interface TimerSchedule {
  /** The expression as configured (after %setting% resolution). */
  readonly expression: string;
  readonly kind: 'cron' | 'interval';
  /** The first occurrence strictly after `after`. For intervals: `after + interval`. */
  next(after: Date): Date;
  /** The shortest gap between occurrences, estimated from the next few (the host's monitor threshold uses it). */
  minIntervalMs(from?: Date): number;
}

export function parseSchedule(expression: string, timeZone?: string): TimerSchedule {
  const text = expression.trim();
  if (/^[\d.:]+$/.test(text) && text.includes(':')) {
    const ms = parseTimeSpanMs(text);
    if (ms === undefined || ms <= 0) throw new ConfigError(`Timer schedule "${expression}" is not a positive TimeSpan`);
    return {
      expression: text,
      kind: 'interval',
      next: (after) => new Date(after.getTime() + ms),
      minIntervalMs: () => ms,
    };
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 6 && fields.length !== 5) {
    throw new ConfigError(
      `Timer schedule "${expression}" is not a valid NCRONTAB expression: expected 6 fields ` +
        '({second} {minute} {hour} {day} {month} {day-of-week}) or a TimeSpan (hh:mm:ss)',
    );
  }
  const pattern = fields.length === 5 ? `0 ${text}` : fields.join(' ');
  let cron: Cron;
  try {
    cron = new Cron(pattern, { mode: '6-part', domAndDow: true, timezone: timeZone || 'UTC', paused: true });
  } catch (err) {
    throw new ConfigError(
      `Timer schedule "${expression}" is not a valid NCRONTAB expression: ${(err as Error).message}`,
    );
  }
  const next = (after: Date): Date => {
    const d = cron.nextRun(after);
    if (!d) throw new ConfigError(`Timer schedule "${expression}" has no future occurrence`);
    return d;
  };
  return {
    expression: text,
    kind: 'cron',
    next,
    minIntervalMs: (from = new Date()) => {
      let min = Infinity;
      let prev = next(from);
      for (let i = 0; i < 5; i++) {
        const n = next(prev);
        min = Math.min(min, n.getTime() - prev.getTime());
        prev = n;
      }
      return min;
    },
  };
}
