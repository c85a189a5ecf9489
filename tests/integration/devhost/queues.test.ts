/**
 * Storage queue triggers and output bindings through the devhost, on the run's Azurite: base64 encoding both ways,
 * trigger metadata, `%setting%` queue names, arrays = one message each, batches, poison after maxDequeueCount,
 * messageEncoding none.
 */
import {
  cleanupTempApps,
  copyFixture,
  eventually,
  peekAll,
  queueClient,
  startDevhost,
  uniqueName,
  type DevhostProcess,
} from '../../support/devhost-harness';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function queueEnv() {
  return {
    QUEUE_NAME: uniqueName('in'),
    OUT_QUEUE: uniqueName('out'),
    FANOUT_QUEUE: uniqueName('fan'),
    POISON_QUEUE: uniqueName('bad'),
    BATCH_QUEUE: uniqueName('batch'),
    SLOW_QUEUE: uniqueName('slow'),
  };
}

/** Receives (and deletes) messages until `count` arrived. */
async function drain(name: string, count: number, decode = true): Promise<string[]> {
  const client = queueClient(name);
  const got: string[] = [];
  await eventually(async () => {
    const res = await client.receiveMessages({ numberOfMessages: 32 }).catch(() => undefined);
    for (const m of res?.receivedMessageItems ?? []) {
      got.push(decode ? Buffer.from(m.messageText, 'base64').toString('utf8') : m.messageText);
      await client.deleteMessage(m.messageId, m.popReceipt);
    }
    return got.length >= count ? true : undefined;
  }, 45_000);
  return got;
}

