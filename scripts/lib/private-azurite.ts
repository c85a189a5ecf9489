/**
 * A fresh in-memory Azurite on free ports, all to oneself: for a benchmark (Azurite slows down as its store grows, so
 * sharing the long-lived one would measure whatever ran before) or a test that kills its storage. Its services run as
 * the devhost's do (devhost/storage/azurite.ts: three processes, queues in a scratch folder).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
import {
  AZURITE_SERVICES,
  DEV_ACCOUNT,
  DEV_KEY,
  azuriteScratchFolder,
  azuriteServiceArgs,
  isListening,
  type AzuriteService,
} from '../../devhost/storage/azurite';
import { REPO_ROOT } from './processes';

/** A TCP port nobody listens on now (the OS picks it; free until someone else takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface PrivateAzurite {
  connectionString: string;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash, and wait for the exit. */
  kill(): Promise<void>;
}

export async function privateAzurite(): Promise<PrivateAzurite> {
  const ports: Record<AzuriteService, number> = {
    blob: await freePort(),
    queue: await freePort(),
    table: await freePort(),
  };
  const location = azuriteScratchFolder();
  const children = AZURITE_SERVICES.map((service) =>
    spawn(
      process.execPath,
      azuriteServiceArgs(service, {
        ports,
        location,
        inMemory: true,
        packageRoot: REPO_ROOT,
        // A V8 CPU profile of each service, written to this folder when it stops (where does storage's time go?).
        nodeArgs: process.env.AZURITE_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.AZURITE_CPU_PROF] : [],
        // A request log for profiling storage traffic (slow: it writes every request and response).
        debugLog: process.env.AZURITE_DEBUG_LOG,
      }),
      { stdio: 'ignore' },
    ),
  );
  const end = (signal: NodeJS.Signals) =>
    Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill(signal);
          }),
      ),
    ).then(() => rmSync(location, { recursive: true, force: true }));
  const deadline = Date.now() + 30_000;
  while (!(await Promise.all(AZURITE_SERVICES.map((s) => isListening(ports[s])))).every(Boolean)) {
    if (children.some((c) => c.exitCode !== null) || Date.now() > deadline) {
      await end('SIGKILL');
      throw new Error('could not start a private Azurite');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const endpoint = (port: number) => `http://127.0.0.1:${port}/${DEV_ACCOUNT}`;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
      `BlobEndpoint=${endpoint(ports.blob)};QueueEndpoint=${endpoint(ports.queue)};` +
      `TableEndpoint=${endpoint(ports.table)};`,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}
