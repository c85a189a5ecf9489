/**
 * The step log of one provisioning run, kept by the orchestrator (deterministic: times come from the orchestration
 * clock) and published as customStatus and to the endpoint's step log table.
 */
import type { StepStatus } from '../../shared/domain';

export interface StepRecord {
  seq: number;
  name: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  error?: string;
}

export class StepLog {
  readonly steps: StepRecord[] = [];
  /** What was last written to the step-log table, per step (so a publish writes only what changed). */
  private readonly published = new Map<number, string>();

  constructor(private readonly now: () => Date) {}

  start(name: string): StepRecord {
    const step: StepRecord = {
      seq: this.steps.length,
      name,
      status: 'Running',
      attempts: 0,
      startedAt: this.now().toISOString(),
    };
    this.steps.push(step);
    return step;
  }

  attempt(step: StepRecord, error?: string): void {
    step.attempts += 1;
    if (error !== undefined) step.error = error;
  }

  end(step: StepRecord, status: StepStatus, error?: string): void {
    step.status = status;
    step.endedAt = this.now().toISOString();
    if (error !== undefined) step.error = error;
    else if (status === 'Succeeded') delete step.error;
  }

  /** A step this run does not need (e.g. no number wanted): recorded so the log shows the whole chain. */
  skip(name: string): void {
    this.end(this.start(name), 'Skipped');
  }

  /** A step done without an activity of its own (its fact is already confirmed, or written with another record). */
  done(name: string): void {
    const step = this.start(name);
    this.attempt(step);
    this.end(step, 'Succeeded');
  }

  /** Steps that changed since they were last published (all of them at first). */
  unpublished(): StepRecord[] {
    return this.steps.filter((s) => this.published.get(s.seq) !== JSON.stringify(s));
  }

  markPublished(steps: readonly StepRecord[]): void {
    for (const s of steps) this.published.set(s.seq, JSON.stringify(s));
  }

  /** The current step (last one started). */
  get current(): StepRecord | undefined {
    return this.steps[this.steps.length - 1];
  }
}
