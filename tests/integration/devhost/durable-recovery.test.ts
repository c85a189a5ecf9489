/**
 * Crash recovery of the devhost's Durable runtime: `kill -9` of the host mid-orchestration, then a new host on the
 * same task hub resumes every instance. Every activity appends one line to a side-effect file; the counts prove that
 * no step was lost and that a step ran twice only when the crash fell between its side effect and the recording of
 * its result (the one step each chain had in flight).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  WEBHOOK,
  call,
  getStatus,
  removeDir,
  sleep,
  startHost,
  startOrchestration,
  tempDir,
  testStorage,
  uniqueHub,
  waitForStatus,
  type Host,
  type StorageHandle,
} from '../../support/durable-host';

jest.setTimeout(150_000);

let storage: StorageHandle;
let dataDir: string;
const hosts: Host[] = [];
/** Short leases, so the crashed host's in-flight messages come back within seconds. */
const env = {
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__controlQueueVisibilityTimeout: '00:00:08',
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__workItemQueueVisibilityTimeout: '00:00:08',
};

beforeAll(async () => {
  storage = await testStorage();
  dataDir = tempDir('durable-recovery');
});

afterAll(async () => {
  for (const h of hosts) await h.kill();
  await storage?.stop();
  if (dataDir) removeDir(dataDir);
});

function logLines(): string[] {
  const file = path.join(dataDir, 'chain.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

test('kill -9 mid-orchestration: a new host completes every instance with no step lost', async () => {
  const hub = uniqueHub('Crash');
  const first = await startHost({ hub, storage, dataDir, env });
  hosts.push(first);

  const instances = Array.from({ length: 20 }, (_, i) => `chain-${i}`);
  for (const id of instances) {
    await startOrchestration(first.origin, 'Chain', { n: 5, ms: 300, log: 'chain.log' }, id);
  }
  // Things that must survive the crash too: a durable timer and a wait for an external event.
  const timer = await startOrchestration(first.origin, 'Sleep', { ms: 2500 }, 'sleeper');
  const waiter = await startOrchestration(first.origin, 'Status', undefined, 'waiter');
  await waitForStatus(first.origin, waiter, ['Running']);

  // Crash once the chains are well under way but not done.
  const deadline = Date.now() + 30_000;
  while (logLines().length < 25 && Date.now() < deadline) await sleep(20);
  await first.kill();
  const beforeCrash = logLines();
  expect(beforeCrash.length).toBeGreaterThanOrEqual(25);
  expect(beforeCrash.length).toBeLessThan(100);

  const second = await startHost({ hub, storage, dataDir, env });
  hosts.push(second);
  expect(
    (await call(second.origin, `${WEBHOOK}/instances/${waiter}/raiseEvent/Go`, { method: 'POST', body: '"after"' }))
      .status,
  ).toBe(202);

  for (const id of instances) {
    const status = await waitForStatus(second.origin, id, undefined, 90_000, 'showHistory=true');
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual([0, 1, 3, 6, 10]);
    // History holds each step once, ids 0..4, each completed once.
    const history = status.history ?? [];
    expect(history.filter((e) => e.EventType === 'TaskScheduled').map((e) => e.EventId)).toEqual([0, 1, 2, 3, 4]);
    expect(history.filter((e) => e.EventType === 'TaskCompleted').map((e) => e.TaskScheduledId)).toEqual([
      0, 1, 2, 3, 4,
    ]);
  }
  expect((await waitForStatus(second.origin, timer, undefined, 60_000)).output).toEqual({ firedAfter: true });
  expect((await waitForStatus(second.origin, waiter, undefined, 60_000)).output).toBe('after');

  const after = logLines();
  const count = (line: string, lines: string[]) => lines.filter((l) => l === line).length;
  for (const id of instances) {
    const lastBefore = beforeCrash.filter((l) => l.startsWith(`${id} `)).pop();
    for (let step = 0; step < 5; step++) {
      const line = `${id} ${step}`;
      const n = count(line, after);
      // No step lost …
      expect(n).toBeGreaterThanOrEqual(1);
      // … and a repeat only for the step whose side effect happened just before the crash.
      if (n > 1) {
        expect(n).toBe(2);
        expect(lastBefore).toBe(line);
      }
      // A step recorded before the crash is never lost from the log.
      if (beforeCrash.includes(line)) expect(n).toBeGreaterThanOrEqual(1);
    }
  }
  // The new host is healthy afterwards.
  const fresh = await startOrchestration(second.origin, 'Hello', 'again');
  expect((await waitForStatus(second.origin, fresh)).output).toBe('Hello again!');
  expect((await getStatus(second.origin, 'chain-0')).status).toBe(200);
});

test("a crash between an episode's commit and its sends loses no work, even when another message wakes the instance first", async () => {
  const hub = uniqueHub('Outbox');
  // Long control leases: the crashed episode's own message comes back only after the event has been handled.
  const slowLeases = {
    ...env,
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__controlQueueVisibilityTimeout: '00:01:00',
  };
  const first = await startHost({
    hub,
    storage,
    dataDir,
    env: { ...slowLeases, DEVHOST_CRASH_AFTER_COMMIT: 'StepAndPoke' },
  });
  hosts.push(first);
  const id = await startOrchestration(first.origin, 'StepAndPoke', { log: 'outbox.log' }, 'outbox-1');
  // The first episode commits TaskScheduled, then the host dies before the activity's message is sent.
  await new Promise<void>((resolve) =>
    first.child.exitCode !== null || first.child.signalCode !== null
      ? resolve()
      : first.child.once('exit', () => resolve()),
  );

  const second = await startHost({ hub, storage, dataDir, env: slowLeases });
  hosts.push(second);
  expect(
    (await call(second.origin, `${WEBHOOK}/instances/${id}/raiseEvent/Poke`, { method: 'POST', body: '"now"' })).status,
  ).toBe(202);
  // Well within the one-minute lease: only a re-send on the event's episode can have run the activity.
  const status = await waitForStatus(second.origin, id, undefined, 45_000);
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toEqual({ result: 0, poked: 'now' });
  const file = path.join(dataDir, 'outbox.log');
  expect(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l === `${id} 0`),
  ).toHaveLength(1);
});
