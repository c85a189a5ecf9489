/**
 * The Graph CallControl adapter and the call machine against the real simulator over HTTPS: the simulator places
 * PSTN calls to a numbered resource account synced to the bot and POSTs commsNotifications to a local webhook
 * (a plain HTTP server here), which parses them with the real parser; the test plays router, applying each event to
 * the call machine and carrying out its commands through the adapter.
 */
jest.setTimeout(90_000);

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { appEnvForSimulator } from '../../../../scripts/lib/app-env';
import {
  ArrivalRoute,
  CallEvent,
  CallInput,
  CallRecord,
  CallControlError,
  CallGoneError,
  GraphCallControl,
  GraphCallControlFactory,
  applyCallInput,
  callSummary,
  executeCallCommand,
  parseCommsNotifications,
} from '../../../../shared/calls';
import { loadConfig } from '../../../../shared/config';
import { startSimulator, type RunningSimulator } from '../../../../simulator';
import { defaultSeedTenant } from '../../../../simulator/seed';
import { SIM_DATA_DIR, simJson, waitFor } from '../../../support/test-simulator';

const NUMBER = '+14255550100';
const CALLER = '+14255550999';

interface Received {
  at: number;
  events: CallEvent[];
  authorization?: string;
}

let sim: RunningSimulator;
let server: http.Server;
let webhook: string;
/** Where the simulator fetches prompts: it plays only a mono 16-bit 16 kHz PCM WAV it could download. */
let promptBase: string;
let cc: GraphCallControl;
let tenantId: string;
let resourceAccountId: string;
const received: Received[] = [];
const parseErrors: string[] = [];
const agents = new Map<string, string>(); // upn → object id

