/**
 * Timer triggers through the devhost: a 6-field NCRONTAB schedule fires every second, runOnStartup, the schedule
 * monitor's IsPastDue after a down period (a status left by an earlier run whose Next has passed), the TimeSpan form,
 * and no overlapping invocations of one timer.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  cleanupTempApps,
  copyFixture,
  eventually,
  startDevhost,
  type DevhostProcess,
} from '../../support/devhost-harness';

interface TimerRecord {
  fn: string;
  at: string;
  timer: {
    isPastDue: boolean;
    schedule: { adjustForDST: boolean };
    scheduleStatus: { last: string; next: string; lastUpdated: string } | null;
  };
  start?: number;
  end?: number;
  attempt?: number;
  retryContext?: { retryCount: number; maxRetryCount: number; exception?: { message?: string } } | null;
}

describe('devhost timers', () => {
  let host: DevhostProcess;
  let appDir: string;
  const missedNext = new Date(Date.now() - 15 * 60_000);

  const records = (): TimerRecord[] => {
    const file = path.join(appDir, 'records.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as TimerRecord);
  };
  const of = (fn: string) => records().filter((r) => r.fn === fn);

  beforeAll(async () => {
    appDir = copyFixture('timers');
    // The status an earlier run of 'monitored' left: its next run was due 15 minutes ago, while the host was down.
    mkdirSync(path.join(appDir, '.devhost', 'timers'), { recursive: true });
    writeFileSync(
      path.join(appDir, '.devhost', 'timers', 'monitored.json'),
      JSON.stringify({
        Schedule: '0 */5 * * * *',
        Last: new Date(missedNext.getTime() - 5 * 60_000).toISOString(),
        Next: missedNext.toISOString(),
        LastUpdated: new Date(missedNext.getTime() - 5 * 60_000).toISOString(),
      }),
    );
    host = await startDevhost(appDir, {
      env: { FAST_SCHEDULE: '*/1 * * * * *', SLOW_SCHEDULE: '*/1 * * * * *' },
    });
  });
  afterAll(async () => {
    await host?.stop();
    cleanupTempApps();
  });

  it('lists timers with their schedules', () => {
    expect(host.output()).toMatch(/\tfast: timerTrigger \(schedule: \*\/1 \* \* \* \* \*, next: /);
    expect(host.output()).toMatch(/\tinterval: timerTrigger \(schedule: 01:00:00, next: /);
  });

  it('fires a */1 * * * * * schedule every second with the host TimerInfo shape', async () => {
    const fast = await eventually(() => (of('fast').length >= 3 ? of('fast') : undefined), 15_000);
    for (const r of fast) {
      expect(r.timer.isPastDue).toBe(false);
      expect(r.timer.schedule).toEqual({ adjustForDST: true });
      // Sub-minute schedules are not monitored (as in the host), so there is no status.
      expect(r.timer.scheduleStatus).toBeNull();
    }
    const seconds = fast.map((r) => Math.floor(Date.parse(r.at) / 1000));
    expect(new Set(seconds).size).toBe(seconds.length);
  });

  it('runs a runOnStartup timer once at start', async () => {
    const startup = await eventually(() => (of('startup').length > 0 ? of('startup') : undefined));
    expect(startup).toHaveLength(1);
    expect(startup[0]!.timer.isPastDue).toBe(false);
  });

  it('runs a timer that was due while the host was down right away, with IsPastDue', async () => {
    const [run] = await eventually(() => (of('monitored').length > 0 ? of('monitored') : undefined));
    expect(run!.timer.isPastDue).toBe(true);
    expect(run!.timer.scheduleStatus).not.toBeNull();
    expect(Date.parse(run!.timer.scheduleStatus!.next)).toBeGreaterThan(Date.now() - 60_000);
    // The status now points at the next 5-minute boundary.
    const status = JSON.parse(readFileSync(path.join(appDir, '.devhost', 'timers', 'monitored.json'), 'utf8')) as {
      Next: string;
    };
    const next = new Date(status.Next);
    expect(next.getTime()).toBeGreaterThan(missedNext.getTime());
    expect(next.getUTCMinutes() % 5).toBe(0);
    expect(next.getUTCSeconds()).toBe(0);
  });

  it('keeps a status for monitored schedules that have never run', () => {
    const status = JSON.parse(readFileSync(path.join(appDir, '.devhost', 'timers', 'interval.json'), 'utf8')) as {
      Schedule: string;
      Last: string;
      Next: string;
    };
    expect(status.Schedule).toBe('01:00:00');
    expect(status.Last).toBe('0001-01-01T00:00:00');
    expect(Date.parse(status.Next)).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(of('interval')).toHaveLength(0);
  });

  it('retries a failing timer function per its retry policy, with a retry context', async () => {
    const flaky = await eventually(() => (of('flaky').length >= 3 ? of('flaky') : undefined), 15_000);
    expect(flaky.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(flaky[0]!.retryContext).toBeNull();
    expect(flaky[1]!.retryContext).toMatchObject({ retryCount: 1, maxRetryCount: 3 });
    expect(flaky[1]!.retryContext!.exception?.message).toContain('flaky failure 1');
    expect(flaky[2]!.retryContext).toMatchObject({ retryCount: 2, maxRetryCount: 3 });
    // The third attempt succeeded, so there is no fourth.
    await new Promise((r) => setTimeout(r, 600));
    expect(of('flaky')).toHaveLength(3);
  });

  it('never overlaps invocations of one timer', async () => {
    const slow = await eventually(() => (of('slow').length >= 3 ? of('slow') : undefined), 20_000);
    const spans = slow.map((r) => [r.start!, r.end!] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  });
});
