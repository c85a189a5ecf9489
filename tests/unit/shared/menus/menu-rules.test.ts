import fc from 'fast-check';
import {
  businessHoursAt,
  findMenuCycle,
  keyOfTone,
  menuStep,
  parseMenuBody,
  type MenuBody,
  type MenuDecision,
  type MenuEvent,
  type MenuState,
} from '../../../../shared/menus';

const menu = (extra: Record<string, unknown> = {}): MenuBody => {
  const parsed = parseMenuBody({
    greeting: { text: 'Welcome' },
    options: [
      { key: '1', prompt: { text: 'For English press 1' }, action: { kind: 'callQueue', queueId: 'en' } },
      {
        key: '2',
        prompt: { text: 'Para español oprima 2' },
        action: { kind: 'callQueue', queueId: 'en', requiredSkills: { spanish: 3 }, priority: 2 },
      },
      { key: '9', action: { kind: 'repeat' } },
    ],
    maxRetries: 1,
    noInputAction: { kind: 'disconnect' },
    ...extra,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
};

const HOURS = {
  timeZone: 'Europe/Paris',
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:30' }],
  holidays: [{ date: '2026-12-25', name: 'Christmas' }],
  closedGreeting: { prompt: 'closed' },
  closedAction: { kind: 'disconnect' },
};

describe('schema', () => {
  test('defaults: inputTimeoutS 5, maxRetries 2', () => {
    const r = parseMenuBody({ greeting: { prompt: 'x' }, options: [], noInputAction: { kind: 'disconnect' } });
    expect(r.ok && [r.value.inputTimeoutS, r.value.maxRetries]).toEqual([5, 2]);
  });

  test('every bad field is named', () => {
    const r = parseMenuBody({
      greeting: { text: 'a', prompt: 'b' },
      options: [
        { key: 'A', action: { kind: 'callQueue' } },
        { key: '1', action: { kind: 'teleport' } },
        { key: '2', action: { kind: 'transfer', target: { phoneNumber: '555' } } },
      ],
      inputTimeoutS: 0,
      noInputAction: { kind: 'repeat' },
      businessHours: {
        timeZone: 'Mars/Olympus',
        weekly: [{ days: ['mon', 'fun'], from: '18:00', to: '09:00' }],
        holidays: [{ date: '2026-02-30', name: 'x' }],
        closedGreeting: {},
        closedAction: { kind: 'disconnect' },
      },
    });
    expect(r.ok).toBe(false);
    const fields = !r.ok ? r.errors.map((e) => e.field) : [];
    expect(fields).toEqual(
      expect.arrayContaining([
        'greeting',
        'options[0].key',
        'options[0].action.queueId',
        'options[1].action.kind',
        'options[2].action.target.phoneNumber',
        'inputTimeoutS',
        'businessHours.timeZone',
        'businessHours.weekly[0].days[1]',
        'businessHours.weekly[0].to',
        'businessHours.holidays[0].date',
        'businessHours.closedGreeting',
      ]),
    );
  });

  test('keys used twice and repeat outside an option are refused', () => {
    const r = parseMenuBody({
      greeting: { prompt: 'x' },
      options: [
        { key: '1', action: { kind: 'disconnect' } },
        { key: '1', action: { kind: 'disconnect' } },
      ],
      noInputAction: { kind: 'repeat' },
    });
    expect(!r.ok && r.errors.map((e) => e.field)).toEqual(['options[1].key', 'noInputAction.kind']);
  });
});

describe('business hours (IANA zones through Intl)', () => {
  const h = { ...HOURS, weekly: HOURS.weekly as never };
  test('open on a weekday within hours in Paris, closed after, closed at weekends and holidays', () => {
    expect(businessHoursAt(h, Date.parse('2026-12-02T08:00:00Z')).open).toBe(true); // Wed 09:00 Paris
    expect(businessHoursAt(h, Date.parse('2026-12-02T07:59:00Z')).open).toBe(false); // 08:59
    expect(businessHoursAt(h, Date.parse('2026-12-02T16:29:00Z')).open).toBe(true); // 17:29
    expect(businessHoursAt(h, Date.parse('2026-12-02T16:30:00Z')).open).toBe(false); // 17:30
    expect(businessHoursAt(h, Date.parse('2026-12-05T10:00:00Z')).why).toMatch(/outside hours \(sat 2026-12-05/);
    expect(businessHoursAt(h, Date.parse('2026-12-25T10:00:00Z'))).toEqual({ open: false, why: 'holiday Christmas' });
  });

  test('summer time: 09:00 Paris is 07:00 UTC in July', () => {
    expect(businessHoursAt(h, Date.parse('2026-07-01T07:00:00Z')).open).toBe(true);
    expect(businessHoursAt(h, Date.parse('2026-07-01T06:59:00Z')).open).toBe(false);
  });

  test('the date of a holiday is the local date', () => {
    const tokyo = { ...h, timeZone: 'Asia/Tokyo', weekly: [{ days: ['fri'], from: '00:00', to: '24:00' }] as never };
    // 2026-12-24T20:00Z is Friday 25 December 05:00 in Tokyo.
    expect(businessHoursAt(tokyo, Date.parse('2026-12-24T20:00:00Z')).why).toBe('holiday Christmas');
  });
});

describe('cycles', () => {
  const to = (id: string) => menu({ noInputAction: { kind: 'menu', menuId: id } });
  test('a menu leading back to itself is found with its path', () => {
    const stored: Record<string, MenuBody> = { b: to('c'), c: to('a') };
    expect(findMenuCycle('a', to('b'), (id) => stored[id])).toEqual(['a', 'b', 'c', 'a']);
    expect(findMenuCycle('a', to('a'), () => undefined)).toEqual(['a', 'a']);
    expect(findMenuCycle('a', to('b'), (id) => ({ b: to('c'), c: menu() })[id])).toBeUndefined();
  });
});

describe('a caller in a menu', () => {
  const NOW = Date.parse('2026-12-02T10:00:00Z');
  const enter = (m = menu()) => menuStep('main', m, undefined, { kind: 'enter' }, NOW);

  test('the greeting and the options play; type-ahead keys are taken during the prompts', () => {
    const d = enter();
    expect(d.play).toEqual([{ text: 'Welcome' }, { text: 'For English press 1' }, { text: 'Para español oprima 2' }]);
    expect(d.listen).toBe(true);
    const k = menuStep('main', menu(), d.state, { kind: 'key', key: '2' }, NOW);
    expect(k.cancel).toBe(true);
    expect(k.action).toEqual({ kind: 'callQueue', queueId: 'en', requiredSkills: { spanish: 3 }, priority: 2 });
  });

  test('invalid key → invalid prompt and the menu again; then no input → noInputAction', () => {
    const m = menu();
    const d = enter(m);
    const bad = menuStep('main', m, d.state, { kind: 'key', key: '7' }, NOW);
    expect(bad.play[0]).toEqual({ prompt: 'invalid-entry' });
    expect(bad.note?.kind).toBe('menuInvalid');
    const done = menuStep('main', m, bad.state, { kind: 'promptDone' }, NOW);
    expect(done.waitInputS).toBe(5);
    const out = menuStep('main', m, done.state, { kind: 'timeout' }, NOW);
    expect(out.action).toEqual({ kind: 'disconnect' });
    expect(out.note?.kind).toBe('menuNoInput');
  });

  test('closed: the closed greeting, keys ignored, then the closed action', () => {
    const m = menu({ businessHours: HOURS });
    const d = menuStep('main', m, undefined, { kind: 'enter' }, Date.parse('2026-12-05T10:00:00Z'));
    expect(d.play).toEqual([{ prompt: 'closed' }]);
    expect(d.listen).toBe(false);
    expect(d.note?.kind).toBe('menuClosed');
    expect(menuStep('main', m, d.state, { kind: 'key', key: '1' }, NOW).action).toBeUndefined();
    expect(menuStep('main', m, d.state, { kind: 'promptDone' }, NOW).action).toEqual({ kind: 'disconnect' });
  });

  test('tones map to keys', () => {
    expect(['tone0', 'tone9', 'star', 'pound', 'x'].map(keyOfTone)).toEqual(['0', '9', '*', '#', undefined]);
  });

  test('property: any events leave the menu by the (maxRetries+1)th miss at the latest, never count past it', () => {
    const event = fc.oneof(
      fc.constantFrom<MenuEvent>({ kind: 'promptDone' }, { kind: 'timeout' }),
      fc.constantFrom('1', '2', '3', '7', '9', '#').map((key): MenuEvent => ({ kind: 'key', key })),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.array(event, { maxLength: 40 }), (maxRetries, events) => {
        const m = menu({ maxRetries });
        let d: MenuDecision = enter(m);
        let state: MenuState = d.state;
        let left = 0;
        for (const e of events) {
          if (state.phase === 'left') break;
          d = menuStep('main', m, state, e, NOW);
          state = d.state;
          expect(state.retries).toBeLessThanOrEqual(maxRetries + 1);
          if (d.action) left++;
          if (state.phase === 'left') expect(d.action).toBeDefined();
          if (d.waitInputS) expect(d.play).toEqual([]);
        }
        expect(left).toBeLessThanOrEqual(1);
      }),
    );
  });
});
