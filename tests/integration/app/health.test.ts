/**
 * GET /api/health through the devhost running the real app: 200 while storage answers (the tenant check reports but
 * never fails), 503 once storage stops answering.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { DEV_ACCOUNT, DEV_KEY, isListening } from '../../../devhost/storage/azurite';
import { REPO_ROOT, startDevhost, type Started } from '../../../scripts/lib/processes';

interface Health {
  status: string;
  version: string;
  checks: { storage: { status: string; detail?: string }; tenant: { status: string; detail?: string } };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

describe('GET /api/health', () => {
  let host: Started | undefined;
  let azurite: ChildProcess | undefined;
  afterEach(async () => {
    await host?.stop();
    azurite?.kill('SIGKILL');
    host = undefined;
    azurite = undefined;
  });

  it('is 200 with storage ok and reports an absent tenant as degraded', async () => {
    const started = await startDevhost({
      appDir: REPO_ROOT,
      env: {
        AzureWebJobsStorage: 'UseDevelopmentStorage=true',
        GRAPH_BASE_URL: 'https://127.0.0.1:9', // nothing listens on the discard port
        AzureFunctionsJobHost__extensions__durableTask__hubName: `Health${Date.now().toString(36)}`,
      },
    });
    host = started.host;
    const res = await fetch(`${started.origin}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Health;
    expect(body.version).toBe((require('../../../package.json') as { version: string }).version);
    expect(body.checks.storage.status).toBe('ok');
    expect(body.checks.tenant.status).toBe('degraded');
    expect(body.checks.tenant.detail).toContain('unreachable');
    expect(body.status).toBe('degraded');
  });

  it('turns 503 when storage stops answering', async () => {
    const [blob, queue, table] = await Promise.all([freePort(), freePort(), freePort()]);
    const bin = require.resolve('azurite/dist/src/azurite.js', { paths: [REPO_ROOT] });
    azurite = spawn(
      process.execPath,
      [
        bin,
        '--silent',
        '--skipApiVersionCheck',
        '--disableTelemetry',
        '--inMemoryPersistence',
        '--blobPort',
        String(blob),
        '--queuePort',
        String(queue),
        '--tablePort',
        String(table),
      ],
      { stdio: 'ignore' },
    );
    const up = async () => (await Promise.all([blob, queue, table].map((p) => isListening(p)))).every(Boolean);
    for (let i = 0; i < 150 && !(await up()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await up()).toBe(true);
    const storage = [
      'DefaultEndpointsProtocol=http',
      `AccountName=${DEV_ACCOUNT}`,
      `AccountKey=${DEV_KEY}`,
      `BlobEndpoint=http://127.0.0.1:${blob}/${DEV_ACCOUNT}`,
      `QueueEndpoint=http://127.0.0.1:${queue}/${DEV_ACCOUNT}`,
      `TableEndpoint=http://127.0.0.1:${table}/${DEV_ACCOUNT}`,
    ].join(';');
    const started = await startDevhost({
      appDir: REPO_ROOT,
      env: { AzureWebJobsStorage: storage, GRAPH_BASE_URL: 'https://127.0.0.1:9' },
    });
    host = started.host;
    expect((await fetch(`${started.origin}/api/health`)).status).toBe(200);

    azurite.kill('SIGKILL');
    await new Promise((r) => azurite!.once('exit', r));
    const res = await fetch(`${started.origin}/api/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Health;
    expect(body.status).toBe('unhealthy');
    expect(body.checks.storage.status).toBe('unhealthy');
    expect(body.checks.storage.detail).toMatch(/storage did not answer/);
  });
});
