/**
 * A fresh in-memory Azurite on free ports, all to oneself: for a benchmark (Azurite slows down as its in-memory store
 * grows, so sharing the long-lived one would measure whatever ran before) or a test that kills its storage.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { DEV_ACCOUNT, DEV_KEY, isListening } from '../../devhost/storage/azurite';
import { REPO_ROOT } from './processes';

function freePort(): Promise<number> {
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
  const [blob, queue, table] = [await freePort(), await freePort(), await freePort()];
  const bin = require.resolve('azurite/dist/src/azurite.js', { paths: [REPO_ROOT] });
  const child = spawn(
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
      // A request log for profiling storage traffic (slow: it writes every request and response).
      ...(process.env.AZURITE_DEBUG_LOG ? ['--debug', process.env.AZURITE_DEBUG_LOG] : []),
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 30_000;
  while (!(await Promise.all([blob, queue, table].map((p) => isListening(p)))).every(Boolean)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('could not start a private Azurite');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  const endpoint = (port: number) => `http://127.0.0.1:${port}/${DEV_ACCOUNT}`;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
      `BlobEndpoint=${endpoint(blob)};QueueEndpoint=${endpoint(queue)};TableEndpoint=${endpoint(table)};`,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}
