// One call queue: every setting of issue 13 item 3, its agents in order with their skills. Admins create and edit
// any call queue; a supervisor edits the ones assigned to them (the API refuses the others, and the page says so).
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
import { Fragment, useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { ApiProblem, type Api } from '../api';
import { PageLink, ProblemBar, useLoad } from '../components';
import {
  ACTION_LABELS,
  ROUTING_LABELS,
  ROUTING_METHODS,
  enc,
  itemsOf,
  newCallQueue,
  type AgentView,
  type CallQueue,
  type RoutingMethod,
} from '../contact-center';
import { allShown, fieldMessage, TextField } from '../form';
import { bodyOf, formOf, NUMBER_FIELDS, skillsText, type CallQueueForm } from '../callqueue-body';
import { ActionInput, AgentsEditor } from './callqueue-form';
import { CallQueueAgents } from './callqueue-agents';
import { CallQueueSupervisors } from './callqueue-supervisors';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(240px, 1fr))',
    gap: '12px 16px',
    alignItems: 'start',
    margin: '12px 0 24px',
  },
  actions: { display: 'flex', gap: '8px', alignItems: 'center', margin: '16px 0' },
  section: { marginTop: '16px' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 24px', margin: '12px 0 24px' },
  term: { fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0 },
});

const NUMBER_LABELS: Record<(typeof NUMBER_FIELDS)[number], [string, string]> = {
  agentAlertTimeS: ['Agent alert time (s)', '15–180; default 30.'],
  wrapUpS: ['Wrap-up (s)', '0–600; default 0.'],
  maxCalls: ['Maximum calls waiting', '0–1000; default 50. Beyond it: overflow action.'],
  maxWaitS: ['Maximum wait (s)', '0–2700; default 1200. Then: timeout action.'],
  serviceLevelThresholdS: ['Service level threshold (s)', 'Answered within this counts as in service level.'],
  missedOffersBeforeOptOut: [
    'Missed offers before opt-out',
    'Optional: opt an agent out after this many misses in a row.',
  ],
};

const FORM_FIELDS = [
  'name',
  'routingMethod',
  'presenceBasedRouting',
  ...NUMBER_FIELDS,
  'overflowAction',
  'timeoutAction',
  'noAgentAction',
  'requiredSkills',
  'agents',
];

const action = (a: CallQueue['overflowAction'] | undefined) =>
  !a ? '—' : a.kind === 'disconnect' ? ACTION_LABELS.disconnect : `${ACTION_LABELS[a.kind]}: ${a.target ?? ''}`;

