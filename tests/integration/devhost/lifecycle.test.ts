/**
 * App lifecycle through the devhost: appStart / preInvocation / postInvocation / appTerminate hooks (order and
 * hookData), local.settings.json Values in the environment (the environment wins), WEBSITE_HOSTNAME, and graceful
 * SIGTERM letting an in-flight request finish before appTerminate and exit 0.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanupTempApps, copyFixture, startDevhost } from '../../support/devhost-harness';

const events = (appDir: string) => readFileSync(path.join(appDir, 'events.log'), 'utf8').split('\n').filter(Boolean);

describe('devhost lifecycle', () => {
  afterAll(() => cleanupTempApps());

  it('runs app, invocation and log hooks in order with app-wide and per-invocation hookData', async () => {
    const appDir = copyFixture('lifecycle');
    const host = await startDevhost(appDir);
    try {
      const res = await fetch(`${host.origin}/api/work`);
      expect(await res.text()).toBe('done');
      // The log hook rewrote the user log before it was written.
      expect(host.output()).toContain('token secret=*** (fn=work) used');
      expect(host.output()).not.toContain('hunter2');
    } finally {
      expect(await host.stop()).toBe(0);
    }
    expect(events(appDir)).toEqual([
      'appStart dir=true',
      'pre work appStarted=yes fresh=true',
      'invoke work',
      'post work hookData=pre-work error=none',
      'appTerminate app=set-in-appStart',
    ]);
  });

  it('puts local.settings.json Values in the environment, but set variables win', async () => {
    const host = await startDevhost(copyFixture('lifecycle'), { env: { OVERRIDDEN: 'from the environment' } });
    try {
      const body = (await (await fetch(`${host.origin}/api/settings`)).json()) as Record<string, string>;
      expect(body.greeting).toBe('hello from local.settings.json');
      expect(body.overridden).toBe('from the environment');
      expect(body.number).toBe('42');
      expect(`http://${body.websiteHostname}`).toBe(host.origin);
    } finally {
      await host.stop();
    }
  });

  it('applies settings Node reads only at process start (NODE_OPTIONS) by re-executing with them', async () => {
    const appDir = copyFixture('lifecycle');
    const settingsFile = path.join(appDir, 'local.settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as { Values: Record<string, string> };
    settings.Values.NODE_OPTIONS = '--max-old-space-size=96';
    writeFileSync(settingsFile, JSON.stringify(settings));
    const host = await startDevhost(appDir, { env: { NODE_OPTIONS: undefined } });
    try {
      const body = (await (await fetch(`${host.origin}/api/settings`)).json()) as { heapLimitMb: number };
      // V8's limit is the old space plus a little; Node's default here is in the gigabytes.
      expect(body.heapLimitMb).toBeLessThan(200);
    } finally {
      expect(await host.stop()).toBe(0);
    }
    expect(readFileSync(path.join(appDir, 'events.log'), 'utf8')).toContain('appTerminate');
  });

  it('on SIGTERM stops accepting, lets the in-flight request finish, runs appTerminate and exits 0', async () => {
    const appDir = copyFixture('lifecycle');
    const host = await startDevhost(appDir);
    const pending = fetch(`${host.origin}/api/slow?ms=1500`).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }));
    await host.waitFor(/Executing 'slow'/);
    const exit = host.stop('SIGTERM');
    await host.waitFor(/Received SIGTERM/);
    // New connections are refused once the host is stopping.
    await expect(fetch(`${host.origin}/api/work`)).rejects.toThrow();
    expect(await pending).toEqual({ status: 200, text: 'slept 1500' });
    expect(await exit).toBe(0);
    const log = events(appDir);
    expect(log.indexOf('slow finished')).toBeGreaterThan(log.indexOf('slow started'));
    expect(log[log.length - 1]).toBe('appTerminate app=set-in-appStart');
    expect(log).not.toContain('invoke work');
  });
});
