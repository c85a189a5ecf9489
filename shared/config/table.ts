/** Renders {@link SETTINGS} as the README's configuration table (so docs are generated, not copied). */
import { SETTINGS, SettingDefinition } from './settings';

const cell = (s: string) => s.replace(/\|/g, '\\|');

function requirement(s: SettingDefinition): string {
  if (s.required === true) return 'yes';
  if (typeof s.required === 'string') return s.required;
  return 'no';
}

export function configurationTable(settings: readonly SettingDefinition[] = SETTINGS): string {
  const rows = settings.map(
    (s) =>
      `| \`${s.name}\` | ${requirement(s)} | ${s.default === undefined ? '' : `\`${cell(s.default)}\``} | ${cell(s.doc)}${s.secret ? ' (secret)' : ''} |`,
  );
  return ['| setting | required | default | what |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
