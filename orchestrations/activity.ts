/**
 * Typed activities. Each activity is defined once — name, input type, output type, handler — and orchestrators call
 * it through that definition, so the compiler checks every call site (DESIGN.md "Typed activities").
 *
 *   const instance = yield* ensureApplicationInstance.call(context, { tenantId, upn });  // typed result
 *
 * `call` is a one-step generator: `yield*` hands the durable task to the orchestrator's runtime and returns the
 * activity's result with its declared type. Inputs are objects on purpose: the SDK JSON-encodes string inputs twice.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

export type ActivityHandler<I, O> = (input: I, context: InvocationContext) => Promise<O> | O;

export interface Activity<I extends object, O> {
  readonly name: string;
  /** Schedules the activity and returns its typed result (use with `yield*`). */
  call(context: df.OrchestrationContext, input: I): Generator<df.Task, O, unknown>;
  /** Same, with host-scheduled retries (reference §3). */
  callWithRetry(context: df.OrchestrationContext, retry: df.RetryOptions, input: I): Generator<df.Task, O, unknown>;
  /** The raw task, for `context.df.Task.all/any`; the result is then untyped — cast with {@link Activity.result}. */
  task(context: df.OrchestrationContext, input: I): df.Task;
  /** Narrows a completed task's result to this activity's output type. */
  result(task: df.Task): O;
}

/** Defines and registers an activity. Call at module load (registration beside the definition). */
export function defineActivity<I extends object, O>(name: string, handler: ActivityHandler<I, O>): Activity<I, O> {
  df.app.activity(name, {
    handler: (input: unknown, context: InvocationContext) => handler(input as I, context),
  });
  return declareActivity<I, O>(name);
}

/**
 * An activity's typed contract without registering a handler: for activities whose handler needs a binding only the
 * function layer provides (e.g. the durable client), registered there under the same name.
 */
export function declareActivity<I extends object, O>(name: string): Activity<I, O> {
  return {
    name,
    *call(context, input) {
      return (yield context.df.callActivity(name, input)) as O;
    },
    *callWithRetry(context, retry, input) {
      return (yield context.df.callActivityWithRetry(name, retry, input)) as O;
    },
    task: (context, input) => context.df.callActivity(name, input),
    result: (task) => task.result as O,
  };
}
