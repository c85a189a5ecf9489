/**
 * A timer trigger with the host's semantics (WebJobs TimerListener + schedule monitor):
 * - waits for each occurrence of the schedule and invokes; the next occurrence is computed after the invocation
 *   finishes, so an invocation never overlaps itself (occurrences missed meanwhile are skipped);
 * - `runOnStartup` invokes once at start;
 * - with the monitor on (`useMonitor`, default: schedules at least a minute apart), Last/Next are kept in a status
 *   file under `<app>/.devhost/timers/`; when the host was down at a due occurrence, the first invocation after
 *   start has `IsPastDue: true` (and runs right away);
 * - trigger value `{json: '{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{…}|null,"IsPastDue":…}'}`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { invokeWithRetry, retryPolicyOf } from '../bindings/retry';
import type { Invoker, Logger, RegisteredFunction, TriggerSource } from '../types';
import type { TimerSchedule } from './schedule';

export interface ScheduleStatus {
  Last: string;
  Next: string;
  LastUpdated: string;
}

/** The host's TimerInfo JSON. */
export function timerTriggerValue(status: ScheduleStatus | null, isPastDue: boolean): string {
  return JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: status, IsPastDue: isPastDue });
}

/** Status records (one JSON file per function) — the local stand-in for the host's blob-based schedule monitor. */
export class ScheduleStatusStore {
  constructor(private readonly dir: string) {}

  private file(functionName: string): string {
    return path.join(this.dir, `${functionName.replace(/[^\w.-]/g, '_')}.json`);
  }

  read(functionName: string, expression: string): ScheduleStatus | undefined {
    try {
      const parsed = JSON.parse(readFileSync(this.file(functionName), 'utf8')) as ScheduleStatus & {
        Schedule?: string;
      };
      // A changed schedule invalidates the recorded Next (the host recomputes it rather than reporting past due).
      if (parsed.Schedule !== undefined && parsed.Schedule !== expression) return undefined;
      if (typeof parsed.Next !== 'string' || Number.isNaN(Date.parse(parsed.Next))) return undefined;
      return { Last: parsed.Last, Next: parsed.Next, LastUpdated: parsed.LastUpdated };
    } catch {
      return undefined;
    }
  }

  write(functionName: string, expression: string, status: ScheduleStatus): void {
    mkdirSync(this.dir, { recursive: true });
    const file = this.file(functionName);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ Schedule: expression, ...status }, null, 2));
    renameSync(tmp, file);
  }
}

const NEVER = '0001-01-01T00:00:00';
/** setTimeout's upper bound; longer waits are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class TimerTrigger implements TriggerSource {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private status: ScheduleStatus | undefined;

  constructor(
    readonly fn: RegisteredFunction,
    readonly schedule: TimerSchedule,
    private readonly options: { runOnStartup: boolean; useMonitor: boolean },
    private readonly store: ScheduleStatusStore,
    private readonly invoker: Invoker,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The next due time (for the banner / logs). */
  nextOccurrence(): Date {
    return this.schedule.next(this.now());
  }

  async start(): Promise<void> {
    let pastDue = false;
    if (this.options.useMonitor) {
      const recorded = this.store.read(this.fn.metadata.name, this.schedule.expression);
      const now = this.now();
      if (recorded) {
        this.status = recorded;
        pastDue = now.getTime() > Date.parse(recorded.Next);
      } else {
        this.status = { Last: NEVER, Next: this.schedule.next(now).toISOString(), LastUpdated: now.toISOString() };
        this.store.write(this.fn.metadata.name, this.schedule.expression, this.status);
      }
    }
    if (pastDue)
      this.logger.info(`Timer '${this.fn.metadata.name}' is past due (last due ${this.status!.Next}): running it now`);
    this.loop = this.run(this.options.runOnStartup || pastDue, pastDue);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    await this.running;
  }

  private async run(runNow: boolean, pastDue: boolean): Promise<void> {
    if (runNow && !this.stopped) await this.fire(this.now(), pastDue);
    while (!this.stopped) {
      const due = this.schedule.next(this.now());
      await this.sleepUntil(due);
      if (this.stopped) break;
      await this.fire(due, false);
    }
  }

  private async fire(occurrence: Date, isPastDue: boolean): Promise<void> {
    const now = this.now();
    const next = this.schedule.next(now);
    let status: ScheduleStatus | null = null;
    if (this.options.useMonitor) {
      status = { Last: occurrence.toISOString(), Next: next.toISOString(), LastUpdated: now.toISOString() };
      this.status = status;
      this.store.write(this.fn.metadata.name, this.schedule.expression, status);
    }
    this.running = invokeWithRetry(
      this.invoker,
      this.fn,
      { triggerData: { json: timerTriggerValue(status, isPastDue) } },
      retryPolicyOf(this.fn),
      () => this.stopped,
      (ms) => this.pause(ms),
    )
      .then(() => undefined)
      .catch(() => undefined); // failures are logged by the invoker; the schedule goes on
    await this.running;
  }

  /** A retry delay that ends early when the trigger stops. */
  private pause(ms: number): Promise<void> {
    return this.sleepUntil(new Date(this.now().getTime() + ms));
  }

  private sleepUntil(due: Date): Promise<void> {
    return new Promise((resolve) => {
      const step = (): void => {
        if (this.stopped) return resolve();
        const remaining = due.getTime() - this.now().getTime();
        if (remaining <= 0) return resolve();
        this.timer = setTimeout(step, Math.min(remaining, MAX_TIMEOUT_MS));
      };
      this.wake = () => {
        if (this.timer) clearTimeout(this.timer);
        resolve();
      };
      step();
    });
  }
}
