/**
 * GET /api/health through the devhost running the real app: 200 while storage answers (the tenant check reports but
 * never fails), 503 once storage stops answering.
 */
import { privateAzurite, type PrivateAzurite } from '../../../scripts/lib/private-azurite';
import { REPO_ROOT, startDevhost, type Started } from '../../../scripts/lib/processes';

interface Health {
  status: string;
  version: string;
  checks: { storage: { status: string; detail?: string }; tenant: { status: string; detail?: string } };
}

describe('GET /api/health', () => {
  let host: Started | undefined;
  let azurite: PrivateAzurite | undefined;
  afterEach(async () => {
    await host?.stop();
    await azurite?.kill();
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
    // No URL, host or upstream error text reaches the anonymous reply.
    expect(JSON.stringify(body)).not.toMatch(/https?:|127\.0\.0\.1|ECONNREFUSED|fetch failed/i);
  });

  it('turns 503 when storage stops answering', async () => {
    azurite = await privateAzurite();
    const started = await startDevhost({
      appDir: REPO_ROOT,
      // The probe is cached for 10 s by default: this test watches storage go away at once.
      env: {
        AzureWebJobsStorage: azurite.connectionString,
        GRAPH_BASE_URL: 'https://127.0.0.1:9',
        HEALTH_CACHE_SECONDS: '0',
      },
    });
    host = started.host;
    expect((await fetch(`${started.origin}/api/health`)).status).toBe(200);

    await azurite.kill();
    const res = await fetch(`${started.origin}/api/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Health;
    expect(body.status).toBe('unhealthy');
    expect(body.checks.storage.status).toBe('unhealthy');
    expect(body.checks.storage.detail).toMatch(/storage did not answer/);
  });
});
