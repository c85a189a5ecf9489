/** Who may see and change which call queue and agent (issue 15 item 4), and the state an agent is shown in. */
import type { Principal } from '../../../../shared/auth';
import { mayOptAgent, maySetSkills, scopeOf, supervises } from '../../../../shared/callqueues';
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
