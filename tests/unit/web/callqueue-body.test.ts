/**
 * The portal's call queue form → the PUT body, checked against the API's own schema (shared/callqueues): what the
 * form sends for the defaults, for every setting filled in, and for fields it does not show; skills as text.
 */
import { callQueueBodyOf, parseCallQueueBody, type CallQueueRecord } from '../../../shared/callqueues';
import { applyMergePatch } from '../../../shared/http/merge-patch';
import {
  bodyOf,
  formOf,
  mergePatchOf,
  numberOrText,
  parseSkills,
  patchOf,
  skillsText,
} from '../../../web/src/callqueue-body';
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

describe("a supervisor's save: a merge patch of what the form changed", () => {
  const patch = (form: ReturnType<typeof formOf>) => {
    const out = patchOf(storedCallQueue(), form);
    if (!('body' in out)) throw new Error(JSON.stringify(out.errors));
    return out.body;
  };
  /** What the API stores after the patch: applied to the stored body (as the service does), then validated. */
  const applied = (body: Record<string, unknown>) => {
    const stored = {
      ...storedCallQueue(),
      noAgentAction: { kind: 'user', target: 'lead@contoso.com', targetId: 'id-l' },
    };
    const parsed = parseCallQueueBody(applyMergePatch(callQueueBodyOf(stored as CallQueueRecord), body));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return parsed.value;
  };

  test('an unchanged form sends nothing; a changed setting sends just that', () => {
    expect(patch(formOf(storedCallQueue()))).toEqual({});
    const form = formOf(storedCallQueue());
    form.numbers.agentAlertTimeS = '45';
    expect(patch(form)).toEqual({ agentAlertTimeS: 45 });
    expect(applied(patch(form)).agentAlertTimeS).toBe(45);
  });

  test('a cleared field is removed (null), an action losing its target drops it, agents go whole', () => {
    const form = formOf(storedCallQueue());
    form.requiredSkills = '';
    form.numbers.missedOffersBeforeOptOut = '';
    form.actions.noAgentAction = { kind: 'disconnect', target: 'lead@contoso.com' };
    form.agents = [{ userPrincipalName: 'agent01@contoso.com', order: '' }];
    const sent = patch(form);
    expect(sent).toEqual({
      requiredSkills: null,
      missedOffersBeforeOptOut: null,
      noAgentAction: { kind: 'disconnect', target: null },
      agents: [{ userPrincipalName: 'agent01@contoso.com' }],
    });
    const result = applied(sent);
    expect(result.requiredSkills).toBeUndefined();
    expect(result.missedOffersBeforeOptOut).toBeUndefined();
    expect(result.noAgentAction).toEqual({ kind: 'disconnect' });
    expect(result.agents).toEqual([{ userPrincipalName: 'agent01@contoso.com' }]);
    // What the form does not show stays as it was.
    expect(result.relaxation).toEqual([{ afterS: 60, minLevelDelta: 1 }]);
  });

  test('what the form cannot send it names itself', () => {
    const form = formOf(storedCallQueue());
    form.requiredSkills = 'french';
    expect(patchOf(storedCallQueue(), form)).toEqual({
      errors: { requiredSkills: '"french" is not name=level (like french=3).' },
    });
  });

  test('the merge patch between two values (RFC 7396 run backwards)', () => {
    expect(mergePatchOf({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { a: 1, b: { c: 2 }, e: [1, 2] })).toEqual({
      b: { d: null },
    });
    expect(mergePatchOf({ e: [{ x: 1 }] }, { e: [{ x: 1 }, { x: 2 }] })).toEqual({ e: [{ x: 1 }, { x: 2 }] });
    expect(mergePatchOf({ e: [{ x: 1, y: 2 }] }, { e: [{ x: 1 }] })).toEqual({ e: [{ x: 1 }] });
    expect(mergePatchOf({ a: 1 }, { a: 1 })).toBeUndefined();
    expect(mergePatchOf('x', 'y')).toBe('y');
    expect(mergePatchOf({ a: 1 }, { b: 2 })).toEqual({ a: null, b: 2 });
  });
});
