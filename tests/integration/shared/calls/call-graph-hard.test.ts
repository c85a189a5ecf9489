/**
 * shared/calls against what the simulator now does as Graph does (issue 12), each behaviour once a stand-in only:
 * participant mute and DELETE, deliveries that arrive partial, duplicated and reordered yet converge through the
 * parser and the machine, 8522 on a gone call, keepAlive expiry 408/8537, callback tokens of both issuers and a key
 * rotation through the app's validator, and a redirect to an agent whose voicemail would answer.
 */
jest.setTimeout(90_000);

import { BotNotificationTokenValidator } from '../../../../shared/auth/bot-token';
import {
  ArrivalRoute,
  CallEvent,
  CallInput,
  CallGoneError,
  applyCallInput,
  applyCallInputs,
  callSummary,
} from '../../../../shared/calls';
import type { RunningSimulator } from '../../../../simulator';
import { CallHarness, Driver, isType } from '../../../support/calls-driver';
import { simJson, waitFor } from '../../../support/test-simulator';

const NUMBER = '+14255550101';
const CALLER = '+14255550998';
const QUEUE: ArrivalRoute = { action: 'answer', callQueueId: 'support' };

const h = new CallHarness({
  number: NUMBER,
  caller: CALLER,
  account: { userPrincipalName: 'sales@contoso.com', displayName: 'Sales' },
  faults: {
    establishDelayMs: 50,
    promptDurationMs: 200,
    dtmfIntervalMs: 50,
    incomingCallTimeoutMs: 4_000,
    outboundAnswerDelayMs: 200,
    defaultHandleTimeS: 30,
    // retries come quickly enough for a test; they still overtake later POSTs
    notificationRetryBaseMs: 100,
  },
});
const { received, parseErrors } = h;
let sim: RunningSimulator;
let cc: CallHarness['cc'];
let base: string;
let webhook: string;
let config: CallHarness['config'];
let tenantId: string;

const agent = (n: number) => h.agent(n);
const events = (callId: string): CallEvent[] => h.events(callId);
const waitEvent = <T extends CallEvent>(
  what: string,
  callId: string,
  pick: (e: CallEvent) => e is T,
  timeoutMs?: number,
) => h.waitEvent(what, callId, pick, timeoutMs);
const placeCall = (extra: Record<string, unknown> = {}) => h.placeCall(extra);
const queued = (callbackUri = webhook, extra: Record<string, unknown> = {}) => h.queued(QUEUE, callbackUri, extra);

interface View {
  state: string;
  endReason?: string;
  answeredBy?: string;
  resultInfo?: { code: number; subcode: number };
  participants: { id: string; kind: string; userId?: string; phone?: string; isMuted: boolean }[];
}
const view = (callId: string) => h.view<View>(callId);

beforeAll(async () => {
  await h.start();
  ({ sim, cc, base, webhook, config, tenantId } = h);
  await simJson(sim, 'POST', '/_sim/agents/agent01@contoso.com/profile', { answerDelayMs: 300, answerProbability: 1 });
});

afterAll(async () => {
  await h.stop();
});

afterEach(() => {
  expect(parseErrors).toEqual([]);
});

describe('participants: mute and DELETE (participant-mute.md, participant-delete.md)', () => {
  it('mutes a participant (operation + roster isMuted), removes them (roster without them), then 404/8522', async () => {
    const d = await queued();
    const op = await cc.invite(d.callId, {
      participants: [{ target: { kind: 'phone', number: '+14255550777' } }],
      clientContext: `${d.callId}|pstn`,
    });
    expect(op.status.toLowerCase()).toBe('running');
    const joined = await waitEvent(
      'roster with the PSTN participant',
      d.callId,
      isType('participantsChanged', (e) => e.participants.some((p) => p.phone === '+14255550777')),
    );
    const pid = joined.participants.find((p) => p.phone === '+14255550777')!.participantId!;
    expect(joined.participants.find((p) => p.phone === '+14255550777')!.isMuted).toBe(false);

    const mute = await cc.muteParticipant(d.callId, pid, `${d.callId}|mute`);
    expect(mute.status.toLowerCase()).toBe('running');
    const done = await waitEvent(
      'mute completed',
      d.callId,
      isType('operationFinished', (e) => e.clientContext === `${d.callId}|mute`),
    );
    expect(done.status).toBe('completed');
    await waitEvent(
      'roster with the participant muted',
      d.callId,
      isType('participantsChanged', (e) => e.participants.some((p) => p.participantId === pid && p.isMuted === true)),
    );

    await expect(cc.removeParticipant(d.callId, pid)).resolves.toBe('removed');
    await waitEvent(
      'roster without the participant',
      d.callId,
      isType(
        'participantsChanged',
        (e) => e.participants.some((p) => p.phone === CALLER) && !e.participants.some((p) => p.participantId === pid),
      ),
    );
    expect((await view(d.callId)).participants.some((p) => p.id === pid)).toBe(false);
    // gone now: DELETE says so without throwing; mute is a CallGoneError carrying Graph's 8522
    await expect(cc.removeParticipant(d.callId, pid)).resolves.toBe('gone');
    const e = await cc.muteParticipant(d.callId, pid).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CallGoneError);
    expect(e).toMatchObject({ status: 404, resultCode: 8522 });
    await cc.hangUp(d.callId);
    await d.until('ended', (x) => x.record?.end !== undefined);
  });
});

