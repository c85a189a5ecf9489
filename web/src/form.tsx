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
