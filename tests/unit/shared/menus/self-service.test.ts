/**
 * Self-service, pure: the body's named errors, collecting digits (type-ahead, min/max, terminator, input timeout,
 * retries), what the story may say (names and lengths, never a digit), signing and the receiver's check, the answer.
 */
import fc from 'fast-check';
import {
  collectStep,
  collectedByName,
  describeCollected,
  parseSelfServiceAnswer,
  parseSelfServiceBody,
  redactCollect,
  SecretBox,
  selfServiceSignature,
  signedHeaders,
  startCollect,
  urlProblem,
  verifySelfServiceSignature,
  type CollectConfig,
  type CollectDecision,
  type CollectEvent,
  type CollectState,
} from '../../../../shared/menus';

const cfg: CollectConfig = {
  collect: [
    { name: 'account', prompt: { prompt: 'account' }, digits: { min: 3, max: 6 }, terminator: '#' },
    { name: 'pin', prompt: { prompt: 'pin' }, digits: { min: 4, max: 4 }, terminator: '#' },
  ],
  timeoutS: 5,
  maxRetries: 1,
};

/** Runs events from the start; returns every decision. */
function run(events: CollectEvent[], c: CollectConfig = cfg): CollectDecision[] {
  const out = [startCollect('balance', c)];
  for (const e of events) out.push(collectStep(c, out[out.length - 1].state, e));
  return out;
}
const keys = (s: string): CollectEvent[] => [...s].map((key) => ({ kind: 'key', key }));
const last = (d: CollectDecision[]) => d[d.length - 1];

describe('the body', () => {
  const good = {
    url: 'https://lob.example.com/x',
    secret: 'a-secret-of-16-chars',
    collect: [{ name: 'pin', prompt: { text: 'PIN please' }, digits: { min: 4, max: 4 } }],
  };
  test('defaults: terminator #, timeoutS 5, maxRetries 2', () => {
    const p = parseSelfServiceBody(good);
    expect(p.ok && p.value).toMatchObject({ timeoutS: 5, maxRetries: 2, collect: [{ terminator: '#' }] });
  });
  test('every bad field is named', () => {
    const p = parseSelfServiceBody({
      url: 'not a url',
      secret: 'short',
      collect: [{ name: '1x', prompt: { text: 'a', prompt: 'b' }, digits: { min: 5, max: 4 }, terminator: '0' }],
      timeoutS: 0,
      extra: 1,
    });
    expect(p.ok).toBe(false);
    const fields = !p.ok ? p.errors.map((e) => e.field).sort() : [];
    expect(fields).toEqual(
      [
        'body',
        'collect[0].digits.max',
        'collect[0].name',
        'collect[0].prompt',
        'collect[0].terminator',
        'secret',
        'timeoutS',
        'url',
      ].sort(),
    );
  });
  test('a name collected twice, a fallback that cannot be one', () => {
    const p = parseSelfServiceBody({
      ...good,
      collect: [good.collect[0], good.collect[0]],
      fallback: { kind: 'repeat' },
    });
    expect(!p.ok && p.errors).toEqual([
      { field: 'collect[1].name', message: 'pin is collected twice' },
      { field: 'fallback.kind', message: 'must be callQueue, menu, transfer or disconnect' },
    ]);
  });
  test('https only; http to a loopback host only when allowed', () => {
    expect(urlProblem('https://lob.example.com/', false)).toBeUndefined();
    expect(urlProblem('http://lob.example.com/', false)).toBe('must be https');
    expect(urlProblem('http://127.0.0.1:9/', false)).toBe('must be https');
    expect(urlProblem('http://127.0.0.1:9/', true)).toBeUndefined();
    expect(urlProblem('http://[::1]:9/', true)).toBeUndefined();
    expect(urlProblem('http://localhost/', true)).toBeUndefined();
    expect(urlProblem('http://10.0.0.1/', true)).toBe('must be https (http only to a loopback host)');
    expect(urlProblem('ftp://127.0.0.1/', true)).toMatch(/must be https/);
  });
});

