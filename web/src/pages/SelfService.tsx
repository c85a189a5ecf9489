// One self-service (a line-of-business hook a menu option leads to): URL, write-only secret, the digits collected,
// the fallback and failure prompt. Admins create, edit and delete (409 while a menu uses it, shown here); supervisors
// read. The API's field errors show at their fields (`collect[0].digits.max`).
import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  Switch,
  Text,
  Title2,
  Title3,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiProblem, type Api } from '../api';
import { PageLink, ProblemBar, useLoad } from '../components';
import { enc, itemsOf } from '../contact-center';
import { allShown, fieldMessage, TextField } from '../form';
import type { PromptView } from '../../../shared/domain/menu';
import {
  FALLBACK_KINDS,
  TERMINATORS,
  bodyOfSelfService,
  formOfSelfService,
  newCollectForm,
  newSelfServiceForm,
  type CollectForm,
  type SelfServiceForm,
  type SelfServiceView,
} from '../self-service-body';
import { MenuActionInput, PromptInput } from './menu-fields';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(240px, 1fr))',
    gap: '12px 16px',
    alignItems: 'start',
    margin: '12px 0 16px',
  },
  fieldset: { border: 'none', padding: 0, margin: 0, minWidth: 0 },
  item: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(140px, 1fr))',
    gap: '8px 16px',
    padding: '12px 0',
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  wide: { gridColumn: '1 / -1' },
  section: { marginTop: '20px' },
  actions: { display: 'flex', gap: '8px', alignItems: 'center', margin: '16px 0' },
});

const FORM_FIELDS = ['name', 'url', 'secret', 'collect', 'fallback', 'failurePrompt', 'timeoutS', 'maxRetries'];

