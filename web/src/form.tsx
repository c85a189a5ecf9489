// Form helpers shared by the contact-center pages: field messages from problem+json, skills as "name=level" text.
import { Field, Input, type InputProps } from '@fluentui/react-components';
import { ApiProblem } from './api';

/**
 * The messages the API gave for a field and anything under it (`overflowAction` also collects `overflowAction.target`,
 * `requiredSkills` collects `requiredSkills.french`), joined; undefined when none.
 */
export function fieldMessage(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiProblem)) return undefined;
  const messages = (error.problem.errors ?? [])
    .filter((e) => e.field === field || e.field?.startsWith(`${field}.`) || e.field?.startsWith(`${field}[`))
    .map((e) => (e.field === field ? e.message : `${e.field!.slice(field.length).replace(/^\./, '')}: ${e.message}`));
  return messages.length ? messages.join(' ') : undefined;
}

/** True when every error the API named belongs to one of the fields the form shows (so no general bar is needed). */
export function allShown(error: unknown, fields: string[]): boolean {
  if (!(error instanceof ApiProblem)) return false;
  const errors = error.problem.errors ?? [];
  return (
    errors.length > 0 &&
    errors.every(
      (e) =>
        e.field && fields.some((f) => e.field === f || e.field!.startsWith(f + '.') || e.field!.startsWith(f + '[')),
    )
  );
}

export function TextField({
  label,
  name,
  value,
  onChange,
  message,
  hint,
  required,
  type,
  disabled,
  inputProps,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (v: string) => void;
  message?: string;
  hint?: string;
  required?: boolean;
  type?: InputProps['type'];
  disabled?: boolean;
  inputProps?: Partial<InputProps>;
}) {
  return (
    <Field
      label={label}
      required={required}
      hint={hint}
      validationMessage={message}
      validationState={message ? 'error' : 'none'}
    >
      <Input
        name={name}
        value={value}
        type={type}
        disabled={disabled}
        onChange={(_, d) => onChange(d.value)}
        {...inputProps}
      />
    </Field>
  );
}

/** "french=3, sales=2" → {french: 3, sales: 2}; a part that is not name=level is an error naming it. */
export function parseSkills(text: string): { ok: true; value: Record<string, number> } | { ok: false; error: string } {
  const value: Record<string, number> = {};
  for (const part of text.split(/[,;\n]/).map((p) => p.trim())) {
    if (!part) continue;
    const m = /^([^=\s]+)\s*=\s*(-?\d+)$/.exec(part);
    if (!m) return { ok: false, error: `"${part}" is not name=level (like french=3).` };
    value[m[1]] = Number(m[2]);
  }
  return { ok: true, value };
}

export function skillsText(skills: Record<string, number> | undefined): string {
  return Object.entries(skills ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** A number field's text as the API should get it: a number when it is one, else the text (the API names it). */
export function numberOrText(text: string): number | string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}
