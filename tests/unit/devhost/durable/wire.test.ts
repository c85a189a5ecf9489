/** Pure pieces of the wire protocol: history rows, activity data, orchestrator failures, client binding data. */
import { EventType, newEvent, summarize, toWireEvent } from '../../../../devhost/durable/history';
import { eventToRow, getString, putString, rowToEvent } from '../../../../devhost/durable/store';
import { activityFailure, activityResult, activityTriggerData } from '../../../../devhost/durable/activities';
import { parseControlMessage, parseOrchestratorFailure } from '../../../../devhost/durable/orchestrations';
import { clientBindingData, displayHistory, formatTime } from '../../../../devhost/durable/http-api';

describe('history rows', () => {
  test('an event survives the table round trip (names, nested objects, bookkeeping)', () => {
    const started = {
      ...newEvent(EventType.ExecutionStarted, '2026-01-01T00:00:00.000Z', {
        OrchestrationInstance: { InstanceId: 'a/b', ExecutionId: 'e1' },
        ParentInstance: null,
        Name: 'Orch',
        Version: '',
        Input: '{"x":1}',
      }),
      _mid: 'm1',
    };
    const row = eventToRow('a/b', 'e1', 2, started);
    expect(row.partitionKey).toBe('a%2fb');
    expect(row.rowKey).toBe('0000000000000002');
    expect(row.EventType).toBe('ExecutionStarted');
    expect(row._Timestamp).toBe('2026-01-01T00:00:00.000Z');
    expect(typeof row.OrchestrationInstance).toBe('string');
    const back = rowToEvent(row);
    expect(back).toEqual({ ...started, IsPlayed: true });
    expect(toWireEvent(back)).not.toHaveProperty('_mid');
  });

  test('long strings are split across columns and joined back', () => {
    const big = 'x'.repeat(70_000);
    const row: Record<string, unknown> = {};
    putString(row, 'Input', big);
    expect(String(row.Input).length).toBe(30_000);
    expect(row.Input__chunks).toBe(3);
    expect(getString(row, 'Input')).toBe(big);
    // Merged over the long value, a short one resets the chunk count.
    putString(row, 'Input', 'short', true);
    expect(getString(row, 'Input')).toBe('short');
    const event = newEvent(EventType.TaskCompleted, new Date(0), { TaskScheduledId: 0, Result: big });
    expect(rowToEvent(eventToRow('i', 'e', 0, event)).Result).toBe(big);
  });

  test('summarize finds scheduling ids, completions and message ids', () => {
    const s = summarize([
      newEvent(EventType.TaskScheduled, new Date(0), { EventId: 0 }),
      { ...newEvent(EventType.TaskCompleted, new Date(0), { TaskScheduledId: 0 }), _mid: 'm' },
      newEvent(EventType.TimerCreated, new Date(0), { EventId: 1 }),
      newEvent(EventType.ExecutionSuspended, new Date(0)),
    ]);
    expect([...s.scheduled.keys()]).toEqual([0, 1]);
    expect([...s.completedIds]).toEqual([0]);
    expect(s.messageIds.has('m')).toBe(true);
    expect(s.suspended).toBe(true);
  });
});

