/**
 * The portal's call queue form → the PUT body, checked against the API's own schema (shared/callqueues): what the
 * form sends for the defaults, for every setting filled in, and for fields it does not show; skills as text.
 */
import { parseCallQueueBody } from '../../../shared/callqueues';
import { bodyOf, formOf, numberOrText, parseSkills, skillsText } from '../../../web/src/callqueue-body';
import { newCallQueue, type CallQueue } from '../../../web/src/contact-center';
import { storedCallQueue, withTeamsDefaults } from '../../support/callqueue-bodies';

const body = (q: CallQueue) => {
  const out = bodyOf(formOf(q));
  if (!('body' in out)) throw new Error(JSON.stringify(out.errors));
  return out.body;
};

test("a new call queue's form sends Teams' defaults, which the API takes as they are", () => {
  const sent = body({ ...newCallQueue(), name: 'Sales' });
  const parsed = parseCallQueueBody(sent);
  expect(parsed).toEqual({ ok: true, value: withTeamsDefaults('Sales') });
});

test('every setting round-trips through the form; unshown fields go back; server fields do not', () => {
  const stored: CallQueue = storedCallQueue();
  const sent = body(stored);
  expect(sent).not.toHaveProperty('queueId');
  expect(sent).not.toHaveProperty('tenantId');
  expect(sent).not.toHaveProperty('updatedAt');
  const parsed = parseCallQueueBody(sent);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const { queueId: _q, tenantId: _t, updatedAt: _u, ...settings } = stored;
  expect(parsed.value).toEqual({
    ...settings,
    agents: [{ userPrincipalName: 'agent02@contoso.com', order: 2 }, { userPrincipalName: 'agent01@contoso.com' }],
  });
});

test('what the form cannot judge goes to the API, which names the field; what it cannot send it names itself', () => {
  const form = formOf({ ...newCallQueue(), name: 'Sales' });
  form.numbers.agentAlertTimeS = 'soon';
  form.actions.overflowAction = { kind: 'disconnect', target: 'ignored' };
  form.actions.timeoutAction = { kind: 'callQueue', target: '  ' };
  form.agents = [
    { userPrincipalName: ' ', order: '' },
    { userPrincipalName: 'Agent01@contoso.com', order: 'x' },
  ];
  const out = bodyOf(form);
  if (!('body' in out)) throw new Error('expected a body');
  expect(out.body).toMatchObject({
    agentAlertTimeS: 'soon',
    overflowAction: { kind: 'disconnect' },
    agents: [{ userPrincipalName: 'Agent01@contoso.com', order: 'x' }],
  });
  const parsed = parseCallQueueBody(JSON.parse(JSON.stringify(out.body)));
  expect(parsed.ok).toBe(false);
  if (parsed.ok) return;
  expect(parsed.errors.map((e) => e.field).sort()).toEqual([
    'agentAlertTimeS',
    'agents[0].order',
    'timeoutAction.target',
  ]);
  form.requiredSkills = 'french=3, billing';
  expect(bodyOf(form)).toEqual({ errors: { requiredSkills: '"billing" is not name=level (like french=3).' } });
});

test('skills as text', () => {
  expect(parseSkills('french=3, billing = 2;sales=5\n')).toEqual({
    ok: true,
    value: { french: 3, billing: 2, sales: 5 },
  });
  expect(parseSkills('')).toEqual({ ok: true, value: {} });
  expect(parseSkills('french')).toEqual({ ok: false, error: '"french" is not name=level (like french=3).' });
  expect(skillsText({ french: 3, billing: 2 })).toBe('french=3, billing=2');
  expect(skillsText(undefined)).toBe('');
  expect([numberOrText(''), numberOrText(' 15 '), numberOrText('1e2'), numberOrText('ten')]).toEqual([
    undefined,
    15,
    100,
    'ten',
  ]);
});
