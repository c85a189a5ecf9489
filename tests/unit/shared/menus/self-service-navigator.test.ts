/**
 * The navigator leading a caller through a self-service, with in-process stand-ins for the tables and the
 * line-of-business port (the HTTP adapter is tested end to end): a key opens the self-service; digits are collected;
 * the last item asks for the request (`post`); the request is signed; an answer plays and then its action; every
 * failure plays the failure prompt and takes the fallback; no story note and no request id holds a digit.
 */
import {
  MenuNavigator,
  verifySelfServiceSignature,
  type LineOfBusinessPort,
  type MenuRecord,
  type NavigatorStep,
  type PromptRef,
  type SelfServiceRecord,
} from '../../../../shared/menus';
import { LineOfBusinessError } from '../../../../shared/menus';

const SECRET = 'a-secret-of-16-chars';
const main: MenuRecord = {
  tenantId: 't',
  menuId: 'main',
  greeting: { prompt: 'welcome' },
  options: [{ key: '3', action: { kind: 'selfService', serviceId: 'balance' } }],
  inputTimeoutS: 5,
  maxRetries: 2,
  noInputAction: { kind: 'disconnect' },
  updatedAt: '',
};
const service: SelfServiceRecord = {
  tenantId: 't',
  serviceId: 'balance',
  url: 'https://lob.example/balance',
  collect: [
    { name: 'account', prompt: { prompt: 'account' }, digits: { min: 4, max: 8 }, terminator: '#' },
    { name: 'pin', prompt: { prompt: 'pin' }, digits: { min: 4, max: 4 }, terminator: '#' },
  ],
  timeoutS: 5,
  maxRetries: 1,
  fallback: { kind: 'callQueue', queueId: 'support' },
  updatedAt: '',
};

type Answer = { status: number; text: string } | Error;

