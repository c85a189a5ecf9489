/**
 * The portal's menu form → the PUT body, checked against the API's own schema (shared/menus): a new menu's defaults,
 * every action kind, business hours round-tripping, the form's own refusals, the fields a cycle marks; and the number
 * picker filling type and usage location.
 */
import { parseMenuBody, type MenuBody } from '../../../shared/menus';
import {
  ACTION_KINDS,
  LEAVING_KINDS,
  actionForm,
  bodyOfMenu,
  cycleFields,
  formOfMenu,
  hoursSummary,
  newMenuForm,
  nextKey,
  timeZones,
  type MenuForm,
} from '../../../web/src/menu-body';
import { pickNumber, freeNumberLabel, type EndpointForm, type FreeNumber } from '../../../web/src/endpoint-form';

const bodyOf = (f: MenuForm) => {
  const out = bodyOfMenu(f);
  if (!('body' in out)) throw new Error(JSON.stringify(out.errors));
  return out.body;
};

const STORED: MenuBody & { menuId: string; updatedAt: string; userIds: Record<string, string> } = {
  menuId: 'main',
  updatedAt: '2026-12-03T00:00:00Z',
  userIds: { 'lead@contoso.com': 'id-1' },
  name: 'Main menu',
  greeting: { text: 'Welcome to Contoso.' },
  options: [
    { key: '1', prompt: { prompt: 'press-1-sales' }, action: { kind: 'callQueue', queueId: 'sales' } },
    {
      key: '2',
      action: { kind: 'callQueue', queueId: 'support', requiredSkills: { french: 3 }, priority: 2 },
    },
    { key: '3', action: { kind: 'menu', menuId: 'billing' } },
    { key: '4', action: { kind: 'transfer', target: { userPrincipalName: 'lead@contoso.com' } } },
    { key: '5', action: { kind: 'transfer', target: { phoneNumber: '+14255550100' } } },
    { key: '6', action: { kind: 'selfService', serviceId: 'balance' } },
    { key: '*', action: { kind: 'repeat' } },
    { key: '0', action: { kind: 'disconnect' } },
  ],
  inputTimeoutS: 7,
  maxRetries: 1,
  invalidPrompt: { text: 'Sorry, that is not a choice.' },
  noInputAction: { kind: 'callQueue', queueId: 'sales' },
  businessHours: {
    timeZone: 'Europe/Paris',
    weekly: [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '12:00' },
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '13:00', to: '24:00' },
    ],
    holidays: [{ date: '2026-12-25', name: 'Christmas' }],
    closedGreeting: { prompt: 'closed' },
    closedAction: { kind: 'disconnect' },
  },
};

test("a new menu's form with a greeting sends what the API takes, its defaults included", () => {
  const f = newMenuForm();
  f.greeting.text = 'Welcome.';
  const sent = bodyOf(f);
  expect(parseMenuBody(sent)).toEqual({
    ok: true,
    value: {
      greeting: { text: 'Welcome.' },
      options: [],
      inputTimeoutS: 5,
      maxRetries: 2,
      noInputAction: { kind: 'disconnect' },
    },
  });
});

test('every action kind and business hours round-trip through the form unchanged', () => {
  const sent = bodyOf(formOfMenu(STORED));
  const { menuId: _m, updatedAt: _u, userIds: _i, ...asPut } = STORED;
  expect(sent).toEqual(asPut);
  expect(parseMenuBody(sent)).toEqual({ ok: true, value: asPut });
  // Every kind the form offers is one the schema knows; repeat only for options.
  for (const kind of ACTION_KINDS) {
    const f = formOfMenu(STORED);
    f.options[0].action = {
      ...actionForm(),
      kind,
      queueId: 'q',
      menuId: 'm',
      target: 'a@contoso.com',
      serviceId: 'balance',
    };
    expect(parseMenuBody(bodyOf(f)).ok).toBe(true);
  }
  expect(LEAVING_KINDS).not.toContain('repeat');
});

test("the API's field names reach the form's fields: bad input is sent as typed and named by the API", () => {
  const f = formOfMenu(STORED);
  f.inputTimeoutS = 'soon';
  f.hours.timeZone = 'Mars/Olympus';
  f.hours.weekly[0].to = '08:00';
  f.options[0].action.queueId = 'Not An Id';
  const parsed = parseMenuBody(bodyOf(f));
  expect(parsed.ok).toBe(false);
  const fields = parsed.ok ? [] : parsed.errors.map((e) => e.field).sort();
  expect(fields).toEqual([
    'businessHours.timeZone',
    'businessHours.weekly[0].to',
    'inputTimeoutS',
    'options[0].action.queueId',
  ]);
});

