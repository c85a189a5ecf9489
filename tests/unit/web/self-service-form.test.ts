/**
 * The portal's self-service form → the PUT body, checked against the API's own schema (shared/menus): a stored
 * self-service round-trips unchanged; the write-only secret is left out of a replace unless typed (and sent when it
 * is); bad input goes as typed and the API names each field; the fallback kinds are the ones the API takes there.
 */
import { parseMenuBody, parseSelfServiceBody, type SelfServiceBody } from '../../../shared/menus';
import type { SelfServiceView } from '../../../shared/domain/self-service';
import {
  FALLBACK_KINDS,
  bodyOfSelfService,
  collectSummary,
  formOfSelfService,
  newSelfServiceForm,
  type SelfServiceForm,
} from '../../../web/src/self-service-body';
import { actionForm } from '../../../web/src/menu-body';

const bodyOf = (f: SelfServiceForm) => {
  const out = bodyOfSelfService(f);
  if (!('body' in out)) throw new Error(JSON.stringify(out.errors));
  return out.body;
};

const STORED: SelfServiceView = {
  tenantId: 't',
  serviceId: 'balance',
  updatedAt: '2026-12-03T00:00:00Z',
  secretSet: true,
  name: 'Balance',
  url: 'https://lob.contoso.com/balance',
  collect: [
    { name: 'account', prompt: { text: 'Your account number.' }, digits: { min: 10, max: 10 }, terminator: '#' },
    { name: 'pin', prompt: { prompt: 'enter-pin' }, digits: { min: 4, max: 6 }, terminator: '*' },
  ],
  fallback: { kind: 'callQueue', queueId: 'support', priority: 2 },
  failurePrompt: { text: 'Sorry.' },
  timeoutS: 7,
  maxRetries: 1,
};

test('a stored self-service round-trips through the form unchanged, its secret kept (left out)', () => {
  const sent = bodyOf(formOfSelfService(STORED));
  const { tenantId: _t, serviceId: _s, updatedAt: _u, secretSet: _x, ...asPut } = STORED;
  expect(sent).toEqual(asPut);
  expect('secret' in sent).toBe(false);
  expect(parseSelfServiceBody(sent)).toEqual({ ok: true, value: asPut });
});

test('a typed secret is sent; a new one with the defaults is what the API takes', () => {
  const replace = formOfSelfService(STORED);
  replace.secret = 'a-new-shared-secret-0123';
  expect(bodyOf(replace).secret).toBe('a-new-shared-secret-0123');

  const f = newSelfServiceForm();
  f.url = 'https://lob.contoso.com/x';
  f.secret = 'sixteen-chars-or-more';
  f.collect[0].name = 'account';
  f.collect[0].prompt.text = 'Your account.';
  const parsed = parseSelfServiceBody(bodyOf(f));
  expect(parsed).toEqual({
    ok: true,
    value: {
      url: 'https://lob.contoso.com/x',
      secret: 'sixteen-chars-or-more',
      collect: [{ name: 'account', prompt: { text: 'Your account.' }, digits: { min: 1, max: 10 }, terminator: '#' }],
      timeoutS: 5,
      maxRetries: 2,
    } satisfies SelfServiceBody,
  });
});

test("bad input goes as typed and the API's schema names every field the form shows", () => {
  const f = formOfSelfService(STORED);
  f.url = 'not a url';
  f.secret = 'short';
  f.collect[0].min = '12';
  f.collect[1].name = '1pin';
  f.collect[1].max = 'six';
  f.timeoutS = '0';
  const parsed = parseSelfServiceBody(bodyOf(f));
  expect(parsed.ok ? [] : parsed.errors.map((e) => e.field).sort()).toEqual([
    'collect[0].digits.max',
    'collect[1].digits.max',
    'collect[1].name',
    'secret',
    'timeoutS',
    'url',
  ]);
});

test('the fallback: off is the default (back to the menu); each kind offered is one the API takes there', () => {
  const off = formOfSelfService(STORED);
  off.fallbackOn = false;
  expect(bodyOf(off).fallback).toBeUndefined();
  for (const kind of FALLBACK_KINDS) {
    const f = formOfSelfService(STORED);
    f.fallback = {
      ...actionForm(),
      kind,
      queueId: 'q',
      menuId: 'm',
      target: '+14255550100',
      transferTo: 'phoneNumber',
    };
    expect(parseSelfServiceBody(bodyOf(f)).ok).toBe(true);
  }
  const skills = formOfSelfService(STORED);
  skills.fallback.requiredSkills = 'french';
  expect(bodyOfSelfService(skills)).toEqual({
    errors: { 'fallback.requiredSkills': expect.stringContaining('french') },
  });
});

test("a menu option leading to a self-service is one the menu schema takes; the list's summary", () => {
  expect(
    parseMenuBody({
      greeting: { text: 'Hi' },
      options: [{ key: '1', action: { kind: 'selfService', serviceId: 'balance' } }],
      noInputAction: { kind: 'disconnect' },
    }).ok,
  ).toBe(true);
  expect(collectSummary(STORED.collect)).toBe('account (10 digits, #), pin (4–6 digits, *)');
});
