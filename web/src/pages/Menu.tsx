// One menu: greeting, options (key → action), retries and timeouts, what happens on no input, and business hours.
// Admins create, edit and delete; supervisors read. The API's field errors show where the field is — a menu cycle
// (one error on `body`) also marks the actions that lead into it.
import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
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
import {
  LEAVING_KINDS,
  MENU_KEYS,
  bodyOfMenu,
  cycleFields,
  formOfMenu,
  newMenuForm,
  nextKey,
  promptForm,
  actionForm,
  type MenuForm,
  type MenuView,
} from '../menu-body';
import type { PromptView } from '../../../shared/domain/menu';
import { BusinessHoursEditor } from './business-hours-editor';
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
  option: {
    display: 'grid',
    gridTemplateColumns: '90px 1fr',
    gap: '8px 16px',
    padding: '12px 0',
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  optionBody: { display: 'flex', flexDirection: 'column', gap: '8px' },
  section: { marginTop: '20px' },
  actions: { display: 'flex', gap: '8px', alignItems: 'center', margin: '16px 0' },
});

const FORM_FIELDS = [
  'name',
  'greeting',
  'options',
  'inputTimeoutS',
  'maxRetries',
  'invalidPrompt',
  'noInputAction',
  'businessHours',
];

export function MenuPage({ api, admin }: { api: Api; admin: boolean }) {
  const styles = useStyles();
  const navigate = useNavigate();
  const menuId = useParams().menuId ?? '';
  const loaded = useLoad(async () => {
    try {
      return await api.json<MenuView>('GET', api.tenantPath(`/menus/${enc(menuId)}`));
    } catch (err) {
      // An unknown menu is one an admin may create here.
      if (admin && err instanceof ApiProblem && err.problem.status === 404) return null;
      throw err;
    }
  }, [menuId]);
  const prompts = useLoad(
    async () => itemsOf<PromptView>(await api.json('GET', api.tenantPath('/prompts'))).map((p) => p.name),
    [],
  );
  const [form, setForm] = useState<MenuForm>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (loaded.data !== undefined) setForm(loaded.data ? formOfMenu(loaded.data) : newMenuForm());
  }, [loaded.data]);
  const creating = loaded.data === null;
  const set = (patch: Partial<MenuForm>) => setForm((f) => (f ? { ...f, ...patch } : f));
  const message = (k: string) => local[k] ?? fieldMessage(error, k);
  const names = prompts.data ?? [];

  // A cycle is refused on `body`; the actions that lead into it are marked too.
  const cycle =
    error instanceof ApiProblem ? error.problem.errors?.find((e) => e.field === 'body')?.message : undefined;
  const marked = new Set(form && cycle ? cycleFields(form, menuId, cycle) : []);
  const cycleMark = (field: string) => (marked.has(field) ? 'This leads into the cycle.' : undefined);

  const save = async (ev: React.FormEvent) => {
    ev.preventDefault();
    if (!form) return;
    setSaved(undefined);
    setError(undefined);
    const out = bodyOfMenu(form);
    if ('errors' in out) {
      setLocal(out.errors);
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const res = await api.request('PUT', api.tenantPath(`/menus/${enc(menuId)}`), { body: out.body });
      setForm(formOfMenu((await res.json()) as MenuView));
      setSaved(res.status === 201 ? 'Menu created.' : 'Saved.');
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
      await api.request('DELETE', api.tenantPath(`/menus/${enc(menuId)}`));
      navigate('/menus');
    } catch (err) {
      setError(err);
    }
  };
  const setOption = (i: number, patch: Partial<MenuForm['options'][number]>) =>
    form && set({ options: form.options.map((o, j) => (j === i ? { ...o, ...patch } : o)) });

  return (
    <section aria-labelledby="menu-title">
      <PageLink to="/menus">← Menus</PageLink>
      <Title2 block as="h1" id="menu-title">
        {creating ? `New menu ${menuId}` : `Menu ${form?.name || menuId}`}
      </Title2>
      <ProblemBar error={loaded.error} />
      {loaded.loading && !form && !loaded.error && <Spinner label="Loading…" />}
      {!admin && form && (
        <MessageBar intent="info">
          <MessageBarBody>Administrators change menus; you can read this one.</MessageBarBody>
        </MessageBar>
      )}
      {form && (
        <form onSubmit={(ev) => void save(ev)} aria-labelledby="menu-title" noValidate>
          <fieldset className={styles.fieldset} disabled={!admin}>
            {cycle && (
              <MessageBar intent="error" role="alert">
                <MessageBarBody>
                  <MessageBarTitle>Not saved</MessageBarTitle>
                  {cycle.replace(/^menus/, 'The menus')}. Change the marked action.
                </MessageBarBody>
              </MessageBar>
            )}
            <div className={styles.grid}>
              <TextField
                label="Name"
                name="name"
                value={form.name}
                onChange={(name) => set({ name })}
                message={message('name')}
              />
              <TextField
                label="Input timeout (s)"
                hint="1–60; default 5: how long to wait for a key after the prompts."
                name="inputTimeoutS"
                value={form.inputTimeoutS}
                onChange={(inputTimeoutS) => set({ inputTimeoutS })}
                message={message('inputTimeoutS')}
                inputProps={{ inputMode: 'numeric' }}
              />
              <TextField
                label="Maximum retries"
                hint="0–5; default 2: wrong keys or silences before the no-input action."
                name="maxRetries"
                value={form.maxRetries}
                onChange={(maxRetries) => set({ maxRetries })}
                message={message('maxRetries')}
                inputProps={{ inputMode: 'numeric' }}
              />
            </div>
            <PromptInput
              field="greeting"
              label="Greeting"
              value={form.greeting}
              onChange={(greeting) => set({ greeting })}
              error={error}
              prompts={names}
            />
            <Title3 block as="h2" className={styles.section}>
              Options
            </Title3>
            {message('options') && !form.options.length && <Text role="alert">{message('options')}</Text>}
            {form.options.map((o, i) => {
              const key = message(`options[${i}].key`);
              return (
                <div key={i} className={styles.option} role="group" aria-label={`Option ${i + 1}`}>
                  <Field
                    label={`Option ${i + 1}: key`}
                    validationMessage={key}
                    validationState={key ? 'error' : 'none'}
                  >
                    <Select
                      name={`options[${i}].key`}
                      value={o.key}
                      onChange={(_, d) => setOption(i, { key: d.value })}
                    >
                      {MENU_KEYS.map((k) => (
                        <option key={k} value={k}>
                          {k}
                        </option>
                      ))}
                    </Select>
                  </Field>
                  <div className={styles.optionBody}>
                    <PromptInput
                      field={`options[${i}].prompt`}
                      label={`Option ${i + 1}: prompt`}
                      value={o.prompt}
                      onChange={(prompt) => setOption(i, { prompt })}
                      error={error}
                      prompts={names}
                      allowNone
                    />
                    <MenuActionInput
                      field={`options[${i}].action`}
                      label={`Option ${i + 1}: action`}
                      value={o.action}
                      onChange={(action) => setOption(i, { action })}
                      error={error}
                      local={local}
                      marked={cycleMark(`options[${i}].action`)}
                    />
                    <div>
                      <Button onClick={() => set({ options: form.options.filter((_, j) => j !== i) })}>
                        Remove option {i + 1}
                      </Button>
                    </div>
                  </div>
                </div>
              );
            })}
            <div className={styles.actions}>
              <Button
                disabled={form.options.length >= MENU_KEYS.length}
                onClick={() =>
                  set({
                    options: [
                      ...form.options,
                      { key: nextKey(form.options), prompt: promptForm(), action: actionForm() },
                    ],
                  })
                }
              >
                Add option
              </Button>
            </div>
            <Title3 block as="h2" className={styles.section}>
              Wrong keys and silence
            </Title3>
            <div className={styles.grid}>
              <PromptInput
                field="invalidPrompt"
                label="Invalid key prompt"
                value={form.invalidPrompt}
                onChange={(invalidPrompt) => set({ invalidPrompt })}
                error={error}
                prompts={names}
                allowNone
                noneLabel="Default (invalid-entry)"
              />
              <MenuActionInput
                field="noInputAction"
                label="When retries are used up"
                value={form.noInputAction}
                onChange={(noInputAction) => set({ noInputAction })}
                error={error}
                local={local}
                kinds={LEAVING_KINDS}
                marked={cycleMark('noInputAction')}
              />
            </div>
            <Title3 block as="h2" className={styles.section}>
              Business hours
            </Title3>
            <Switch
              checked={form.hoursOn}
              onChange={(_, d) => set({ hoursOn: d.checked })}
              label={form.hoursOn ? 'Open at the hours below' : 'Always open'}
            />
            {form.hoursOn && (
              <BusinessHoursEditor
                value={form.hours}
                onChange={(hours) => set({ hours })}
                error={error}
                prompts={names}
                cycle={cycleMark('businessHours.closedAction')}
              />
            )}
          </fieldset>
          {!cycle && <ProblemBar error={allShown(error, FORM_FIELDS) ? undefined : error} />}
          {admin && (
            <div className={styles.actions}>
              <Button type="submit" appearance="primary" disabled={busy}>
                {busy ? 'Saving…' : creating ? 'Create menu' : 'Save'}
              </Button>
              {!creating && <Button onClick={() => void remove()}>Delete menu</Button>}
              {saved && (
                <Text role="status" weight="semibold">
                  {saved}
                </Text>
              )}
              {error !== undefined && (allShown(error, FORM_FIELDS) || cycle) && (
                <Text role="alert">Fix the fields marked in red and save again.</Text>
              )}
            </div>
          )}
        </form>
      )}
    </section>
  );
}
