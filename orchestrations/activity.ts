/**
 * Typed activities. Each activity is defined once — name, input type, output type, handler — and orchestrators call
 * it through that definition, so the compiler checks every call site (DESIGN.md "Typed activities").
 *
 *   const instance = yield* act.ensureApplicationInstance.call(context, { tenantId, upn });  // typed result
 *
 * An activity set is a factory over its dependencies (`createProvisioningActivities(deps)` → handlers by name), so a
 * test can hand it fakes. Its contracts ({@link activityContracts}) are what orchestrators call; the composition root
 * builds the handlers once and {@link registerActivities} registers them under the contracts' names at module load.
 *
 * `call` is a one-step generator: `yield*` hands the durable task to the orchestrator's runtime and returns the
 * activity's result with its declared type. Inputs are objects on purpose: the SDK JSON-encodes string inputs twice.
 */
import type { FunctionInput, InvocationContext } from '@azure/functions';
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

/** An activity's typed contract (what orchestrators call), without its handler. */
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = (input: any, context: InvocationContext) => unknown;

/** A set of activity handlers by activity name, as an activity factory returns it. */
export type ActivitySet = Record<string, AnyHandler>;

/** The contracts of an activity set: one typed {@link Activity} per handler, named after it. */
export type ActivityContracts<H extends ActivitySet> = {
  readonly [K in keyof H & string]: H[K] extends (input: infer I, context: InvocationContext) => infer R
    ? Activity<I & object, Awaited<R>>
    : never;
};

/** The contracts of an activity set; `names` lists every activity of the set (the compiler checks it is complete). */
export function activityContracts<H extends ActivitySet>(names: {
  readonly [K in keyof H & string]: true;
}): ActivityContracts<H> {
  const contracts: Record<string, Activity<object, unknown>> = {};
  for (const name of Object.keys(names)) contracts[name] = declareActivity(name);
  return contracts as ActivityContracts<H>;
}

/**
 * Registers an activity set with the Functions host, now (module load). `handlers` is called at an activity's first
 * invocation, so the dependencies are built lazily, once, by the composition root. `extraInputs` are the bindings an
 * activity needs besides its input (e.g. the durable client).
 */
export function registerActivities<H extends ActivitySet>(
  contracts: ActivityContracts<H>,
  handlers: () => H,
  o: { extraInputs?: { readonly [K in keyof H]?: FunctionInput[] } } = {},
): void {
  for (const name of Object.keys(contracts) as (keyof H & string)[]) {
    df.app.activity(name, {
      ...(o.extraInputs?.[name] ? { extraInputs: o.extraInputs[name] } : {}),
      handler: (input: unknown, context: InvocationContext) => handlers()[name](input, context),
    });
  }
}
