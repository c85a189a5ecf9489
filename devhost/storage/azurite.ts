/**
 * Storage for the devhost: when `AzureWebJobsStorage` is `UseDevelopmentStorage=true` and nothing listens on
 * Azurite's ports, start Azurite from node_modules and stop it on exit; when something already listens, use it and
 * leave it alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
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
  /** Folder for Azurite's data (default `<cwd>/.azurite`). */
  location?: string;
  inMemory?: boolean;
  /** Where `node_modules/.bin/azurite` is looked up from (default: this package's root). */
  packageRoot?: string;
  log?: (line: string) => void;
}

/** Runs `node <argv…>` as a child and stops it when stdin ends (the parent died) or on SIGTERM/SIGINT. */
const WATCHDOG = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, process.argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => { if (child.exitCode === null) child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 5000).unref(); };
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => process.exit(code === null ? 1 : code));
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
  const root = options.packageRoot ?? path.resolve(__dirname, '..', '..', '..');
  const location = options.location ?? path.join(process.cwd(), '.azurite');
  const bin = require.resolve('azurite/dist/src/azurite.js', { paths: [root, process.cwd()] });
  const args = [bin, '--silent', '--skipApiVersionCheck', '--disableTelemetry'];
  // Azurite refuses --location together with --inMemoryPersistence.
  if (options.inMemory) {
    args.push('--inMemoryPersistence');
  } else {
    mkdirSync(location, { recursive: true });
    args.push('--location', location);
  }
  // Azurite runs under a small watchdog that stops it when our stdin pipe closes, so it never outlives this process
  // (even when this process is SIGKILLed, which skips every exit handler).
  const child: ChildProcess = spawn(process.execPath, ['-e', WATCHDOG, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: false,
  });
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
  options.log?.(`Started Azurite (pid ${child.pid}, data in ${options.inMemory ? 'memory' : location})`);
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
