/** Who may see and change which call queue and agent (issue 15 item 4), and the state an agent is shown in. */
import type { Principal } from '../../../../shared/auth';
import { mayOptAgent, maySetSkills, scopeOf, supervises, supervisorEditProblems } from '../../../../shared/callqueues';
import { shownAgentState } from '../../../../shared/domain';

const who = (roles: string[], queues: string[] = [], oid = 'OID-1'): Principal => ({
  tenantId: 't',
  oid,
  roles,
  queues,
});

describe('call queue scope', () => {
  it('an Admin sees every call queue', () => {
    const s = scopeOf(who(['Switchboard.Admin']), []);
    expect(s.all).toBe(true);
    expect(supervises(s, 'anything')).toBe(true);
    expect(maySetSkills(s, [])).toBe(true);
  });

  it("a Supervisor: the token's queues claim and their assignments, nothing else", () => {
    const s = scopeOf(who(['Switchboard.Supervisor'], ['sales']), ['support']);
    expect(s.all).toBe(false);
    expect([...s.queues].sort()).toEqual(['sales', 'support']);
    expect(supervises(s, 'sales')).toBe(true);
    expect(supervises(s, 'support')).toBe(true);
    expect(supervises(s, 'billing')).toBe(false);
    expect(maySetSkills(s, ['billing', 'support'])).toBe(true);
    expect(maySetSkills(s, ['billing'])).toBe(false);
    expect(maySetSkills(s, [])).toBe(false);
    expect(mayOptAgent(s, 'sales', 'someone')).toBe(true);
    expect(mayOptAgent(s, 'billing', 'someone')).toBe(false);
  });

  it('an Agent supervises nothing (whatever their token claims) and may opt only themself', () => {
    const s = scopeOf(who(['Switchboard.Agent'], ['sales']), ['sales']);
    expect(s.queues.size).toBe(0);
    expect(supervises(s, 'sales')).toBe(false);
    expect(maySetSkills(s, ['sales'])).toBe(false);
    expect(mayOptAgent(s, 'sales', 'oid-1')).toBe(true);
    expect(mayOptAgent(s, 'sales', 'oid-2')).toBe(false);
    // An Admin's object id does not make them an agent, but they may anyway.
    expect(mayOptAgent(scopeOf(who(['Switchboard.Admin'], [], 'x'), []), 'sales', 'y')).toBe(true);
  });

  it('a Supervisor without the Agent role may not opt themself out of a call queue they do not supervise', () => {
    const s = scopeOf(who(['Switchboard.Supervisor'], []), []);
    expect(mayOptAgent(s, 'sales', 'oid-1')).toBe(false);
  });
});

describe('the state an agent is shown in', () => {
  it('our state wins while we hold the agent; a free agent is shown by Teams presence', () => {
    expect(shownAgentState('offered', 'Away')).toBe('offered');
    expect(shownAgentState('busy', 'Available')).toBe('busy');
    expect(shownAgentState('wrapUp', 'Offline')).toBe('wrapUp');
    expect(shownAgentState('available', 'Available')).toBe('available');
    expect(shownAgentState('available', 'AvailableIdle')).toBe('available');
    expect(shownAgentState('available', 'Away')).toBe('away');
    expect(shownAgentState('available', 'BeRightBack')).toBe('away');
    expect(shownAgentState('available', 'Busy')).toBe('busy');
    expect(shownAgentState('available', 'DoNotDisturb')).toBe('busy');
    expect(shownAgentState('available', 'Offline')).toBe('offline');
    expect(shownAgentState('available', 'PresenceUnknown')).toBe('offline');
    expect(shownAgentState('available', undefined)).toBe('offline');
  });
});

describe("what a Supervisor may change in their call queue's actions", () => {
  type Action = { kind: string; target?: string };
  const hangUp: Action = { kind: 'disconnect' };
  const to = (kind: string, target: string): Action => ({ kind, target });
  const actions = (o: Partial<Record<'overflowAction' | 'timeoutAction' | 'noAgentAction', Action>> = {}) => ({
    overflowAction: hangUp,
    timeoutAction: hangUp,
    noAgentAction: hangUp,
    ...o,
  });
  const supervisor = scopeOf(who(['Switchboard.Supervisor'], ['sales']), ['support']);
  const fields = (before: ReturnType<typeof actions>, after: ReturnType<typeof actions>) =>
    supervisorEditProblems(supervisor, before, after).map((p) => p.field);

  it('may send calls to a call queue they supervise (by claim or assignment), a person, a number, or hang up', () => {
    const after = actions({
      overflowAction: to('callQueue', 'support'),
      timeoutAction: to('user', 'someone@contoso.com'),
      noAgentAction: to('number', '+14255550100'),
    });
    expect(fields(actions(), after)).toEqual([]);
    expect(fields(actions({ timeoutAction: to('callQueue', 'sales') }), actions())).toEqual([]);
    expect(fields(actions(), actions({ noAgentAction: to('callQueue', 'sales') }))).toEqual([]);
  });

  it('may not send calls into a call queue they do not supervise: each action at fault is named', () => {
    const after = actions({
      overflowAction: to('callQueue', 'billing'),
      timeoutAction: to('callQueue', 'support'),
      noAgentAction: to('callQueue', 'nobody-knows'),
    });
    const problems = supervisorEditProblems(supervisor, actions(), after);
    expect(problems.map((p) => p.field)).toEqual(['overflowAction.target', 'noAgentAction.target']);
    expect(problems[0].message).toMatch(/billing is not a call queue you supervise/);
  });

  it("keeps a target an Admin set (so the Supervisor's other changes save), but not in another action", () => {
    const stored = actions({ overflowAction: to('callQueue', 'billing') });
    expect(fields(stored, stored)).toEqual([]);
    // Taking it away is theirs to do; moving it to another action or another unsupervised call queue is not.
    expect(fields(stored, actions())).toEqual([]);
    expect(fields(stored, actions({ timeoutAction: to('callQueue', 'billing') }))).toEqual(['timeoutAction.target']);
    expect(fields(stored, actions({ overflowAction: to('callQueue', 'finance') }))).toEqual(['overflowAction.target']);
    // The same target under another kind is not a call queue at all.
    expect(fields(actions({ overflowAction: to('user', 'billing') }), stored)).toEqual(['overflowAction.target']);
  });

  it('an Admin is refused nothing', () => {
    const admin = scopeOf(who(['Switchboard.Admin']), []);
    const after = actions({ overflowAction: to('callQueue', 'billing') });
    expect(supervisorEditProblems(admin, actions(), after)).toEqual([]);
  });
});
