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
  ): Generator<df.Task, O, unknown>;
  runStep<I extends object, O>(
    name: string,
    activity: Activity<I, Outcome<O>>,
    input: I,
    policy: WaitPolicy,
  ): Generator<df.Task, O, unknown>;
  /** Throws StepFailed when waiting `delayMs` more would pass the policy's deadline for a step begun at `began`. */
  checkDeadline(step: StepRecord, policy: WaitPolicy, began: number, delayMs: number, lastError: string): void;
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
    *untilDone(step, activity, input, policy) {
      const began = now().getTime();
      // Backoff grows with this loop's own tries; the step's attempt count also includes other loops of the step.
      for (let tries = 1; ; tries++) {
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
    *runStep(name, activity, input, policy) {
      const step = log.start(name);
      publishStatus();
      const value = yield* runner.untilDone(step, activity, input, policy);
      log.end(step, 'Succeeded');
      return value;
    },
  };
  return runner;
}