/** A mono 16-bit 16 kHz PCM WAV: a RIFF header and a little silence. */
function wav(): Buffer {
  const data = Buffer.alloc(3200);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(16000, 24);
  h.writeUInt32LE(16000 * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

function events(callId: string): CallEvent[] {
  return received.flatMap((r) => r.events).filter((e) => e.callId === callId);
}

async function waitEvent<T extends CallEvent>(
  what: string,
  callId: string,
  pick: (e: CallEvent) => e is T,
  timeoutMs = 20_000,
): Promise<T> {
  return waitFor(what, async () => events(callId).find(pick), timeoutMs, 50);
}

const isType =
  <K extends CallEvent['type']>(type: K, also: (e: Extract<CallEvent, { type: K }>) => boolean = () => true) =>
  (e: CallEvent): e is Extract<CallEvent, { type: K }> =>
    e.type === type && also(e as Extract<CallEvent, { type: K }>);

async function placeCall(extra: Record<string, unknown> = {}): Promise<string> {
  const r = await simJson<{ callId: string }>(sim, 'POST', '/_sim/calls', {
    tenantId,
    from: CALLER,
    to: NUMBER,
    ...extra,
  });
  return r.callId;
}

/** Plays router for one call: every event read so far goes through the machine; its commands go to Graph. */
class Driver {
  record: CallRecord | undefined;
  applied = 0;
  readonly log: string[] = [];
  readonly commands: string[] = [];
  constructor(
    readonly callId: string,
    private readonly route: ArrivalRoute,
  ) {}

  async pump(): Promise<void> {
    const evs = events(this.callId);
    for (; this.applied < evs.length; this.applied++) {
      await this.apply({ kind: 'graph', event: evs[this.applied], at: Date.now(), route: this.route });
    }
  }

  async apply(input: CallInput): Promise<void> {
    const t = applyCallInput(this.record, input, { callbackUri: webhook });
    if (t.refused) throw new Error(`refused: ${t.refused}`);
    this.record = t.record;
    this.log.push(...t.log.map((e) => e.kind));
    for (const cmd of t.commands) {
      this.commands.push(cmd.op);
      await executeCallCommand(cc, cmd);
    }
  }

  async until(what: string, done: (d: Driver) => boolean, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      what,
      async () => {
        await this.pump();
        return done(this) ? true : undefined;
      },
      timeoutMs,
      50,
    );
  }
}

interface HeardEntry {
  kind: 'prompt' | 'music';
  uri?: string;
  until?: number;
}

const QUEUE: ArrivalRoute = { action: 'answer', callQueueId: 'support' };

beforeAll(async () => {
  tenantId = randomUUID();
  resourceAccountId = randomUUID();
  server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/prompts/') && req.url.endsWith('.wav')) {
      res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav());
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(202).end();
      try {
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        received.push({
          at: Date.now(),
          events: parseCommsNotifications(body, { tenantId }),
          authorization: req.headers.authorization,
        });
      } catch (e) {
        parseErrors.push((e as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/calls/notifications`;
  promptBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prompts`;

  const base = defaultSeedTenant();
  sim = await startSimulator({
    port: 0,
    dataDir: SIM_DATA_DIR,
    quiet: true,
    writeSettings: false,
    webhookUrl: webhook,
    faults: {
      establishDelayMs: 50,
      promptDurationMs: 200,
      dtmfIntervalMs: 50,
      incomingCallTimeoutMs: 4_000,
      outboundAnswerDelayMs: 200,
      defaultHandleTimeS: 30,
    },
    seed: {
      includeDefaultTenant: false,
      tenants: [
        {
          ...base,
          tenantId,
          generateAgents: { count: 5, domain: 'contoso.com', usageLocation: 'US' },
          applicationInstances: [
            {
              objectId: resourceAccountId,
              userPrincipalName: 'support@contoso.com',
              displayName: 'Support',
              licensed: true,
              synced: true,
              usageLocation: 'US',
              phoneNumber: NUMBER,
            },
          ],
        },
      ],
    },
  });
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (!extra || path.resolve(extra) !== path.resolve(sim.caPath))
    throw new Error(`run through node dist/scripts/test.js (NODE_EXTRA_CA_CERTS=${sim.caPath})`);
  const config = loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...appEnvForSimulator(sim.settings) });
  cc = new GraphCallControlFactory(config, { retry: { maxAttempts: 6 } }).forTenant(tenantId);
  const state = await simJson<{ tenants: { users: { id: string; userPrincipalName: string }[] }[] }>(
    sim,
    'GET',
    `/_sim/state?tenantId=${tenantId}`,
  );
  for (const u of state.tenants[0].users) agents.set(u.userPrincipalName.toLowerCase(), u.id);
  for (const upn of ['agent01@contoso.com', 'agent02@contoso.com', 'agent03@contoso.com', 'agent05@contoso.com'])
    await simJson(sim, 'POST', `/_sim/agents/${upn}/profile`, { answerDelayMs: 300, answerProbability: 1 });
  await simJson(sim, 'POST', '/_sim/agents/agent04@contoso.com/profile', { answerDelayMs: 300, answerProbability: 0 });
});

afterAll(async () => {
  await sim?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

afterEach(() => {
  expect(parseErrors).toEqual([]);
});

const agent = (n: number) => agents.get(`agent0${n}@contoso.com`)!;

describe('incoming call → answer → established → hold music; media; keepAlive; hang up', () => {
  it('plays the lifecycle through the machine and the adapter', async () => {
    const callId = await placeCall({ dtmf: '12#' });
    const incoming = await waitEvent('incoming call', callId, isType('incomingCall'));
    expect(incoming).toMatchObject({
      tenantId,
      targetApplicationInstanceId: resourceAccountId,
      callerPhone: CALLER,
    });
    expect(incoming.callerParticipantId).toBeTruthy();
    expect(received[0].authorization).toMatch(/^Bearer /);

    const d = new Driver(callId, QUEUE);
    await d.until('queued', (x) => x.record?.enqueuedAt !== undefined);
    expect(d.commands).toEqual(['answer', 'startHoldMusic']);
    expect(d.log).toEqual(['arrived', 'answered', 'enqueued']);
    expect(callSummary(d.record!)).toMatchObject({ phase: 'queued', callQueueId: 'support', callerPhone: CALLER });

    // media: a prompt completes with our clientContext; tones arrive once subscribed
    const prompt = await cc.playPrompt(callId, {
      promptUris: [`${promptBase}/welcome.wav`, `${promptBase}/menu.wav`],
      clientContext: `${callId}|prompt|x`,
    });
    expect(prompt.status.toLowerCase()).toBe('running');
    expect(prompt.id).toBeTruthy();
    const tone = await cc.subscribeToTone(callId, `${callId}|tones`);
    expect(tone.status).toBeTruthy();
    const done = await waitEvent(
      'prompt completion',
      callId,
      isType('operationFinished', (e) => e.clientContext === `${callId}|prompt|x`),
    );
    expect(done).toMatchObject({ status: 'completed', operationId: prompt.id });
    await d.until('three tones', (x) => x.record!.tones.length === 3);
    expect(d.record!.tones.map((t) => t.tone)).toEqual(['tone1', 'tone2', 'pound']);

    const cancel = await cc.cancelMediaProcessing(callId, `${callId}|cancel`);
    expect(cancel.status).toBeTruthy();
    const rec = await cc.updateRecordingStatus(callId, 'recording', `${callId}|rec`);
    expect(rec.status).toBeTruthy();
    await expect(cc.keepAlive(callId)).resolves.toBe('alive');

    await expect(cc.hangUp(callId)).resolves.toBe('ended');
    await d.until('ended', (x) => x.record?.end !== undefined);
    expect(d.log).toContain('ended');
    // the call is gone now: keepAlive and a second hang-up say so without throwing
    await expect(cc.keepAlive(callId)).resolves.toBe('gone');
    await expect(cc.hangUp(callId)).resolves.toBe('gone');
    await expect(cc.playPrompt(callId, { promptUris: ['https://x/y.wav'], clientContext: 'c' })).rejects.toBeInstanceOf(
      CallGoneError,
    );
  });

  it('the caller hanging up while waiting is abandoned, with the wait', async () => {
    const callId = await placeCall();
    const d = new Driver(callId, QUEUE);
    await d.until('queued', (x) => x.record?.enqueuedAt !== undefined);
    await simJson(sim, 'POST', `/_sim/calls/${callId}/hangup`);
    await d.until('ended', (x) => x.record?.end !== undefined);
    expect(callSummary(d.record!)).toMatchObject({ phase: 'ended', outcome: 'abandoned' });
    expect(d.log).toEqual(['arrived', 'answered', 'enqueued', 'ended', 'abandoned']);
  });
});

describe('reject and redirect (unanswered calls)', () => {
  it('a call with no endpoint is rejected with a reason and ends', async () => {
    const callId = await placeCall();
    const d = new Driver(callId, { action: 'reject', reason: 'busy', why: 'no call queue' });
    await d.until('ended', (x) => x.record?.end !== undefined);
    expect(d.commands).toEqual(['reject']);
    expect(callSummary(d.record!)).toMatchObject({ phase: 'ended', outcome: 'rejected' });
    expect(d.record!.end!.resultInfo?.code).toBeGreaterThanOrEqual(400);
  });

  it('redirect offers the unanswered call to an agent; the agent answers (0/7015)', async () => {
    const callId = await placeCall();
    const d = new Driver(callId, QUEUE);
    const evs = () => events(callId);
    await waitFor('incoming', async () => (evs().length ? true : undefined), 10_000, 50);
    // the router decides before answering: record the arrival without answering yet
    d.record = applyCallInput(
      undefined,
      { kind: 'graph', event: evs()[0], at: Date.now(), route: QUEUE },
      { callbackUri: webhook },
    ).record;
    d.applied = 1;
    await d.apply({
      kind: 'offer',
      key: 'r1',
      at: Date.now(),
      offerId: 'r1',
      agentId: 'agent01',
      userId: agent(1),
      via: 'redirect',
      timeoutS: 20,
    });
    expect(d.commands).toEqual(['redirect']);
    await d.until('ended', (x) => x.record?.end !== undefined);
    expect(callSummary(d.record!)).toMatchObject({ phase: 'ended', outcome: 'transferred', agentId: 'agent01' });
    expect(d.log).toEqual(expect.arrayContaining(['offered', 'connected', 'transferred', 'ended']));
  });

  it('redirect rejects a timeout outside 15–90 s before calling Graph', async () => {
    await expect(
      cc.redirect('any', { targets: [{ kind: 'user', userId: agent(1) }], timeoutS: 5 }),
    ).rejects.toMatchObject({
      kind: 'badRequest',
    });
  });
});

describe('offers on an answered call', () => {
  async function queued(): Promise<Driver> {
    const callId = await placeCall();
    const d = new Driver(callId, QUEUE);
    await d.until('queued', (x) => x.record?.enqueuedAt !== undefined);
    return d;
  }

  it('transfer to an agent: transferring → transferAccepted → terminated 0/7015 = connected, transferred', async () => {
    const d = await queued();
    await d.apply({
      kind: 'offer',
      key: 't1',
      at: Date.now(),
      offerId: 't1',
      agentId: 'agent02',
      userId: agent(2),
      via: 'transfer',
    });
    await d.until('ended', (x) => x.record?.end !== undefined);
    expect(callSummary(d.record!)).toMatchObject({ outcome: 'transferred', agentId: 'agent02' });
    expect(d.log).toEqual(['arrived', 'answered', 'enqueued', 'offered', 'connected', 'transferred', 'ended']);
    const view = await simJson<{ agentId?: string; state: string }>(sim, 'GET', `/_sim/calls/${d.callId}`);
    expect(view.agentId).toBe(agent(2));
  });

  it('a transfer nobody answers fails back to established (500/7000): offer declined, call back in its call queue', async () => {
    const d = await queued();
    await d.apply({
      kind: 'offer',
      key: 't2',
      at: Date.now(),
      offerId: 't2',
      agentId: 'agent04',
      userId: agent(4),
      via: 'transfer',
    });
    await d.until('offer declined', (x) => x.log.includes('offerDeclined'));
    expect(callSummary(d.record!).phase).toBe('queued');
    // The caller stayed on hold through the transfer: the music plays on, and a second startHoldMusic would be a 400
    // (one participant on hold at a time, participant-startholdmusic.md).
    expect(d.commands.filter((c) => c === 'startHoldMusic')).toHaveLength(1);
    const view = await simJson<{ participants: { kind: string; onHold: boolean }[]; heard: HeardEntry[] }>(
      sim,
      'GET',
      `/_sim/calls/${d.callId}`,
    );
    expect(view.participants.find((p) => p.kind === 'caller')?.onHold).toBe(true);
    expect(view.heard.filter((h) => h.kind === 'music').map((h) => h.until)).toEqual([undefined]);
    await cc.hangUp(d.callId);
    await d.until('ended', (x) => x.record?.end !== undefined);
  });

  it('invite an agent into the bot call: roster + completion connect; hold music stops', async () => {
    const d = await queued();
    await d.apply({
      kind: 'offer',
      key: 'i1',
      at: Date.now(),
      offerId: 'i1',
      agentId: 'agent03',
      userId: agent(3),
      via: 'invite',
    });
    await d.until('connected', (x) => x.record?.connected !== undefined);
    expect(d.commands).toEqual(['answer', 'startHoldMusic', 'invite', 'stopHoldMusic']);
    // every roster is whole (bot + caller from the answer on); the one after the invite lists the agent too
    const roster = await waitEvent(
      'roster with the agent',
      d.callId,
      isType('participantsChanged', (e) => e.participants.some((p) => p.userId === agent(3))),
    );
    expect(roster.participants.some((p) => p.phone === CALLER)).toBe(true);
    await d.until('hold music stopped', (x) => x.record?.hold?.state === 'off');
    await expect(cc.hangUp(d.callId)).resolves.toBe('ended');
    await d.until('ended', (x) => x.record?.end !== undefined);
    expect(callSummary(d.record!)).toMatchObject({ outcome: 'completed', agentId: 'agent03' });
  });

  it('hold music: 202 + completion by notification, one participant at a time; invite takes hidden flags', async () => {
    const d = await queued();
    const pid = d.record!.arrival!.callerParticipantId!;
    // the machine put the caller on hold: the operation completes by notification
    await d.until('hold music on', (x) => x.record?.hold?.state === 'on');
    const second = await cc
      .startHoldMusic(d.callId, pid, { clientContext: `${d.callId}|hold|again` })
      .catch((x: unknown) => x);
    expect(second).toMatchObject({ kind: 'badRequest', status: 400 });

    const stop = await cc.stopHoldMusic(d.callId, pid, `${d.callId}|unhold|x`);
    expect(stop.status.toLowerCase()).toBe('running');
    await waitEvent(
      'stop completed',
      d.callId,
      isType('operationFinished', (e) => e.clientContext === `${d.callId}|unhold|x` && e.status === 'completed'),
    );
    const start = await cc.startHoldMusic(d.callId, pid, {
      customPromptUri: `${promptBase}/hold.wav`,
      clientContext: `${d.callId}|hold|x`,
    });
    expect(start.status.toLowerCase()).toBe('running');
    await waitEvent(
      'start completed',
      d.callId,
      isType('operationFinished', (e) => e.clientContext === `${d.callId}|hold|x` && e.status === 'completed'),
    );
    const heard = (await simJson<{ heard: HeardEntry[] }>(sim, 'GET', `/_sim/calls/${d.callId}`)).heard;
    const music = heard.filter((h) => h.kind === 'music');
    expect(music).toHaveLength(2);
    expect(music[0].until).toBeDefined();
    expect(music[1]).toMatchObject({ uri: `${promptBase}/hold.wav` });
    expect(music[1].until).toBeUndefined();

    const op = await cc.invite(d.callId, {
      participants: [
        {
          target: { kind: 'user', userId: agent(5), tenantId },
          hidden: true,
          removeFromDefaultAudioRoutingGroup: true,
        },
      ],
      clientContext: `${d.callId}|monitor`,
    });
    expect(op.clientContext).toBe(`${d.callId}|monitor`);
    // agent05 is free (agent01 talks on after the redirect test's call)
    const joined = await waitEvent(
      'monitor joined',
      d.callId,
      isType('operationFinished', (e) => e.clientContext === `${d.callId}|monitor`),
    );
    expect(joined.status).toBe('completed');
    const view = await simJson<{
      participants: { userId?: string; hidden: boolean; removeFromDefaultAudioRoutingGroup: boolean }[];
    }>(sim, 'GET', `/_sim/calls/${d.callId}`);
    expect(view.participants.find((p) => p.userId === agent(5))).toMatchObject({
      hidden: true,
      removeFromDefaultAudioRoutingGroup: true,
    });
    await cc.hangUp(d.callId);
  });
});

describe('outbound calls and errors', () => {
  it('creates an outbound PSTN call from our resource account; it gets established', async () => {
    const { callId } = await cc.createCall({
      sourceApplicationInstanceId: resourceAccountId,
      target: { kind: 'phone', number: '+14255550777' },
      callbackUri: webhook,
      clientContext: 'callback-1',
    });
    expect(callId).toBeTruthy();
    await waitEvent(
      'established',
      callId,
      isType('callStateChanged', (e) => e.state === 'established'),
    );
    await expect(cc.hangUp(callId)).resolves.toBe('ended');
  });

  it('actions on a call that does not exist are "call gone" with the status; a wrong action is a badRequest', async () => {
    const ghost = randomUUID();
    const e = await cc.answer(ghost, { callbackUri: webhook }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CallGoneError);
    expect(e).toMatchObject({ kind: 'callGone', status: 404, operation: `POST /communications/calls/${ghost}/answer` });
    await expect(cc.keepAlive(ghost)).resolves.toBe('gone');
    // (participant DELETE and mute are not routed by the current simulator: not exercised here)

    const callId = await placeCall();
    await waitEvent('incoming', callId, isType('incomingCall'));
    await cc.answer(callId, { callbackUri: webhook });
    const again = await cc.answer(callId, { callbackUri: webhook }).catch((x: unknown) => x);
    expect(again).toBeInstanceOf(CallControlError);
    expect((again as CallControlError).kind).toBe('badRequest');
    expect((again as CallControlError).status).toBe(400);
    await cc.hangUp(callId);
  });

  it('throttled (429/503 with Retry-After): waits as told and gets through; never early', async () => {
    const patient = new GraphCallControlFactory(
      loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...appEnvForSimulator(sim.settings) }),
      { retry: { maxAttempts: 12 } },
    ).forTenant(tenantId);
    // Several 1 s Retry-Afters in a row (token requests are throttled too) can outlast the 4 s ring time this file
    // uses: the call would end unanswered before the answer gets through (404/8522). Ring as long as Graph does here.
    await simJson(sim, 'POST', '/_sim/faults', {
      throttleProbability: 0.3,
      errorProbability: 0.1,
      retryAfterSeconds: 1,
      incomingCallTimeoutMs: 15_000,
    });
    try {
      const callId = await placeCall();
      await waitEvent('incoming', callId, isType('incomingCall'));
      await patient.answer(callId, { callbackUri: webhook });
      await waitEvent(
        'established',
        callId,
        isType('callStateChanged', (e) => e.state === 'established'),
      );
      for (let i = 0; i < 4; i++) await expect(patient.keepAlive(callId)).resolves.toBe('alive');
      await patient.hangUp(callId);
    } finally {
      await simJson(sim, 'POST', '/_sim/faults', {
        throttleProbability: 0,
        errorProbability: 0,
        incomingCallTimeoutMs: 4_000,
      });
    }
    const state = await simJson<{ stats: { throttled: number; retryAfterViolations: number } }>(
      sim,
      'GET',
      `/_sim/state?tenantId=${tenantId}`,
    );
    expect(state.stats.retryAfterViolations).toBe(0);
  });
});
