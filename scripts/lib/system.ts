/**
 * The whole system, for end-to-end tests and benchmarks: the tenant simulator in this process (port 0, its own data dir) and the
 * devhost running the real app in a child process, wired to the simulator exactly as `npm start` wires it.
 * Each system gets its own Durable task hub; tests use unique UPNs, so systems can share the run's Azurite.
 */
import path from 'node:path';
import https from 'node:https';
import { startSimulator, type Faults, type RunningSimulator, type SeedFile } from '../../simulator';
import { appEnvForSimulator } from './app-env';
import { REPO_ROOT, startDevhost, type Started } from './processes';

export interface System {
  simulator: RunningSimulator;
  host: Started;
  /** http://localhost:<port> of the app */
  origin: string;
  hub: string;
  env: Record<string, string>;
  /** Calls the simulator's control API (`/_sim/...`). */
  sim<T = unknown>(method: string, pathname: string, body?: unknown): Promise<T>;
  /** A bearer token for Switchboard's API from the simulator's Entra. */
  token(roles: string[], o?: { tenantId?: string; queues?: string[] }): Promise<string>;
  /** Calls the app's API. */
  api(
    method: string,
    pathname: string,
    o?: { token?: string; body?: unknown; contentType?: string },
  ): Promise<Response>;
  /**
   * Stops the devhost (gracefully, or `kill`: SIGKILL, a crash) and starts it again on the same port, so the
   * callbackUri of calls answered before still reaches it (as a restarted Function App keeps its URL).
   */
  restartHost(o?: { kill?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  faults?: Partial<Faults>;
  /** The simulator's seed (default: the built-in Contoso tenant); its first tenant is the one the app serves. */
  seed?: SeedFile;
  /** Extra app settings. */
  env?: Record<string, string>;
}

let seq = 0;

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  // The repo's simulator data dir holds the CA that `npm test` trusts (NODE_EXTRA_CA_CERTS); settings stay in memory.
  const dataDir = process.env.SIMULATOR_DATA_DIR ?? path.join(REPO_ROOT, '.simulator');
  const simulator = await startSimulator({
    port: 0,
    dataDir,
    quiet: true,
    writeSettings: false,
    faults: options.faults,
    seed: options.seed,
  });
  const hub = `E2e${process.pid}x${++seq}x${Date.now().toString(36)}`;
  const env: Record<string, string> = {
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    AzureFunctionsJobHost__extensions__durableTask__hubName: hub,
    // Systems share the run's Azurite: each gets its own bulk queue, so no host takes another system's rows.
    BULK_QUEUE_NAME: `provision-requests-${hub.toLowerCase()}`,
    // …and its own call-events queue, so no host routes another system's calls.
    CALL_EVENTS_QUEUE_NAME: `call-events-${hub.toLowerCase()}`,
    ...appEnvForSimulator(simulator.settings),
    // The drift timer stays out of tests' way (it would read every tenant with endpoints in the shared Azurite);
    // a test that wants it sets DRIFT_SCHEDULE.
    DRIFT_SCHEDULE: '0 0 0 1 1 *',
    ...options.env,
  };
  let started: Awaited<ReturnType<typeof startDevhost>>;
  try {
    started = await startDevhost({ appDir: REPO_ROOT, env });
  } catch (err) {
    await simulator.stop();
    throw err;
  }
  const ca = simulator.ca;

  const simFetch = async <T>(method: string, pathname: string, body?: unknown): Promise<T> => {
    const res = await httpsJson(`${simulator.url}${pathname}`, method, ca, body);
    if (res.status >= 400) throw new Error(`${method} ${pathname} → ${res.status}: ${res.text}`);
    return (res.text ? JSON.parse(res.text) : undefined) as T;
  };

  // The simulator calls this system's webhook (the devhost's port is known only now).
  const pointWebhook = () =>
    simFetch('POST', '/_sim/faults', { webhookUrl: `${started.origin}/api/calls/notifications` });
  await pointWebhook();

  const system: System = {
    simulator,
    get host() {
      return started.host;
    },
    get origin() {
      return started.origin;
    },
    hub,
    env,
    sim: simFetch,
    token: async (roles, o = {}) =>
      (
        await simFetch<{ access_token: string }>('POST', '/_sim/tokens', {
          tenantId: o.tenantId ?? simulator.tenantId,
          roles,
          ...(o.queues ? { queues: o.queues } : {}),
        })
      ).access_token,
    api: (method, pathname, o = {}) => {
      const headers: Record<string, string> = {};
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | undefined;
      if (o.body !== undefined) {
        headers['content-type'] = o.contentType ?? 'application/json';
        body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      }
      return fetch(`${started.origin}${pathname}`, { method, headers, body });
    },
    restartHost: async (o = {}) => {
      const port = Number(new URL(started.origin).port);
      if (o.kill) await started.host.kill();
      else await started.host.stop();
      started = await startDevhost({ appDir: REPO_ROOT, env, port });
      await pointWebhook();
    },
    stop: async () => {
      await started.host.stop();
      await simulator.stop();
    },
  };
  return system;
}

/** HTTPS with the simulator's CA (global fetch cannot be given a CA in Node 20 without undici). */
function httpsJson(url: string, method: string, ca: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      url,
      { method, ca, headers: payload ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
