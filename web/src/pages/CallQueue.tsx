// One call queue: every setting of issue 13 item 3, its agents in order with their skills. Admins create and edit
// any call queue (PUT); a supervisor edits the ones they supervise (PATCH, which the API lets them: settings and agents,
// but no action sending calls into a call queue they do not supervise) and is refused the others, the page saying so.
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
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { ApiProblem, type Api } from '../api';
import { PageLink, ProblemBar, useLoad } from '../components';
import {
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
import { bodyOf, formOf, NUMBER_FIELDS, patchOf, type CallQueueForm } from '../callqueue-body';
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

export function CallQueuePage({ api, admin, scope }: { api: Api; admin: boolean; scope?: string[] }) {
  const styles = useStyles();
  const queueId = useParams().queueId ?? '';
  const [etag, setEtag] = useState<string>();
  /** The call queue as last read or saved: what a supervisor's merge patch is made against. */
  const [stored, setStored] = useState<CallQueue>();
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
    setStored(loaded.data ?? undefined);
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
    // An admin replaces the call queue (PUT, which creates too); its supervisor sends what they changed (PATCH).
    const patching = !admin && stored !== undefined;
    const out = patching ? patchOf(stored, form) : bodyOf(form);
    if ('errors' in out) {
      setLocal(out.errors);
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      // If-Match: a change someone saved since this page read the call queue is not overwritten (412).
      const res = await api.request(patching ? 'PATCH' : 'PUT', api.tenantPath(`/callQueues/${enc(queueId)}`), {
        body: out.body,
        headers: etag ? { 'if-match': etag } : {},
      });
      setEtag(res.headers.get('etag') ?? undefined);
      const written = (await res.json()) as CallQueue;
      setStored(written);
      setForm(formOf(written));
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
      {!admin && form && !loaded.error && (
        <MessageBar intent="info">
          <MessageBarBody>
            As its supervisor you change this call queue&apos;s settings and agents, set its agents&apos; skills and opt
            them in or out. Its overflow, timeout and no-agent actions may send calls only to call queues you supervise;
            administrators create and delete call queues and assign supervisors.
          </MessageBarBody>
        </MessageBar>
      )}
      <ProblemBar error={loaded.error} />
      {loaded.loading && !form && !loaded.error && <Spinner label="Loading…" />}
      {/* A failed read (another call queue, refused) keeps the last data: no form for it. */}
      {form && !loaded.error && (
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
        </form>
      )}
      {loaded.data && (
        <CallQueueAgents api={api} queueId={queueId} agents={agents.data} error={agents.error} reload={agents.reload} />
      )}
      {loaded.data && <CallQueueSupervisors api={api} queueId={queueId} admin={admin} />}
    </section>
  );
}
