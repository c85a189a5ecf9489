/**
 * Loading apps the way the worker does: a compiled-TypeScript layout whose package.json `main` is a glob over several
 * files, built with the app's own `npm run build` when the output is missing; and every start-up error exits non-zero
 * with a clear message.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cleanupTempApps, copyFixture, runToExit, startDevhost } from '../../support/devhost-harness';

describe('devhost app loading', () => {
  afterAll(() => cleanupTempApps());

  it('builds a TypeScript-style app when main matches nothing yet, then loads every file of the glob', async () => {
    const appDir = copyFixture('ts-compiled');
    const host = await startDevhost(appDir);
    try {
      expect(host.output()).toContain('running `npm run build`');
      expect(host.output()).toContain('fixture build done');
      expect(host.output()).toContain(`\thello: [GET] ${host.origin}/hello`);
      expect(host.output()).toContain(`\tgoodbye: [GET] ${host.origin}/bye/{name?}`);
      expect(await (await fetch(`${host.origin}/hello?name=ts`)).text()).toBe('Hello, ts!');
      expect(await (await fetch(`${host.origin}/bye/you`)).text()).toBe('Bye, you');
    } finally {
      await host.stop();
    }
  });
});

describe('devhost start-up errors', () => {
  const dirs: string[] = [];
  /** A minimal app in a temp folder; `files` overrides or adds files (null removes). */
  function app(files: Record<string, string | null>): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devhost-err-'));
    dirs.push(dir);
    const all: Record<string, string | null> = {
      'package.json': JSON.stringify({ name: 'err', main: 'index.js' }),
      'host.json': '{"version":"2.0"}',
      'index.js': "require('@azure/functions').app.http('one', { handler: async () => ({ body: 'x' }) });",
      ...files,
    };
    for (const [name, text] of Object.entries(all)) {
      if (text === null) continue;
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function expectFailure(appDir: string, message: RegExp, options = {}): Promise<void> {
    const { code, output } = await runToExit(appDir, options);
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).not.toContain('devhost ready');
  }

  it('refuses a missing app folder', async () => {
    await expectFailure(path.join(os.tmpdir(), 'devhost-no-such-app-folder'), /App folder .* does not exist/);
  });

  it('refuses an app without package.json or without main', async () => {
    await expectFailure(app({ 'package.json': null }), /package\.json not found/);
    await expectFailure(app({ 'package.json': '{"name":"x"}' }), /has no "main"/);
  });

  it('refuses a main that matches no files', async () => {
    await expectFailure(app({ 'package.json': '{"main":"dist/*.js"}' }), /glob "dist\/\*\.js" matches no files/);
    await expectFailure(app({ 'package.json': '{"main":"missing.js"}' }), /"missing\.js" does not exist/);
  });

  it('refuses an invalid host.json', async () => {
    await expectFailure(app({ 'host.json': '{"version": "2.0",' }), /host\.json is not valid JSON/);
    await expectFailure(app({ 'host.json': '{}' }), /missing the required 'version' property/);
    await expectFailure(app({ 'host.json': null }), /host\.json not found/);
  });

  it('refuses a function registered twice', async () => {
    const twice =
      "const { app } = require('@azure/functions');\n" +
      "app.http('same', { handler: async () => ({}) });\napp.http('same', { handler: async () => ({}) });";
    await expectFailure(app({ 'index.js': twice }), /"same" has already been registered/);
  });

  it('refuses an encrypted local.settings.json', async () => {
    await expectFailure(
      app({ 'local.settings.json': JSON.stringify({ IsEncrypted: true, Values: { A: 'xyz' } }) }),
      /"IsEncrypted": true/,
    );
  });

  it('refuses a port in use', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await expectFailure(app({}), new RegExp(`Port ${port} is unavailable`), { port });
    } finally {
      server.close();
    }
  });

  it('refuses an unresolvable %setting% in a binding', async () => {
    const bad =
      "require('@azure/functions').app.storageQueue('q', { queueName: '%NO_SUCH_SETTING_X%', connection: 'AzureWebJobsStorage', handler: async () => {} });";
    await expectFailure(app({ 'index.js': bad }), /'%NO_SUCH_SETTING_X%' does not resolve/);
  });
});
