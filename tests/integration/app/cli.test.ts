/**
 * The `switchboard` CLI against a running system: dev login through the simulator, then endpoints add/get/list/
 * remove and consent, as an admin would type them — real process, real HTTP.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DIST } from '../../../scripts/lib/processes';
import { startSystem, type System } from '../../../scripts/lib/system';
import { FAST_FAULTS, FAST_WAITS, freeNumber, state, uniqueUpn } from '../../support/endpoints-api';

const run = promisify(execFile);

describe('switchboard CLI', () => {
  let system: System;
  let home: string;

  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [path.join(DIST, 'cli', 'main.js'), ...args], {
        env: { ...process.env, SWITCHBOARD_HOME: home },
        // `endpoints list --all` prints every endpoint of the seeded tenant, which the run's shared Azurite
        // accumulates across test runs (1,600+ rows, over execFile's default 1 MiB).
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    system = await startSystem({ faults: FAST_FAULTS, env: { PROVISIONING_WAITS: FAST_WAITS } });
    home = mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-'));
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('logs in against the simulator, provisions, shows, lists and removes an endpoint', async () => {
    const login = await cli(
      'login',
      '--dev',
      '--simulator',
      system.simulator.url,
      '--ca',
      system.simulator.caPath,
      '--api',
      `${system.origin}/api`,
    );
    expect(login.stderr).toBe('');
    expect(login.stdout).toContain(`Logged in to tenant ${system.simulator.tenantId} as Switchboard.Admin`);

    const upn = uniqueUpn(system, 'cli');
    const number = await freeNumber(system, 'callingPlan', new Set());
    const add = await cli(
      'endpoints',
      'add',
      '--upn',
      upn,
      '--display-name',
      'CLI line',
      '--number',
      number,
      '--number-type',
      'callingPlan',
      '--usage-location',
      'US',
      '--wait',
      '--json',
    );
    expect(add.code).toBe(0);
    const added = JSON.parse(add.stdout) as { status: string; phoneNumber: string; objectId: string };
    expect(added).toMatchObject({ status: 'Provisioned', phoneNumber: number });
    expect((await state(system)).numbers.find((n) => n.telephoneNumber === number)?.assignmentTargetId).toBe(
      added.objectId,
    );

    const get = await cli('endpoints', 'get', upn);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/userPrincipalName\s+displayName\s+status/);
    expect(get.stdout).toContain('Provisioned');
    expect(get.stdout).toMatch(/assignNumber\s+Succeeded/);

    const list = await cli('endpoints', 'list', '--all', '--json');
    expect((JSON.parse(list.stdout) as { userPrincipalName: string }[]).map((e) => e.userPrincipalName)).toContain(upn);

    const consent = await cli('consent');
    expect(consent.code).toBe(0);
    expect(consent.stdout).toContain('missing: (none)');

    const remove = await cli('endpoints', 'remove', upn, '--wait', '--json');
    expect(remove.code).toBe(0);
    expect((JSON.parse(remove.stdout) as { status: string }).status).toBe('Deprovisioned');
  });

  it('says what to fix, and exits non-zero, on bad input and refusals', async () => {
    const bad = await cli('endpoints', 'add', '--upn', 'nope', '--display-name', 'x');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/userPrincipalName: /);
    const agent = await cli(
      'login',
      '--dev',
      '--simulator',
      system.simulator.url,
      '--ca',
      system.simulator.caPath,
      '--api',
      `${system.origin}/api`,
      '--roles',
      'Switchboard.Agent',
    );
    expect(agent.code).toBe(0);
    const refused = await cli('endpoints', 'list');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/needs one of the roles/);
    const unreachable = await cli('endpoints', 'list', '--api', 'http://127.0.0.1:9/api');
    expect(unreachable.stderr).toMatch(/cannot reach/);
  });
});
