/**
 * Menus end to end (devhost + Azurite + simulator): prompts uploaded and fetched by the simulator's Graph as real
 * WAVs from our media route, `{text}` prompts rendered by the local text-to-speech stand-in (espeak-ng), an endpoint
 * bound to a menu with PATCH. "Press 2 for Spanish" reaches the only Spanish-skilled agent; an invalid key plays the
 * invalid prompt and the menu again, then no input ends the call by the no-input action; after hours (MENUS_CLOCK, a
 * Wednesday 10:00 in Paris, against a menu open on Saturdays only) the closed greeting plays, then the closed action.
 * Assertions read what the caller heard and pressed (the simulator's call view) and the call's story (our API).
 */
import { AgentsRepository } from '../../../shared/callqueues';
import { encodeWav } from '../../../shared/menus';
import { startSystem, type System } from '../../../scripts/lib/system';
import { CONNECTION, callsTenant, eventually, placeCall, provisionedEndpoint } from '../../support/calls-system';

const MAIN = '+14255550110';
const AFTER = '+14255550111';
const WAITING = '+14255550112';
const tenant = callsTenant([MAIN, AFTER, WAITING]);
const T = tenant.tenantId;
let system: System;
let admin: string;
let mainUpn: string;
let afterUpn: string;
let waitingUpn: string;

interface Heard {
  kind: string;
  uri?: string;
}
interface View {
  state: string;
  endReason?: string;
  participants: { kind: string; userId?: string }[];
  heard: Heard[];
  tones: { tone: string }[];
}
interface Story {
  phase: string;
  outcome?: string;
  events: { kind: string; detail?: string; agentId?: string; callQueueId?: string }[];
}

const view = (id: string) => system.sim<View>('GET', `/_sim/calls/${id}`);
const story = async (id: string): Promise<Story> =>
  (await (await system.api('GET', `/api/tenants/${T}/calls/${id}`, { token: admin })).json()) as Story;
/** The name part of what the caller heard: `/prompts/{t}/{name}/{sha}.wav` or `/prompts/default/{name}.wav`. */
const names = (heard: Heard[]) =>
  heard
    .filter((h) => h.kind === 'prompt')
    .map((h) => /\/api\/media\/prompts\/(?:default\/([^/]+)\.wav|[^/]+\/([^/]+)\/[0-9a-f]{64}\.wav)$/.exec(h.uri ?? ''))
    .map((m) => (m ? (m[1] ?? m[2]) : 'unknown'));

/** A 0.4 s 440 Hz tone at `rate` Hz, `channels` channels. */
function tone(rate = 16000, channels = 1): Buffer {
  const n = Math.round(rate * 0.4);
  const s = new Int16Array(n * channels);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < channels; c++)
      s[i * channels + c] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  const wav = encodeWav(s, rate);
  wav.writeUInt16LE(channels, 22);
  wav.writeUInt32LE(rate * channels * 2, 28);
  wav.writeUInt16LE(channels * 2, 32);
  return wav;
}

