/**
 * Callbacks, pure: when the offer is due, which numbers can be called back (E.164 for the tenant's country), the
 * offer's dialogue key by key, and the call machine's side — the offer subscribes and plays, acceptance logs
 * `callbackRequested` and takes the call out of routing, the bot hangs up once the last prompt played, the call's
 * outcome is `callback` (never abandoned), and the callback's later notes reach the story after the call ended.
 */
import {
  applyCallInput,
  attemptResult,
  callbackNumber,
  callbackOfferCheckInS,
  callbackOfferDue,
  decideCallbackStep,
  type CallCallbackProgress,
  type CallInput,
  type CallRecord,
  type CallbackDecision,
  type CallbackSettings,
} from '../../../../shared/calls';

const settings = (over: Partial<CallbackSettings> = {}): CallbackSettings => ({
  enabled: true,
  key: '1',
  retries: 2,
  retryAfterS: 120,
  numberSource: 'callerId',
  ...over,
});

describe('callbackOfferDue', () => {
  test('off, disabled or absent: never', () => {
    expect(callbackOfferDue(undefined, { waitedS: 999, position: 99 })).toBe(false);
    expect(callbackOfferDue(settings({ enabled: false }), { waitedS: 999, position: 99 })).toBe(false);
  });
  test('neither threshold: at once', () => {
    expect(callbackOfferDue(settings(), { waitedS: 0, position: 1 })).toBe(true);
  });
  test('offerAfterS: from that second on', () => {
    const s = settings({ offerAfterS: 30 });
    expect(callbackOfferDue(s, { waitedS: 29.9, position: 50 })).toBe(false);
    expect(callbackOfferDue(s, { waitedS: 30, position: 1 })).toBe(true);
  });
  test('offerBeyondPosition: strictly beyond', () => {
    const s = settings({ offerBeyondPosition: 3 });
    expect(callbackOfferDue(s, { waitedS: 9999, position: 3 })).toBe(false);
    expect(callbackOfferDue(s, { waitedS: 0, position: 4 })).toBe(true);
  });
  test('both: either one makes it due', () => {
    const s = settings({ offerAfterS: 60, offerBeyondPosition: 2 });
    expect(callbackOfferDue(s, { waitedS: 0, position: 2 })).toBe(false);
    expect(callbackOfferDue(s, { waitedS: 0, position: 3 })).toBe(true);
    expect(callbackOfferDue(s, { waitedS: 60, position: 1 })).toBe(true);
  });
  test('the timer waits for offerAfterS only', () => {
    expect(callbackOfferCheckInS(settings({ offerAfterS: 45 }), 10)).toBe(35);
    expect(callbackOfferCheckInS(settings({ offerAfterS: 45 }), 50)).toBe(0);
    expect(callbackOfferCheckInS(settings({ offerBeyondPosition: 2 }), 10)).toBeUndefined();
    expect(callbackOfferCheckInS(settings({ enabled: false, offerAfterS: 5 }), 0)).toBeUndefined();
  });
});

describe('callbackNumber', () => {
  test.each([
    ['4255550123', 'US', '+14255550123'],
    ['+14255550123', 'US', '+14255550123'],
    ['01144 20 7946 0958'.replace(/ /g, ''), 'US', '+442079460958'],
    ['02079460958', 'GB', '+442079460958'],
    ['0030 21 0123 4567'.replace(/ /g, ''), 'DE', '+302101234567'],
  ])('%s in %s → %s', (typed, country, e164) => {
    expect(callbackNumber(typed, country)).toEqual({ ok: true, number: e164 });
  });
  test.each([
    ['12345', 'US', 'is not a valid number for US'],
    ['4255550123', 'GB', 'is not a valid number for GB'],
    ['', 'US', 'is not a run of digits'],
    ['42555*0123', 'US', 'is not a run of digits'],
    ['1'.repeat(21), 'US', 'is not a run of digits'],
  ])('%s in %s is refused: %s', (typed, country, reason) => {
    expect(callbackNumber(typed, country)).toEqual({ ok: false, reason });
  });
});

