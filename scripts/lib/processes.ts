/**
 * Starting the local programs (simulator, devhost) as child processes and waiting until they say they are ready.
 * Shared by `npm start`, the integration tests and the benchmarks so all three run the system the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder above this file with Switchboard's package.json (from src or dist). */
export const REPO_ROOT = findRepoRoot(__dirname);
export const DIST = path.join(REPO_ROOT, 'dist');

export interface Started {
  child: ChildProcess;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  /** SIGTERM (graceful) then SIGKILL after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL now (a crash). */
  kill(): Promise<void>;
}

export interface StartOptions {
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolve once a line matches; the match is returned. */
  readyPattern: RegExp;
  timeoutMs?: number;
  /** Echo the child's lines with this prefix (for `npm start`); silent when undefined. */
  echoPrefix?: string;
  /**
   * Run the child in its own process group, so a terminal's Ctrl-C reaches only the parent, which then stops the
   * child once, gracefully (otherwise the child sees the terminal's signal and the parent's, and exits at once).
   */
  ownProcessGroup?: boolean;
}

export async function startNode(options: StartOptions): Promise<{ started: Started; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started: Started = {
    child,
    output: () => output,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${options.args.join(' ')} was not ready within ${options.timeoutMs ?? 60_000} ms:\n${output.slice(-4000)}`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (options.echoPrefix !== undefined) process.stdout.write(`${options.echoPrefix}${line}\n`);
        const m = line.match(options.readyPattern);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`${options.args.join(' ')} exited (${code ?? signal}) before it was ready:\n${output.slice(-4000)}`),
      );
    });
  });
  return { started, match };
}

/** Starts the devhost on an app folder and resolves with its origin once it prints `devhost ready: <url>`. */
export async function startDevhost(options: {
  appDir: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  echoPrefix?: string;
  timeoutMs?: number;
  extraArgs?: string[];
  ownProcessGroup?: boolean;
}): Promise<{ host: Started; origin: string }> {
  const { started, match } = await startNode({
    args: [
      path.join(DIST, 'devhost', 'main.js'),
      '--app',
      options.appDir,
      '--port',
      String(options.port ?? 0),
      ...(options.extraArgs ?? []),
    ],
    env: { ...process.env, ...options.env },
    readyPattern: /devhost ready: (http:\/\/\S+)/,
    echoPrefix: options.echoPrefix,
    timeoutMs: options.timeoutMs ?? 90_000,
    ownProcessGroup: options.ownProcessGroup,
  });
  return { host: started, origin: match[1] };
}

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'switchboard')
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Switchboard package.json above ${from}`);
  }
}
