// The menu form's parts: a prompt (spoken text or a prompt by name) and an action (call queue, menu, transfer,
// self-service, repeat, disconnect), each showing the API's messages for its own fields (`options[1].action.queueId`).
import { Field, Input, Select, makeStyles } from '@fluentui/react-components';
import { createContext, useContext, type ReactNode } from 'react';
import type { Api } from '../api';
import { useLoad } from '../components';
import { itemsOf } from '../contact-center';
import type { SelfServiceView } from '../../../shared/domain/self-service';
import { fieldMessage } from '../form';
import { ACTION_KINDS, ACTION_LABELS, type ActionForm, type FormActionKind, type PromptForm } from '../menu-body';

/** The tenant's self-services (id and name) the `selfService` action picks from (`WithSelfServices` provides them). */
export const SelfServicesContext = createContext<{ serviceId: string; name?: string }[]>([]);

/** Loads the tenant's self-services (`GET …/selfServices`) for the action pickers of the page inside. */
export function WithSelfServices({ api, children }: { api: Api; children: ReactNode }) {
  const services = useLoad(
    async () => itemsOf<SelfServiceView>(await api.json('GET', api.tenantPath('/selfServices'))),
    [],
  );
  return <SelfServicesContext.Provider value={services.data ?? []}>{children}</SelfServicesContext.Provider>;
}

const useStyles = makeStyles({
  row: { display: 'grid', gridTemplateColumns: 'minmax(140px, 200px) minmax(180px, 1fr)', gap: '8px' },
  wide: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(160px, 1fr))', gap: '8px' },
});

/** Messages for exactly this field, not for those under it (they show at their own inputs). */
function own(error: unknown, field: string, local?: Record<string, string>): string | undefined {
  if (local?.[field]) return local[field];
  const m = fieldMessage(error, field);
  if (!m) return undefined;
  const parts = (error as { problem: { errors?: { field?: string; message: string }[] } }).problem.errors ?? [];
  const exact = parts.filter((e) => e.field === field).map((e) => e.message);
  return exact.length ? exact.join(' ') : undefined;
}

