/**
 * The Graph CallControl adapter and the call machine against the real simulator over HTTPS: the simulator places
 * PSTN calls to a numbered resource account synced to the bot and POSTs commsNotifications to a local webhook
 * (a plain HTTP server here), which parses them with the real parser; the test plays router, applying each event to
 * the call machine and carrying out its commands through the adapter.
 */
jest.setTimeout(90_000);

import {
  ArrivalRoute,
  CallEvent,
  CallControlError,
  CallGoneError,
  GraphCallControlFactory,
  applyCallInput,
  callSummary,
} from '../../../../shared/calls';
import { randomUUID } from 'node:crypto';
import { appEnvForSimulator } from '../../../../scripts/lib/app-env';
import { loadConfig } from '../../../../shared/config';
import type { RunningSimulator } from '../../../../simulator';
import { CallHarness, Driver, isType } from '../../../support/calls-driver';
import { simJson, waitFor } from '../../../support/test-simulator';

const NUMBER = '+14255550100';
const CALLER = '+14255550999';
const QUEUE: ArrivalRoute = { action: 'answer', callQueueId: 'support' };

const h = new CallHarness({
  number: NUMBER,
  caller: CALLER,
  account: { userPrincipalName: 'support@contoso.com', displayName: 'Support' },
  faults: {
    establishDelayMs: 50,
    promptDurationMs: 200,
    dtmfIntervalMs: 50,
    incomingCallTimeoutMs: 4_000,
    outboundAnswerDelayMs: 200,
    defaultHandleTimeS: 30,
  },
});
const { received, parseErrors } = h;
let sim: RunningSimulator;
let cc: CallHarness['cc'];
let webhook: string;
/** Where the simulator fetches prompts: it plays only a mono 16-bit 16 kHz PCM WAV it could download. */
let promptBase: string;
let tenantId: string;
let resourceAccountId: string;

const agent = (n: number) => h.agent(n);
const events = (callId: string): CallEvent[] => h.events(callId);
const waitEvent = <T extends CallEvent>(
  what: string,
  callId: string,
  pick: (e: CallEvent) => e is T,
  timeoutMs?: number,
) => h.waitEvent(what, callId, pick, timeoutMs);
const placeCall = (extra: Record<string, unknown> = {}) => h.placeCall(extra);

interface HeardEntry {
  kind: 'prompt' | 'music';
  uri?: string;
  until?: number;
}

beforeAll(async () => {
  await h.start();
  ({ sim, cc, webhook, promptBase, tenantId, resourceAccountId } = h);
  for (const upn of ['agent01@contoso.com', 'agent02@contoso.com', 'agent03@contoso.com', 'agent05@contoso.com'])
    await simJson(sim, 'POST', `/_sim/agents/${upn}/profile`, { answerDelayMs: 300, answerProbability: 1 });
  await simJson(sim, 'POST', '/_sim/agents/agent04@contoso.com/profile', { answerDelayMs: 300, answerProbability: 0 });
});

afterAll(async () => {
  await h.stop();
});

afterEach(() => {
  expect(parseErrors).toEqual([]);
});

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

    const d = h.driver(callId, QUEUE);
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
    const d = h.driver(callId, QUEUE);
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
    const d = h.driver(callId, { action: 'reject', reason: 'busy', why: 'no call queue' });
    await d.until('ended', (x) => x.record?.end !== undefined);
    expect(d.commands).toEqual(['reject']);
    expect(callSummary(d.record!)).toMatchObject({ phase: 'ended', outcome: 'rejected' });
    expect(d.record!.end!.resultInfo?.code).toBeGreaterThanOrEqual(400);
  });

  it('redirect offers the unanswered call to an agent; the agent answers (0/7015)', async () => {
    const callId = await placeCall();
    const d = h.driver(callId, QUEUE);
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
    const d = h.driver(callId, QUEUE);
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