describe('collecting digits', () => {
  test('start: the first prompt, tones listened to, what plays is cut', () => {
    expect(startCollect('balance', cfg)).toEqual({
      state: { serviceId: 'balance', item: 0, digits: '', collected: [], retries: 0, waiting: false },
      cancel: true,
      play: [{ prompt: 'account' }],
      listen: true,
    });
  });

  test('typed ahead during the prompt: the first digit cuts the prompt and arms the timer; # ends the item', () => {
    const d = run(keys('123#'));
    expect(d[1]).toMatchObject({ cancel: true, waitInputS: 5, play: [] });
    expect(d[2]).toMatchObject({ cancel: false, waitInputS: 5 });
    expect(d[4]).toMatchObject({ play: [{ prompt: 'pin' }], cancel: true, listen: true });
    expect(d[4].state).toMatchObject({ item: 1, digits: '', collected: ['123'], waiting: false });
  });

  test('max digits end the item without a terminator; keys typed after feed the next item', () => {
    const d = run(keys('1234567890'));
    // 6 digits end the account; 4 more end the PIN: done.
    expect(d[6].state.collected).toEqual(['123456']);
    expect(last(d).done).toEqual({ ok: true });
    expect(collectedByName(cfg, last(d).state)).toEqual({ account: '123456', pin: '7890' });
  });

  test('a terminator pressed right after an item ended at max digits is ignored (only then)', () => {
    const d = run(keys('123456#9876'));
    expect(d[7]).toMatchObject({ play: [], cancel: false, state: { item: 1, digits: '' } });
    expect(last(d).done).toEqual({ ok: true });
    expect(collectedByName(cfg, last(d).state)).toEqual({ account: '123456', pin: '9876' });
    // A second terminator is not: the PIN item takes it as too few digits.
    expect(last(run(keys('123456##'))).note).toBe('pin: 0 digits, at least 4 needed; retry 1 of 1');
  });

  test('the terminator before min digits: invalid prompt + the item again; retries used up: failed', () => {
    const d = run(keys('12#'));
    expect(last(d)).toMatchObject({
      play: [{ prompt: 'invalid-entry' }, { prompt: 'account' }],
      state: { digits: '', retries: 1 },
      note: 'account: 2 digits, at least 3 needed; retry 1 of 1',
    });
    const d2 = run(keys('12#1#'));
    expect(last(d2).done).toEqual({
      ok: false,
      reason: 'no valid input (account: 1 digits, at least 3 needed; retries used up: 1)',
    });
  });

  test('a key that is neither a digit nor the terminator is invalid; the configured invalid prompt plays', () => {
    const d = run(keys('1*'), { ...cfg, invalidPrompt: { prompt: 'mine' } });
    expect(last(d).play).toEqual([{ prompt: 'mine' }, { prompt: 'account' }]);
    expect(last(d).note).toBe('account: key * is not a digit; retry 1 of 1');
  });

  test('prompt ends → waiting with the timer; the timer with ≥ min digits ends the item, with fewer retries', () => {
    let d = run([{ kind: 'promptDone' }]);
    expect(last(d)).toMatchObject({ waitInputS: 5, state: { waiting: true } });
    d = run([{ kind: 'promptDone' }, ...keys('123'), { kind: 'timeout' }]);
    expect(last(d).state).toMatchObject({ item: 1, collected: ['123'] });
    d = run([{ kind: 'promptDone' }, { kind: 'timeout' }]);
    expect(last(d)).toMatchObject({
      play: [{ prompt: 'account' }],
      note: 'account: no input within 5 s; retry 1 of 1',
    });
    d = run([{ kind: 'promptDone' }, { kind: 'timeout' }, { kind: 'promptDone' }, { kind: 'timeout' }]);
    expect(last(d).done?.ok).toBe(false);
  });

  test('a timer while the prompt plays, or a second prompt end, changes nothing', () => {
    const s = startCollect('balance', cfg).state;
    expect(collectStep(cfg, s, { kind: 'timeout' })).toEqual({ state: s, cancel: false, play: [], listen: false });
    const w = { ...s, waiting: true };
    expect(collectStep(cfg, w, { kind: 'promptDone' }).state).toBe(w);
  });

  test('a digit while waiting re-arms the timer and cuts nothing', () => {
    const d = run([{ kind: 'promptDone' }, ...keys('1')]);
    expect(last(d)).toMatchObject({ cancel: false, waitInputS: 5, state: { digits: '1' } });
  });

  test('property: any key sequence ends at most once, never holds more than max digits, retries ≤ maxRetries + 1', () => {
    const ev = fc.oneof(
      fc.constantFrom<CollectEvent>({ kind: 'promptDone' }, { kind: 'timeout' }),
      fc.constantFrom(...'0123456789*#').map((key): CollectEvent => ({ kind: 'key', key })),
    );
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 40 }), (events) => {
        let s: CollectState = startCollect('balance', cfg).state;
        let ended = 0;
        for (const e of events) {
          if (ended) break;
          const d = collectStep(cfg, s, e);
          s = d.state;
          if (d.done) ended++;
          const item = cfg.collect[Math.min(s.item, cfg.collect.length - 1)];
          expect(s.digits.length).toBeLessThanOrEqual(item.digits.max);
          expect(s.retries).toBeLessThanOrEqual(cfg.maxRetries + 1);
          s.collected.forEach((v, i) => {
            expect(v.length).toBeGreaterThanOrEqual(cfg.collect[i].digits.min);
            expect(v.length).toBeLessThanOrEqual(cfg.collect[i].digits.max);
          });
        }
        expect(ended).toBeLessThanOrEqual(1);
      }),
    );
  });
});

test('the story sees names and lengths; redacted state keeps no digit', () => {
  const s = last(run(keys('12345#9876'))).state;
  expect(describeCollected(cfg, s)).toBe('account (5 digits), pin (4 digits)');
  expect(describeCollected(cfg, startCollect('b', cfg).state)).toBe('nothing');
  const r = redactCollect({ ...s, digits: '55' });
  expect(JSON.stringify(r)).not.toMatch(/[0-9]{2}/);
  expect(r.collected).toEqual(['', '']);
});