export function SelfServicePage({ api, admin }: { api: Api; admin: boolean }) {
  const styles = useStyles();
  const navigate = useNavigate();
  const serviceId = useParams().serviceId ?? '';
  const loaded = useLoad(async () => {
    try {
      return await api.json<SelfServiceView>('GET', api.tenantPath(`/selfServices/${enc(serviceId)}`));
    } catch (err) {
      // An unknown self-service is one an admin may create here.
      if (admin && err instanceof ApiProblem && err.problem.status === 404) return null;
      throw err;
    }
  }, [serviceId]);
  const prompts = useLoad(
    async () => itemsOf<PromptView>(await api.json('GET', api.tenantPath('/prompts'))).map((p) => p.name),
    [],
  );
  const [form, setForm] = useState<SelfServiceForm>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (loaded.data !== undefined) setForm(loaded.data ? formOfSelfService(loaded.data) : newSelfServiceForm());
  }, [loaded.data]);
  const creating = loaded.data === null;
  const set = (patch: Partial<SelfServiceForm>) => setForm((f) => (f ? { ...f, ...patch } : f));
  const setItem = (i: number, patch: Partial<CollectForm>) =>
    form && set({ collect: form.collect.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const message = (k: string) => local[k] ?? fieldMessage(error, k);
  const names = prompts.data ?? [];

  const save = async (ev: React.FormEvent) => {
    ev.preventDefault();
    if (!form) return;
    setSaved(undefined);
    setError(undefined);
    const out = bodyOfSelfService(form);
    if ('errors' in out) {
      setLocal(out.errors);
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const res = await api.request('PUT', api.tenantPath(`/selfServices/${enc(serviceId)}`), { body: out.body });
      setForm(formOfSelfService((await res.json()) as SelfServiceView));
      setSaved(res.status === 201 ? 'Self-service created.' : 'Saved.');
      if (res.status === 201) loaded.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setError(undefined);
    try {
      await api.request('DELETE', api.tenantPath(`/selfServices/${enc(serviceId)}`));
      navigate('/selfservices');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="selfservice-title">
      <PageLink to="/selfservices">← Self-services</PageLink>
      <Title2 block as="h1" id="selfservice-title">
        {creating ? `New self-service ${serviceId}` : `Self-service ${form?.name || serviceId}`}
      </Title2>
      <ProblemBar error={loaded.error} />
      {loaded.loading && !form && !loaded.error && <Spinner label="Loading…" />}
      {!admin && form && (
        <MessageBar intent="info">
          <MessageBarBody>Administrators change self-services; you can read this one.</MessageBarBody>
        </MessageBar>
      )}
      {form && (
        <form onSubmit={(ev) => void save(ev)} aria-labelledby="selfservice-title" noValidate>
          <fieldset className={styles.fieldset} disabled={!admin}>
            <div className={styles.grid}>
              <TextField label="Name" name="name" value={form.name} onChange={(name) => set({ name })} />
              <TextField
                label="URL"
                hint="https (the line-of-business system's endpoint the request is posted to)."
                name="url"
                value={form.url}
                onChange={(url) => set({ url })}
                message={message('url')}
                required
              />
              <TextField
                label="Secret"
                hint={
                  form.secretSet
                    ? 'Secret set. Leave empty to keep it; type a new one (16–256 characters) to replace it.'
                    : '16–256 characters, shared with the line-of-business system (it signs each request).'
                }
                name="secret"
                type="password"
                value={form.secret}
                onChange={(secret) => set({ secret })}
                message={message('secret')}
                required={!form.secretSet}
                inputProps={{ autoComplete: 'new-password' }}
              />
              <TextField
                label="Timeout (s)"
                hint="1–60; default 5: for the caller's digits and for the answer."
                name="timeoutS"
                value={form.timeoutS}
                onChange={(timeoutS) => set({ timeoutS })}
                message={message('timeoutS')}
                inputProps={{ inputMode: 'numeric' }}
              />
              <TextField
                label="Maximum retries"
                hint="0–5; default 2: per item, before the fallback."
                name="maxRetries"
                value={form.maxRetries}
                onChange={(maxRetries) => set({ maxRetries })}
                message={message('maxRetries')}
                inputProps={{ inputMode: 'numeric' }}
              />
            </div>
            {form.secretSet && !form.secret && <Text>Secret set (never shown).</Text>}
            <Title3 block as="h2" className={styles.section}>
              Digits collected
            </Title3>
            {message('collect') && !form.collect.length && <Text role="alert">{message('collect')}</Text>}
            {form.collect.map((c, i) => {
              const f = (k: string) => message(`collect[${i}].${k}`);
              return (
                <div key={i} className={styles.item} role="group" aria-label={`Item ${i + 1}`}>
                  <TextField
                    label={`Item ${i + 1}: name`}
                    name={`collect[${i}].name`}
                    value={c.name}
                    onChange={(name) => setItem(i, { name })}
                    message={f('name')}
                  />
                  <TextField
                    label={`Item ${i + 1}: fewest digits`}
                    name={`collect[${i}].digits.min`}
                    value={c.min}
                    onChange={(min) => setItem(i, { min })}
                    message={f('digits.min')}
                    inputProps={{ inputMode: 'numeric' }}
                  />
                  <TextField
                    label={`Item ${i + 1}: most digits`}
                    name={`collect[${i}].digits.max`}
                    value={c.max}
                    onChange={(max) => setItem(i, { max })}
                    message={f('digits.max')}
                    inputProps={{ inputMode: 'numeric' }}
                  />
                  <Field label={`Item ${i + 1}: terminator`}>
                    <Select
                      name={`collect[${i}].terminator`}
                      value={c.terminator}
                      onChange={(_, d) => setItem(i, { terminator: d.value as CollectForm['terminator'] })}
                    >
                      {TERMINATORS.map((t) => (
                        <option key={t} value={t}>
                          {t}
                        </option>
                      ))}
                    </Select>
                  </Field>
                  <div className={styles.wide}>
                    <PromptInput
                      field={`collect[${i}].prompt`}
                      label={`Item ${i + 1}: prompt`}
                      value={c.prompt}
                      onChange={(prompt) => setItem(i, { prompt })}
                      error={error}
                      prompts={names}
                    />
                  </div>
                  <div>
                    <Button
                      disabled={form.collect.length <= 1}
                      onClick={() => set({ collect: form.collect.filter((_, j) => j !== i) })}
                    >
                      Remove item {i + 1}
                    </Button>
                  </div>
                </div>
              );
            })}
            <div className={styles.actions}>
              <Button
                disabled={form.collect.length >= 8}
                onClick={() => set({ collect: [...form.collect, newCollectForm()] })}
              >
                Add item
              </Button>
            </div>
            <Title3 block as="h2" className={styles.section}>
              When it fails
            </Title3>
            <PromptInput
              field="failurePrompt"
              label="Failure prompt"
              value={form.failurePrompt}
              onChange={(failurePrompt) => set({ failurePrompt })}
              error={error}
              prompts={names}
              allowNone
              noneLabel="Default (self-service-unavailable)"
            />
            <Switch
              checked={form.fallbackOn}
              onChange={(_, d) => set({ fallbackOn: d.checked })}
              label={form.fallbackOn ? 'Then' : 'Then back to the menu the caller came from (default)'}
            />
            {form.fallbackOn && (
              <MenuActionInput
                field="fallback"
                label="Fallback"
                value={form.fallback}
                onChange={(fallback) => set({ fallback })}
                error={error}
                local={local}
                kinds={FALLBACK_KINDS}
              />
            )}
          </fieldset>
          <ProblemBar error={allShown(error, FORM_FIELDS) ? undefined : error} />
          {admin && (
            <div className={styles.actions}>
              <Button type="submit" appearance="primary" disabled={busy}>
                {busy ? 'Saving…' : creating ? 'Create self-service' : 'Save'}
              </Button>
              {!creating && <Button onClick={() => void remove()}>Delete self-service</Button>}
              {saved && (
                <Text role="status" weight="semibold">
                  {saved}
                </Text>
              )}
              {error !== undefined && allShown(error, FORM_FIELDS) && (
                <Text role="alert">Fix the fields marked in red and save again.</Text>
              )}
            </div>
          )}
        </form>
      )}
    </section>
  );
}
