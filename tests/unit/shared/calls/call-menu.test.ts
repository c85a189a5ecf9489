/**
 * The call machine's menu steps and what the menu flow answers next, pure: a call answered on a menu asks to enter
 * it; typed-ahead tones are used one per step in sequenceId order; a prompt's end is handled once; a step decided from
 * an older visit is refused; leaving into a call queue carries the option's skills and priority and starts the music.
 */
import {
  applyCallInput,
  callsAheadOf,
  nextMenuEvent,
  TONE_GAP_WAIT_MS,
  type CallInput,
  type CallMenuStep,
  type CallRecord,
} from '../../../../shared/calls';

const env = { callbackUri: 'https://app.example/api/calls/notifications' };

function answeredOnMenu(): CallRecord {
  const r: CallRecord = {
    callId: 'c1',
    tenantId: 't1',
    arrival: { at: 1000, route: { action: 'menu', menuId: 'main' }, callerParticipantId: 'p-caller' },
    answeredAt: 1200,
    offers: [],
    tones: [],
    pendingOps: {},
    seen: [],
    logSeq: 2,
    opSeq: 0,
  };
  return r;
}

const step = (fromVisit: number, extra: Partial<CallMenuStep> = {}): CallMenuStep => ({
  fromVisit,
  menuId: 'main',
  state: { phase: 'prompting' },
  cancel: true,
  promptUris: ['https://app.example/api/media/prompts/default/closed.wav'],
  listen: true,
  notes: [{ kind: 'menuEntered', detail: 'main' }],
  ...extra,
});

const input = (key: string, s: CallMenuStep, at = 2000): CallInput => ({ kind: 'menuStep', key, at, step: s });

test('entering: subscribe once, play, log; the next event is the prompt end, then nothing', () => {
  let r = answeredOnMenu();
  expect(nextMenuEvent(r)).toEqual({ event: { kind: 'enter' }, key: 'enter' });
  const t = applyCallInput(r, input('0:enter', step(0)), env);
  expect(t.commands.map((c) => c.op)).toEqual(['subscribeToTone', 'playPrompt']);
  expect(t.log.map((e) => e.kind)).toEqual(['menuEntered']);
  r = t.record;
  expect(nextMenuEvent(r)).toBeUndefined();
  const ctx = r.menu!.prompt!.clientContext;
  r = applyCallInput(
    r,
    {
      kind: 'graph',
      at: 2500,
      event: { type: 'operationFinished', key: 'op1', callId: 'c1', clientContext: ctx, status: 'completed' },
    } as CallInput,
    env,
  ).record;
  expect(nextMenuEvent(r)).toEqual({ event: { kind: 'promptDone' }, key: `done:${ctx}`, handledPrompt: ctx });
  r = applyCallInput(r, input(`1:done:${ctx}`, step(1, { promptUris: [], handledPrompt: ctx, notes: [] })), env).record;
  expect(nextMenuEvent(r)).toBeUndefined();
  // A second step from the same visit (another worker) is refused.
  expect(applyCallInput(r, input('1:other', step(1)), env).refused).toMatch(/stale menu step/);
});

test('typed-ahead tones are used one at a time in sequence order; leaving for a call queue keeps skills, priority', () => {
  let r = applyCallInput(answeredOnMenu(), input('0:enter', step(0)), env).record;
  // Graph delivers the second tone first: the machine orders tones by sequenceId.
  for (const [sequenceId, tone] of [
    [2, 'tone5'],
    [1, 'tone2'],
  ] as const)
    r = applyCallInput(
      r,
      {
        kind: 'graph',
        at: 2100,
        event: { type: 'toneReceived', key: `tone${sequenceId}`, callId: 'c1', sequenceId, tone },
      },
      env,
    ).record;
  expect(nextMenuEvent(r)).toMatchObject({ event: { kind: 'tone', tone: 'tone2' }, usedTone: 1 });
  const t = applyCallInput(
    r,
    input(
      '1:tone:1',
      step(1, {
        promptUris: [],
        usedTone: 1,
        notes: [{ kind: 'menuKey', detail: 'key 2: callQueue support' }],
        exit: { kind: 'callQueue', callQueueId: 'support', requiredSkills: { spanish: 3 }, priority: 2 },
      }),
    ),
    env,
  );
  expect(t.commands.map((c) => c.op)).toEqual(['cancelMediaProcessing', 'startHoldMusic']);
  expect(t.record.callQueueId).toBe('support');
  expect(t.record.routing).toEqual({ requiredSkills: { spanish: 3 }, priority: 2 });
  expect(t.log.map((e) => e.kind)).toEqual(['menuKey', 'enqueued']);
  // Left the menus: the second tone belongs to nobody now.
  expect(nextMenuEvent(t.record)).toBeUndefined();
});

