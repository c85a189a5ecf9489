/**
 * Storage for the devhost: when `AzureWebJobsStorage` is `UseDevelopmentStorage=true` and nothing listens on
 * Azurite's ports, start Azurite from node_modules and stop it on exit; when something already listens, use it and
 * leave it alone.
 *
 * Azurite's blob, queue and table services run as three processes, not as the all-in-one `azurite`: each gets its own
 * event loop (and core), so a slow table query never holds up a queue poll. Queues always use Azurite's file store,
 * even when the data is meant to be thrown away (then in a scratch folder in memory, removed at the end): its
 * in-memory queue store keeps one extent per message, and its garbage collector, once a minute, removes the
 * unreferenced ones one at a time, re-sorting the extent index on every removal — after a busy minute (a few thousand
 * messages) that blocks the queue service for seconds, and durable orchestrations stall with it. In the file store,
 * messages share a few extent files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdirSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const AZURITE_PORTS = { blob: 10000, queue: 10001, table: 10002 } as const;

/** The well-known development storage account (public, documented by Microsoft; not a secret). */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Expands `UseDevelopmentStorage=true` into an explicit connection string (the SDKs accept both, this is explicit). */
export function expandConnectionString(connection: string): string {
  if (/^\s*UseDevelopmentStorage=true\s*;?\s*$/i.test(connection)) {
    const host = '127.0.0.1';
    return [
      'DefaultEndpointsProtocol=http',
      `AccountName=${DEV_ACCOUNT}`,
      `AccountKey=${DEV_KEY}`,
      `BlobEndpoint=http://${host}:${AZURITE_PORTS.blob}/${DEV_ACCOUNT}`,
      `QueueEndpoint=http://${host}:${AZURITE_PORTS.queue}/${DEV_ACCOUNT}`,
      `TableEndpoint=http://${host}:${AZURITE_PORTS.table}/${DEV_ACCOUNT}`,
    ].join(';');
  }
  return connection;
}

export function isDevelopmentStorage(connection: string | undefined): boolean {
  return !!connection && /UseDevelopmentStorage=true/i.test(connection);
}

export function isListening(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface AzuriteHandle {
  /** True when this process started Azurite (and so stops it). */
  started: boolean;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /** Folder for Azurite's data (default `<cwd>/.azurite`); not used with `inMemory`. */
  location?: string;
  inMemory?: boolean;
  /** Where `node_modules/.bin/azurite` is looked up from (default: this package's root). */
  packageRoot?: string;
  log?: (line: string) => void;
}

export type AzuriteService = keyof typeof AZURITE_PORTS;
export const AZURITE_SERVICES = Object.keys(AZURITE_PORTS) as AzuriteService[];

export interface AzuriteCommandOptions {
  ports: Readonly<Record<AzuriteService, number>>;
  /** Data folder of every service; with `inMemory`, the queue service's scratch folder (see the file comment). */
  location: string;
  inMemory: boolean;
  packageRoot: string;
  /** Node options before the script (e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[];
  /** Azurite's debug log, one file per service: `<debugLog>.<service>`. */
  debugLog?: string;
}

/** `node` arguments that run one Azurite service. */
export function azuriteServiceArgs(service: AzuriteService, o: AzuriteCommandOptions): string[] {
  const bin = require.resolve(`azurite/dist/src/${service}/main.js`, { paths: [o.packageRoot, process.cwd()] });
  // Azurite refuses --location together with --inMemoryPersistence.
  const persistence = o.inMemory && service !== 'queue' ? ['--inMemoryPersistence'] : ['--location', o.location];
  return [
    ...(o.nodeArgs ?? []),
    bin,
    '--silent',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    ...persistence,
    `--${service}Port`,
    String(o.ports[service]),
    ...(o.debugLog ? ['--debug', `${o.debugLog}.${service}`] : []),
  ];
}

/**
 * A fresh scratch folder for the queue service of an in-memory Azurite: in /dev/shm where there is one (memory, so
 * "in memory" stays true and a burst of messages does not wait on a disk: 12.5 → 16.4 chains/s in the devhost
 * benchmark), else in the temp folder.
 */
export function azuriteScratchFolder(): string {
  let base = os.tmpdir();
  try {
    accessSync('/dev/shm', fsConstants.W_OK);
    base = '/dev/shm';
  } catch {
    // no shared memory folder (macOS, Windows): the temp folder will do
  }
  return mkdtempSync(path.join(base, 'switchboard-azurite-'));
}

/**
 * Runs `node <argv…>` for each JSON argv of argv[1], and stops them all when stdin ends (the parent died), on
 * SIGTERM/SIGINT, or when one of them exits; then removes the scratch folder argv[2], if any.
 */
const WATCHDOG = `
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const [commands, scratch] = [JSON.parse(process.argv[1]), process.argv[2]];
const children = commands.map((argv) => spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit'] }));
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => { for (const c of children) if (c.exitCode === null) c.kill('SIGKILL'); }, 5000).unref();
};
let running = children.length, status = 0;
for (const c of children) c.on('exit', (code) => {
  if (code !== 0) status = code === null ? 1 : code;
  stop();
  if (--running === 0) {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    process.exit(status);
  }
});
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
`;

/** Ensures Azurite answers on its default ports; starts it when none of them listens. */
export async function ensureAzurite(options: AzuriteOptions = {}): Promise<AzuriteHandle> {
  const listening = await Promise.all(Object.values(AZURITE_PORTS).map((p) => isListening(p)));
  if (listening.every(Boolean)) return { started: false, stop: async () => undefined };
  if (listening.some(Boolean)) {
    throw new Error(
      `Some of Azurite's ports (${Object.values(AZURITE_PORTS).join(', ')}) are taken but not all: stop whatever holds them, or start Azurite with all three services.`,
    );
  }
  const packageRoot = options.packageRoot ?? path.resolve(__dirname, '..', '..', '..');
  const inMemory = options.inMemory === true;
  const location = inMemory ? azuriteScratchFolder() : (options.location ?? path.join(process.cwd(), '.azurite'));
  if (!inMemory) mkdirSync(location, { recursive: true });
  const commands = AZURITE_SERVICES.map((service) =>
    azuriteServiceArgs(service, { ports: AZURITE_PORTS, location, inMemory, packageRoot }),
  );
  // Azurite runs under a small watchdog that stops it when our stdin pipe closes, so it never outlives this process
  // (even when this process is SIGKILLed, which skips every exit handler).
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', WATCHDOG, JSON.stringify(commands), ...(inMemory ? [location] : [])],
    { stdio: ['pipe', 'pipe', 'pipe'], detached: false },
  );
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode}: ${output.slice(-2000)}`);
    const up = await Promise.all(Object.values(AZURITE_PORTS).map((p) => isListening(p)));
    if (up.every(Boolean)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Azurite did not listen within 30 s: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  options.log?.(`Started Azurite (pid ${child.pid}, data in ${inMemory ? 'memory' : location})`);
  return {
    started: true,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