test('attempt results from resultInfo codes', () => {
  expect(attemptResult(486)).toBe('busy');
  expect(attemptResult(603)).toBe('busy');
  expect(attemptResult(408)).toBe('noAnswer');
  expect(attemptResult(487)).toBe('noAnswer');
  expect(attemptResult(500)).toBe('failed');
  expect(attemptResult(undefined)).toBe('failed');
});

describe('the offer dialogue', () => {
  const ctx: { settings: CallbackSettings; callerNumber?: string; country?: string } = {
    settings: settings(),
    callerNumber: '+14255550199',
    country: 'US',
  };
  /** Applies a decision's fields to the progress, as the call machine does. */
  const next = (cb: CallCallbackProgress | undefined, d: CallbackDecision): CallCallbackProgress => ({
    toneCursor: Math.max(cb?.toneCursor ?? 0, d.usedTone ?? 0),
    listening: true,
    ...cb,
    stage: d.stage,
    ...(d.number ? { number: d.number } : {}),
    digits: d.digits,
    ...(d.invalid !== undefined ? { invalid: d.invalid } : {}),
  });
  let seq = 10;
  const press = (cb: CallCallbackProgress, keys: string, c = ctx) => {
    let cur = cb;
    let last: CallbackDecision | undefined;
    for (const k of keys) {
      const tone = k === '#' ? 'pound' : k === '*' ? 'star' : `tone${k}`;
      last = decideCallbackStep(cur, { kind: 'tone', tone, seq: ++seq }, c);
      if (!last) throw new Error(`no step for ${k}`);
      cur = { ...next(cur, last), toneCursor: seq };
    }
    return { cb: cur, last: last! };
  };
  const offered = (c = ctx) => {
    const d = decideCallbackStep(undefined, { kind: 'offer', lastToneSeq: 4 }, c)!;
    expect(d).toMatchObject({ from: 'none', stage: 'offered', usedTone: 4, prompts: ['callback-offer', 'n-1'] });
    expect(d.note).toEqual({ kind: 'callbackOffered', detail: 'press 1' });
    expect(decideCallbackStep(next(undefined, d), { kind: 'offer', lastToneSeq: 4 }, c)).toBeUndefined();
    return next(undefined, d);
  };

  test('caller id: key, confirm with 1 → accepted, the number read back and logged masked', () => {
    const a = press(offered(), '1');
    expect(a.last.stage).toBe('confirm');
    expect(a.last.prompts).toEqual([
      'callback-confirm',
      ...'14255550199'.split('').map((d) => `n-${d}`),
      'callback-confirm-keys',
    ]);
    const b = press(a.cb, '1');
    expect(b.last).toMatchObject({ stage: 'accepted', prompts: ['callback-accepted'] });
    expect(b.last.note).toEqual({ kind: 'callbackRequested', detail: 'call back +*******0199' });
    expect(decideCallbackStep(b.cb, { kind: 'tone', tone: 'tone1', seq: 999 }, ctx)).toBeUndefined();
  });

  test('other keys change nothing but are used up; a tone already used is not used again', () => {
    const a = press(offered(), '52#');
    expect(a.cb.stage).toBe('offered');
    expect(a.last.prompts).toEqual([]);
    expect(decideCallbackStep(a.cb, { kind: 'tone', tone: 'tone1', seq: a.cb.toneCursor }, ctx)).toBeUndefined();
  });

  test('2 at the confirmation: another number, typed with #, confirmed, accepted', () => {
    const a = press(offered(), '12');
    expect(a.last).toMatchObject({ stage: 'collect', digits: '', prompts: ['callback-ask'] });
    const b = press(a.cb, '2065550142#');
    expect(b.last).toMatchObject({ stage: 'confirm', number: '+12065550142' });
    expect(press(b.cb, '1').last.note?.detail).toBe('call back +*******0142');
  });

  test('star clears what was typed', () => {
    const a = press(offered(), '12');
    expect(press(a.cb, '99*2065550142#').last).toMatchObject({ stage: 'confirm', number: '+12065550142' });
  });

  test('a wrong number: told and asked again; the third wrong one ends the offer (the caller keeps waiting)', () => {
    let a = press(offered(), '12');
    a = press(a.cb, '123#');
    expect(a.last).toMatchObject({ stage: 'collect', invalid: 1, prompts: ['callback-invalid', 'callback-ask'] });
    a = press(a.cb, '999#');
    expect(a.last).toMatchObject({ stage: 'collect', invalid: 2 });
    a = press(a.cb, '5#');
    expect(a.last).toMatchObject({ stage: 'offered', invalid: 3, prompts: ['callback-invalid'] });
  });

  test('numberSource ask, or no usable caller id: the number is asked for at once', () => {
    expect(press(offered(), '1', { ...ctx, settings: settings({ numberSource: 'ask' }) }).last.stage).toBe('collect');
    const noId = { ...ctx, callerNumber: undefined };
    expect(press(offered(noId), '1', noId).last.stage).toBe('collect');
    const foreign = { ...ctx, callerNumber: 'anonymous' };
    expect(press(offered(foreign), '1', foreign).last.stage).toBe('collect');
  });

  test('another key than 1, star and hash keys are said by name', () => {
    const c = { ...ctx, settings: settings({ key: '#' }) };
    const d = decideCallbackStep(undefined, { kind: 'offer', lastToneSeq: 0 }, c)!;
    expect(d.prompts).toEqual(['callback-offer', 'key-hash']);
    expect(press(next(undefined, d), '1', c).cb.stage).toBe('offered');
    expect(press(next(undefined, d), '#', c).cb.stage).toBe('confirm');
  });
});

