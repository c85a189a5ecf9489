/**
 * Runs an orchestrator to its end with no host and no storage: durable-functions' own replay executor
 * (`createOrchestrator`, the package's test path) runs each episode over a made-up history, the devhost's replayer
 * turns the episode's actions into the new scheduling work, and a script answers each activity. Timers fire at once
 * (the clock jumps to their fire time), so a run that waits hours replays in milliseconds.
 */
import { InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { EventType, newEvent, toWireEvent, type HistoryEvent } from '../../devhost/durable/history';
import { parseOrchestratorFailure } from '../../devhost/durable/orchestrations';
import { replay, type Decision } from '../../devhost/durable/replayer';

// The package's test helper has no type declarations.
const { createOrchestrator } = require('durable-functions/lib/src/util/testingUtils') as {
  createOrchestrator(
    fn: (context: df.OrchestrationContext) => Generator<df.Task, unknown, unknown>,
  ): (trigger: unknown, context: InvocationContext) => Promise<OrchestratorState>;
};

interface OrchestratorState {
  isDone: boolean;
  actions: unknown;
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

/** One activity call as the script sees it; `attempt` counts earlier calls of the same activity in this run. */
export interface ActivityCall {
  name: string;
  input: unknown;
  attempt: number;
  at: Date;
}

/** Makes the script's answer a failed activity (TaskFailed), as a thrown error would. */
export class ActivityFails {
  constructor(readonly message: string) {}
}

export type ActivityScript = (call: ActivityCall) => unknown;

export interface ReplayedRun {
  done: boolean;
  output: unknown;
  /** Set when the orchestrator itself threw. */
  error?: string;
  customStatus: unknown;
  /** Every activity the run scheduled, in order. */
  activities: ActivityCall[];
  /** Every timer: when it was created and how long it waits. */
  waits: { at: Date; delayMs: number }[];
  episodes: number;
}

const DAY = 24 * 3600_000;
const OPTIONS = { executionId: 'exec-1', maximumShortTimerMs: 6 * DAY, longRunningTimerIntervalMs: 3 * DAY };

export async function replayOrchestration(
  orchestrator: (context: df.OrchestrationContext) => Generator<df.Task, unknown, unknown>,
  input: unknown,
  script: ActivityScript,
  /** `activityMs`: how long each activity takes on the clock (default 0: only timers move it). */
  o: { start?: Date; instanceId?: string; maxEpisodes?: number; activityMs?: number } = {},
): Promise<ReplayedRun> {
  const handler = createOrchestrator(orchestrator);
  const instanceId = o.instanceId ?? 'replay-test';
  let now = o.start ?? new Date('2026-01-01T00:00:00.000Z');
  const history: HistoryEvent[] = [
    newEvent(EventType.OrchestratorStarted, now),
    newEvent(EventType.ExecutionStarted, now, {
      Name: 'orchestrator',
      Input: JSON.stringify(input),
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: OPTIONS.executionId },
    }),
  ];
  const run: ReplayedRun = {
    done: false,
    output: undefined,
    customStatus: undefined,
    activities: [],
    waits: [],
    episodes: 0,
  };
  const calls = new Map<string, number>();
  for (;;) {
    if (++run.episodes > (o.maxEpisodes ?? 500)) throw new Error(`no end after ${o.maxEpisodes ?? 500} episodes`);
    let state: OrchestratorState;
    try {
      state = await handler(
        {
          history: history.map(toWireEvent),
          input,
          instanceId,
          isReplaying: run.episodes > 1,
          parentInstanceId: null,
          upperSchemaVersion: 1,
          upperSchemaVersionNew: 2,
          longRunningTimerIntervalDuration: '3.00:00:00',
          maximumShortTimerDuration: '6.00:00:00',
          defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
        },
        new InvocationContext({ functionName: 'orchestrator', logHandler: () => undefined }),
      );
    } catch (err) {
      // The orchestrator threw: the SDK reports its state with the error, as it does to the host.
      const failure = parseOrchestratorFailure(err instanceof Error ? err.message : String(err));
      run.error = failure.error;
      run.customStatus = failure.state?.customStatus;
      return run;
    }
    run.customStatus = state.customStatus;
    if (state.error) {
      run.error = state.error;
      return run;
    }
    if (state.isDone) {
      run.done = true;
      run.output = state.output;
      return run;
    }
    const result = replay(history, state.actions, OPTIONS);
    if (result.nonDeterminism.length) throw new Error(`non-deterministic replay: ${result.nonDeterminism.join('; ')}`);
    if (result.decisions.length === 0) throw new Error('the orchestrator waits for nothing this replay can give');
    const completions: HistoryEvent[] = [];
    let next = new Date(now.getTime() + (o.activityMs ?? 0));
    for (const decision of result.decisions) {
      history.push(...schedule(decision, now));
      if (decision.kind === 'activity') {
        const attempt = calls.get(decision.name) ?? 0;
        calls.set(decision.name, attempt + 1);
        const call: ActivityCall = {
          name: decision.name,
          input: decision.input === null ? undefined : JSON.parse(decision.input),
          attempt,
          at: now,
        };
        run.activities.push(call);
        completions.push(complete(decision.id, script(call), next));
      } else if (decision.kind === 'timer') {
        const fireAt = new Date(decision.fireAt);
        run.waits.push({ at: now, delayMs: fireAt.getTime() - now.getTime() });
        if (fireAt > next) next = fireAt;
        completions.push(newEvent(EventType.TimerFired, fireAt, { TimerId: decision.id, FireAt: decision.fireAt }));
      } else {
        throw new Error(`unsupported action in a replay test: ${JSON.stringify(decision)}`);
      }
    }
    history.push(newEvent(EventType.OrchestratorCompleted, now));
    now = next;
    history.push(newEvent(EventType.OrchestratorStarted, now), ...completions);
  }
}

function schedule(decision: Decision, now: Date): HistoryEvent[] {
  if (decision.kind === 'activity') {
    return [
      newEvent(EventType.TaskScheduled, now, {
        EventId: decision.id,
        Name: decision.name,
        Version: decision.version,
        Input: decision.input,
      }),
    ];
  }
  if (decision.kind === 'timer') {
    return [newEvent(EventType.TimerCreated, now, { EventId: decision.id, FireAt: decision.fireAt })];
  }
  return [];
}

function complete(id: number, answer: unknown, at: Date): HistoryEvent {
  if (answer instanceof ActivityFails) {
    return newEvent(EventType.TaskFailed, at, {
      TaskScheduledId: id,
      Reason: `Activity function failed: ${answer.message}`,
      Details: '',
    });
  }
  return newEvent(EventType.TaskCompleted, at, {
    TaskScheduledId: id,
    Result: answer === undefined ? null : JSON.stringify(answer),
  });
}
