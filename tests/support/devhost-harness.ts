/**
 * Runs `node dist/devhost/main.js --app <dir> --port 0` as a child process for the devhost conformance tests
 * (build first: `npx tsc -p tsconfig.build.json`; `npm test` builds). Fixture apps are copied into a fresh temp folder
 * so timer status files, build output and settings written by a test never touch the repo; NODE_PATH points at the
 * repo's node_modules so `require('@azure/functions')` resolves from there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';

// Devhost runs spawn processes and wait on queues and timers: give them room on a busy 2-core machine (the project's
// testTimeout is not applied when a single file is run).
jest.setTimeout(120_000);

export const REPO = path.resolve(__dirname, '..', '..');
export const DEVHOST_MAIN = path.join(REPO, 'dist', 'devhost', 'main.js');
export const FIXTURES = path.join(REPO, 'tests', 'fixtures', 'apps');

/** Azurite's development connection string (the global setup runs Azurite on the default ports). */
export const DEV_STORAGE =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1';

const tempDirs: string[] = [];
const children = new Set<ChildProcess>();

/** Copies a fixture app to a new temp folder and returns its path (removed by {@link cleanupTempApps}). */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `devhost-${name}-`));
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  tempDirs.push(dir);
  return dir;
}

/** Removes the temp app folders and kills any devhost a failed test left running. */
export function cleanupTempApps(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A short unique lower-case suffix for queue names. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export interface DevhostProcess {
  child: ChildProcess;
  origin: string;
  output(): string;
  /** Resolves when a line of output matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal and resolves with the exit code (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  args?: string[];
  port?: number | string;
}

function spawnDevhost(appDir: string, options: RunOptions) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_PATH: path.join(REPO, 'node_modules'),
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    ...options.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const child = spawn(
    process.execPath,
    [DEVHOST_MAIN, '--app', appDir, '--port', String(options.port ?? 0), ...(options.args ?? [])],
    { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    listeners.forEach((l) => l());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const m = output.match(pattern);
        if (m) {
          done();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms:\n${output.slice(-3000)}`));
      }, timeoutMs);
      const onExit = () => {
        setImmediate(() => {
          const m = output.match(pattern);
          done();
          if (m) resolve(m);
          else
            reject(new Error(`devhost exited (${child.exitCode}) before printing ${pattern}:\n${output.slice(-3000)}`));
        });
      };
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', onExit);
      };
      listeners.add(check);
      child.once('exit', onExit);
      check();
    });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 40_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { child, output: () => output, waitFor, stop, exited };
}

/** Starts the devhost and waits for `devhost ready: <origin>`. */
export async function startDevhost(appDir: string, options: RunOptions = {}): Promise<DevhostProcess> {
  const proc = spawnDevhost(appDir, options);
  try {
    const m = await proc.waitFor(/devhost ready: (http:\/\/\S+)/, 60_000);
    return { ...proc, origin: m[1]! };
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
}

/** Runs the devhost expecting it to fail at start: resolves with its exit code and output. */
export async function runToExit(
  appDir: string,
  options: RunOptions = {},
): Promise<{ code: number | null; output: string }> {
  const proc = spawnDevhost(appDir, options);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 60_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, output: proc.output() };
}

export function queueClient(name: string): QueueClient {
  return QueueServiceClient.fromConnectionString(DEV_STORAGE).getQueueClient(name);
}

/** Polls `probe` until it returns a defined value. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Reads every message currently in a queue (peek, up to 32), decoding base64 unless `raw`. */
export async function peekAll(client: QueueClient, raw = false): Promise<string[]> {
  const res = await client.peekMessages({ numberOfMessages: 32 }).catch(() => undefined);
  return (res?.peekedMessageItems ?? []).map((m) =>
    raw ? m.messageText : Buffer.from(m.messageText, 'base64').toString('utf8'),
  );
}
