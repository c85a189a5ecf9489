/**
 * GET /api/health through the devhost running the real app: 200 while storage answers, the tenant check reports but
 * never fails; 503 when storage does not answer.
 */
import { REPO_ROOT, startDevhost, type Started } from '../../../scripts/lib/processes';

interface Health {
  status: string;
  version: string;
  checks: { storage: { status: string; detail?: string }; tenant: { status: string; detail?: string } };
}

describe('GET /api/health', () => {
  let host: Started | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
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
    expect(body.version).toBe(require('../../../package.json').version);
    expect(body.checks.storage.status).toBe('ok');
    expect(body.checks.tenant.status).toBe('degraded');
    expect(body.checks.tenant.detail).toContain('unreachable');
    expect(body.status).toBe('degraded');
  });

  it('is 503 when storage does not answer', async () => {
    const started = await startDevhost({
      appDir: REPO_ROOT,
      env: {
        // A well-formed connection string to a port nothing listens on.
        AzureWebJobsStorage:
          'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1',
        GRAPH_BASE_URL: 'https://127.0.0.1:9',
      },
    });
    host = started.host;
    const res = await fetch(`${started.origin}/api/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Health;
    expect(body.status).toBe('unhealthy');
    expect(body.checks.storage.status).toBe('unhealthy');
  });
});
