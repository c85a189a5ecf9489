/** The settings list in shared/config is the one place for each setting: README and the local sample follow it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SETTINGS } from '../../../shared/config';
import { withSettingsTable } from '../../../scripts/docs';

const root = path.resolve(__dirname, '..', '..', '..');

it("README's configuration table is the generated one (run `npm run docs` after changing a setting)", () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  expect(readme).toBe(withSettingsTable(readme));
});

it('local.settings.sample.json lists and documents every setting', () => {
  const sample = JSON.parse(readFileSync(path.join(root, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
    Documentation: Record<string, string>;
  };
  for (const s of SETTINGS) {
    expect(Object.keys(sample.Values)).toContain(s.name);
    expect(sample.Documentation[s.name]?.length ?? 0).toBeGreaterThan(10);
  }
});