test('skills that are not name=level are refused by the form, named by their field', () => {
  const f = formOfMenu(STORED);
  f.options[1].action.requiredSkills = 'french';
  expect(bodyOfMenu(f)).toEqual({ errors: { 'options[1].action.requiredSkills': expect.stringContaining('french') } });
});

test('switching business hours off sends none; empty prompts are left to the API to name', () => {
  const f = formOfMenu(STORED);
  f.hoursOn = false;
  f.invalidPrompt.mode = 'none';
  f.options[0].prompt.mode = 'none';
  const sent = bodyOf(f);
  expect(sent.businessHours).toBeUndefined();
  expect(sent.invalidPrompt).toBeUndefined();
  expect((sent.options as { prompt?: unknown }[])[0].prompt).toBeUndefined();
  f.greeting = { mode: 'text', text: '', prompt: '' };
  const parsed = parseMenuBody(bodyOf(f));
  expect(parsed.ok ? [] : parsed.errors.map((e) => e.field)).toEqual(['greeting.text']);
});

test('a cycle the API refuses on `body` marks the actions of this menu that lead into it', () => {
  const f = formOfMenu(STORED);
  f.noInputAction = { ...actionForm(), kind: 'menu', menuId: 'billing' };
  expect(cycleFields(f, 'main', 'menus would form a cycle: main → billing → main')).toEqual([
    'options[2].action',
    'noInputAction',
  ]);
  expect(cycleFields(f, 'main', 'menus would form a cycle: billing → main → sales → billing')).toEqual([]);
  expect(cycleFields(f, 'main', 'no cycle here')).toEqual([]);
});

test('the next free key, time zones with the stored one kept, and the list summary', () => {
  expect(nextKey([{ key: '0' }, { key: '1' }])).toBe('2');
  const zones = timeZones('Etc/Legacy');
  expect(zones).toEqual(expect.arrayContaining(['UTC', 'Europe/Paris', 'Etc/Legacy']));
  expect([...zones].sort()).toEqual(zones);
  expect(hoursSummary(STORED)).toBe('Mon Tue Wed Thu Fri 08:30–12:00; Mon Tue Wed Thu Fri 13:00–24:00 (Europe/Paris)');
  expect(hoursSummary({})).toBe('Always open');
});

describe('number picker', () => {
  const blank: EndpointForm = {
    userPrincipalName: 'cc@contoso.com',
    displayName: 'CC',
    phoneNumber: '',
    numberType: '',
    usageLocation: '',
    queueId: '',
  };
  const us: FreeNumber = {
    telephoneNumber: '+14255550100',
    numberType: 'callingPlan',
    isoCountryCode: 'US',
    city: 'Redmond',
    capabilities: [],
  };
  const fr: FreeNumber = {
    telephoneNumber: '+33199000000',
    numberType: 'directRouting',
    isoCountryCode: 'FR',
    capabilities: [],
  };

  it("fills the number, its type and the usage location from the number's country", () => {
    const a = pickNumber(blank, us, '');
    expect(a.form).toMatchObject({ phoneNumber: '+14255550100', numberType: 'callingPlan', usageLocation: 'US' });
    // Another pick follows the new number while the usage location is still the one filled in.
    const b = pickNumber(a.form, fr, a.autoUsage);
    expect(b.form).toMatchObject({ phoneNumber: '+33199000000', numberType: 'directRouting', usageLocation: 'FR' });
    expect(pickNumber(b.form, undefined, b.autoUsage).form).toMatchObject({
      phoneNumber: '',
      numberType: '',
      usageLocation: '',
    });
  });

  it('keeps a usage location the admin typed', () => {
    const typed = { ...blank, usageLocation: 'CA' };
    expect(pickNumber(typed, us, '').form.usageLocation).toBe('CA');
  });

  it('labels a number with its type and place', () => {
    expect(freeNumberLabel(us)).toBe('+14255550100 · Calling Plan · US, Redmond');
    expect(freeNumberLabel(fr)).toBe('+33199000000 · Direct Routing · FR');
  });
});
