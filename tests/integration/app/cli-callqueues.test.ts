/**
 * The `switchboard` CLI's call queue, agent and call commands against a running system — real process, real HTTP:
 * a call queue from a file, patched by field=value, skills, opt-out/in, a supervisor; a waiting call in `calls`,
 * its story in `calls get`, `calls --watch` redrawing until Ctrl-C, and `callqueues delete` refused while it waits.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DIST } from '../../../scripts/lib/processes';
import { startSystem, type System } from '../../../scripts/lib/system';
import { callsTenant, eventually, placeCall, provisionedEndpoint } from '../../support/calls-system';

const run = promisify(execFile);
const NUMBER = '+14255550120';
const tenant = callsTenant([NUMBER]);
let system: System;
let home: string;
let env: NodeJS.ProcessEnv;

const cli = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(DIST, 'cli', 'main.js'), ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed });
  home = mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-cq-'));
  env = {
    ...process.env,
    SWITCHBOARD_HOME: home,
    SWITCHBOARD_API: `${system.origin}/api`,
    SWITCHBOARD_TENANT: tenant.tenantId,
    SWITCHBOARD_TOKEN: await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId }),
  };
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

test('call queues and agents: put from a file, patch, skills, opt-out and in, a supervisor; errors name the field', async () => {
  const file = path.join(home, 'desk.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'Front desk',
      routingMethod: 'serial',
      agents: [{ userPrincipalName: 'agent30@contoso.com' }, { userPrincipalName: 'agent31@contoso.com' }],
    }),
  );
  const put = await cli('callqueues', 'put', 'desk', '--file', file);
  expect(put.stderr).toBe('');
  expect(put.stdout).toContain('Created call queue desk');
  expect(put.stdout).toMatch(/agent30@contoso\.com/);

  const list = await cli('callqueues', 'list', '--json');
  expect((JSON.parse(list.stdout) as { queueId: string }[]).map((q) => q.queueId)).toEqual(['desk']);
  const patched = await cli('callqueues', 'patch', 'desk', 'wrapUpS=30', 'requiredSkills={"sales":1}', '--json');
  expect(JSON.parse(patched.stdout)).toMatchObject({ wrapUpS: 30, requiredSkills: { sales: 1 }, name: 'Front desk' });
  const bad = await cli('callqueues', 'patch', 'desk', 'agentAlertTimeS=5', 'routingMethod=random');
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toMatch(/agentAlertTimeS: /);
  expect(bad.stderr).toMatch(/routingMethod: /);
  expect((await cli('callqueues', 'get', 'desk')).stdout).toMatch(/desk\s+Front desk\s+serial/);

  const skills = await cli('agents', 'set-skills', 'agent30@contoso.com', 'sales=4', 'spanish=2', '--json');
  expect(JSON.parse(skills.stdout)).toMatchObject({ skills: { sales: 4, spanish: 2 } });
  const badSkill = await cli('agents', 'set-skills', 'agent30@contoso.com', 'sales=7');
  expect(badSkill.code).not.toBe(0);
  expect(badSkill.stderr).toMatch(/skills\.sales: /);
  const agents = await cli('agents', 'list', '--call-queue', 'desk');
  expect(agents.stdout).toMatch(/agent30@contoso\.com\s+available\s+.*sales=4 spanish=2/);

  expect((await cli('agents', 'get', 'agent30@contoso.com')).stdout).toMatch(/agent30@contoso\.com\s+available/);
  const out = await cli('agents', 'opt-out', 'agent30@contoso.com', '--call-queue', 'desk', '--json');
  expect(JSON.parse(out.stdout)).toMatchObject({ optedOut: ['desk'] });
  const back = await cli('agents', 'opt-in', 'agent30@contoso.com', '--call-queue', 'desk', '--json');
  expect(JSON.parse(back.stdout)).toMatchObject({ optedOut: [] });

  expect((await cli('callqueues', 'add-supervisor', 'desk', 'supervisor@contoso.com')).stdout).toContain(
    'supervisor@contoso.com supervises call queue desk',
  );
  expect((await cli('callqueues', 'supervisors', 'desk')).stdout).toContain('supervisor@contoso.com');
}, 60_000);

test('calls shows a waiting call, calls get its story, --watch redraws until Ctrl-C; delete waits for it', async () => {
  // Nobody available: the call waits in the call queue.
  for (const upn of ['agent30@contoso.com', 'agent31@contoso.com'])
    await system.sim('POST', `/_sim/agents/${upn}/presence`, { availability: 'Away', activity: 'Away' });
  // The router reads presence through a cache of up to 5 s (shared/calls/presence.graph.ts); the first test's routing
  // passes read these agents Available. Past that age the next read is Teams' Away, so no offer is made.
  await new Promise((r) => setTimeout(r, 6_000));
  await provisionedEndpoint(tenant, NUMBER, { callQueueId: 'desk' });
  const { callId } = await placeCall(system, tenant.tenantId, NUMBER, { patienceS: 600 });
  const waiting = await eventually(async () => {
    const r = await cli('calls', '--call-queue', 'desk', '--json');
    const items = JSON.parse(r.stdout) as { callId: string; phase: string; position?: number }[];
    return items.find((c) => c.callId === callId && c.phase === 'queued');
    // The router may still hold the agents' presence from before they went Away (cached up to 5 s, refreshed by a
    // timer): an offer then rings out first (agentAlertTimeS 30) and the call is back in its place.
  }, 90_000);
  expect(waiting.position).toBe(1);
  expect((await cli('calls')).stdout).toMatch(new RegExp(`${callId}\\s+queued\\s+desk\\s+1`));

  const story = await cli('calls', 'get', callId);
  expect(story.stdout).toContain('Story');
  expect(story.stdout).toMatch(/enqueued/);

  const refused = await cli('callqueues', 'delete', 'desk');
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/waiting or being offered/);

  // --watch: two frames, then Ctrl-C ends it cleanly.
  const child = spawn(process.execPath, [path.join(DIST, 'cli', 'main.js'), 'calls', '--watch', '--interval', '0.2'], {
    env,
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await eventually(async () => ((stdout.match(/active call\(s\)/g) ?? []).length >= 2 ? true : undefined));
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(stdout).toContain(callId);
  expect(stdout).toContain('Ctrl-C stops');

  await system.sim('POST', `/_sim/calls/${callId}/hangup`);
  await eventually(async () => ((await cli('callqueues', 'delete', 'desk')).code === 0 ? true : undefined), 30_000);
  expect((await cli('callqueues', 'list', '--json')).stdout.trim()).toBe('[]');
}, 180_000);
