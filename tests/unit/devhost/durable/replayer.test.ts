import { EventType, newEvent, type HistoryEvent } from '../../../../devhost/durable/history';
import { replay, timeSpanMs, topLevelActions, type WireAction } from '../../../../devhost/durable/replayer';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const DAY = 24 * 3600_000;
const options = { executionId: 'exec1', maximumShortTimerMs: 6 * DAY, longRunningTimerIntervalMs: 3 * DAY };

/** A tiny history builder: episodes start with OrchestratorStarted at the given offset. */
class H {
  readonly events: HistoryEvent[] = [];
  episode(ms: number): this {
    this.events.push(newEvent(EventType.OrchestratorStarted, at(ms)));
    return this;
  }
  start(input: string | null = null): this {
    this.events.push(
      newEvent(EventType.ExecutionStarted, at(0), {
        Name: 'orch',
        Input: input,
        OrchestrationInstance: { InstanceId: 'i', ExecutionId: 'exec1' },
      }),
    );
    return this;
  }
  scheduled(id: number, name = 'A'): this {
    this.events.push(newEvent(EventType.TaskScheduled, at(0), { EventId: id, Name: name }));
    return this;
  }
  timer(id: number, fireAt: number): this {
    this.events.push(newEvent(EventType.TimerCreated, at(0), { EventId: id, FireAt: at(fireAt) }));
    return this;
  }
  completed(id: number, result = 'null'): this {
    this.events.push(newEvent(EventType.TaskCompleted, at(0), { TaskScheduledId: id, Result: result }));
    return this;
  }
  failed(id: number): this {
    this.events.push(newEvent(EventType.TaskFailed, at(0), { TaskScheduledId: id, Reason: 'r', Details: 'd' }));
    return this;
  }
  fired(id: number, fireAt: number): this {
    this.events.push(newEvent(EventType.TimerFired, at(fireAt), { TimerId: id, FireAt: at(fireAt) }));
    return this;
  }
  raised(name: string, input = '1'): this {
    this.events.push(newEvent(EventType.EventRaised, at(0), { Name: name, Input: input }));
    return this;
  }
}

const activity = (name = 'A', input?: unknown): WireAction => ({ actionType: 0, functionName: name, input });
const retry = (max: number, first = 1000, extra: Record<string, number> = {}): WireAction => ({
  actionType: 1,
  functionName: 'F',
  retryOptions: { firstRetryIntervalInMilliseconds: first, maxNumberOfAttempts: max, ...extra },
  input: { x: 1 },
});
const timer = (fireAt: number, isCanceled = false): WireAction => ({ actionType: 5, fireAt: at(fireAt), isCanceled });
const wait = (name: string): WireAction => ({ actionType: 6, externalEventName: name });
const all = (...compoundActions: WireAction[]): WireAction => ({ actionType: 12, compoundActions });
const any = (...compoundActions: WireAction[]): WireAction => ({ actionType: 11, compoundActions });
const ids = (r: ReturnType<typeof replay>) => r.decisions.map((d) => `${d.kind}:${d.id}`);

describe('sequence ids from the cumulative action list', () => {
  test('a chain: only the id without a scheduling event is new work', () => {
    const first = replay(new H().episode(0).start().events, [[activity()]], options);
    expect(first.decisions).toEqual([{ kind: 'activity', id: 0, name: 'A', version: '', input: null }]);
    const h = new H().episode(0).start().scheduled(0).episode(10).completed(0);
    const second = replay(h.events, [[activity(), activity('B', { n: 1 })]], options);
    expect(second.decisions).toEqual([{ kind: 'activity', id: 1, name: 'B', version: '', input: '{"n":1}' }]);
  });

  test('V1-style one-array-per-yield lists are flattened in order', () => {
    expect(topLevelActions([[activity('A')], [activity('B')]]).map((a) => a.functionName)).toEqual(['A', 'B']);
    expect(topLevelActions(undefined)).toEqual([]);
  });

  test('Task.all schedules its children depth-first in one episode', () => {
    const r = replay(
      new H().episode(0).start().events,
      [[all(activity('A'), all(activity('B'), activity('C')), timer(5000))]],
      options,
    );
    expect(ids(r)).toEqual(['activity:0', 'activity:1', 'activity:2', 'timer:3']);
  });

  test('Task.any: the loser keeps its id; the next action takes the following one', () => {
    const h = new H().episode(0).start().scheduled(0).timer(1, 5000).episode(10).completed(0);
    const r = replay(h.events, [[any(activity(), timer(5000)), activity('Next')]], options);
    expect(ids(r)).toEqual(['activity:2']);
  });

  test('a cancelled timer still consumes its id', () => {
    const h = new H().episode(0).start().timer(0, 60_000).episode(10).raised('Approve');
    const r = replay(h.events, [[any(wait('Approve'), timer(60_000, true)), activity('After')]], options);
    expect(ids(r)).toEqual(['activity:1']);
  });

  test('an external event raised before the wait is buffered and consumed when the wait starts', () => {
    const h = new H().episode(0).start().scheduled(0).episode(10).raised('Go').episode(20).completed(0);
    const r = replay(h.events, [[activity(), wait('Go'), activity('Then')]], options);
    expect(ids(r)).toEqual(['activity:1']);
    expect(r.unconsumedEvents).toEqual([]);
  });

  test('events nobody waited for are reported (carried over by continueAsNew)', () => {
    const h = new H().episode(0).start().raised('Other', '"x"');
    const r = replay(h.events, [[{ actionType: 4, input: { n: 2 } }]], options);
    expect(r.continueAsNew).toEqual({ input: '{"n":2}' });
    expect(r.unconsumedEvents.map((e) => e.Name)).toEqual(['Other']);
  });

  test('sub-orchestrations: default instance id is <ExecutionId>:<id>; an explicit one is kept', () => {
    const r = replay(
      new H().episode(0).start().events,
      [
        [
          all(
            { actionType: 2, functionName: 'Child', input: 'x' },
            { actionType: 2, functionName: 'Child', instanceId: 'mine' },
          ),
        ],
      ],
      options,
    );
    expect(r.decisions).toEqual([
      { kind: 'subOrchestration', id: 0, name: 'Child', version: '', instanceId: 'exec1:0', input: '"x"' },
      { kind: 'subOrchestration', id: 1, name: 'Child', version: '', instanceId: 'mine', input: null },
    ]);
  });

  test('a different action at a scheduled id is reported as non-determinism', () => {
    const h = new H().episode(0).start().scheduled(0, 'X');
    const r = replay(h.events, [[activity('Y')]], options);
    expect(r.nonDeterminism).toHaveLength(1);
    expect(r.decisions).toEqual([]);
  });

  test('unsupported actions (CallHttp, entities) are flagged', () => {
    const r = replay(new H().episode(0).start().events, [[{ actionType: 8 }]], options);
    expect(r.decisions).toEqual([{ kind: 'unsupported', id: 0, actionType: 8 }]);
  });
});