export function PromptInput({
  field,
  label,
  value,
  onChange,
  error,
  prompts,
  allowNone,
  noneLabel = 'None',
}: {
  field: string;
  label: string;
  value: PromptForm;
  onChange: (v: PromptForm) => void;
  error: unknown;
  prompts: string[];
  allowNone?: boolean;
  noneLabel?: string;
}) {
  const styles = useStyles();
  const whole = own(error, field);
  const text = own(error, `${field}.text`);
  const prompt = own(error, `${field}.prompt`);
  return (
    <div className={styles.row}>
      <Field label={label} validationMessage={whole} validationState={whole ? 'error' : 'none'}>
        <Select
          name={`${field}.mode`}
          value={value.mode}
          onChange={(_, d) => onChange({ ...value, mode: d.value as PromptForm['mode'] })}
        >
          {allowNone && <option value="none">{noneLabel}</option>}
          <option value="text">Spoken text</option>
          <option value="prompt">A prompt</option>
        </Select>
      </Field>
      {value.mode === 'text' && (
        <Field label={`${label}: text`} validationMessage={text} validationState={text ? 'error' : 'none'}>
          <Input name={`${field}.text`} value={value.text} onChange={(_, d) => onChange({ ...value, text: d.value })} />
        </Field>
      )}
      {value.mode === 'prompt' && (
        <Field label={`${label}: prompt`} validationMessage={prompt} validationState={prompt ? 'error' : 'none'}>
          <Select
            name={`${field}.prompt`}
            value={value.prompt}
            onChange={(_, d) => onChange({ ...value, prompt: d.value })}
          >
            <option value="">Choose a prompt…</option>
            {[...new Set([...prompts, ...(value.prompt ? [value.prompt] : [])])].map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </Select>
        </Field>
      )}
    </div>
  );
}

export function MenuActionInput({
  field,
  label,
  value,
  onChange,
  error,
  local,
  kinds = ACTION_KINDS,
  marked,
}: {
  field: string;
  label: string;
  value: ActionForm;
  onChange: (v: ActionForm) => void;
  error: unknown;
  local?: Record<string, string>;
  kinds?: readonly FormActionKind[];
  /** A message for the whole action the API did not name it by (a menu cycle). */
  marked?: string;
}) {
  const styles = useStyles();
  const services = useContext(SelfServicesContext);
  const m = (sub: string) => own(error, `${field}${sub}`, local);
  const kindMessage = [m(''), m('.kind'), marked].filter(Boolean).join(' ') || undefined;
  const input = (sub: string, text: string, v: string, set: (v: string) => void, placeholder?: string) => {
    // The transfer's `target` (one of the two, exactly) shows at its one input.
    const message =
      [m(sub), sub.startsWith('.target.') ? m('.target') : undefined].filter(Boolean).join(' ') || undefined;
    return (
      <Field label={`${label}: ${text}`} validationMessage={message} validationState={message ? 'error' : 'none'}>
        <Input name={`${field}${sub}`} value={v} placeholder={placeholder} onChange={(_, d) => set(d.value)} />
      </Field>
    );
  };
  return (
    <div className={styles.wide}>
      <Field label={label} validationMessage={kindMessage} validationState={kindMessage ? 'error' : 'none'}>
        <Select
          name={`${field}.kind`}
          value={value.kind}
          onChange={(_, d) => onChange({ ...value, kind: d.value as FormActionKind })}
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {ACTION_LABELS[k]}
            </option>
          ))}
        </Select>
      </Field>
      {value.kind === 'callQueue' && (
        <>
          {input('.queueId', 'call queue id', value.queueId, (queueId) => onChange({ ...value, queueId }), 'sales')}
          {input('.priority', 'priority (1–5)', value.priority, (priority) => onChange({ ...value, priority }))}
          {input(
            '.requiredSkills',
            'required skills',
            value.requiredSkills,
            (requiredSkills) => onChange({ ...value, requiredSkills }),
            'french=3',
          )}
        </>
      )}
      {value.kind === 'menu' &&
        input('.menuId', 'menu id', value.menuId, (menuId) => onChange({ ...value, menuId }), 'billing-menu')}
      {value.kind === 'selfService' && (
        <Field
          label={`${label}: self-service`}
          validationMessage={m('.serviceId')}
          validationState={m('.serviceId') ? 'error' : 'none'}
        >
          <Select
            name={`${field}.serviceId`}
            value={value.serviceId}
            onChange={(_, d) => onChange({ ...value, serviceId: d.value })}
          >
            <option value="">Choose a self-service…</option>
            {[
              ...services,
              // A stored choice the list does not hold (deleted meanwhile) stays shown: the API names it.
              ...(value.serviceId && !services.some((s) => s.serviceId === value.serviceId)
                ? [{ serviceId: value.serviceId, name: undefined }]
                : []),
            ].map((s) => (
              <option key={s.serviceId} value={s.serviceId}>
                {s.name ? `${s.name} (${s.serviceId})` : s.serviceId}
              </option>
            ))}
          </Select>
        </Field>
      )}
      {value.kind === 'transfer' && (
        <>
          <Field label={`${label}: transfer to`}>
            <Select
              name={`${field}.transferTo`}
              value={value.transferTo}
              onChange={(_, d) => onChange({ ...value, transferTo: d.value as ActionForm['transferTo'] })}
            >
              <option value="userPrincipalName">A person (UPN)</option>
              <option value="phoneNumber">A phone number</option>
            </Select>
          </Field>
          {input(
            `.target.${value.transferTo}`,
            value.transferTo === 'phoneNumber' ? 'phone number' : 'person',
            value.target,
            (target) => onChange({ ...value, target }),
            value.transferTo === 'phoneNumber' ? '+14255550100' : 'user@contoso.com',
          )}
        </>
      )}
    </div>
  );
}
