/** The CLI's `field=value` merge patches and `name=level` skills. */
import { skillsFromPairs } from '../../../cli/commands/agents.command';
import { patchFromPairs } from '../../../cli/commands/callqueues.command';

describe('callqueues patch field=value', () => {
  it('reads JSON values when they parse, strings otherwise; null removes', () => {
    expect(
      patchFromPairs(['wrapUpS=30', 'presenceBasedRouting=false', 'name=Front desk', 'requiredSkills={"sales":2}']),
    ).toEqual({ wrapUpS: 30, presenceBasedRouting: false, name: 'Front desk', requiredSkills: { sales: 2 } });
    expect(patchFromPairs(['requiredSkills=null', 'target=a=b'])).toEqual({ requiredSkills: null, target: 'a=b' });
  });

  it('refuses what is not field=value', () => {
    expect(() => patchFromPairs(['wrapUpS'])).toThrow(/not field=value/);
    expect(() => patchFromPairs(['=3'])).toThrow(/not field=value/);
  });
});

describe('agents set-skills name=level', () => {
  it('reads whole-number levels and leaves the range to the API', () => {
    expect(skillsFromPairs(['sales=4', 'es-ES=1', 'x=9'])).toEqual({ sales: 4, 'es-ES': 1, x: 9 });
    expect(skillsFromPairs([])).toEqual({});
    expect(() => skillsFromPairs(['sales=high'])).toThrow(/not name=level/);
    expect(() => skillsFromPairs(['sales'])).toThrow(/not name=level/);
  });
});