describe('activities', () => {
  test('trigger data: the SDK double-encodes strings; other values pass as JSON text', () => {
    // callActivity('x', 'hello') → action input '"hello"' → TaskScheduled.Input '"\\"hello\\""'
    expect(activityTriggerData(JSON.stringify(JSON.stringify('hello')))).toEqual({ string: '"hello"' });
    expect(activityTriggerData('{"a":1}')).toEqual({ string: '{"a":1}' });
    expect(activityTriggerData('42')).toEqual({ string: '42' });
    expect(activityTriggerData('null')).toEqual({ string: 'null' });
    expect(activityTriggerData(null)).toEqual({});
  });

  test('results: JSON text of the return value, null for nothing', () => {
    expect(activityResult({ string: '123' })).toBe('"123"');
    expect(activityResult({ json: '{"a":1}' })).toBe('{"a":1}');
    expect(activityResult({ int: 5 })).toBe('5');
    expect(activityResult({ double: 1.5 })).toBe('1.5');
    expect(activityResult(undefined)).toBeNull();
    expect(activityResult({})).toBeNull();
  });

  test('failures: reason text per reference §5, FailureDetails from a registered provider', () => {
    expect(activityFailure('Pay', 'card declined', 'Error: card declined\n at x')).toEqual({
      Reason: "Activity function 'Pay' failed: card declined",
      Details: 'Error: card declined\n at x',
      FailureDetails: null,
    });
    const serialized = JSON.stringify({
      errorType: 'HttpError',
      errorMessage: 'boom',
      isNonRetriable: false,
      properties: { code: 503 },
    });
    const f = activityFailure('Call', serialized, undefined);
    expect(f.Reason).toBe("Activity function 'Call' failed: boom");
    expect(f.FailureDetails).toMatchObject({ ErrorType: 'HttpError', ErrorMessage: 'boom', Properties: { code: 503 } });
  });
});

test('orchestrator failures carry the state after $OutOfProcData$', () => {
  const state = { isDone: false, actions: [[{ actionType: 0, functionName: 'A' }]], error: 'boom', schemaVersion: 2 };
  const parsed = parseOrchestratorFailure(`boom\n\n$OutOfProcData$:${JSON.stringify(state)}`);
  expect(parsed.error).toBe('boom');
  expect(parsed.state).toEqual(state);
  expect(parseOrchestratorFailure('plain failure')).toEqual({ error: 'plain failure' });
});

test('control messages must name an instance and carry an event', () => {
  const event = newEvent(EventType.EventRaised, new Date(0), { Name: 'x' });
  expect(parseControlMessage(JSON.stringify({ mid: 'm', instanceId: 'i', executionId: null, event }))?.instanceId).toBe(
    'i',
  );
  expect(parseControlMessage('{"instanceId":"i"}')).toBeUndefined();
});

test('client binding data (reference §4)', () => {
  const data = JSON.parse(clientBindingData('http://localhost:7777', 'Hub1'));
  const base = 'http://localhost:7777/runtime/webhooks/durabletask';
  const q = 'taskHub=Hub1&connection=Storage';
  expect(data.taskHubName).toBe('Hub1');
  expect(data.rpcBaseUrl).toBe(`${base}/`);
  expect(data.baseUrl).toBe(base);
  expect(data.requiredQueryStringParameters).toBe(q);
  expect(data.creationUrls.createNewInstancePostUri).toBe(`${base}/orchestrators/{functionName}[/{instanceId}]?${q}`);
  expect(data.managementUrls.id).toBe('INSTANCEID');
  expect(data.managementUrls.statusQueryGetUri).toBe(`${base}/instances/INSTANCEID?${q}`);
  expect(data.managementUrls.sendEventPostUri).toBe(`${base}/instances/INSTANCEID/raiseEvent/{eventName}?${q}`);
  expect(data.managementUrls.terminatePostUri).toBe(`${base}/instances/INSTANCEID/terminate?reason={text}&${q}`);
  expect(data.httpBaseUrl).toBeNull();
});

test('status times are yyyy-MM-ddTHH:mm:ssZ; displayed history uses type names and hides results on request', () => {
  expect(formatTime(new Date('2026-03-04T05:06:07.890Z'))).toBe('2026-03-04T05:06:07Z');
  const events = [
    newEvent(EventType.TaskScheduled, '2026-01-01T00:00:00.000Z', { EventId: 0, Name: 'A' }),
    {
      ...newEvent(EventType.TaskCompleted, '2026-01-01T00:00:01.000Z', { TaskScheduledId: 0, Result: '1' }),
      _mid: 'm',
    },
  ];
  const shown = displayHistory(events, false);
  expect(shown[1]).toEqual({
    EventType: 'TaskCompleted',
    EventId: -1,
    Timestamp: '2026-01-01T00:00:01.000Z',
    TaskScheduledId: 0,
    FunctionName: 'A',
    ScheduledTime: '2026-01-01T00:00:00.000Z',
  });
  expect(displayHistory(events, true)[1].Result).toBe('1');
});
