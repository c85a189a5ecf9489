/**
 * Business hours: is a menu open at an instant? Weekly ranges and holidays in the menu's IANA time zone. Pure.
 *
 * The wall clock of an instant in a zone comes from `Intl.DateTimeFormat` (ICU's time-zone database, shipped with
 * Node's full ICU and kept current with Node releases): that is the one conversion needed here — instant → local
 * weekday, date and minute — so no date library is added. DST is handled by ICU: on a spring-forward day the skipped
 * local hour never occurs, on a fall-back day the repeated hour is open (or closed) both times.
 */
import type { Weekday } from './menu.schema';

export interface BusinessHours {
  timeZone: string;
  weekly: { days: Weekday[]; from: string; to: string }[];
  holidays: { date: string; name: string }[];
}

const ZONE_NAME = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/;

/** An IANA zone name Node knows (`Europe/Paris`, `America/Argentina/Buenos_Aires`, `UTC`); not an offset. */
export function isIanaTimeZone(tz: string): boolean {
  if (!ZONE_NAME.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A real calendar date `YYYY-MM-DD` (2026-02-30 is not). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const DAY: Record<string, Weekday> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

/** The wall clock at `at` (epoch ms) in `timeZone`: weekday, date and minute of the day. */
export function localTime(at: number, timeZone: string): { weekday: Weekday; date: string; minute: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return {
    weekday: DAY[p.weekday],
    date: `${p.year}-${p.month}-${p.day}`,
    minute: Number(p.hour) * 60 + Number(p.minute),
  };
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Open or closed at `at`, and why (`holiday Christmas`, `outside hours`). Ranges are [from, to). */
export function businessHoursAt(h: BusinessHours, at: number): { open: boolean; why: string } {
  const local = localTime(at, h.timeZone);
  const holiday = h.holidays.find((d) => d.date === local.date);
  if (holiday) return { open: false, why: `holiday ${holiday.name}` };
  const open = h.weekly.some(
    (r) => r.days.includes(local.weekday) && minuteOf(r.from) <= local.minute && local.minute < minuteOf(r.to),
  );
  return {
    open,
    why: open ? 'within hours' : `outside hours (${local.weekday} ${local.date} ${fmt(local.minute)} ${h.timeZone})`,
  };
}

const fmt = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
