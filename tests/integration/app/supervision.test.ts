/**
 * Supervision end to end (issue 15 items 5, 6; devhost + Azurite + simulator): a call connected to an agent in a
 * call queue that records `always` — the supervisor monitors (the simulator shows them in the call, muted), then
 * barges (a speaking leg: Graph cannot unmute another participant), and the story has both; the agent pauses and
 * resumes the recording, and the simulator's updateRecordingStatus history matches the story's spans. Refusals: a
 * waiting call cannot be monitored (409), a supervisor of another call queue does not see the call (404), an agent
 * not on the call cannot pause it (403).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DIST } from '../../../scripts/lib/processes';
import { startSystem, type System } from '../../../scripts/lib/system';
import {
  callsTenant,
  connectedAgent,
  eventually,
  placeCall,
  provisionedEndpoint,
  putCallQueue,
  userIds,
} from '../../support/calls-system';

const NUMBER = '+14255550121';
const tenant = callsTenant([NUMBER]);
const base = `/api/tenants/${tenant.tenantId}`;
let system: System;
let admin: string;
let supervisor: string;
let otherSupervisor: string;
let agent01: string;
let agent02: string;
let ids: Map<string, string>;

interface SimParticipant {
  id: string;
  kind: string;
  userId?: string;
  isMuted: boolean;
}
interface SimView {
  state: string;
  participants: SimParticipant[];
  departed: (SimParticipant & { leftAt: number })[];
  invitations: { participantId: string; userId?: string; status: string }[];
  recording: { at: number; status: string }[];
}
interface CallView {
  phase: string;
  events: { kind: string; supervisorId?: string; at: number }[];
  supervision: { supervisorId: string; mode: string; state: string; muted?: boolean }[];
  recording: {
    state: string;
    recordingSpans: { from: number; to: number | null; state: string }[];
  } | null;
  story: { recordingSpans: { from: number; to: number | null; state: string }[] } | null;
}

/** The `switchboard` CLI as a person types it (real process, real HTTP), with their token. */
const cli = async (token: string, ...args: string[]) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-'));
  const common = ['--api', `${system.origin}/api`, '--tenant', tenant.tenantId, '--token', token];
  try {
    const r = await promisify(execFile)(process.execPath, [path.join(DIST, 'cli', 'main.js'), ...common, ...args], {
      env: { ...process.env, SWITCHBOARD_HOME: home },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};
const sim = (callId: string) => system.sim<SimView>('GET', `/_sim/calls/${callId}`);
const call = async (callId: string): Promise<CallView> => {
  const res = await system.api('GET', `${base}/calls/${callId}`, { token: admin });
  expect(res.status).toBe(200);
  return (await res.json()) as CallView;
};
const post = (token: string, path: string, body?: unknown) =>
  system.api('POST', `${base}/calls/${path}`, { token, ...(body !== undefined ? { body } : {}) });
/** A user token for the API with the person's object id (what Graph invites) and UPN. */
const tokenFor = async (roles: string[], upn: string, queues?: string[]) =>
  (
    await system.sim<{ access_token: string }>('POST', '/_sim/tokens', {
      tenantId: tenant.tenantId,
      roles,
      oid: ids.get(upn),
      upn,
      ...(queues ? { queues } : {}),
    })
  ).access_token;

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed, faults: { incomingCallTimeoutMs: 8000 } });
  ids = await userIds(system, tenant.tenantId);
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  supervisor = await tokenFor(['Switchboard.Supervisor'], 'supervisor@contoso.com', ['sales']);
  otherSupervisor = await tokenFor(['Switchboard.Supervisor'], 'agent03@contoso.com', ['support']);
  agent01 = await tokenFor(['Switchboard.Agent'], 'agent01@contoso.com');
  agent02 = await tokenFor(['Switchboard.Agent'], 'agent02@contoso.com');
  // The supervisor is a Teams user who answers when invited.
  await system.sim('POST', '/_sim/agents/supervisor@contoso.com/presence', {
    availability: 'Available',
    activity: 'Available',
  });
  await system.sim('POST', '/_sim/agents/supervisor@contoso.com/profile', { answerDelayMs: 300 });
  await putCallQueue(system, admin, tenant.tenantId, 'sales', {
    name: 'Sales',
    routingMethod: 'serial',
    agents: [{ userPrincipalName: 'agent01@contoso.com' }],
    recording: { mode: 'always', pauseAllowedFor: ['agent', 'supervisor'] },
  });
  await provisionedEndpoint(tenant, NUMBER, { callQueueId: 'sales' });
}, 90_000);

afterAll(async () => {
  await system?.stop();
});