describe('deliveries: partial, batched, duplicated and reordered, yet the machine converges', () => {
  it('a call read through a webhook that answers every other POST 500 ends as it would in order', async () => {
    // Every establishing/established pair swapped, so the convergence under reordering is exercised every run (the
    // knob's default 0.2 would leave it to chance).
    await simJson(sim, 'POST', '/_sim/faults', { establishSwapProbability: 1 });
    let d: Driver;
    try {
      d = await queued(`${base}/flaky`, { dtmf: '1234#' });
    } finally {
      await simJson(sim, 'POST', '/_sim/faults', { establishSwapProbability: 0.2 });
    }
    await cc.subscribeToTone(d.callId, `${d.callId}|tones`);
    await d.until('five tones', (x) => x.record!.tones.length === 5);
    await simJson(sim, 'POST', `/_sim/calls/${d.callId}/hangup`);
    await d.until('ended', (x) => x.record?.end !== undefined);
    await new Promise((r) => setTimeout(r, 1_000)); // let the last retries land

    const posts = received.filter((r) => r.path === '/flaky' && r.events.some((e) => e.callId === d.callId));
    expect(posts.some((p) => p.status === 500)).toBe(true);
    const all = events(d.callId);
    const keys = all.map((e) => e.key);
    expect(new Set(keys).size).toBeLessThan(keys.length); // duplicates were read
    // establishing arrived after established (swapped), partial: a state and nothing else
    const states = all.filter(isType('callStateChanged')).map((e) => e.state);
    expect(states.indexOf('established')).toBeLessThan(states.indexOf('establishing'));

    // the live machine: one of each unique log kind, the tones in order, abandoned at the caller's hang-up
    expect(d.record!.tones.map((t) => t.tone)).toEqual(['tone1', 'tone2', 'tone3', 'tone4', 'pound']);
    expect(d.log).toEqual(['arrived', 'answered', 'enqueued', 'ended', 'abandoned']);
    expect(d.commands).toEqual(['answer', 'startHoldMusic']);
    const live = callSummary(d.record!);
    expect(live).toMatchObject({ phase: 'ended', outcome: 'abandoned', resultCode: 200, resultSubcode: 540000 });

    // the same events replayed in other orders (incoming first: the route is looked up from it) converge
    const at = new Map(all.map((e, i) => [e.key, 1_000 + i]));
    const first = all[0];
    expect(first.type).toBe('incomingCall');
    const rest = all.slice(1);
    for (let round = 0; round < 20; round++) {
      const shuffled = [...rest].sort(() => Math.random() - 0.5);
      const inputs: CallInput[] = [first, ...shuffled].map((event) => ({
        kind: 'graph',
        event,
        at: at.get(event.key)!,
        route: QUEUE,
      }));
      const replay = applyCallInputs(undefined, inputs, { callbackUri: `${base}/flaky` });
      const s = callSummary(replay.record!);
      expect(s).toMatchObject({ phase: 'ended', outcome: 'abandoned', resultCode: 200, resultSubcode: 540000 });
      expect(replay.record!.tones.map((t) => t.tone)).toEqual(['tone1', 'tone2', 'tone3', 'tone4', 'pound']);
      expect(replay.log.filter((e) => e.kind === 'answered')).toHaveLength(1);
    }
  });
});

describe('a call that is gone', () => {
  it('answers 404/8522 to an action after the bot hung up (terminating, then deleted 200/7000)', async () => {
    const d = await queued();
    await expect(cc.hangUp(d.callId)).resolves.toBe('ended');
    await d.until('ended', (x) => x.record?.end !== undefined);
    const states = events(d.callId)
      .filter(isType('callStateChanged'))
      .map((e) => e.state);
    expect(states).toContain('terminating');
    expect(callSummary(d.record!)).toMatchObject({ resultCode: 200, resultSubcode: 7000 });
    for (const p of [
      cc.playPrompt(d.callId, { promptUris: ['https://x/y.wav'], clientContext: 'c' }),
      cc.startHoldMusic(d.callId, d.record!.arrival!.callerParticipantId!),
      cc.subscribeToTone(d.callId),
    ]) {
      const e = await p.catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CallGoneError);
      expect(e).toMatchObject({ kind: 'callGone', status: 404, resultCode: 8522 });
    }
    await expect(cc.keepAlive(d.callId)).resolves.toBe('gone');
  });
});