test('leaving by hang-up ends the call as endedByMenu; by transfer as transferred', () => {
  const r = applyCallInput(answeredOnMenu(), input('0:enter', step(0)), env).record;
  const bye = applyCallInput(r, input('1:timeout', step(1, { promptUris: [], exit: { kind: 'disconnect' } })), env);
  expect(bye.commands.map((c) => c.op)).toEqual(['cancelMediaProcessing', 'hangUp']);
  const ended = applyCallInput(
    bye.record,
    {
      kind: 'graph',
      at: 9000,
      event: { type: 'callTerminated', key: 'end', callId: 'c1', resultInfo: { code: 200, subcode: 7000 } },
    } as CallInput,
    env,
  );
  expect(ended.record.outcome).toBe('endedByMenu');
  const away = applyCallInput(
    r,
    input(
      '1:tone:1',
      step(1, { promptUris: [], exit: { kind: 'transfer', target: { kind: 'phone', number: '+15550001111' } } }),
    ),
    env,
  );
  expect(away.commands.map((c) => c.op)).toEqual(['cancelMediaProcessing', 'transfer']);
});

test('an announcement plays only to a waiting call and logs the estimate with the wait so far', () => {
  const queued: CallRecord = {
    ...answeredOnMenu(),
    arrival: { at: 1000, route: { action: 'answer', callQueueId: 'support' }, callerParticipantId: 'p-caller' },
    callQueueId: 'support',
    enqueuedAt: 1200,
  };
  const announce = (key: string, estimateS?: number): CallInput => ({
    kind: 'announce',
    key,
    at: 31_000,
    promptUris: ['https://app.example/api/media/prompts/default/caller-number.wav'],
    position: 2,
    ...(estimateS === undefined ? {} : { estimateS }),
  });
  const t = applyCallInput(queued, announce('1', 180), env);
  expect(t.commands.map((c) => c.op)).toEqual(['playPrompt']);
  expect(t.log).toEqual([
    expect.objectContaining({
      kind: 'announced',
      waitMs: 30_000,
      callQueueId: 'support',
      detail: 'position 2, estimated wait 180 s',
    }),
  ]);
  expect(applyCallInput(t.record, announce('1', 180), env).changed).toBe(false); // the same timer twice
  const offered = applyCallInput(
    queued,
    { kind: 'offer', key: 'o1', offerId: 'o1', agentId: 'a1', userId: 'a1', via: 'invite', at: 20_000 },
    env,
  ).record;
  expect(applyCallInput(offered, announce('2'), env).refused).toBe('a call offered is not waiting');
});