/** The settings as a supervisor reads them (administrators change them). */
function SettingsSummary({ q }: { q: CallQueue }) {
  const styles = useStyles();
  const rows: [string, string][] = [
    ['Routing method', ROUTING_LABELS[q.routingMethod] ?? q.routingMethod],
    ['Presence-based routing', q.presenceBasedRouting === false ? 'Off' : 'On'],
    ...NUMBER_FIELDS.map((k): [string, string] => [NUMBER_LABELS[k][0], q[k] === undefined ? '—' : String(q[k])]),
    ['Required skills', skillsText(q.requiredSkills) || 'none'],
    ['Overflow action', action(q.overflowAction)],
    ['Timeout action', action(q.timeoutAction)],
    ['No-agent action', action(q.noAgentAction)],
    [
      'Agents in routing order',
      q.agents.map((a) => `${a.userPrincipalName}${a.order === undefined ? '' : ` (order ${a.order})`}`).join(', ') ||
        'none',
    ],
  ];
  return (
    <dl className={styles.facts} aria-label="Settings">
      {rows.map(([k, v]) => (
        <Fragment key={k}>
          <dt className={styles.term}>{k}</dt>
          <dd className={styles.value}>{v}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

export function CallQueuePage({ api, admin, scope }: { api: Api; admin: boolean; scope?: string[] }) {
  const styles = useStyles();
  const queueId = useParams().queueId ?? '';
  const [etag, setEtag] = useState<string>();
  const loaded = useLoad(async () => {
    try {
      const res = await api.request('GET', api.tenantPath(`/callQueues/${enc(queueId)}`));
      setEtag(res.headers.get('etag') ?? undefined);
      return (await res.json()) as CallQueue;
    } catch (err) {
      // An unknown call queue is one an admin may create here.
      if (admin && err instanceof ApiProblem && err.problem.status === 404) return null;
      throw err;
    }
  }, [queueId]);
  const agents = useLoad(
    async () =>
      loaded.data
        ? itemsOf<AgentView>(await api.json('GET', api.tenantPath(`/agents?callQueueId=${enc(queueId)}`)))
        : [],
    [queueId, loaded.data],
  );
  const [form, setForm] = useState<CallQueueForm>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (loaded.data !== undefined) setForm(formOf(loaded.data ?? newCallQueue()));
  }, [loaded.data]);

  const creating = loaded.data === null;
  // The API answers 404 for a call queue a supervisor does not supervise (its existence is not theirs to know).
  const refused = !admin && loaded.error instanceof ApiProblem && [403, 404].includes(loaded.error.problem.status);
  const message = (k: string) => local[k] ?? fieldMessage(error, k);
  const set = (patch: Partial<CallQueueForm>) => setForm((f) => (f ? { ...f, ...patch } : f));

  const save = async (ev: React.FormEvent) => {
    ev.preventDefault();
    if (!form) return;
    setSaved(undefined);
    setError(undefined);
    const out = bodyOf(form);
    if ('errors' in out) {
      setLocal(out.errors);
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      // If-Match: a change someone saved since this page read the call queue is not overwritten (412).
      const res = await api.request('PUT', api.tenantPath(`/callQueues/${enc(queueId)}`), {
        body: out.body,
        headers: etag ? { 'if-match': etag } : {},
      });
      setEtag(res.headers.get('etag') ?? undefined);
      const stored = (await res.json()) as CallQueue;
      setForm(formOf(stored));
      setSaved(res.status === 201 ? 'Call queue created.' : 'Saved.');
      // A created call queue now has agents and supervisors to show.
      if (res.status === 201) loaded.reload();
      else agents.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="cq-title">
      <PageLink to="/callqueues">← Call queues</PageLink>
      <Title2 block as="h1" id="cq-title">
        {creating ? `New call queue ${queueId}` : `Call queue ${form?.name || queueId}`}
      </Title2>
      {refused && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>
            <MessageBarTitle>Not one of your call queues</MessageBarTitle>
            Switchboard shows and changes only the call queues you supervise
            {scope?.length ? ` (${scope.join(', ')})` : ''}; {queueId} is not one of them, or does not exist.
          </MessageBarBody>
        </MessageBar>
      )}
      {!admin && form && (
        <MessageBar intent="info">
          <MessageBarBody>
            Administrators change a call queue&apos;s settings. As its supervisor you set its agents&apos; skills and
            opt them in or out below.
          </MessageBarBody>
        </MessageBar>
      )}
      <ProblemBar error={loaded.error} />
      {loaded.loading && !form && !loaded.error && <Spinner label="Loading…" />}
      {!admin && loaded.data && <SettingsSummary q={loaded.data} />}
      {admin && form && (
        <form onSubmit={(ev) => void save(ev)} aria-labelledby="cq-title" noValidate>
          <div className={styles.grid}>
            <TextField
              label="Name"
              name="name"
              required
              value={form.name}
              onChange={(name) => set({ name })}
              message={message('name')}
            />
            <Field
              label="Routing method"
              validationMessage={message('routingMethod')}
              validationState={message('routingMethod') ? 'error' : 'none'}
            >
              <Select
                name="routingMethod"
                value={form.routingMethod}
                onChange={(_, d) => set({ routingMethod: d.value as RoutingMethod })}
              >
                {ROUTING_METHODS.map((m) => (
                  <option key={m} value={m}>
                    {ROUTING_LABELS[m]}
                  </option>
                ))}
              </Select>
            </Field>
            <Field
              label="Presence-based routing"
              validationMessage={message('presenceBasedRouting')}
              validationState={message('presenceBasedRouting') ? 'error' : 'none'}
            >
              <Switch
                checked={form.presenceBasedRouting}
                onChange={(_, d) => set({ presenceBasedRouting: d.checked })}
                label={form.presenceBasedRouting ? 'On: only agents Available in Teams' : 'Off'}
              />
            </Field>
            {NUMBER_FIELDS.map((k) => (
              <TextField
                key={k}
                label={NUMBER_LABELS[k][0]}
                hint={NUMBER_LABELS[k][1]}
                name={k}
                value={form.numbers[k]}
                onChange={(v) => set({ numbers: { ...form.numbers, [k]: v } })}
                message={message(k)}
                inputProps={{ inputMode: 'numeric' }}
              />
            ))}
            <TextField
              label="Required skills"
              hint="name=minimum level (1–5), comma separated: french=3, billing=2"
              name="requiredSkills"
              value={form.requiredSkills}
              onChange={(requiredSkills) => set({ requiredSkills })}
              message={message('requiredSkills')}
            />
          </div>
          <Title3 block as="h2" className={styles.section}>
            When calls cannot be answered
          </Title3>
          <div className={styles.grid}>
            <ActionInput
              field="overflowAction"
              label="Overflow (maximum calls reached)"
              value={form.actions.overflowAction}
              onChange={(v) => set({ actions: { ...form.actions, overflowAction: v } })}
              error={error}
            />
            <ActionInput
              field="timeoutAction"
              label="Timeout (maximum wait reached)"
              value={form.actions.timeoutAction}
              onChange={(v) => set({ actions: { ...form.actions, timeoutAction: v } })}
              error={error}
            />
            <ActionInput
              field="noAgentAction"
              label="No agent (nobody opted in and signed in)"
              value={form.actions.noAgentAction}
              onChange={(v) => set({ actions: { ...form.actions, noAgentAction: v } })}
              error={error}
            />
          </div>
          <Title3 block as="h2" className={styles.section}>
            Agents
          </Title3>
          {message('agents') && (
            <Text role="alert" weight="semibold">
              {message('agents')}
            </Text>
          )}
          <AgentsEditor agents={form.agents} onChange={(a) => set({ agents: a })} error={error} />
          <ProblemBar error={allShown(error, FORM_FIELDS) ? undefined : error} />
          {admin && (
            <div className={styles.actions}>
              <Button type="submit" appearance="primary" disabled={busy}>
                {busy ? 'Saving…' : creating ? 'Create call queue' : 'Save'}
              </Button>
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
      {loaded.data && (
        <CallQueueAgents api={api} queueId={queueId} agents={agents.data} error={agents.error} reload={agents.reload} />
      )}
      {loaded.data && <CallQueueSupervisors api={api} queueId={queueId} admin={admin} />}
    </section>
  );
}