describe('keepAlive (call-keepalive.md)', () => {
  it('keeps a call alive; without one Graph drops it 408/8537 — failed, not abandoned — and keepAlive says gone', async () => {
    // 45 minutes shortened to 1.5 s for this call only (the knob is read when the timer is armed)
    await simJson(sim, 'POST', '/_sim/faults', { keepAliveTimeoutMs: 1_500 });
    let d: Driver;
    try {
      d = await queued();
      await new Promise((r) => setTimeout(r, 900));
      await expect(cc.keepAlive(d.callId)).resolves.toBe('alive');
      await new Promise((r) => setTimeout(r, 900));
      expect(d.record!.end).toBeUndefined(); // 1.8 s after the answer, alive thanks to the keepAlive
      await d.until('dropped', (x) => x.record?.end !== undefined, 10_000);
    } finally {
      await simJson(sim, 'POST', '/_sim/faults', { keepAliveTimeoutMs: 2_700_000 });
    }
    expect(callSummary(d.record!)).toMatchObject({
      phase: 'ended',
      outcome: 'failed',
      resultCode: 408,
      resultSubcode: 8537,
    });
    expect((await view(d.callId)).endReason).toBe('keepAliveTimeout');
    await expect(cc.keepAlive(d.callId)).resolves.toBe('gone');
  });
});

describe('callback tokens (shared/auth/bot-token.ts)', () => {
  it('accepts both issuers, and a rotated key (an unknown kid refreshes the keys, at most once a second)', async () => {
    const validator = new BotNotificationTokenValidator(config);
    const start = received.length;
    const d = await queued();
    await cc.hangUp(d.callId);
    await d.until('ended', (x) => x.record?.end !== undefined);
    const tokens = received.slice(start).map((r) => r.authorization);
    const issuers = new Set<string>();
    for (const t of tokens) {
      const claims = await validator.validate(t);
      expect(claims.tenantId).toBe(tenantId);
      issuers.add(claims.issuer);
    }
    expect([...issuers].sort()).toEqual(['https://api.botframework.com', 'https://graph.microsoft.com']);

    const { kid } = await simJson<{ kid: string }>(sim, 'POST', '/_sim/keys/rotate');
    const after = received.length;
    const next = await placeCall();
    await waitEvent('incoming call after the rotation', next, isType('incomingCall'));
    const token = received.slice(after).find((r) => r.events.some((e) => e.callId === next))!.authorization!;
    const header = JSON.parse(Buffer.from(token.split(' ')[1].split('.')[0], 'base64url').toString('utf8')) as {
      kid: string;
    };
    expect(header.kid).toBe(kid);
    // The same validator, its keys fetched a moment ago, refreshes them on the unknown kid: at most once a second
    // (shared/auth/jwks.ts) — jose's default 30 s cooldown refused this token, and would have refused Graph's retries.
    await new Promise((r) => setTimeout(r, 1_100));
    await expect(validator.validate(token)).resolves.toMatchObject({ tenantId });
    // tokens signed with the retired key still pass during its grace period
    await expect(validator.validate(tokens[0])).resolves.toMatchObject({ tenantId });
    await simJson(sim, 'POST', `/_sim/calls/${next}/hangup`);
  });
});

describe('redirect to an agent whose voicemail would answer (call-redirect.md routingPolicies)', () => {
  it('the offer asks for disableForwarding: voicemail never takes the call, so it is never taken as an answer', async () => {
    await simJson(sim, 'POST', '/_sim/agents/agent02@contoso.com/profile', {
      answerDelayMs: 300,
      answerProbability: 0,
      forwardToVoicemailAfterS: 1,
    });
    // the contrast first: a redirect without the policy is "answered" by voicemail — Graph says 0/7015 either way
    const plain = await placeCall();
    await waitEvent('incoming', plain, isType('incomingCall'));
    await cc.redirect(plain, { targets: [{ kind: 'user', userId: agent(2), tenantId }], timeoutS: 15 });
    await waitFor('voicemail', async () => ((await view(plain)).answeredBy === 'voicemail' ? true : undefined));

    const callId = await placeCall();
    const d = h.driver(callId, QUEUE);
    await waitFor('incoming', async () => (events(callId).length ? true : undefined), 10_000, 50);
    d.record = applyCallInput(
      undefined,
      { kind: 'graph', event: events(callId)[0], at: Date.now(), route: QUEUE },
      { callbackUri: webhook },
    ).record;
    d.applied = 1;
    await d.apply({
      kind: 'offer',
      key: 'vm',
      at: Date.now(),
      offerId: 'vm',
      agentId: 'agent02',
      userId: agent(2),
      via: 'redirect',
      timeoutS: 15,
    });
    await d.until('ended', (x) => x.record?.end !== undefined, 30_000);
    const v = await view(callId);
    expect(v.answeredBy).not.toBe('voicemail');
    expect(v.participants.some((p) => p.kind === 'voicemail')).toBe(false);
    expect(d.log).not.toContain('connected');
    expect(callSummary(d.record!).outcome).not.toBe('transferred');
    expect(d.record!.end!.resultInfo?.code).toBe(408);
  });
});