const putWav = (name: string, body: Buffer, type = 'audio/wav') =>
  fetch(`${system.origin}/api/tenants/${T}/prompts/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': type },
    body,
  });

const putMenu = (id: string, body: unknown) =>
  system.api('PUT', `/api/tenants/${T}/menus/${id}`, { token: admin, body });

beforeAll(async () => {
  system = await startSystem({
    seed: tenant.seed,
    faults: { incomingCallTimeoutMs: 4000, promptDurationMs: 400, dtmfIntervalMs: 150 },
    // Wednesday 2 December 2026, 10:00 in Paris.
    env: { MENUS_CLOCK: '2026-12-02T09:00:00Z' },
  });
  admin = await system.token(['Switchboard.Admin'], { tenantId: T });
  const cq = await system.api('PUT', `/api/tenants/${T}/callQueues/support`, {
    token: admin,
    body: {
      name: 'Support',
      routingMethod: 'skillsBased',
      agents: [{ userPrincipalName: 'agent01@contoso.com' }, { userPrincipalName: 'agent02@contoso.com' }],
    },
  });
  expect(cq.status).toBe(201);
  expect((await putWav('welcome', tone())).status).toBe(201);
  const main = await putMenu('main', {
    greeting: { prompt: 'welcome' },
    options: [
      { key: '1', prompt: { text: 'For English, press 1.' }, action: { kind: 'callQueue', queueId: 'support' } },
      {
        key: '2',
        prompt: { text: 'Para español, oprima 2.' },
        action: { kind: 'callQueue', queueId: 'support', requiredSkills: { spanish: 3 }, priority: 2 },
      },
    ],
    inputTimeoutS: 2,
    maxRetries: 1,
    noInputAction: { kind: 'disconnect' },
  });
  expect(main.status).toBe(201);
  const after = await putMenu('after-hours', {
    greeting: { prompt: 'welcome' },
    options: [{ key: '1', action: { kind: 'callQueue', queueId: 'support' } }],
    noInputAction: { kind: 'disconnect' },
    businessHours: {
      timeZone: 'Europe/Paris',
      weekly: [{ days: ['sat'], from: '09:00', to: '12:00' }],
      holidays: [{ date: '2026-12-25', name: 'Christmas' }],
      closedGreeting: { prompt: 'closed' },
      closedAction: { kind: 'disconnect' },
    },
  });
  expect(after.status).toBe(201);
  mainUpn = await provisionedEndpoint(tenant, MAIN, { callQueueId: 'support' });
  afterUpn = await provisionedEndpoint(tenant, AFTER, { callQueueId: 'support' });
  waitingUpn = await provisionedEndpoint(tenant, WAITING, { callQueueId: 'support' });
  for (const [upn, menuId] of [
    [mainUpn, 'main'],
    [afterUpn, 'after-hours'],
  ]) {
    const res = await system.api('PATCH', `/api/tenants/${T}/endpoints/${upn}`, { token: admin, body: { menuId } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { menuId?: string }).menuId).toBe(menuId);
  }
  // Only agent02 speaks Spanish.
  const agents = new AgentsRepository(CONNECTION);
  for (const a of await agents.list(T)) {
    const skills: Record<string, number> =
      a.userPrincipalName === 'agent02@contoso.com' ? { spanish: 4, english: 3 } : { english: 5 };
    await agents.update(T, a.agentId, (cur) => (cur ? { ...cur, skills } : undefined));
  }
}, 90_000);

afterAll(async () => {
  await system?.stop();
});

test('a WAV of the wrong format is refused naming each field; a menu cycle is refused naming its path', async () => {
  const bad = await putWav('stereo', tone(44100, 2));
  expect(bad.status).toBe(400);
  const errors = ((await bad.json()) as { errors: { field: string; message: string }[] }).errors;
  expect(errors).toEqual([
    { field: 'channels', message: 'is 2; must be 1 (mono)' },
    { field: 'sampleRate', message: 'is 44100 Hz; must be 16000' },
  ]);
  expect((await putWav('mp3', Buffer.from('ID3'), 'audio/mpeg')).status).toBe(400);
  const got = await fetch(`${system.origin}/api/tenants/${T}/prompts/welcome`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  expect(got.headers.get('content-type')).toBe('audio/wav');
  expect(Buffer.from(await got.arrayBuffer()).equals(tone())).toBe(true);

  const leaf = { greeting: { prompt: 'welcome' }, options: [], noInputAction: { kind: 'disconnect' } };
  expect((await putMenu('a', { ...leaf, noInputAction: { kind: 'menu', menuId: 'b' } })).status).toBe(400); // b missing
  expect((await putMenu('b', leaf)).status).toBe(201);
  expect((await putMenu('a', { ...leaf, noInputAction: { kind: 'menu', menuId: 'b' } })).status).toBe(201);
  const cycle = await putMenu('b', { ...leaf, options: [{ key: '0', action: { kind: 'menu', menuId: 'a' } }] });
  expect(cycle.status).toBe(400);
  expect(JSON.stringify(await cycle.json())).toContain('menus would form a cycle: b → a → b');
}, 30_000);

test('"Press 2 for Spanish" (typed ahead during the greeting) reaches the only Spanish-skilled agent', async () => {
  const { callId } = await placeCall(system, T, MAIN, { dtmf: '2', handleTimeS: 2 });
  const v = await eventually(async () => {
    const x = await view(callId);
    return x.participants.some((p) => p.kind === 'agent') ? x : undefined;
  }, 40_000);
  const list = (await (await system.api('GET', `/api/tenants/${T}/agents`, { token: admin })).json()) as {
    items: { agentId: string; userPrincipalName: string }[];
  };
  const agent02 = list.items.find((a) => a.userPrincipalName === 'agent02@contoso.com')!.agentId;
  expect(v.participants.find((p) => p.kind === 'agent')?.userId?.toLowerCase()).toBe(agent02);
  expect(v.tones.map((t) => t.tone)).toEqual(['tone2']);
  expect(names(v.heard)[0]).toBe('welcome');
  const s = await eventually(async () => {
    const x = await story(callId);
    return x.events.some((e) => e.kind === 'connected') ? x : undefined;
  }, 20_000);
  const kinds = s.events.map((e) => e.kind);
  expect(kinds.indexOf('menuEntered')).toBeLessThan(kinds.indexOf('menuKey'));
  expect(kinds.indexOf('menuKey')).toBeLessThan(kinds.indexOf('enqueued'));
  expect(s.events.find((e) => e.kind === 'menuKey')?.detail).toBe('key 2: callQueue support');
  expect(s.events.find((e) => e.kind === 'offered')?.agentId).toBe(agent02);
}, 60_000);

test('an invalid key plays the invalid prompt and the menu again; then no input ends the call', async () => {
  const { callId } = await placeCall(system, T, MAIN, { dtmf: 'w7' });
  const v = await eventually(async () => {
    const x = await view(callId);
    return x.state === 'terminated' ? x : undefined;
  }, 40_000);
  expect(v.endReason).toBe('endedByBot');
  expect(v.tones.map((t) => t.tone)).toEqual(['tone7']);
  const heard = names(v.heard);
  const menu = heard.slice(0, 3);
  expect(menu[0]).toBe('welcome');
  expect(menu[1]).toMatch(/^tts-/);
  expect(heard).toEqual([...menu, 'invalid-entry', ...menu]);
  const s = await eventually(async () => {
    const x = await story(callId);
    return x.phase === 'ended' ? x : undefined;
  }, 20_000);
  expect(s.events.map((e) => e.kind).filter((k) => k.startsWith('menu'))).toEqual([
    'menuEntered',
    'menuInvalid',
    'menuNoInput',
  ]);
  expect(s.events.find((e) => e.kind === 'menuNoInput')?.detail).toMatch(/retries used up \(1\): disconnect/);
  expect(s.outcome).toBe('endedByMenu');
}, 60_000);

test('after hours: the closed greeting, then the closed action; keys are not taken', async () => {
  const { callId } = await placeCall(system, T, AFTER, { dtmf: '1' });
  const v = await eventually(async () => {
    const x = await view(callId);
    return x.state === 'terminated' ? x : undefined;
  }, 40_000);
  expect(names(v.heard)).toEqual(['closed']);
  expect(v.endReason).toBe('endedByBot');
  expect(v.participants.some((p) => p.kind === 'agent')).toBe(false);
  const s = await eventually(async () => {
    const x = await story(callId);
    return x.phase === 'ended' ? x : undefined;
  }, 20_000);
  const closed = s.events.find((e) => e.kind === 'menuClosed');
  expect(closed?.detail).toBe('after-hours: outside hours (wed 2026-12-02 10:00 Europe/Paris); then disconnect');
  expect(s.events.some((e) => e.kind === 'enqueued')).toBe(false);
}, 60_000);

test('waiting callers hear their position and expected wait: 1, 2, 3 in order of arrival', async () => {
  // One agent staffed but Away in Teams: no call is offered, and the estimate counts them (free now, then 180 s a call).
  const cq = await system.api('PUT', `/api/tenants/${T}/callQueues/waiting`, {
    token: admin,
    body: {
      name: 'Waiting',
      agents: [{ userPrincipalName: 'agent03@contoso.com' }],
      announcements: { positionAndWait: true, firstAfterS: 0, everyS: 300 },
    },
  });
  expect(cq.status).toBe(201);
  await system.sim('POST', '/_sim/agents/agent03@contoso.com/presence', { availability: 'Away', activity: 'Away' });
  const bound = await system.api('PATCH', `/api/tenants/${T}/endpoints/${waitingUpn}`, {
    token: admin,
    body: { queueId: 'waiting' },
  });
  expect(bound.status).toBe(200);
  const expected = [
    ['caller-number', 'n-1', 'expected-wait', 'less-than-a-minute'],
    ['caller-number', 'n-2', 'expected-wait', 'n-3', 'minutes'],
    ['caller-number', 'n-3', 'expected-wait', 'n-6', 'minutes'],
  ];
  const heard: string[][] = [];
  const details: string[] = [];
  for (const words of expected) {
    const { callId } = await placeCall(system, T, WAITING);
    const announced = await eventually(async () => {
      const x = await story(callId);
      return x.events.find((e) => e.kind === 'announced');
    }, 30_000);
    details.push(announced.detail ?? '');
    const v = await eventually(async () => {
      const x = await view(callId);
      return names(x.heard).length >= words.length ? x : undefined;
    }, 30_000);
    heard.push(names(v.heard));
  }
  expect(details).toEqual([
    'position 1, estimated wait 0 s',
    'position 2, estimated wait 180 s',
    'position 3, estimated wait 360 s',
  ]);
  expect(heard).toEqual(expected);
}, 120_000);