describe('host-scheduled retries (reference §3)', () => {
  test('failure → timer(now + delay) → reschedule → failure → dummy timer(now) → done', () => {
    const actions = [[retry(2, 1000)]];
    let h = new H().episode(0).start().scheduled(0, 'F').episode(100).failed(0);
    let r = replay(h.events, actions, options);
    expect(r.decisions).toEqual([{ kind: 'timer', id: 1, fireAt: at(1100) }]);

    h = h.timer(1, 1100).episode(1200).fired(1, 1100);
    r = replay(h.events, actions, options);
    expect(r.decisions).toEqual([{ kind: 'activity', id: 2, name: 'F', version: '', input: '{"x":1}' }]);

    h = h.scheduled(2, 'F').episode(1300).failed(2);
    r = replay(h.events, actions, options);
    expect(r.decisions).toEqual([{ kind: 'timer', id: 3, fireAt: at(1300) }]);

    h = h.timer(3, 1300).episode(1400).fired(3, 1300);
    r = replay(h.events, [[retry(2, 1000), activity('After')]], options);
    expect(ids(r)).toEqual(['activity:4']);
  });

  test('success on a later attempt ends the retries', () => {
    const h = new H()
      .episode(0)
      .start()
      .scheduled(0, 'F')
      .episode(10)
      .failed(0)
      .timer(1, 1010)
      .episode(1100)
      .fired(1, 1010);
    h.scheduled(2, 'F').episode(1200).completed(2, '"ok"');
    expect(ids(replay(h.events, [[retry(5), activity('Next')]], options))).toEqual(['activity:3']);
  });

  test('backoff: the second retry waits first × coefficient, capped by the maximum', () => {
    const h = new H()
      .episode(0)
      .start()
      .scheduled(0, 'F')
      .episode(0)
      .failed(0)
      .timer(1, 1000)
      .episode(1000)
      .fired(1, 1000);
    h.scheduled(2, 'F').episode(2000).failed(2);
    const r = replay(h.events, [[retry(5, 1000, { backoffCoefficient: 3 })]], options);
    expect(r.decisions).toEqual([{ kind: 'timer', id: 3, fireAt: at(2000 + 3000) }]);
    const capped = replay(
      h.events,
      [[retry(5, 1000, { backoffCoefficient: 3, maxRetryIntervalInMilliseconds: 1500 })]],
      options,
    );
    expect(capped.decisions).toEqual([{ kind: 'timer', id: 3, fireAt: at(2000 + 1500) }]);
  });

  test('a retry timer takes the next id at the time of the failure (interleaved with other tasks)', () => {
    const h = new H().episode(0).start().scheduled(0, 'F').scheduled(1, 'B').episode(10).failed(0);
    const r = replay(h.events, [[all(retry(3, 500), activity('B'))]], options);
    expect(r.decisions).toEqual([{ kind: 'timer', id: 2, fireAt: at(510) }]);
  });
});

describe('long timers (> maximumShortTimer) are split into segments', () => {
  test('segments of 3 days until the final fire time, each with its own id', () => {
    const final = 10 * DAY;
    const actions = [[timer(final), activity('After')]];
    let h = new H().episode(0).start();
    expect(replay(h.events, actions, options).decisions).toEqual([{ kind: 'timer', id: 0, fireAt: at(3 * DAY) }]);
    h = h
      .timer(0, 3 * DAY)
      .episode(3 * DAY)
      .fired(0, 3 * DAY);
    // 7 days left: still long → another 3-day segment.
    expect(replay(h.events, actions, options).decisions).toEqual([{ kind: 'timer', id: 1, fireAt: at(6 * DAY) }]);
    h = h
      .timer(1, 6 * DAY)
      .episode(6 * DAY)
      .fired(1, 6 * DAY);
    // 4 days left: the last segment fires at the final time.
    expect(replay(h.events, actions, options).decisions).toEqual([{ kind: 'timer', id: 2, fireAt: at(final) }]);
    h = h.timer(2, final).episode(final).fired(2, final);
    expect(ids(replay(h.events, actions, options))).toEqual(['activity:3']);
  });
});

test('timeSpanMs parses .NET TimeSpans', () => {
  expect(timeSpanMs('6.00:00:00')).toBe(6 * DAY);
  expect(timeSpanMs('3.00:00:00')).toBe(3 * DAY);
  expect(timeSpanMs('00:00:01.5')).toBe(1500);
  expect(() => timeSpanMs('soon')).toThrow();
});