test('monitor (muted) then barge (speaking) on a connected call; refusals; recording paused and resumed by the agent', async () => {
  const supervisorId = ids.get('supervisor@contoso.com')!;
  const { callId } = await placeCall(system, tenant.tenantId, NUMBER, { handleTimeS: 600 });
  expect(await connectedAgent(system, callId)).toBe(ids.get('agent01@contoso.com'));
  await eventually(async () => ((await call(callId)).recording?.state === 'recording' ? true : undefined), 30_000);

  // Only those who may see the call: a supervisor of another call queue is told it does not exist; an agent has no role.
  expect((await post(otherSupervisor, `${callId}/monitor`)).status).toBe(404);
  expect((await post(agent01, `${callId}/monitor`)).status).toBe(403);
  expect((await post(supervisor, `${callId}/monitor`, { userPrincipalName: 'agent02@contoso.com' })).status).toBe(403);

  // Graph carries the first invitation out but its answer is lost (503): the outbox sends it again (or sees it was
  // done) — the supervisor is invited once (the retry names the same participant id).
  await system.sim('POST', '/_sim/faults/calls', { operation: 'invite', callId, status: 503, times: 1, applied: true });
  const monitor = await post(supervisor, `${callId}/monitor`);
  expect(monitor.status).toBe(202);
  expect(await monitor.json()).toMatchObject({ callId, supervisor: { supervisorId, mode: 'monitor' } });
  const muted = await eventually(async () => {
    const p = (await sim(callId)).participants.find((x) => x.userId?.toLowerCase() === supervisorId);
    return p?.isMuted ? p : undefined;
  }, 30_000);
  expect((await post(supervisor, `${callId}/monitor`)).status).toBe(200); // already monitoring: one session
  const faults = await system.sim<{ requests: { callId?: string; operation: string; faulted: boolean }[] }>(
    'GET',
    '/_sim/faults/calls',
  );
  expect(faults.requests.some((r) => r.callId === callId && r.operation === 'invite' && r.faulted)).toBe(true);
  const invited = (await sim(callId)).invitations.filter((i) => i.userId?.toLowerCase() === supervisorId);
  expect(invited).toHaveLength(1);

  expect((await post(supervisor, `${callId}/barge`)).status).toBe(202);
  const speaking = await eventually(async () => {
    const p = (await sim(callId)).participants.filter((x) => x.userId?.toLowerCase() === supervisorId);
    return p.length === 1 && p[0].id !== muted.id && !p[0].isMuted ? p[0] : undefined;
  }, 30_000);
  expect(speaking.kind).toBe('agent'); // the simulator's kind for a Teams user in the call
  // The muted leg left (Graph cannot unmute another participant): the simulator keeps it as it was.
  expect((await sim(callId)).departed).toEqual([
    expect.objectContaining({ id: muted.id, userId: expect.any(String), isMuted: true }),
  ]);
  const supervised = await eventually(async () => {
    const v = await call(callId);
    // The call's row and its story are two reads: wait until both show the barge.
    const joined = v.supervision.some((x) => x.mode === 'barge' && x.state === 'joined');
    return joined && v.events.some((e) => e.kind === 'bargeStarted') ? v : undefined;
  }, 30_000);
  expect(supervised.events.filter((e) => e.supervisorId === supervisorId).map((e) => e.kind)).toEqual([
    'monitorStarted',
    'monitorEnded',
    'bargeStarted',
  ]);
  expect(supervised.supervision.map((s) => [s.mode, s.state])).toEqual([
    ['monitor', 'ended'],
    ['barge', 'joined'],
  ]);

  // Recording (always): the agent on the call pauses (twice = one span) and resumes; others may not.
  expect((await post(agent02, `${callId}/recording/pause`)).status).toBe(403);
  expect((await post(otherSupervisor, `${callId}/recording/pause`)).status).toBe(404);
  expect((await post(admin, `${callId}/recording/pause`)).status).toBe(403); // pauseAllowedFor: agent, supervisor
  expect((await post(agent01, `${callId}/recording/pause`)).status).toBe(202);
  expect((await post(agent01, `${callId}/recording/pause`)).status).toBe(200);
  const resumed = await cli(supervisor, 'calls', 'recording', 'resume', callId); // the supervisor, by the CLI
  expect(resumed).toMatchObject({ code: 0 });
  expect(resumed.stdout).toContain('recording recording');
  expect(resumed.stdout).toContain('notRecording');
  const history = await eventually(async () => {
    const r = (await sim(callId)).recording;
    return r.length >= 3 ? r : undefined;
  }, 30_000);
  const live = await call(callId);
  expect(history.map((h) => h.status)).toEqual(['recording', 'notRecording', 'recording']);
  expect(live.recording!.recordingSpans.map((s) => s.state)).toEqual(history.map((h) => h.status));

  await system.sim('POST', `/_sim/calls/${callId}/hangup`);
  const ended = await eventually(async () => {
    const v = await call(callId);
    return v.phase === 'ended' && v.story ? v : undefined;
  }, 60_000);
  expect(ended.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['bargeEnded', 'recordingStopped']));
  expect(ended.story!.recordingSpans.map((s) => s.state)).toEqual(['recording', 'notRecording', 'recording']);
  expect(ended.story!.recordingSpans.every((s) => s.to !== null)).toBe(true);
}, 240_000);

test('a call waiting in the call queue cannot be monitored (409)', async () => {
  await system.sim('POST', '/_sim/agents/agent01@contoso.com/presence', {
    availability: 'DoNotDisturb',
    activity: 'Presenting',
  });
  const { callId } = await placeCall(system, tenant.tenantId, NUMBER, { patienceS: 120 });
  // Waiting (the router's presence cache may still ring agent01 for a while: offered, never answered).
  await eventually(async () => (['queued', 'offered'].includes((await call(callId)).phase) ? true : undefined), 30_000);
  const res = await post(supervisor, `${callId}/monitor`);
  expect(res.status).toBe(409);
  expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  expect(((await res.json()) as { detail: string }).detail).toMatch(/not connected to an agent/);
  expect((await post(otherSupervisor, `${callId}/monitor`)).status).toBe(404);
  const byCli = await cli(supervisor, 'calls', 'monitor', callId);
  expect(byCli.code).not.toBe(0);
  expect(byCli.stderr).toMatch(/409|not connected to an agent/);
  await system.sim('POST', `/_sim/calls/${callId}/hangup`);
}, 120_000);
