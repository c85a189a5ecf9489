/**
 * Table storage for the shared/ storage tests: the run's Azurite (jest global setup, port 10002) when one listens,
 * else a private in-memory azurite-table on a free port, stopped after the file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const DEV_ACCOUNT = 'devstoreaccount1';
// Azurite's well-known development key (public, documented by Microsoft).
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface TableStorage {
  connectionString: string;
  stop(): Promise<void>;
}

export async function tableStorage(): Promise<TableStorage> {
  if (await listening(10002)) return { connectionString: 'UseDevelopmentStorage=true', stop: async () => undefined };
  const port = await freePort();
  const bin = path.resolve(__dirname, '../../node_modules/.bin/azurite-table');
  const child: ChildProcess = spawn(
    bin,
    [
      '--silent',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--inMemoryPersistence',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 20_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`azurite-table did not start on ${port}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/${DEV_ACCOUNT}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
