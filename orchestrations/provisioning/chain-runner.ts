/**
 * The step machinery both endpoint orchestrations share: run an activity until it succeeds, waiting between
 * attempts with durable timers (capped exponential backoff, or the service's Retry-After) up to a deadline, and
 * keep the step log and customStatus current. Deterministic: the clock is the orchestration's.
 */
import type * as df from 'durable-functions';
import type { EndpointStatus } from '../../shared/domain';
import type { Activity } from '../activity';
import { nextDelayMs, type Outcome, type WaitPolicy } from './outcome';
import { StepLog, type StepRecord } from './step-log';

/** A step gave up: its message is what the endpoint's status shows. */
export class StepFailed extends Error {}

export interface ChainRunner {
  readonly log: StepLog;
  now(): Date;
  wait(delayMs: number): df.Task;
  setStatus(status: EndpointStatus): void;
  untilDone<I extends object, O>(
    step: StepRecord,
    activity: Activity<I, Outcome<O>>,
    input: I,
    policy: WaitPolicy,
    o?: LookOptions,
  ): Generator<df.Task, O, unknown>;
  runStep<I extends object, O>(
    name: string,
    activity: Activity<I, Outcome<O>>,
    input: I,
    policy: WaitPolicy,
    o?: LookOptions,
  ): Generator<df.Task, O, unknown>;
  /** Throws StepFailed when waiting `delayMs` more would pass the policy's deadline for a step begun at `began`. */
  checkDeadline(step: StepRecord, policy: WaitPolicy, began: number, delayMs: number, lastError: string): void;
}

export interface LookOptions {
  /**
   * Wait the policy's initial delay before the first look. For a step that waits on the tenant catching up with a
   * write this run just made (an account replicating, a licence propagating, a number operation running): a look
   * straight away is an activity and a request that cannot succeed. Not for a re-run, where the write may be old.
   */
  settleFirst?: boolean;
}

export function createChainRunner(context: df.OrchestrationContext): ChainRunner {
  const now = () => context.df.currentUtcDateTime;
  const log = new StepLog(now);
  let status: EndpointStatus = 'Pending';
  const publishStatus = () => context.df.setCustomStatus({ status, step: log.current?.name, steps: log.steps });

  const runner: ChainRunner = {
    log,
    now,
    wait: (delayMs) => context.df.createTimer(new Date(now().getTime() + delayMs)),
    setStatus(next) {
      status = next;
      publishStatus();
    },
    checkDeadline(step, policy, began, delayMs, lastError) {
      if (now().getTime() + delayMs - began > policy.deadlineMs) {
        throw new StepFailed(
          `${step.name} did not succeed within ${Math.round(policy.deadlineMs / 1000)} s: ${lastError}`,
        );
      }
    },
    *untilDone(step, activity, input, policy, o = {}) {
      const began = now().getTime();
      if (o.settleFirst) {
        publishStatus();
        yield runner.wait(policy.initialDelayMs);
      }
      // Backoff grows with this loop's own tries (a settling wait counts as the first); the step's attempt count also
      // includes other loops of the step.
      for (let tries = o.settleFirst ? 2 : 1; ; tries++) {
        const outcome = yield* activity.call(context, input);
        if (outcome.ok) {
          log.attempt(step);
          return outcome.value;
        }
        log.attempt(step, outcome.error.message);
        if (outcome.error.kind === 'permanent') throw new StepFailed(outcome.error.message);
        const delay = nextDelayMs(policy, tries, outcome.error.retryAfterMs);
        runner.checkDeadline(step, policy, began, delay, outcome.error.message);
        publishStatus();
        yield runner.wait(delay);
      }
    },
    *runStep(name, activity, input, policy, o) {
      const step = log.start(name);
      publishStatus();
      const value = yield* runner.untilDone(step, activity, input, policy, o);
      log.end(step, 'Succeeded');
      return value;
    },
  };
  return runner;
}
