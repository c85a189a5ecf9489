import { parseSchedule } from '../../../devhost/timers/schedule';
import { timerTriggerValue } from '../../../devhost/timers/timer-trigger';

const at = (iso: string) => new Date(iso);
const nexts = (expr: string, from: string, n: number, tz?: string) => {
  const s = parseSchedule(expr, tz);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    t = s.next(t);
    out.push(t.toISOString());
  }
  return out;
};

describe('NCRONTAB schedules', () => {
  it('reads the first of six fields as seconds', () => {
    expect(nexts('*/15 * * * * *', '2024-01-01T00:00:01Z', 3)).toEqual([
      '2024-01-01T00:00:15.000Z',
      '2024-01-01T00:00:30.000Z',
      '2024-01-01T00:00:45.000Z',
    ]);
    expect(nexts('0 */5 * * * *', '2024-01-01T00:03:00Z', 2)).toEqual([
      '2024-01-01T00:05:00.000Z',
      '2024-01-01T00:10:00.000Z',
    ]);
  });

  it('evaluates in UTC by default and in WEBSITE_TIME_ZONE when given', () => {
    expect(nexts('0 30 9 * * *', '2024-07-01T00:00:00Z', 1)).toEqual(['2024-07-01T09:30:00.000Z']);
    // 09:30 in Stockholm in July (UTC+2) is 07:30 UTC.
    expect(nexts('0 30 9 * * *', '2024-07-01T00:00:00Z', 1, 'Europe/Stockholm')).toEqual(['2024-07-01T07:30:00.000Z']);
  });

  it('supports ranges, lists, names and weekdays', () => {
    // Weekdays at 08:00: Friday 2024-01-05 → Monday 2024-01-08.
    expect(nexts('0 0 8 * * MON-FRI', '2024-01-05T09:00:00Z', 2)).toEqual([
      '2024-01-08T08:00:00.000Z',
      '2024-01-09T08:00:00.000Z',
    ]);
    expect(nexts('0 0 0 1 JAN,JUL *', '2024-02-01T00:00:00Z', 2)).toEqual([
      '2024-07-01T00:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
    ]);
  });

  it('requires both day-of-month and day-of-week to match (NCRONTAB), not either', () => {
    // The 13th that is a Friday: 2024-09-13, then 2024-12-13.
    expect(nexts('0 0 0 13 * FRI', '2024-01-01T00:00:00Z', 2)).toEqual([
      '2024-09-13T00:00:00.000Z',
      '2024-12-13T00:00:00.000Z',
    ]);
  });

  it('accepts 5 fields (seconds = 0) and the TimeSpan form', () => {
    expect(nexts('*/10 * * * *', '2024-01-01T00:00:30Z', 1)).toEqual(['2024-01-01T00:10:00.000Z']);
    const interval = parseSchedule('00:00:30');
    expect(interval.kind).toBe('interval');
    expect(interval.next(at('2024-01-01T00:00:00Z')).toISOString()).toBe('2024-01-01T00:00:30.000Z');
    expect(interval.minIntervalMs()).toBe(30_000);
    expect(parseSchedule('1.00:00:00').minIntervalMs()).toBe(86_400_000);
  });

  it('estimates the shortest interval (the monitor threshold)', () => {
    expect(parseSchedule('*/1 * * * * *').minIntervalMs(at('2024-01-01T00:00:00Z'))).toBe(1000);
    expect(parseSchedule('0 */5 * * * *').minIntervalMs(at('2024-01-01T00:00:00Z'))).toBe(300_000);
  });

  it('rejects invalid expressions', () => {
    expect(() => parseSchedule('* * *')).toThrow(/expected 6 fields/);
    expect(() => parseSchedule('99 * * * * *')).toThrow(/not a valid NCRONTAB/);
    expect(() => parseSchedule('00:00:00')).toThrow(/positive TimeSpan/);
  });
});

describe('timer trigger value', () => {
  it('has the host TimerInfo shape', () => {
    expect(JSON.parse(timerTriggerValue({ Last: 'a', Next: 'b', LastUpdated: 'c' }, true))).toEqual({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: 'a', Next: 'b', LastUpdated: 'c' },
      IsPastDue: true,
    });
    expect(JSON.parse(timerTriggerValue(null, false)).ScheduleStatus).toBeNull();
  });
});
