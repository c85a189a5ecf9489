#!/usr/bin/env node
/**
 * `devhost --app <dir> --port <port>`: runs an Azure Functions Node.js v4 app folder the way `func start` does.
 * Prints `devhost ready: http://localhost:<port>` once everything listens; SIGINT/SIGTERM stop it gracefully (exit 0).
 * Errors that prevent start (missing app, bad host.json, port in use, …) exit 1 with a message on stderr.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { readLocalSettings } from './config/settings';
import { DevHost } from './host';
import { ConsoleLogger } from './logger';

/**
 * Variables Node reads only at process start. func starts the worker with local.settings.json applied, so these take
 * effect there; the devhost runs the app in its own process, so it re-executes itself once with them set.
 */
const PROCESS_START_VARIABLES = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'UV_THREADPOOL_SIZE', 'TZ'];
const REEXEC_MARKER = 'DEVHOST_REEXECUTED';

interface CliOptions {
  app: string;
  port?: number;
  host?: string;
  verbose?: boolean;
  azuriteInMemory?: boolean;
  build: boolean;
  drainTimeout: number;
  cors?: string;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds');
  return n;
}

function parseArgs(argv: string[]): CliOptions {
  const program = new Command('devhost')
    .description('Run an Azure Functions Node.js (programming model v4) app locally, like `func start`.')
    .option('--app <dir>', 'function app folder (package.json + host.json)', '.')
    .option(
      '--port <port>',
      'HTTP port; 0 = any free port (default: FUNCTIONS_HTTP_PORT, local.settings.json Host.LocalHttpPort, 7071)',
      parsePort,
    )
    .option(
      '--host <address>',
      'interface to listen on (default: DEVHOST_HOST or 127.0.0.1, loopback only; * = every interface)',
    )
    .option('--verbose', 'debug-level logs')
    .option('--azurite-in-memory', 'when the devhost starts Azurite, keep its data in memory')
    .option('--no-build', 'do not run `npm run build` when package.json main matches no files')
    .option('--cors <origins>', 'allowed CORS origins, comma-separated (default: local.settings.json Host.CORS)')
    .option('--drain-timeout <seconds>', 'how long shutdown waits for in-flight invocations', parseSeconds, 30)
    .allowExcessArguments(false);
  program.parse(argv);
  return program.opts<CliOptions>();
}

/** Re-runs this process with the app's start-time variables (see PROCESS_START_VARIABLES); returns false if not needed. */
function reexecWithStartVariables(appDir: string): boolean {
  if (process.env[REEXEC_MARKER]) return false;
  let values: Record<string, string> | undefined;
  try {
    values = readLocalSettings(appDir).Values;
  } catch {
    return false; // the host reports settings errors properly
  }
  const missing = PROCESS_START_VARIABLES.filter((name) => values?.[name] && process.env[name] === undefined);
  if (missing.length === 0) return false;
  const env: NodeJS.ProcessEnv = { ...process.env, [REEXEC_MARKER]: '1' };
  for (const name of missing) {
    const value = values![name]!;
    env[name] = name === 'NODE_EXTRA_CA_CERTS' ? path.resolve(appDir, value) : value;
  }
  // The IPC channel lets the child notice when this process dies (even by SIGKILL) and shut down with it.
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return true;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv);
  const appDir = path.resolve(options.app);
  if (reexecWithStartVariables(appDir)) return;

  const logger = new ConsoleLogger({ verbose: options.verbose });
  const host = new DevHost({
    appDir,
    port: options.port,
    host: options.host,
    logger,
    verbose: options.verbose === true,
    azuriteInMemory: options.azuriteInMemory,
    build: options.build,
    drainTimeoutMs: options.drainTimeout * 1000,
    cors: options.cors,
  });

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) {
      // A second Ctrl+C forces the exit (as func does); repeated SIGTERMs (process groups) keep the graceful stop.
      if (signal === 'SIGINT') {
        logger.warn('Received SIGINT again: exiting now');
        process.exit(1);
      }
      return;
    }
    shuttingDown = true;
    logger.info(`Received ${signal}`);
    host.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(`Shutdown failed: ${(err as Error).stack ?? String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Re-executed child (see reexecWithStartVariables): stop when the parent goes away.
  if (process.env[REEXEC_MARKER] && process.send) process.on('disconnect', () => shutdown('parent exit'));

  try {
    const origin = await host.start();
    // Exactly one ready line: tests and `npm start` wait for it.
    process.stdout.write(`devhost ready: ${origin}\n`);
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`devhost: ${e.message}\n`);
    if (options.verbose && e.stack) process.stderr.write(`${e.stack}\n`);
    await host.stop().catch(() => undefined);
    process.exit(1);
  }
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `devhost: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`,
  );
});

void main();