describe('the call machine', () => {
  const env = { callbackUri: 'https://app.example/api/calls/notifications' };
  const queued = (): CallRecord => ({
    callId: 'c1',
    tenantId: 't1',
    arrival: {
      at: 1000,
      route: { action: 'answer', callQueueId: 'q1' },
      callerParticipantId: 'p1',
      callerPhone: '+14255550199',
    },
    answeredAt: 1200,
    callQueueId: 'q1',
    enqueuedAt: 1200,
    offers: [],
    tones: [],
    pendingOps: {},
    seen: [],
    logSeq: 2,
    opSeq: 0,
  });
  const step = (
    key: string,
    s: Partial<Extract<CallInput, { kind: 'callbackStep' }>['step']>,
    at = 5000,
  ): CallInput => ({
    kind: 'callbackStep',
    key,
    at,
    step: { from: 'none', stage: 'offered', promptUris: ['https://x/p.wav'], ...s },
  });
  const opDone = (clientContext: string, at: number): CallInput =>
    ({
      kind: 'graph',
      at,
      event: {
        type: 'operationFinished',
        key: `op:${clientContext}`,
        callId: 'c1',
        clientContext,
        status: 'completed',
      },
    }) as CallInput;

  test('offer → confirm → accepted: listen once, cancel the prompt answered, hang up after the last prompt', () => {
    let t = applyCallInput(queued(), step('offer', { note: { kind: 'callbackOffered', detail: 'press 1' } }), env);
    expect(t.commands.map((c) => c.op)).toEqual(['subscribeToTone', 'playPrompt']);
    expect(t.log.map((e) => e.kind)).toEqual(['callbackOffered']);
    t = applyCallInput(
      t.record,
      step('tone:1', { from: 'offered', stage: 'confirm', number: '+14255550199', usedTone: 1 }),
      env,
    );
    expect(t.commands.map((c) => c.op)).toEqual(['cancelMediaProcessing', 'playPrompt']);
    const refusedStale = applyCallInput(t.record, step('tone:1b', { from: 'offered', stage: 'collect' }), env);
    expect(refusedStale.refused).toMatch(/stale/);
    t = applyCallInput(
      t.record,
      step('tone:2', {
        from: 'confirm',
        stage: 'accepted',
        usedTone: 2,
        note: { kind: 'callbackRequested', detail: 'call back +*******0199' },
      }),
      env,
    );
    expect(t.log.map((e) => [e.kind, e.waitMs])).toEqual([['callbackRequested', 4000]]);
    expect(t.record.callback).toMatchObject({ stage: 'accepted', requestedAt: 5000, number: '+14255550199' });
    expect(t.commands.map((c) => c.op)).toEqual(['cancelMediaProcessing', 'playPrompt']);
    // No agent may take the call now, and no call queue action moves it.
    const offer = applyCallInput(
      t.record,
      { kind: 'offer', key: 'o1', offerId: 'o1', agentId: 'a', userId: 'a', via: 'invite', at: 5100 },
      env,
    );
    expect(offer.refused).toBe('the caller asked for a callback');
    const action = applyCallInput(
      t.record,
      { kind: 'callQueueAction', key: 'x', reason: 'timedOut', action: { kind: 'disconnect' }, at: 5100 },
      env,
    );
    expect(action.refused).toBe('the caller asked for a callback');
    // The last prompt plays out, then the bot hangs up.
    const last = t.record.callback!.prompt!;
    t = applyCallInput(t.record, opDone(last, 9000), env);
    expect(t.commands).toEqual([{ op: 'hangUp', callId: 'c1' }]);
    // The call ends: its outcome is callback, never abandoned.
    t = applyCallInput(
      t.record,
      {
        kind: 'graph',
        at: 9500,
        event: { type: 'callTerminated', key: 'end', callId: 'c1', resultInfo: { code: 200, subcode: 7000 } },
      } as CallInput,
      env,
    );
    expect(t.record.outcome).toBe('callback');
    expect(t.log.map((e) => e.kind)).toEqual(['ended']);
    // Later notes reach the story once each.
    const note: CallInput = {
      kind: 'callbackNote',
      key: 'attempt:1',
      at: 20_000,
      note: 'callbackAttempt',
      detail: 'attempt 1: noAnswer',
    };
    const n1 = applyCallInput(t.record, note, env);
    expect(n1.log.map((e) => [e.kind, e.detail, e.callQueueId])).toEqual([
      ['callbackAttempt', 'attempt 1: noAnswer', 'q1'],
    ]);
    expect(applyCallInput(n1.record, note, env).changed).toBe(false);
  });

  test('a call with an offer ringing, or ending, takes no callback step; a call that asked none takes no note', () => {
    const r = queued();
    const offered = applyCallInput(
      r,
      { kind: 'offer', key: 'o1', offerId: 'o1', agentId: 'a', userId: 'a', via: 'invite', at: 3000 },
      env,
    ).record;
    expect(applyCallInput(offered, step('offer', {}), env).refused).toMatch(/not waiting/);
    expect(applyCallInput({ ...r, hangUpAt: 2000 }, step('offer', {}), env).refused).toBe('the call is ending');
    expect(applyCallInput(r, { kind: 'callbackNote', key: 'k', at: 1, note: 'callbackFailed' }, env).refused).toMatch(
      /no callback/,
    );
  });

  test('accepted with no prompt to play: hung up at once; a menu already listening is not subscribed again', () => {
    const r: CallRecord = {
      ...queued(),
      menu: { menuId: 'm', visit: 3, state: {}, toneCursor: 0, listening: true, left: true, path: ['m'] },
    };
    let t = applyCallInput(r, step('offer', { promptUris: [] }), env);
    expect(t.commands).toEqual([]);
    t = applyCallInput(
      t.record,
      step('t', { from: 'offered', stage: 'accepted', promptUris: [], number: '+14255550199' }),
      env,
    );
    expect(t.commands).toEqual([{ op: 'hangUp', callId: 'c1' }]);
  });
});
