/** The call queue API body (issue 13 item 3): Teams' defaults, every range, every error named; merge patch; skills. */
import {
  MAX_CALL_QUEUE_AGENTS,
  callQueueBodyOf,
  ownIdProblems,
  parseAgentSkillsBody,
  parseCallQueueBody,
  type CallQueueRecord,
} from '../../../../shared/callqueues';
import { applyMergePatch } from '../../../../shared/http/merge-patch';
import { storedCallQueue, withTeamsDefaults } from '../../../support/callqueue-bodies';

const fields = (body: unknown): string[] => {
  const r = parseCallQueueBody(body);
  return r.ok ? [] : r.errors.map((e) => e.field);
};

describe('call queue body', () => {
  it("applies Teams' defaults", () => {
    const r = parseCallQueueBody({ name: 'Sales' });
    expect(r).toEqual({ ok: true, value: withTeamsDefaults('Sales') });
  });

  it.each([
    ['agentAlertTimeS', 15, 180],
    ['wrapUpS', 0, 600],
    ['maxCalls', 0, 1000],
    ['maxWaitS', 0, 2700],
  ])('%s takes %i to %i, whole numbers only', (field, min, max) => {
    expect(fields({ name: 'q', [field]: min })).toEqual([]);
    expect(fields({ name: 'q', [field]: max })).toEqual([]);
    expect(fields({ name: 'q', [field]: min - 1 })).toEqual([field]);
    expect(fields({ name: 'q', [field]: max + 1 })).toEqual([field]);
    expect(fields({ name: 'q', [field]: min + 0.5 })).toEqual([field]);
    expect(fields({ name: 'q', [field]: String(min) })).toEqual([field]);
  });

  it('names every bad field at once, nested ones by path', () => {
    expect(
      fields({
        routingMethod: 'random',
        presenceBasedRouting: 'yes',
        agentAlertTimeS: 5,
        requiredSkills: { sales: 6, 'bad skill': 1 },
        missedOffersBeforeOptOut: 0,
        overflowAction: { kind: 'user' },
        agents: [{ userPrincipalName: 'not-a-upn' }, { userPrincipalName: 'a@contoso.com', extra: 1 }],
        colour: 'red',
      }).sort(),
    ).toEqual(
      [
        'name',
        'routingMethod',
        'presenceBasedRouting',
        'agentAlertTimeS',
        'requiredSkills.sales',
        'requiredSkills.bad skill',
        'missedOffersBeforeOptOut',
        'overflowAction.target',
        'agents[0].userPrincipalName',
        'agents[1]',
        'body',
      ].sort(),
    );
  });

  it('checks each action target by its kind', () => {
    const action = (a: unknown) => fields({ name: 'q', timeoutAction: a });
    expect(action({ kind: 'callQueue', target: 'support' })).toEqual([]);
    expect(action({ kind: 'callQueue', target: 'Support Line' })).toEqual(['timeoutAction.target']);
    expect(action({ kind: 'number', target: '+14255550100' })).toEqual([]);
    expect(action({ kind: 'number', target: '4255550100' })).toEqual(['timeoutAction.target']);
    expect(action({ kind: 'user', target: 'agent01@contoso.com' })).toEqual([]);
    expect(action({ kind: 'user', target: '0f0e8d4c-1111-4222-8333-944455556666' })).toEqual([]);
    expect(action({ kind: 'user', target: 'someone' })).toEqual(['timeoutAction.target']);
    expect(action({ kind: 'disconnect', target: 'x' })).toEqual(['timeoutAction.target']);
    expect(action({ kind: 'voicemail' })).toEqual(['timeoutAction.kind']);
  });

  it(`takes up to ${MAX_CALL_QUEUE_AGENTS} agents, each once`, () => {
    const agents = (n: number) => Array.from({ length: n }, (_, i) => ({ userPrincipalName: `a${i}@contoso.com` }));
    expect(fields({ name: 'q', agents: agents(MAX_CALL_QUEUE_AGENTS) })).toEqual([]);
    expect(fields({ name: 'q', agents: agents(MAX_CALL_QUEUE_AGENTS + 1) })).toEqual(['agents']);
    expect(
      fields({ name: 'q', agents: [{ userPrincipalName: 'A@contoso.com' }, { userPrincipalName: 'a@contoso.com' }] }),
    ).toEqual(['agents[1].userPrincipalName']);
  });

  it('an action may not send a call back into its own call queue', () => {
    const r = parseCallQueueBody({
      name: 'q',
      overflowAction: { kind: 'callQueue', target: 'sales' },
      timeoutAction: { kind: 'callQueue', target: 'support' },
      noAgentAction: { kind: 'callQueue', target: 'sales' },
    });
    if (!r.ok) throw new Error('valid body expected');
    expect(ownIdProblems('sales', r.value).map((e) => e.field)).toEqual([
      'overflowAction.target',
      'noAgentAction.target',
    ]);
    expect(ownIdProblems('billing', r.value)).toEqual([]);
  });

  it('a body that is not an object is named as the body', () => {
    expect(fields([1])).toEqual(['body']);
    expect(fields(null)).toEqual(['body']);
  });
});