test('secrets at rest: sealed with AES-256-GCM under the key (fresh nonce each time), plain without one', () => {
  const box = new SecretBox('a-key-of-sixteen-chars');
  const a = box.seal('the secret');
  expect(a).toMatch(/^gcm:/);
  expect(a).not.toBe(box.seal('the secret'));
  expect(Buffer.from(a.slice(4), 'base64').toString('latin1')).not.toContain('the secret');
  expect(box.open(a)).toBe('the secret');
  expect(new SecretBox('another-key-16-chars').open(a)).toBeUndefined();
  expect(new SecretBox().open(a)).toBeUndefined();
  const plain = new SecretBox().seal('the secret');
  expect(plain).toMatch(/^plain:/);
  expect(box.open(plain)).toBe('the secret');
  const tampered = `gcm:${Buffer.from(Buffer.from(a.slice(4), 'base64').map((b, i) => (i === 30 ? b ^ 1 : b))).toString('base64')}`;
  expect(box.open(tampered)).toBeUndefined();
});

describe('signing', () => {
  const secret = 'a-secret-of-16-chars';
  const body = '{"callId":"c1","collected":{"pin":"1234"}}';
  const now = 1_764_000_000_000;

  test('v1 = HMAC-SHA256 over timestamp + "." + body, hex (a known vector)', () => {
    // openssl: printf '1764000000.{"callId":"c1","collected":{"pin":"1234"}}' | openssl dgst -sha256 -hmac a-secret-of-16-chars
    expect(selfServiceSignature(secret, 1764000000, body)).toBe(
      'v1=0c3a0833b842350d134123a4b2cfe4e854717886f6c3cfb9f3a0dbaf7dc01324',
    );
    const h = signedHeaders(secret, now, body, 'c1:4');
    expect(h).toEqual({
      'content-type': 'application/json',
      'X-Switchboard-Timestamp': '1764000000',
      'X-Switchboard-Signature': selfServiceSignature(secret, 1764000000, body),
      'X-Switchboard-Request-Id': 'c1:4',
    });
  });

  test('the receiver: right → ok; another secret, another body, an old or missing timestamp → refused', () => {
    const h = signedHeaders(secret, now, body, 'r');
    const got = { timestamp: h['X-Switchboard-Timestamp'], signature: h['X-Switchboard-Signature'] };
    expect(verifySelfServiceSignature(secret, got, body, now + 299_000)).toEqual({ ok: true });
    expect(verifySelfServiceSignature('another-secret-16ch', got, body, now)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
    expect(verifySelfServiceSignature(secret, got, body.replace('1234', '1235'), now).ok).toBe(false);
    expect(verifySelfServiceSignature(secret, got, body, now + 301_000)).toEqual({
      ok: false,
      reason: 'timestamp outside the replay window',
    });
    expect(verifySelfServiceSignature(secret, { signature: got.signature }, body, now).ok).toBe(false);
    expect(verifySelfServiceSignature(secret, { ...got, signature: 'v1=00' }, body, now).ok).toBe(false);
  });
});

describe('the answer', () => {
  test('say (text or prompt) and then; say defaults to nothing', () => {
    expect(
      parseSelfServiceAnswer(
        '{"say":[{"text":"Your balance is 42 dollars."},{"prompt":"goodbye"}],"then":{"kind":"disconnect"}}',
      ),
    ).toEqual({
      ok: true,
      value: { say: [{ text: 'Your balance is 42 dollars.' }, { prompt: 'goodbye' }], then: { kind: 'disconnect' } },
    });
    expect(parseSelfServiceAnswer('{"then":{"kind":"repeat"}}')).toEqual({
      ok: true,
      value: { say: [], then: { kind: 'repeat' } },
    });
    const q = parseSelfServiceAnswer(
      '{"then":{"kind":"callQueue","queueId":"support","requiredSkills":{"gold":3},"priority":1}}',
    );
    expect(q.ok && q.value.then).toEqual({
      kind: 'callQueue',
      queueId: 'support',
      requiredSkills: { gold: 3 },
      priority: 1,
    });
  });

  test('not JSON, no then, a selfService then, a bad say: refused naming fields, never echoing a value', () => {
    expect(parseSelfServiceAnswer('<html>')).toEqual({ ok: false, reason: 'the answer is not JSON' });
    const r1 = parseSelfServiceAnswer('{"say":[{"text":"PIN 4321 is wrong"}]}');
    expect(r1.ok).toBe(false);
    expect(!r1.ok && r1.reason).toMatch(/^the answer is not \{say, then\}: then /);
    const r2 = parseSelfServiceAnswer('{"then":{"kind":"selfService","serviceId":"x"}}');
    expect(!r2.ok && r2.reason).toMatch(/then\.kind custom/);
    const r3 = parseSelfServiceAnswer('{"say":[{"pin":"4321"}],"then":{"kind":"disconnect"}}');
    expect(!r3.ok && r3.reason).not.toContain('4321');
  });
});