describe('self-service on the call', () => {
  const tone = (r: CallRecord, sequenceId: number, t: string, at = 2100) =>
    applyCallInput(
      r,
      {
        kind: 'graph',
        at,
        event: { type: 'toneReceived', key: `tone${sequenceId}`, callId: 'c1', sequenceId, tone: t },
      } as CallInput,
      env,
    ).record;

  /** Entered, then the PIN 4 2 typed and used (sensitive), the last step claiming the request. */
  function claimed(): CallRecord {
    let r = applyCallInput(answeredOnMenu(), input('0:enter', step(0)), env).record;
    r = tone(tone(r, 1, 'tone4'), 2, 'tone2');
    r = applyCallInput(r, input('1:tone:1', step(1, { promptUris: [], usedTone: 1, sensitive: true })), env).record;
    r = applyCallInput(
      r,
      input('2:tone:2', step(2, { promptUris: [], usedTone: 2, sensitive: true, post: true, notes: [] })),
      env,
    ).record;
    return r;
  }

  test('a claimed request holds the menus (keys typed meanwhile wait); its answer redacts the tones used', () => {
    let r = claimed();
    expect(r.menu).toMatchObject({ sensitive: true, posting: { visit: 3 }, toneCursor: 2 });
    r = tone(r, 3, 'tone9');
    expect(nextMenuEvent(r)).toBeUndefined();
    const answered = applyCallInput(
      r,
      input(
        '3:post',
        step(3, {
          redact: true,
          notes: [{ kind: 'selfService', detail: 'balance: collected pin (2 digits); ok; then menu main' }],
        }),
      ),
      env,
    );
    expect(answered.record.tones.map((t) => [t.sequenceId, t.tone])).toEqual([
      [1, 'redacted'],
      [2, 'redacted'],
      [3, 'tone9'],
    ]);
    expect(answered.record.menu?.posting).toBeUndefined();
    expect(answered.record.menu?.sensitive).toBeUndefined();
    expect(answered.log.map((e) => e.kind)).toEqual(['selfService']);
    // The key typed while the request ran is used next.
    expect(nextMenuEvent(answered.record)).toMatchObject({ event: { kind: 'tone', tone: 'tone9' } });
    // A second answer from the same visit (the retake timer's worker) is refused.
    expect(applyCallInput(answered.record, input('3:post', step(3, { redact: true })), env).changed).toBe(false);
  });

  test('after a used tone, a gap waits for the tone in between (reordered notifications), not for ever', () => {
    let r = applyCallInput(answeredOnMenu(), input('0:enter', step(0)), env).record;
    r = tone(r, 1, 'tone4', 2000);
    r = applyCallInput(r, input('1:tone:1', step(1, { promptUris: [], usedTone: 1 })), env).record;
    r = tone(r, 3, 'tone7', 2100); // tone 2 is still on its way
    expect(nextMenuEvent(r, 2500)).toBeUndefined();
    expect(nextMenuEvent(r, 2100 + TONE_GAP_WAIT_MS)).toMatchObject({ usedTone: 3 });
    r = tone(r, 2, 'tone2', 2600);
    expect(nextMenuEvent(r, 2700)).toMatchObject({ event: { kind: 'tone', tone: 'tone2' }, usedTone: 2 });
  });

  test('the caller hangs up while digits are on the call: tones and menu state are dropped; late tones are redacted', () => {
    const r = claimed();
    const ended = applyCallInput(
      { ...r, menu: { ...r.menu!, state: { collect: { collected: ['42'] } } } },
      {
        kind: 'graph',
        at: 9000,
        event: { type: 'callTerminated', key: 'end', callId: 'c1', resultInfo: { code: 200, subcode: 0 } },
      } as CallInput,
      env,
    ).record;
    expect(ended.tones.every((t) => t.tone === 'redacted')).toBe(true);
    expect(ended.menu?.state).toBeNull();
    expect(JSON.stringify(ended)).not.toContain('42"');
    // A tone read after the end (reordered) was pressed before it: kept, as in order, and redacted, as in order.
    expect(tone(ended, 7, 'tone5', 9100).tones.find((t) => t.sequenceId === 7)?.tone).toBe('redacted');
  });
});

test('the announced position orders calls as the router serves them: priority, then arrival, then call id', () => {
  const waiting = [
    { callId: 'early', arrivedAt: 1000 }, // priority 3 by default
    { callId: 'vip', arrivedAt: 5000, priority: 1 },
    { callId: 'late', arrivedAt: 6000, priority: 3 },
    { callId: 'b-tie', arrivedAt: 2000, priority: 2 },
    { callId: 'a-tie', arrivedAt: 2000, priority: 2 },
    { callId: 'low', arrivedAt: 500, priority: 5 },
  ];
  const ahead = Object.fromEntries(waiting.map((c) => [c.callId, callsAheadOf(waiting, c.callId)]));
  expect(ahead).toEqual({ vip: 0, 'a-tie': 1, 'b-tie': 2, early: 3, late: 4, low: 5 });
  expect(callsAheadOf(waiting, 'not-listed')).toBe(6);
});