describe('merge patch (RFC 7396)', () => {
  it("follows the RFC's examples", () => {
    // RFC 7396 appendix A, a few rows of its table.
    expect(applyMergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(applyMergePatch(['a', 'b'], ['c', 'd'])).toEqual(['c', 'd']);
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it('keeps a __proto__ member a plain member', () => {
    const patched = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(patched)).toEqual(['__proto__']);
    expect(fields({ name: 'q', ...patched })).toEqual(['body']);
  });

  it('a patched stored call queue validates as PUT would, naming the merged field', () => {
    const record: CallQueueRecord = storedCallQueue();
    const body = callQueueBodyOf(record);
    expect(body.agents).toEqual([
      { userPrincipalName: 'agent02@contoso.com', order: 2 },
      { userPrincipalName: 'agent01@contoso.com' },
    ]);
    expect(parseCallQueueBody(body)).toEqual({ ok: true, value: body });
    expect(parseCallQueueBody(applyMergePatch(body, { wrapUpS: 30, requiredSkills: { sales: 2 } }))).toMatchObject({
      ok: true,
      value: { wrapUpS: 30, requiredSkills: { sales: 2 }, name: 'Sales' },
    });
    expect(fields(applyMergePatch(body, { wrapUpS: 601, name: null }))).toEqual(['name', 'wrapUpS']);
  });
});

describe('agent skills body', () => {
  it('takes {skills: {name: 1–5}} and names each bad skill', () => {
    expect(parseAgentSkillsBody({ skills: { sales: 5, 'es-ES': 1 } })).toEqual({
      ok: true,
      value: { skills: { sales: 5, 'es-ES': 1 } },
    });
    const r = parseAgentSkillsBody({ skills: { sales: 0, support: 6, billing: 2.5, 'a b': 3 }, extra: 1 });
    expect(r.ok ? [] : r.errors.map((e) => e.field).sort()).toEqual(
      ['body', 'skills.a b', 'skills.billing', 'skills.sales', 'skills.support'].sort(),
    );
    expect(parseAgentSkillsBody({}).ok).toBe(false);
  });
});

describe('callback settings (issue 14 item 5)', () => {
  it('takes the defaults and names every bad field', () => {
    const r = parseCallQueueBody({ name: 'Sales', callback: { enabled: true } });
    expect(r.ok && r.value.callback).toEqual({
      enabled: true,
      key: '1',
      retries: 2,
      retryAfterS: 120,
      numberSource: 'callerId',
    });
    expect(
      fields({
        name: 'Sales',
        callback: {
          key: '12',
          offerAfterS: -1,
          offerBeyondPosition: 1.5,
          retries: 11,
          retryAfterS: 5,
          numberSource: 'sms',
          x: 1,
        },
      }).sort(),
    ).toEqual([
      'callback',
      'callback.key',
      'callback.numberSource',
      'callback.offerAfterS',
      'callback.offerBeyondPosition',
      'callback.retries',
      'callback.retryAfterS',
    ]);
  });

  it('a merge patch changes one member, or removes the callback with null', () => {
    const stored = parseCallQueueBody({
      name: 'Sales',
      callback: { enabled: true, offerAfterS: 60, numberSource: 'ask' },
    });
    if (!stored.ok) throw new Error('stored body');
    const patched = parseCallQueueBody(applyMergePatch(stored.value, { callback: { retries: 1, offerAfterS: null } }));
    expect(patched.ok && patched.value.callback).toEqual({
      enabled: true,
      key: '1',
      retries: 1,
      retryAfterS: 120,
      numberSource: 'ask',
    });
    const removed = parseCallQueueBody(applyMergePatch(stored.value, { callback: null }));
    expect(removed.ok && removed.value.callback).toBeUndefined();
  });
});