function navigator(answer: Answer, svc: SelfServiceRecord = service) {
  const sent: { url: string; headers: Record<string, string>; body: string; timeoutMs: number }[] = [];
  const lob: LineOfBusinessPort = {
    post: async (url, o) => {
      sent.push({ url, ...o });
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const nav = new MenuNavigator({
    menus: { get: async (_t, id) => (id === 'main' ? main : undefined) },
    prompts: {
      urls: async (_t, refs: readonly PromptRef[]) => refs.map((r) => ('prompt' in r ? r.prompt : `text:${r.text}`)),
    },
    selfServices: {
      services: {
        get: async (_t, id) => (id === svc.serviceId ? svc : undefined),
        secret: async () => SECRET,
      },
      lob,
    },
  });
  return { nav, sent };
}

const at = 1_764_000_000_000;
const call = { callId: 'c1', from: '+15557770000', requestId: 'c1:9' };

/** Enter, press 3, type the digits one by one; returns the steps. */
async function collect(nav: MenuNavigator, digits: string): Promise<NavigatorStep[]> {
  const steps: NavigatorStep[] = [];
  let s = await nav.step('t', { menuId: 'main', state: undefined, event: { kind: 'enter' }, at, call });
  steps.push(s);
  for (const key of ['3', ...digits]) {
    const tone = key === '#' ? 'pound' : key === '*' ? 'star' : `tone${key}`;
    s = await nav.step('t', { menuId: s.menuId, state: s.state, event: { kind: 'tone', tone }, at, call });
    steps.push(s);
  }
  return steps;
}

const okAnswer = JSON.stringify({
  say: [{ text: 'Your balance is 42 dollars and 10 cents.' }],
  then: { kind: 'menu', menuId: 'main' },
});

test('key 3 opens the self-service; digits are collected; the last one asks for the request', async () => {
  const { nav, sent } = navigator({ status: 200, text: okAnswer });
  const steps = await collect(nav, '12345#9876');
  expect(steps[1]).toMatchObject({ promptUris: ['account'], listen: true, cancel: true, sensitive: true });
  expect(steps[1].notes).toEqual([
    { kind: 'menuKey', detail: 'key 3: selfService balance' },
    { kind: 'selfService', detail: 'balance: collecting account, pin' },
  ]);
  expect(steps[1].notes.concat(...steps.map((s) => s.notes))).not.toContainEqual(
    expect.objectContaining({ detail: expect.stringMatching(/\d{3}/) }),
  );
  const done = steps[steps.length - 1];
  expect(done).toMatchObject({ post: true, sensitive: true, state: { phase: 'posting' } });
  expect(sent).toHaveLength(0);
});

test('the request: signed body {callId, from, collected}, the idempotency key, 5 s; the answer plays, then its action', async () => {
  const { nav, sent } = navigator({ status: 200, text: okAnswer });
  const steps = await collect(nav, '12345#9876');
  const posting = steps[steps.length - 1];
  const answered = await nav.step('t', { menuId: 'main', state: posting.state, event: { kind: 'post' }, at, call });
  expect(sent).toHaveLength(1);
  const req = sent[0];
  expect(JSON.parse(req.body)).toEqual({
    callId: 'c1',
    from: '+15557770000',
    collected: { account: '12345', pin: '9876' },
  });
  expect(req.timeoutMs).toBe(5000);
  expect(req.headers['X-Switchboard-Request-Id']).toBe('c1:9');
  expect(
    verifySelfServiceSignature(
      SECRET,
      { timestamp: req.headers['X-Switchboard-Timestamp'], signature: req.headers['X-Switchboard-Signature'] },
      req.body,
      at,
    ),
  ).toEqual({ ok: true });
  expect(answered).toMatchObject({
    promptUris: ['text:Your balance is 42 dollars and 10 cents.'],
    redact: true,
    state: { phase: 'closing', then: { kind: 'menu', menuId: 'main' } },
  });
  expect(answered.notes).toEqual([
    { kind: 'selfService', detail: 'balance: collected account (5 digits), pin (4 digits); ok; then menu main' },
  ]);
  expect(JSON.stringify(answered)).not.toMatch(/12345|9876/);
  // The answer has played: back to the menu, whose greeting plays.
  const back = await nav.step('t', { menuId: 'main', state: answered.state, event: { kind: 'promptDone' }, at });
  expect(back).toMatchObject({ promptUris: ['welcome'], state: { phase: 'prompting', menuId: 'main' } });
});

test.each<[string, Answer, string]>([
  ['a timeout', new LineOfBusinessError('no answer within 5 s'), 'no answer within 5 s'],
  ['a 401', { status: 401, text: 'bad signature' }, 'it answered 401'],
  ['a 500', { status: 500, text: '' }, 'it answered 500'],
  ['not JSON', { status: 200, text: '<html>' }, 'the answer is not JSON'],
  [
    'the wrong shape',
    { status: 200, text: '{"say":[{"text":"x"}]}' },
    'the answer is not {say, then}: then invalid_type',
  ],
  ['a network failure', new Error('ECONNRESET 12345'), 'cannot reach it'],
])('%s: the failure prompt, then the fallback (never a digit in the note)', async (_name, answer, reason) => {
  const { nav } = navigator(answer);
  const steps = await collect(nav, '12345#9876');
  const failed = await nav.step('t', {
    menuId: 'main',
    state: steps[steps.length - 1].state,
    event: { kind: 'post' },
    at,
    call,
  });
  expect(failed.promptUris).toEqual(['self-service-unavailable']);
  expect(failed.notes[0].detail).toBe(
    `balance: collected account (5 digits), pin (4 digits); failed: ${reason}; fallback callQueue support`,
  );
  expect(JSON.stringify(failed)).not.toMatch(/12345|9876/);
  const out = await nav.step('t', { menuId: 'main', state: failed.state, event: { kind: 'promptDone' }, at });
  expect(out.exit).toEqual({ kind: 'callQueue', callQueueId: 'support' });
});

test('no fallback configured: back to the menu; an answer with nothing to say goes on at once', async () => {
  const { nav } = navigator({ status: 503, text: '' }, { ...service, fallback: undefined });
  const steps = await collect(nav, '1234#5678');
  const failed = await nav.step('t', { menuId: 'main', state: steps.at(-1)!.state, event: { kind: 'post' }, at, call });
  expect(failed.notes[0].detail).toMatch(/fallback menu main$/);
  const { nav: nav2 } = navigator({ status: 200, text: '{"then":{"kind":"disconnect"}}' });
  const s2 = await collect(nav2, '1234#5678');
  const gone = await nav2.step('t', { menuId: 'main', state: s2.at(-1)!.state, event: { kind: 'post' }, at, call });
  expect(gone).toMatchObject({ exit: { kind: 'disconnect' }, promptUris: [], redact: true });
});

test('collection fails (retries used up): the fallback at once, redacted, no request', async () => {
  const { nav, sent } = navigator({ status: 200, text: okAnswer });
  const steps = await collect(nav, '1#2#');
  const last = steps.at(-1)!;
  expect(last).toMatchObject({ exit: { kind: 'callQueue', callQueueId: 'support' }, redact: true });
  expect(last.notes.map((n) => n.detail)).toEqual([
    'balance: account: 1 digits, at least 4 needed; retries used up',
    'balance: collected nothing; failed: no valid input (account: 1 digits, at least 4 needed; retries used up: 1); fallback callQueue support',
  ]);
  expect(sent).toHaveLength(0);
});

test('a post for a caller no longer posting changes nothing; keys while posting change nothing', async () => {
  const { nav, sent } = navigator({ status: 200, text: okAnswer });
  const steps = await collect(nav, '12345#9876');
  const posting = steps.at(-1)!;
  const key = await nav.step('t', { menuId: 'main', state: posting.state, event: { kind: 'tone', tone: 'tone1' }, at });
  expect(key).toMatchObject({ promptUris: [], notes: [], state: posting.state });
  const entered = steps[0];
  const stray = await nav.step('t', { menuId: 'main', state: entered.state, event: { kind: 'post' }, at, call });
  expect(stray).toMatchObject({ promptUris: [], notes: [] });
  expect(sent).toHaveLength(0);
});
