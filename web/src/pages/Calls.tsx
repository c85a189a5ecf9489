// Calls: the live ones (refreshed every 2 s), the callbacks callers asked for, and a search over past calls (`GET …/calls?from&to&callQueueId&agent&
// result&caller`); each call links to its story.
import {
  Button,
  Field,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title2,
  Title3,
  makeStyles,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { Api } from '../api';
import { PageLink, ProblemBar, StatusBadge, useLoad, when } from '../components';
import { duration, enc, epochMs, itemsOf, localInput, type AgentView, type LiveCall } from '../contact-center';
import { allShown, fieldMessage, TextField } from '../form';
import { CallbacksList } from './callbacks-list';

const useStyles = makeStyles({
  search: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(180px, 1fr))',
    gap: '12px 16px',
    alignItems: 'start',
    margin: '12px 0',
  },
  heading: { marginTop: '24px' },
  actions: { display: 'flex', gap: '8px', margin: '8px 0 16px' },
});

/** Agent object id → UPN, for showing who took a call (empty for a role that may not list agents). */
export function useAgentNames(api: Api): (agentId?: string) => string {
  const agents = useLoad(async () => itemsOf<AgentView>(await api.json('GET', api.tenantPath('/agents'))), []);
  return (id) => (id ? (agents.data?.find((a) => a.agentId === id)?.userPrincipalName ?? id) : '—');
}

function CallsTable({
  label,
  calls,
  agentName,
}: {
  label: string;
  calls: LiveCall[];
  agentName: (id?: string) => string;
}) {
  const now = Date.now();
  return (
    <Table aria-label={label} size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Call</TableHeaderCell>
          <TableHeaderCell>Call queue</TableHeaderCell>
          <TableHeaderCell>Phase</TableHeaderCell>
          <TableHeaderCell>Caller</TableHeaderCell>
          <TableHeaderCell>Arrived</TableHeaderCell>
          <TableHeaderCell>Position / wait</TableHeaderCell>
          <TableHeaderCell>Agent</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {calls.length === 0 && (
          <TableRow>
            <TableCell colSpan={7}>No calls.</TableCell>
          </TableRow>
        )}
        {calls.map((c) => {
          const arrived = epochMs(c.arrivedAt);
          return (
            <TableRow key={c.callId}>
              <TableCell>
                <PageLink to={`/calls/${enc(c.callId)}`}>{c.callId.slice(0, 8)}…</PageLink>
              </TableCell>
              <TableCell>{c.callQueueId ?? '—'}</TableCell>
              <TableCell>
                <StatusBadge status={c.outcome ?? c.phase} />
              </TableCell>
              <TableCell>{c.callerPhone ?? '—'}</TableCell>
              <TableCell>{arrived ? when(new Date(arrived).toISOString()) : '—'}</TableCell>
              <TableCell>
                {c.position ? `#${c.position}, ` : ''}
                {c.waitS !== undefined
                  ? duration(c.waitS)
                  : arrived && !c.connectedAt && !c.endedAt
                    ? duration((now - arrived) / 1000)
                    : '—'}
              </TableCell>
              <TableCell>{agentName(c.agentId)}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

const SEARCH_FIELDS = ['from', 'to', 'callQueueId', 'agent', 'result', 'caller'] as const;

export function CallsPage({ api }: { api: Api }) {
  const styles = useStyles();
  const agentName = useAgentNames(api);
  const live = useLoad(
    async () => itemsOf<LiveCall>(await api.json('GET', api.tenantPath('/calls?state=active'))),
    [],
    { everyMs: 2000 },
  );
  const [query, setQuery] = useState<Record<(typeof SEARCH_FIELDS)[number], string>>({
    from: localInput(Date.now() - 86_400_000),
    to: '',
    callQueueId: '',
    agent: '',
    result: '',
    caller: '',
  });
  const [found, setFound] = useState<{ items: LiveCall[]; continuationToken?: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const search = async (ev: React.FormEvent | null, token?: string) => {
    ev?.preventDefault();
    setBusy(true);
    setError(undefined);
    const q = new URLSearchParams();
    for (const k of SEARCH_FIELDS) {
      const v = query[k].trim();
      if (v) q.set(k, k === 'from' || k === 'to' ? new Date(v).toISOString() : v);
    }
    if (token) q.set('continuationToken', token);
    try {
      const body = await api.json<{ items?: LiveCall[]; value?: LiveCall[]; continuationToken?: string }>(
        'GET',
        api.tenantPath(`/calls?${q.toString()}`),
      );
      setFound({ items: itemsOf<LiveCall>(body), continuationToken: body.continuationToken });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const set = (k: (typeof SEARCH_FIELDS)[number]) => (v: string) => setQuery((q) => ({ ...q, [k]: v }));
  return (
    <section aria-labelledby="calls-title">
      <Title2 block as="h1" id="calls-title">
        Calls
      </Title2>
      <Title3 block as="h2">
        Live now
      </Title3>
      <ProblemBar error={live.error} />
      {live.loading && !live.data && <Spinner label="Loading calls…" />}
      {live.data && <CallsTable label="Live calls" calls={live.data} agentName={agentName} />}
      <CallbacksList api={api} agentName={agentName} />

      <Title3 block as="h2" className={styles.heading} id="search-title">
        Search
      </Title3>
      <form onSubmit={(ev) => void search(ev)} aria-labelledby="search-title" noValidate>
        <div className={styles.search}>
          <TextField
            label="From"
            name="from"
            type="datetime-local"
            value={query.from}
            onChange={set('from')}
            message={fieldMessage(error, 'from')}
          />
          <TextField
            label="To"
            name="to"
            type="datetime-local"
            value={query.to}
            onChange={set('to')}
            message={fieldMessage(error, 'to')}
          />
          <TextField
            label="Call queue"
            name="callQueueId"
            value={query.callQueueId}
            onChange={set('callQueueId')}
            message={fieldMessage(error, 'callQueueId')}
          />
          <TextField
            label="Agent (UPN)"
            name="agent"
            value={query.agent}
            onChange={set('agent')}
            message={fieldMessage(error, 'agent')}
          />
          <Field label="Result" validationMessage={fieldMessage(error, 'result')}>
            <Select name="result" value={query.result} onChange={(_, d) => set('result')(d.value)}>
              <option value="">any</option>
              {['answered', 'abandoned', 'overflowed', 'timedOut', 'noAgent', 'callback', 'rejected', 'ended'].map(
                (r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ),
              )}
            </Select>
          </Field>
          <TextField
            label="Caller number"
            name="caller"
            value={query.caller}
            onChange={set('caller')}
            message={fieldMessage(error, 'caller')}
          />
        </div>
        <ProblemBar error={allShown(error, [...SEARCH_FIELDS]) ? undefined : error} />
        <div className={styles.actions}>
          <Button type="submit" appearance="primary" disabled={busy}>
            {busy ? 'Searching…' : 'Search'}
          </Button>
          {found?.continuationToken && (
            <Button onClick={() => void search(null, found.continuationToken)}>Next page</Button>
          )}
        </div>
      </form>
      {found && <CallsTable label="Found calls" calls={found.items} agentName={agentName} />}
    </section>
  );
}
