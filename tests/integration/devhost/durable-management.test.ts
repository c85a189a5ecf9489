/**
 * The Durable HTTP management API of the devhost (reference §4) and the durable-functions DurableClient methods
 * against it: status codes, filters and paging, raise/terminate/suspend/resume, purge, start dedupe.
 */
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
  type InstanceStatus,
  type StorageHandle,
} from '../../support/durable-host';

jest.setTimeout(120_000);

let storage: StorageHandle;
let host: Host;
let dataDir: string;
let hub: string;

beforeAll(async () => {
  storage = await testStorage();
  dataDir = tempDir('durable-mgmt');
  hub = uniqueHub('Mgmt');
  host = await startHost({ hub, storage, dataDir });
});

afterAll(async () => {
  await host?.stop();
  await storage?.stop();
  if (dataDir) removeDir(dataDir);
});

const post = (path: string, body = '') =>
  call(host.origin, `${WEBHOOK}/${path}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });

describe('start', () => {
  test('400 for an unknown orchestrator or an invalid instance id', async () => {
    expect((await post('orchestrators/NoSuchOrchestrator')).status).toBe(400);
    expect((await post('orchestrators/SayHello')).status).toBe(400); // an activity, not an orchestrator
    expect((await post('orchestrators/Hello/@reserved', '"x"')).status).toBe(400);
    expect((await post('orchestrators/Hello/bad%23id', '"x"')).status).toBe(400);
    expect((await post('orchestrators/Hello', '{not json')).status).toBe(400);
  });

  test('202 with management URLs; empty body means no input', async () => {
    const r = await post('orchestrators/Hello/mgmt-start-1');
    expect(r.status).toBe(202);
    const body = r.body as Record<string, string>;
    expect(body.id).toBe('mgmt-start-1');
    expect(r.headers.get('location')).toBe(body.statusQueryGetUri);
    expect(body.statusQueryGetUri).toBe(
      `${host.origin}${WEBHOOK}/instances/mgmt-start-1?taskHub=${hub}&connection=Storage`,
    );
    const status = await waitForStatus(host.origin, 'mgmt-start-1');
    expect(status.input).toBeNull();
    expect(status.output).toBe('Hello null!');
  });

  test('a running instance id is refused (409); a finished one is overwritten by a new start', async () => {
    const id = 'mgmt-dedupe';
    expect((await post(`orchestrators/Status/${id}`)).status).toBe(202);
    await waitForStatus(host.origin, id, ['Running']);
    const again = await post(`orchestrators/Status/${id}`);
    expect(again.status).toBe(409);
    await post(`instances/${id}/raiseEvent/Go`, '"first"');
    expect((await waitForStatus(host.origin, id)).output).toBe('first');

    expect((await post(`orchestrators/Hello/${id}`, '"second"')).status).toBe(202);
    const second = await waitForStatus(host.origin, id, ['Completed'], 30_000, 'showHistory=true');
    expect(second.name).toBe('Hello');
    expect(second.output).toBe('Hello second!');
    expect(second.customStatus).toBeNull();
    expect((second.history ?? []).filter((e) => e.EventType === 'ExecutionStarted')).toHaveLength(1);
  });

  test('createAndWaitOnNewInstancePostUri: 200 with the output when it finishes in time', async () => {
    const r = await post('orchestrators/Hello?timeout=20&pollingInterval=0.1', '"Wait"');
    expect(r.status).toBe(200);
    expect(r.body).toBe('Hello Wait!');
  });
});

describe('status', () => {
  test('404 for an unknown instance, 202 while running, 200 when done', async () => {
    const unknown = await getStatus(host.origin, 'no-such-instance');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe('');
    const id = await startOrchestration(host.origin, 'Status');
    await waitForStatus(host.origin, id, ['Running']);
    const running = await getStatus(host.origin, id);
    expect(running.status).toBe(202);
    expect(running.body.runtimeStatus).toBe('Running');
    await post(`instances/${id}/raiseEvent/Go`, '"x"');
    await waitForStatus(host.origin, id);
    const done = await getStatus(host.origin, id, 'showInput=false');
    expect(done.status).toBe(200);
    expect(done.body.input).toBeNull();
    expect(Object.keys(done.body).sort()).toEqual(
      [
        'createdTime',
        'customStatus',
        'input',
        'instanceId',
        'lastUpdatedTime',
        'name',
        'output',
        'runtimeStatus',
      ].sort(),
    );
  });

  test('list with filters and continuation tokens', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const ids = ['list-a-1', 'list-a-2', 'list-a-3', 'list-b-1'];
    for (const id of ids) await startOrchestration(host.origin, 'Hello', id, id);
    for (const id of ids) await waitForStatus(host.origin, id);
    const running = await startOrchestration(host.origin, 'Status', undefined, 'list-a-running');
    await waitForStatus(host.origin, running, ['Running']);

    const byPrefix = await call<InstanceStatus[]>(host.origin, `${WEBHOOK}/instances?instanceIdPrefix=list-a-`);
    expect(byPrefix.status).toBe(200);
    expect(byPrefix.body.map((s) => s.instanceId).sort()).toEqual([
      'list-a-1',
      'list-a-2',
      'list-a-3',
      'list-a-running',
    ]);

    const completed = await call<InstanceStatus[]>(
      host.origin,
      `${WEBHOOK}/instances?instanceIdPrefix=list-&runtimeStatus=Completed,Failed&createdTimeFrom=${from}`,
    );
    expect(completed.body.map((s) => s.instanceId).sort()).toEqual(ids.sort());

    const future = await call<InstanceStatus[]>(
      host.origin,
      `${WEBHOOK}/instances?instanceIdPrefix=list-&createdTimeFrom=${new Date(Date.now() + 3600_000).toISOString()}`,
    );
    expect(future.body).toEqual([]);

    // Paging: top=2 → a continuation token until the last page.
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof call<InstanceStatus[]>>> = await call<InstanceStatus[]>(
        host.origin,
        `${WEBHOOK}/instances?instanceIdPrefix=list-&top=2`,
        { headers: token ? { 'x-ms-continuation-token': token } : {} },
      );
      expect(page.body.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.map((s) => s.instanceId));
      token = page.headers.get('x-ms-continuation-token');
      pages++;
    } while (token && pages < 10);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.sort()).toEqual([...ids, 'list-a-running'].sort());
    await post(`instances/${running}/raiseEvent/Go`, '"x"');
  });
});

describe('raise, terminate, suspend, resume', () => {
  test('raiseEvent: 202 running, 410 finished, 404 unknown', async () => {
    const id = await startOrchestration(host.origin, 'Status');
    await waitForStatus(host.origin, id, ['Running']);
    expect((await post(`instances/${id}/raiseEvent/Go`, '{"n":1}')).status).toBe(202);
    expect((await waitForStatus(host.origin, id)).output).toEqual({ n: 1 });
    expect((await post(`instances/${id}/raiseEvent/Go`, '"late"')).status).toBe(410);
    expect((await post('instances/nobody-here/raiseEvent/Go', '"x"')).status).toBe(404);
  });

  test('terminate: no more code runs; Terminated with the reason as output', async () => {
    const id = await startOrchestration(host.origin, 'Status');
    await waitForStatus(host.origin, id, ['Running']);
    expect((await post(`instances/${id}/terminate?reason=enough%20now`)).status).toBe(202);
    const status = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true&showHistoryOutput=true');
    expect(status.runtimeStatus).toBe('Terminated');
    expect(status.output).toBe('enough now');
    const tail = (status.history ?? []).slice(-4).map((e) => e.EventType);
    expect(tail).toEqual(['OrchestratorStarted', 'ExecutionTerminated', 'ExecutionCompleted', 'OrchestratorCompleted']);
    const done = (status.history ?? []).find((e) => e.EventType === 'ExecutionCompleted')!;
    expect(done.OrchestrationStatus).toBe(5);
    expect(done.Result).toBe('enough now');
    expect((await post(`instances/${id}/terminate?reason=again`)).status).toBe(410);
    expect((await post('instances/nobody-here/terminate?reason=x')).status).toBe(404);
    // An event raised now is refused and the orchestrator never resumes.
    expect((await post(`instances/${id}/raiseEvent/Go`, '"x"')).status).toBe(410);
  });

  test('suspend holds the instance (events wait) until resume', async () => {
    const id = await startOrchestration(host.origin, 'Status');
    await waitForStatus(host.origin, id, ['Running']);
    expect((await post(`instances/${id}/suspend?reason=pause`)).status).toBe(202);
    await waitForStatus(host.origin, id, ['Suspended']);
    expect((await post(`instances/${id}/raiseEvent/Go`, '"while-suspended"')).status).toBe(202);
    await sleep(500);
    const held = await getStatus(host.origin, id);
    expect(held.status).toBe(202);
    expect(held.body.runtimeStatus).toBe('Suspended');
    expect(held.body.customStatus).toEqual({ stage: 'waiting' });
    expect((await post(`instances/${id}/resume?reason=go`)).status).toBe(202);
    const done = await waitForStatus(host.origin, id, undefined, 30_000, 'showHistory=true');
    expect(done.output).toBe('while-suspended');
    const types = (done.history ?? []).map((e) => e.EventType);
    expect(types.indexOf('ExecutionSuspended')).toBeLessThan(types.indexOf('EventRaised'));
    expect(types.indexOf('EventRaised')).toBeLessThan(types.indexOf('ExecutionResumed'));
    expect((await post(`instances/${id}/suspend`)).status).toBe(410);
    expect((await post('instances/nobody-here/resume')).status).toBe(404);
  });
});

describe('purge', () => {
  test('one instance: 200 when finished, 404 when running or unknown', async () => {
    const running = await startOrchestration(host.origin, 'Status');
    await waitForStatus(host.origin, running, ['Running']);
    const r1 = await call(host.origin, `${WEBHOOK}/instances/${running}`, { method: 'DELETE' });
    expect(r1.status).toBe(404);
    await post(`instances/${running}/raiseEvent/Go`, '"x"');
    await waitForStatus(host.origin, running);
    const r2 = await call(host.origin, `${WEBHOOK}/instances/${running}`, { method: 'DELETE' });
    expect(r2.status).toBe(200);
    expect(r2.body).toEqual({ instancesDeleted: 1 });
    expect((await getStatus(host.origin, running)).status).toBe(404);
    expect((await call(host.origin, `${WEBHOOK}/instances/${running}`, { method: 'DELETE' })).status).toBe(404);
  });

  test('by filter', async () => {
    const from = new Date(Date.now() - 500).toISOString();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await startOrchestration(host.origin, 'Hello', `p${i}`));
    for (const id of ids) await waitForStatus(host.origin, id);
    const r = await call(host.origin, `${WEBHOOK}/instances?createdTimeFrom=${from}&runtimeStatus=Completed`, {
      method: 'DELETE',
    });
    expect(r.status).toBe(200);
    expect((r.body as { instancesDeleted: number }).instancesDeleted).toBeGreaterThanOrEqual(3);
    for (const id of ids) expect((await getStatus(host.origin, id)).status).toBe(404);
    const none = await call(host.origin, `${WEBHOOK}/instances?createdTimeFrom=${from}&runtimeStatus=Completed`, {
      method: 'DELETE',
    });
    expect(none.status).toBe(404);
  });
});

describe('the SDK DurableClient against the API (fixture function ClientOps)', () => {
  const op = (name: string, id = '', body?: unknown) =>
    call(host.origin, `/api/ops/${name}${id ? `/${id}` : ''}`, {
      method: 'POST',
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test('startNew, raiseEvent, getStatus (with history), getStatusBy/All, terminate, suspend/resume, purge', async () => {
    const started = await call<Record<string, string>>(host.origin, '/api/start/Status/sdk-1', { method: 'POST' });
    expect(started.status).toBe(202);
    await waitForStatus(host.origin, 'sdk-1', ['Running']);
    expect((await op('suspend', 'sdk-1')).status).toBe(202);
    await waitForStatus(host.origin, 'sdk-1', ['Suspended']);
    expect((await op('resume', 'sdk-1')).status).toBe(202);
    await waitForStatus(host.origin, 'sdk-1', ['Running']);
    expect((await op('raise', 'sdk-1', { name: 'Go', data: { via: 'sdk' } })).status).toBe(202);
    await waitForStatus(host.origin, 'sdk-1');

    const status = await op('status', 'sdk-1');
    expect(status.status).toBe(200);
    const s = status.body as { runtimeStatus: string; output: unknown; history: { EventType: string }[] };
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toEqual({ via: 'sdk' });
    expect(s.history.map((e) => e.EventType)).toContain('EventRaised');

    const all = (await op('all')).body as { instanceId: string }[];
    expect(all.map((x) => x.instanceId)).toContain('sdk-1');
    const by = (await op('by', '', { runtimeStatus: ['Completed'], from: new Date(Date.now() - 60_000).toISOString() }))
      .body as { instanceId: string; runtimeStatus: string }[];
    expect(by.map((x) => x.instanceId)).toContain('sdk-1');
    expect(by.every((x) => x.runtimeStatus === 'Completed')).toBe(true);

    await call(host.origin, '/api/start/Status/sdk-2', { method: 'POST' });
    await waitForStatus(host.origin, 'sdk-2', ['Running']);
    expect((await op('terminate', 'sdk-2')).status).toBe(202);
    const terminated = await waitForStatus(host.origin, 'sdk-2');
    expect(terminated.runtimeStatus).toBe('Terminated');
    expect(terminated.output).toBe('stopped by test');
    // A second terminate of a finished instance is a 410, which the SDK treats as done.
    expect((await op('terminate', 'sdk-2')).status).toBe(202);

    expect((await op('purge', 'sdk-2')).body).toEqual({ instancesDeleted: 1 });
    expect((await op('purge', 'sdk-2')).body).toEqual({ instancesDeleted: 0 });
    const purgedBy = (
      await op('purgeBy', '', { from: new Date(Date.now() - 60_000).toISOString(), runtimeStatus: ['Completed'] })
    ).body as { instancesDeleted: number };
    expect(purgedBy.instancesDeleted).toBeGreaterThanOrEqual(1);
    expect((await getStatus(host.origin, 'sdk-1')).status).toBe(404);

    const payload = (await op('payload', 'sdk-x')).body as Record<string, string>;
    expect(payload.id).toBe('sdk-x');
    expect(payload.statusQueryGetUri.startsWith(`${host.origin}${WEBHOOK}/instances/sdk-x?`)).toBe(true);
  });
});
