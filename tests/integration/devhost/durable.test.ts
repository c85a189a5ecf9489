/**
 * The devhost's Durable runtime, end to end: the real host process runs the durable fixture app
 * (tests/fixtures/apps/durable) with durable-functions 3.5.0 on Azurite, and each behaviour is observed through the
 * Durable HTTP API and the fixture's side-effect files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { partitionOf, taskHubNames } from '../../../devhost/durable/naming';
import {
  WEBHOOK,
  call,
  getStatus,
  removeDir,
  startHost,
  startOrchestration,
  tempDir,
  testStorage,
  uniqueHub,
  waitForStatus,
  type Host,
  type StorageHandle,
} from '../../support/durable-host';

jest.setTimeout(120_000);

let storage: StorageHandle;
let host: Host;
let dataDir: string;
let hub: string;

beforeAll(async () => {
  storage = await testStorage();
  dataDir = tempDir('durable-behaviour');
  hub = uniqueHub('Beh');
  host = await startHost({ hub, storage, dataDir });
});

afterAll(async () => {
  await host?.stop();
  await storage?.stop();
  if (dataDir) removeDir(dataDir);
});

type HistoryRow = Record<string, unknown> & { EventType: string };

function historyOf(status: { history?: Record<string, unknown>[] }): HistoryRow[] {
  return (status.history ?? []) as HistoryRow[];
}

test('a chain of activities completes with each result fed to the next step', async () => {
  const id = await startOrchestration(host.origin, 'Chain', { n: 5, ms: 0 });
  const status = await waitForStatus(host.origin, id);
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toEqual([0, 1, 3, 6, 10]);
  expect(status.input).toEqual({ n: 5, ms: 0 });
  expect(status.name).toBe('Chain');
  expect(status.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(status.lastUpdatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('history: sequence ids, numeric event order and episode framing', async () => {
  const id = await startOrchestration(host.origin, 'Chain', { n: 2, ms: 0 });
  await waitForStatus(host.origin, id);
  const { body } = await getStatus(host.origin, id, 'showHistory=true&showHistoryOutput=true');
  const history = historyOf(body);
  expect(history.map((e) => e.EventType)).toEqual([
    'OrchestratorStarted',
    'ExecutionStarted',
    'TaskScheduled',
    'OrchestratorCompleted',
    'OrchestratorStarted',
    'TaskCompleted',
    'TaskScheduled',
    'OrchestratorCompleted',
    'OrchestratorStarted',
    'TaskCompleted',
    'ExecutionCompleted',
    'OrchestratorCompleted',
  ]);
  const scheduled = history.filter((e) => e.EventType === 'TaskScheduled');
  expect(scheduled.map((e) => e.EventId)).toEqual([0, 1]);
  expect(scheduled.map((e) => e.Name)).toEqual(['Step', 'Step']);
  const completed = history.filter((e) => e.EventType === 'TaskCompleted');
  expect(completed.map((e) => e.TaskScheduledId)).toEqual([0, 1]);
  expect(completed.map((e) => e.Result)).toEqual(['0', '1']);
  const done = history.find((e) => e.EventType === 'ExecutionCompleted')!;
  expect(done.OrchestrationStatus).toBe(1);
  expect(done.Result).toBe('[0,1]');
  // Without showHistoryOutput the results are left out.
  const lean = historyOf((await getStatus(host.origin, id, 'showHistory=true')).body);
  expect(lean.find((e) => e.EventType === 'TaskCompleted')).not.toHaveProperty('Result');
});

test('activities receive exactly the value passed to callActivity', async () => {
  const id = await startOrchestration(host.origin, 'EchoInputs');
  const status = await waitForStatus(host.origin, id);
  expect(status.output).toEqual([
    { value: 'text', type: 'string' },
    { value: 42, type: 'number' },
    { value: { a: [1, 2] }, type: 'object' },
    { value: true, type: 'boolean' },
    { value: null, type: 'object' },
  ]);
});

test('large inputs and results (beyond the 64 KiB queue message limit) go through', async () => {
  const name = 'x'.repeat(150_000) + 'é';
  const id = await startOrchestration(host.origin, 'Hello', name);
  const status = await waitForStatus(host.origin, id);
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toBe(`Hello ${name}!`);
  expect(status.input).toBe(name);
});

test('fan-out/fan-in with Task.all', async () => {
  const names = ['a', 'b', 'c', 'd', 'e', 'f'];
  const id = await startOrchestration(host.origin, 'FanOut', names);
  const status = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true');
  expect(status.output).toEqual(names.map((n) => `Hello ${n}!`));
  const scheduled = historyOf(status).filter((e) => e.EventType === 'TaskScheduled');
  // All six are scheduled in the first episode, ids 0..5 in yield order.
  expect(scheduled.map((e) => e.EventId)).toEqual([0, 1, 2, 3, 4, 5]);
});

test('Task.any: an external event wins over a timer, and a timer wins when no event comes', async () => {
  const approved = await startOrchestration(host.origin, 'Approval', { timeoutMs: 60_000 });
  await waitForStatus(host.origin, approved, ['Running']);
  const raised = await call(host.origin, `${WEBHOOK}/instances/${approved}/raiseEvent/Approve`, {
    method: 'POST',
    body: JSON.stringify({ by: 'ann' }),
    headers: { 'Content-Type': 'application/json' },
  });
  expect(raised.status).toBe(202);
  expect((await waitForStatus(host.origin, approved)).output).toBe('approved:{"by":"ann"}');

  const timedOut = await startOrchestration(host.origin, 'Approval', { timeoutMs: 500 });
  const status = await waitForStatus(host.origin, timedOut, undefined, 30_000, 'showHistory=true');
  expect(status.output).toBe('timeout');
  const history = historyOf(status);
  const created = history.find((e) => e.EventType === 'TimerCreated')!;
  const fired = history.find((e) => e.EventType === 'TimerFired')!;
  expect(created.EventId).toBe(0);
  expect(fired.TimerId).toBe(0);
  expect(fired.FireAt).toBe(created.FireAt);
});

test('an event raised before the orchestrator waits for it is buffered', async () => {
  const id = await startOrchestration(host.origin, 'Status');
  // Raise at once: the event may well arrive before the orchestrator reaches waitForExternalEvent.
  const raised = await call(host.origin, `${WEBHOOK}/instances/${id}/raiseEvent/Go`, {
    method: 'POST',
    body: '"early"',
  });
  expect(raised.status).toBe(202);
  const status = await waitForStatus(host.origin, id);
  expect(status.output).toBe('early');
});

test('retries are scheduled by the host: exact history sequence when every attempt fails', async () => {
  const key = `fail-${Date.now()}`;
  const id = await startOrchestration(host.origin, 'RetryFlaky', { key, failTimes: 10, attempts: 2 });
  const status = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true&showHistoryOutput=true');
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toBe("gave up: Activity function 'Flaky' failed: flaky failure 2 ");
  const sequence = historyOf(status)
    .filter((e) => !['OrchestratorStarted', 'OrchestratorCompleted'].includes(e.EventType))
    .map((e) => `${e.EventType}(${e.EventId !== -1 ? e.EventId : (e.TaskScheduledId ?? e.TimerId ?? '')})`);
  expect(sequence).toEqual([
    'ExecutionStarted()',
    'TaskScheduled(0)',
    'TaskFailed(0)',
    'TimerCreated(1)',
    'TimerFired(1)',
    'TaskScheduled(2)',
    'TaskFailed(2)',
    'TimerCreated(3)',
    'TimerFired(3)',
    'ExecutionCompleted()',
  ]);
  const history = historyOf(status);
  // The first retry waits firstRetryInterval (100 ms) after the failure was seen; the last timer is a dummy (now).
  const [firstTimer, lastTimer] = history.filter((e) => e.EventType === 'TimerCreated');
  const episodeOf = (timer: HistoryRow) => {
    const i = history.indexOf(timer);
    const started = [...history.slice(0, i)].reverse().find((e) => e.EventType === 'OrchestratorStarted')!;
    return Date.parse(String(started.Timestamp));
  };
  expect(Date.parse(String(firstTimer.FireAt)) - episodeOf(firstTimer)).toBe(100);
  expect(Date.parse(String(lastTimer.FireAt)) - episodeOf(lastTimer)).toBe(0);
  const failed = history.find((e) => e.EventType === 'TaskFailed')!;
  expect(failed.Reason).toBe("Activity function 'Flaky' failed: flaky failure 1");
  expect(typeof failed.Details).toBe('string');
  const attempts = readFileSync(path.join(dataDir, 'flaky.log'), 'utf8')
    .split('\n')
    .filter((l) => l === key);
  expect(attempts).toHaveLength(2);
});

test('retries: success on the third attempt', async () => {
  const key = `ok-${Date.now()}`;
  const id = await startOrchestration(host.origin, 'RetryFlaky', { key, failTimes: 2, attempts: 5 });
  const status = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true');
  expect(status.output).toBe('ok after 3');
  const types = historyOf(status).map((e) => e.EventType);
  expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(3);
  expect(types.filter((t) => t === 'TimerCreated')).toHaveLength(2);
});

test('sub-orchestration retries: each attempt is a new child; timers between attempts', async () => {
  const key = `child-${Date.now()}`;
  const id = await startOrchestration(host.origin, 'ParentRetry', { key, failTimes: 2 });
  const status = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true');
  expect(status.output).toBe('ok after 3');
  const history = historyOf(status);
  const sequence = history
    .filter((e) => !['OrchestratorStarted', 'OrchestratorCompleted', 'ExecutionStarted'].includes(e.EventType))
    .map((e) => `${e.EventType}(${e.EventId !== -1 ? e.EventId : (e.TaskScheduledId ?? e.TimerId ?? '')})`);
  expect(sequence).toEqual([
    'SubOrchestrationInstanceCreated(0)',
    'SubOrchestrationInstanceFailed(0)',
    'TimerCreated(1)',
    'TimerFired(1)',
    'SubOrchestrationInstanceCreated(2)',
    'SubOrchestrationInstanceFailed(2)',
    'TimerCreated(3)',
    'TimerFired(3)',
    'SubOrchestrationInstanceCreated(4)',
    'SubOrchestrationInstanceCompleted(4)',
    'ExecutionCompleted()',
  ]);
  const executionId = (
    history.find((e) => e.EventType === 'ExecutionStarted')!.OrchestrationInstance as {
      ExecutionId: string;
    }
  ).ExecutionId;
  const children = history.filter((e) => e.EventType === 'SubOrchestrationInstanceCreated').map((e) => e.InstanceId);
  expect(children).toEqual([`${executionId}:0`, `${executionId}:2`, `${executionId}:4`]);
  expect((await getStatus(host.origin, `${executionId}:0`)).body.runtimeStatus).toBe('Failed');
});

test('a timer message that surfaces early (queue delays are capped at 7 days) is put back until its time', async () => {
  const id = await startOrchestration(host.origin, 'Sleep', { ms: 3000 });
  let created: HistoryRow | undefined;
  let executionId = '';
  while (!created) {
    const { body } = await getStatus(host.origin, id, 'showHistory=true');
    const history = historyOf(body);
    created = history.find((e) => e.EventType === 'TimerCreated');
    const started = history.find((e) => e.EventType === 'ExecutionStarted');
    if (started) executionId = (started.OrchestrationInstance as { ExecutionId: string }).ExecutionId;
    await new Promise((r) => setTimeout(r, 20));
  }
  // Simulate the capped delay: a copy of the TimerFired message, visible now.
  const queueName = taskHubNames(hub).controlQueues[partitionOf(id)];
  const queue = QueueServiceClient.fromConnectionString(storage.connectionString).getQueueClient(queueName);
  const before = (await queue.getProperties()).approximateMessagesCount ?? 0;
  await queue.sendMessage(
    JSON.stringify({
      mid: `early-${id}`,
      instanceId: id,
      executionId,
      event: {
        EventType: 11,
        EventId: -1,
        IsPlayed: false,
        Timestamp: created.FireAt,
        TimerId: 0,
        FireAt: created.FireAt,
      },
    }),
  );
  await new Promise((r) => setTimeout(r, 1000));
  const midway = await getStatus(host.origin, id);
  if (midway.body?.runtimeStatus !== 'Running') console.log(midway.status, midway.text, host.output().slice(-3000));
  expect(midway.body.runtimeStatus).toBe('Running');
  // The early copy was consumed and put back with the rest of its delay: one more (invisible) message than before.
  expect((await queue.getProperties()).approximateMessagesCount).toBe(before + 1);
  const status = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true');
  expect(status.output).toEqual({ firedAfter: true });
  const fired = historyOf(status).filter((e) => e.EventType === 'TimerFired');
  expect(fired).toHaveLength(1);
  const episodes = historyOf(status).filter((e) => e.EventType === 'OrchestratorStarted');
  expect(Date.parse(String(episodes[episodes.length - 1].Timestamp))).toBeGreaterThanOrEqual(
    Date.parse(String(created.FireAt)),
  );
});

test('sub-orchestrations: results come back to the parent, failures propagate as errors', async () => {
  const id = await startOrchestration(host.origin, 'Parent', 'Bob');
  const status = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true');
  expect(status.runtimeStatus).toBe('Completed');
  const output = status.output as { greeting: string; childError: string };
  expect(output.greeting).toBe('Hello Bob!');
  expect(output.childError).toContain("Orchestrator function 'Failing' failed: orchestrator exploded (child)");
  const history = historyOf(status);
  const created = history.filter((e) => e.EventType === 'SubOrchestrationInstanceCreated');
  expect(created.map((e) => e.EventId)).toEqual([0, 1]);
  const started = history.find((e) => e.EventType === 'ExecutionStarted')!;
  const executionId = (started.OrchestrationInstance as { ExecutionId: string }).ExecutionId;
  // Default child id: <parent ExecutionId>:<sequence id>; an explicit one is kept.
  expect(created[0].InstanceId).toBe(`${executionId}:0`);
  expect(created[1].InstanceId).toBe(`${id}-failing-child`);
  expect(history.some((e) => e.EventType === 'SubOrchestrationInstanceCompleted' && e.TaskScheduledId === 0)).toBe(
    true,
  );
  expect(history.some((e) => e.EventType === 'SubOrchestrationInstanceFailed' && e.TaskScheduledId === 1)).toBe(true);
  const child = await waitForStatus(host.origin, `${executionId}:0`);
  expect(child.runtimeStatus).toBe('Completed');
  expect(child.output).toBe('Hello Bob!');
  const failedChild = await waitForStatus(host.origin, `${id}-failing-child`);
  expect(failedChild.runtimeStatus).toBe('Failed');
});

test('continueAsNew restarts the instance with new input and a fresh history', async () => {
  const id = await startOrchestration(host.origin, 'Counter', { count: 0, max: 3 });
  const status = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true');
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toBe(3);
  expect(status.customStatus).toEqual({ count: 3 });
  expect(status.input).toEqual({ count: 3, max: 3 });
  // Only the last execution's history remains: it scheduled nothing.
  const history = historyOf(status);
  expect(history.filter((e) => e.EventType === 'ExecutionStarted')).toHaveLength(1);
  expect(history.filter((e) => e.EventType === 'TaskScheduled')).toHaveLength(0);
});

test('continueAsNew carries over events the finished execution did not consume', async () => {
  const id = await startOrchestration(host.origin, 'EventLoop', []);
  await waitForStatus(host.origin, id, ['Running']);
  // Suspended, the instance records events without running: on resume one execution sees all three, consumes one
  // and continues as new; the other two must reach the following executions.
  expect((await call(host.origin, `${WEBHOOK}/instances/${id}/suspend`, { method: 'POST' })).status).toBe(202);
  await waitForStatus(host.origin, id, ['Suspended']);
  for (const item of ['a', 'b', 'c']) {
    const r = await call(host.origin, `${WEBHOOK}/instances/${id}/raiseEvent/Item`, {
      method: 'POST',
      body: JSON.stringify(item),
    });
    expect(r.status).toBe(202);
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await getStatus(host.origin, id, 'showHistory=true');
    if (historyOf(body).filter((e) => e.EventType === 'EventRaised').length === 3 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect((await call(host.origin, `${WEBHOOK}/instances/${id}/resume`, { method: 'POST' })).status).toBe(202);
  const status = await waitForStatus(host.origin, id, undefined, 30_000);
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toEqual(['a', 'b', 'c']);
});

test('a failing orchestrator fails the instance after dispatching its last actions', async () => {
  const id = await startOrchestration(host.origin, 'Failing', 'x');
  const status = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true');
  expect(status.runtimeStatus).toBe('Failed');
  expect(status.output).toBe("Orchestrator function 'Failing' failed: orchestrator exploded (x)");
  const done = historyOf(status).find((e) => e.EventType === 'ExecutionCompleted')!;
  expect(done.OrchestrationStatus).toBe(3);

  const activityFails = await startOrchestration(host.origin, 'ActivityFails');
  const failed = await waitForStatus(host.origin, activityFails);
  expect(failed.runtimeStatus).toBe('Failed');
  expect(String(failed.output)).toMatch(
    /^Orchestrator function 'ActivityFails' failed: Activity function 'Boom' failed: activity exploded \n /,
  );
});

test('customStatus is published while the orchestration waits', async () => {
  const id = await startOrchestration(host.origin, 'Status');
  const waiting = await waitForStatus(host.origin, id, ['Running']);
  expect(waiting.customStatus).toEqual({ stage: 'waiting' });
  await call(host.origin, `${WEBHOOK}/instances/${id}/raiseEvent/Go`, { method: 'POST', body: '"later"' });
  const done = await waitForStatus(host.origin, id);
  expect(done.output).toBe('later');
  expect(done.customStatus).toEqual({ stage: 'done' });
});

test('a durable timer fires no earlier than its fire time', async () => {
  const id = await startOrchestration(host.origin, 'Sleep', { ms: 1200 });
  const status = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true');
  expect(status.output).toEqual({ firedAfter: true });
  const history = historyOf(status);
  const created = history.find((e) => e.EventType === 'TimerCreated')!;
  const start = history.find((e) => e.EventType === 'OrchestratorStarted')!;
  expect(Date.parse(String(created.FireAt)) - Date.parse(String(start.Timestamp))).toBe(1200);
  const firedEpisode = history.filter((e) => e.EventType === 'OrchestratorStarted')[1];
  expect(Date.parse(String(firedEpisode.Timestamp))).toBeGreaterThanOrEqual(Date.parse(String(created.FireAt)));
});

test('HTTP starter: df.app.client.http + createCheckStatusResponse, and its URLs work', async () => {
  const started = await call<Record<string, string>>(host.origin, '/api/start/Hello', {
    method: 'POST',
    body: JSON.stringify('Http'),
  });
  expect(started.status).toBe(202);
  const payload = started.body;
  expect(started.headers.get('location')).toBe(payload.statusQueryGetUri);
  expect(started.headers.get('retry-after')).toBe('10');
  expect(payload.statusQueryGetUri.startsWith(`${host.origin}${WEBHOOK}/instances/${payload.id}?`)).toBe(true);
  let status = await call<{ runtimeStatus: string; output: unknown }>(host.origin, payload.statusQueryGetUri);
  const deadline = Date.now() + 30_000;
  while (status.body.runtimeStatus !== 'Completed' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    status = await call(host.origin, payload.statusQueryGetUri);
  }
  expect(status.status).toBe(200);
  expect(status.body.output).toBe('Hello Http!');
  // The purge URL from the payload works too.
  const purged = await call(host.origin, payload.purgeHistoryDeleteUri, { method: 'DELETE' });
  expect(purged.status).toBe(200);
  expect(purged.body).toEqual({ instancesDeleted: 1 });
  expect((await call(host.origin, payload.statusQueryGetUri)).status).toBe(404);
});