describe('devhost storage queues', () => {
  let host: DevhostProcess;
  const names = queueEnv();

  beforeAll(async () => {
    host = await startDevhost(copyFixture('queues'), { env: names });
  });
  afterAll(async () => {
    await host?.stop();
    cleanupTempApps();
    await Promise.all(
      [...Object.values(names), `${names.POISON_QUEUE}-poison`].map((n) => queueClient(n).deleteIfExists()),
    );
  });

  it('lists queue-triggered functions with their resolved queue names', () => {
    expect(host.output()).toContain(`\tprocess: queueTrigger (queue: ${names.QUEUE_NAME})`);
    expect(host.output()).toContain(`\talwaysFails: queueTrigger (queue: ${names.POISON_QUEUE})`);
  });

  it('decodes base64 messages, passes metadata, writes outputs (base64) and deletes the message', async () => {
    const input = queueClient(names.QUEUE_NAME);
    const sent = await input.sendMessage(b64(JSON.stringify({ order: 17, fanout: 3 })));
    const [audit] = await drain(names.OUT_QUEUE, 1);
    const record = JSON.parse(audit!) as {
      item: unknown;
      type: string;
      meta: Record<string, unknown>;
    };
    expect(record.item).toEqual({ order: 17, fanout: 3 });
    expect(record.type).toBe('object');
    expect(record.meta.dequeueCount).toBe(1);
    expect(record.meta.id).toBe(sent.messageId);
    expect(typeof record.meta.popReceipt).toBe('string');
    expect(new Date(record.meta.insertionTime as string).getTime()).toBe(sent.insertedOn.getTime());
    expect(new Date(record.meta.expirationTime as string).getTime()).toBe(sent.expiresOn.getTime());
    expect(Number.isNaN(Date.parse(record.meta.nextVisibleTime as string))).toBe(false);

    // The returned array went to the $return queue, one message per element.
    const parts = (await drain(names.FANOUT_QUEUE, 3)).map((t) => JSON.parse(t) as { part: number });
    expect(parts.map((p) => p.part).sort()).toEqual([0, 1, 2]);

    // Processed messages are deleted.
    await eventually(async () => ((await input.peekMessages()).peekedMessageItems.length === 0 ? true : undefined));
  });

  it('passes plain-text messages as strings', async () => {
    await queueClient(names.QUEUE_NAME).sendMessage(b64('just text, not JSON'));
    const record = JSON.parse((await drain(names.OUT_QUEUE, 1))[0]!) as { item: unknown; type: string };
    expect(record).toMatchObject({ item: 'just text, not JSON', type: 'string' });
  });

  it("writes an HTTP function's queue output (array = one message each) that a queue trigger then processes", async () => {
    const res = await fetch(`${host.origin}/api/enqueue`, {
      method: 'POST',
      body: JSON.stringify([{ order: 1 }, { order: 2 }, 'three']),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ queued: 3 });
    const items = (await drain(names.OUT_QUEUE, 3)).map((t) => (JSON.parse(t) as { item: unknown }).item);
    expect(items).toEqual(expect.arrayContaining([{ order: 1 }, { order: 2 }, 'three']));
  });

  it('runs a queue function through the admin endpoint (POST /admin/functions/<name>)', async () => {
    const res = await fetch(`${host.origin}/admin/functions/process`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: '{"order":99}' }),
    });
    expect(res.status).toBe(202);
    const record = JSON.parse((await drain(names.OUT_QUEUE, 1))[0]!) as { item: unknown };
    expect(record.item).toEqual({ order: 99 });
    expect((await fetch(`${host.origin}/admin/functions/nope`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('retries a failing message and moves it, intact, to <queue>-poison after 5 attempts', async () => {
    const original = b64(JSON.stringify({ bad: true, id: 'p-1' }));
    await queueClient(names.POISON_QUEUE).sendMessage(original);
    const poison = queueClient(`${names.POISON_QUEUE}-poison`);
    const texts = await eventually(async () => {
      const t = await peekAll(poison, true);
      return t.length > 0 ? t : undefined;
    }, 60_000);
    expect(texts).toEqual([original]);
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(host.output()).toContain(`poison attempt ${attempt} for {"bad":true,"id":"p-1"}`);
    }
    expect(host.output()).not.toContain('poison attempt 6');
    expect((await queueClient(names.POISON_QUEUE).peekMessages()).peekedMessageItems).toHaveLength(0);
  });
});

describe('devhost queue batches', () => {
  afterAll(() => cleanupTempApps());

  it('fetches batchSize messages at once and a new batch at newBatchThreshold (host.json env overrides)', async () => {
    const names = queueEnv();
    // Queue the work before the host starts, so the first poll sees a full batch.
    const batch = queueClient(names.BATCH_QUEUE);
    await batch.createIfNotExists();
    for (let i = 0; i < 12; i++) await batch.sendMessage(b64(JSON.stringify({ n: i })));
    const host = await startDevhost(copyFixture('queues'), {
      env: {
        ...names,
        AzureFunctionsJobHost__extensions__queues__batchSize: '4',
        AzureFunctionsJobHost__extensions__queues__newBatchThreshold: '2',
      },
    });
    try {
      const results = (await drain(names.OUT_QUEUE, 12)).map(
        (t) => JSON.parse(t) as { batchItem: { n: number }; concurrentAtStart: number },
      );
      expect(results.map((r) => r.batchItem.n).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
      const maxConcurrent = Math.max(...results.map((r) => r.concurrentAtStart));
      // A first batch of 4 runs together; at most batchSize + newBatchThreshold are ever in flight.
      expect(maxConcurrent).toBeGreaterThanOrEqual(4);
      expect(maxConcurrent).toBeLessThanOrEqual(6);
    } finally {
      await host.stop();
      await Promise.all(Object.values(names).map((n) => queueClient(n).deleteIfExists()));
    }
  });

  it('reads and writes raw text with messageEncoding none', async () => {
    const names = queueEnv();
    const host = await startDevhost(copyFixture('queues'), {
      env: { ...names, AzureFunctionsJobHost__extensions__queues__messageEncoding: 'none' },
    });
    try {
      await queueClient(names.QUEUE_NAME).sendMessage('{"raw":true,"fanout":1}');
      const [audit] = await drain(names.OUT_QUEUE, 1, false);
      expect(JSON.parse(audit!)).toMatchObject({ item: { raw: true, fanout: 1 } });
      expect(await drain(names.FANOUT_QUEUE, 1, false)).toEqual(['{"part":0}']);
    } finally {
      await host.stop();
      await Promise.all(Object.values(names).map((n) => queueClient(n).deleteIfExists()));
    }
  });
});

describe('devhost queue shutdown', () => {
  afterAll(() => cleanupTempApps());

  it('on SIGTERM lets an in-flight invocation finish, then deletes its message', async () => {
    const names = queueEnv();
    const host = await startDevhost(copyFixture('queues'), { env: names });
    try {
      await queueClient(names.SLOW_QUEUE).sendMessage(b64(JSON.stringify({ ms: 1500 })));
      await host.waitFor(/lingering started 1500/);
      expect(await host.stop('SIGTERM')).toBe(0);
      expect(await drain(names.OUT_QUEUE, 1)).toEqual([JSON.stringify({ lingered: 1500 })]);
      expect((await queueClient(names.SLOW_QUEUE).peekMessages()).peekedMessageItems).toHaveLength(0);
    } finally {
      await host.stop('SIGKILL');
      await Promise.all(Object.values(names).map((n) => queueClient(n).deleteIfExists()));
    }
  });

  it('keeps a long-running message invisible by renewing its lease', async () => {
    const names = queueEnv();
    // A 2 s lease renewed every second; the invocation takes 4.5 s. Without renewal it would be delivered again.
    const host = await startDevhost(copyFixture('queues'), { env: { ...names, DEVHOST_QUEUE_LEASE_SECONDS: '2' } });
    try {
      await queueClient(names.SLOW_QUEUE).sendMessage(b64(JSON.stringify({ ms: 4500 })));
      expect(await drain(names.OUT_QUEUE, 1)).toEqual([JSON.stringify({ lingered: 4500 })]);
      await eventually(async () =>
        (await queueClient(names.SLOW_QUEUE).peekMessages()).peekedMessageItems.length === 0 ? true : undefined,
      );
      expect(host.output().match(/lingering started 4500/g)).toHaveLength(1);
    } finally {
      await host.stop();
      await Promise.all(Object.values(names).map((n) => queueClient(n).deleteIfExists()));
    }
  });

  it('returns the message to the queue when the invocation outlasts the drain timeout', async () => {
    const names = queueEnv();
    const host = await startDevhost(copyFixture('queues'), { env: names, args: ['--drain-timeout', '0.3'] });
    try {
      const original = b64(JSON.stringify({ ms: 20_000 }));
      await queueClient(names.SLOW_QUEUE).sendMessage(original);
      await host.waitFor(/lingering started 20000/);
      expect(await host.stop('SIGTERM')).toBe(0);
      // Visible again right away (not after the processing lease), with the text unchanged.
      const peeked = (await queueClient(names.SLOW_QUEUE).peekMessages()).peekedMessageItems;
      expect(peeked.map((m) => [m.messageText, m.dequeueCount])).toEqual([[original, 1]]);
      expect(await peekAll(queueClient(names.OUT_QUEUE))).toEqual([]);
    } finally {
      await host.stop('SIGKILL');
      await Promise.all(Object.values(names).map((n) => queueClient(n).deleteIfExists()));
    }
  });
});
