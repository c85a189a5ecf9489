// Historical reports (`GET …/reports/callQueues|agents?from&to&interval[&callQueueId][&format=csv]`, docs/metrics.md):
// a chart and a table per call queue or agent and interval, the five service-level definitions explained on hover,
// and the same report as CSV.
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
  makeStyles,
} from '@fluentui/react-components';
import { Fragment, lazy, Suspense, useState } from 'react';
import type { Api } from '../api';
import { ProblemBar } from '../components';
import { itemsOf, localInput } from '../contact-center';
import { allShown, fieldMessage, TextField } from '../form';
import type { ChartPoint } from './report-chart';

const ReportChart = lazy(() => import('./report-chart'));

type Kind = 'callQueues' | 'agents';
type Row = Record<string, unknown> & { intervalStart: string; callQueueId?: string; agentId?: string };

/** The five service levels as the API names them (docs/metrics.md), with what each divides. */
export const SERVICE_LEVELS: [string, string, string][] = [
  ['teamsAnsweredOverAnswered', 'SL Teams 1', 'Answered within T ÷ answered.'],
  [
    'teamsAnsweredOverOfferedLessAbandonedWithinT',
    'SL Teams 2',
    'Answered within T ÷ (offered − abandoned within T): early abandons do not count against it.',
  ],
  [
    'teamsAnsweredOrAbandonedWithinTOverOffered',
    'SL Teams 3',
    '(Answered within T + abandoned within T) ÷ offered: early abandons count for it.',
  ],
  ['teamsAnsweredOverOffered', 'SL Teams 4', 'Answered within T ÷ offered: the strictest.'],
  [
    'connectRemovedWithinTOverQueued',
    'SL Amazon Connect',
    'Removed from the queue within T (answered, abandoned or callback requested) ÷ queued.',
  ],
];

const QUEUE_COLUMNS: [string, string][] = [
  ['offered', 'Offered'],
  ['answered', 'Answered'],
  ['abandoned', 'Abandoned'],
  ['shortAbandoned', 'Short abandoned'],
  ['overflowed', 'Overflowed'],
  ['timedOut', 'Timed out'],
  ['missedOffers', 'Missed offers'],
  ['asaS', 'ASA (s)'],
  ['p90WaitS', 'p90 wait (s)'],
  ['longestWaitS', 'Longest wait (s)'],
  ['ahtS', 'AHT (s)'],
];
const AGENT_COLUMNS: [string, string][] = [
  ['offers', 'Offers'],
  ['answered', 'Answered'],
  ['missedOffers', 'Missed offers'],
  ['handled', 'Handled'],
  ['talkS', 'Talk (s)'],
  ['holdS', 'Hold (s)'],
  ['wrapUpS', 'Wrap-up (s)'],
  ['ahtS', 'AHT (s)'],
  ['occupancy', 'Occupancy'],
];

const useStyles = makeStyles({
  form: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(180px, 1fr))',
    gap: '12px 16px',
    alignItems: 'start',
    margin: '12px 0',
  },
  actions: { display: 'flex', gap: '8px', margin: '8px 0 16px' },
  scroll: { overflowX: 'auto' },
  abbr: { textDecorationLine: 'underline', textDecorationStyle: 'dotted', cursor: 'help' },
  legend: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '2px 16px', margin: '16px 0' },
  term: { fontWeight: 600 },
  def: { margin: 0 },
});

const cell = (v: unknown): string =>
  v === null || v === undefined ? '—' : typeof v === 'number' ? String(Math.round(v * 100) / 100) : String(v);
const pct = (v: unknown): string => (typeof v === 'number' ? `${Math.round(v * 1000) / 10} %` : '—');

function chartPoints(rows: Row[], interval: string): ChartPoint[] {
  const by = new Map<string, { offered: number; answered: number; abandoned: number; within: number }>();
  for (const r of rows) {
    const p = by.get(r.intervalStart) ?? { offered: 0, answered: 0, abandoned: 0, within: 0 };
    p.offered += Number(r.offered ?? 0);
    p.answered += Number(r.answered ?? 0);
    p.abandoned += Number(r.abandoned ?? 0);
    const sl = (r.serviceLevel as Record<string, number | null> | undefined)?.teamsAnsweredOverOffered;
    p.within += (sl ?? 0) * Number(r.offered ?? 0);
    by.set(r.intervalStart, p);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([start, p]) => {
      const d = new Date(start);
      return {
        label:
          interval === '1d' ? d.toLocaleDateString() : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
        offered: p.offered,
        answered: p.answered,
        abandoned: p.abandoned,
        serviceLevel: p.offered ? Math.round((p.within / p.offered) * 1000) / 10 : null,
      };
    });
}

export function ReportsPage({ api, scope }: { api: Api; scope?: string[] }) {
  const styles = useStyles();
  const [kind, setKind] = useState<Kind>('callQueues');
  const [q, setQ] = useState({
    from: localInput(Date.now() - 86_400_000),
    to: localInput(Date.now()),
    interval: '1h',
    callQueueId: scope?.[0] ?? '',
  });
  const [rows, setRows] = useState<Row[]>();
  const [shown, setShown] = useState<{ kind: Kind; interval: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const query = (format?: string) => {
    const p = new URLSearchParams({
      from: new Date(q.from).toISOString(),
      to: new Date(q.to).toISOString(),
      interval: q.interval,
    });
    if (q.callQueueId.trim()) p.set('callQueueId', q.callQueueId.trim());
    if (format) p.set('format', format);
    return api.tenantPath(`/reports/${kind}?${p.toString()}`);
  };
  const run = async (ev: React.FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setRows(itemsOf<Row>(await api.json('GET', query())));
      setShown({ kind, interval: q.interval });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const download = async () => {
    setError(undefined);
    try {
      const res = await api.request('GET', query('csv'), { headers: { accept: 'text/csv' } });
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `report-${kind}-${q.interval}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setError(err);
    }
  };
  const columns = shown?.kind === 'agents' ? AGENT_COLUMNS : QUEUE_COLUMNS;
  const fields = ['from', 'to', 'interval', 'callQueueId'];
  return (
    <section aria-labelledby="reports-title">
      <Title2 block as="h1" id="reports-title">
        Reports
      </Title2>
      <form onSubmit={(ev) => void run(ev)} aria-labelledby="reports-title" noValidate>
        <div className={styles.form}>
          <Field label="Report">
            <Select name="kind" value={kind} onChange={(_, d) => setKind(d.value as Kind)}>
              <option value="callQueues">Call queues</option>
              <option value="agents">Agents</option>
            </Select>
          </Field>
          <TextField
            label="From"
            name="from"
            type="datetime-local"
            value={q.from}
            onChange={(from) => setQ({ ...q, from })}
            message={fieldMessage(error, 'from')}
          />
          <TextField
            label="To"
            name="to"
            type="datetime-local"
            value={q.to}
            onChange={(to) => setQ({ ...q, to })}
            message={fieldMessage(error, 'to')}
          />
          <Field label="Interval" validationMessage={fieldMessage(error, 'interval')}>
            <Select name="interval" value={q.interval} onChange={(_, d) => setQ({ ...q, interval: d.value })}>
              <option value="15m">15 minutes</option>
              <option value="1h">1 hour</option>
              <option value="1d">1 day</option>
            </Select>
          </Field>
          <TextField
            label="Call queue"
            name="callQueueId"
            value={q.callQueueId}
            onChange={(callQueueId) => setQ({ ...q, callQueueId })}
            message={fieldMessage(error, 'callQueueId')}
            hint={scope ? `Yours: ${scope.join(', ')}` : 'All when empty.'}
          />
        </div>
        <ProblemBar error={allShown(error, fields) ? undefined : error} />
        <div className={styles.actions}>
          <Button type="submit" appearance="primary" disabled={busy}>
            {busy ? 'Loading…' : 'Show report'}
          </Button>
          <Button onClick={() => void download()}>Download CSV</Button>
        </div>
      </form>
      {rows && shown && (
        <>
          {shown.kind === 'callQueues' && rows.length > 0 && (
            <Suspense fallback={<Spinner label="Loading chart…" />}>
              <ReportChart points={chartPoints(rows, shown.interval)} title="Calls and service level per interval" />
            </Suspense>
          )}
          <div className={styles.scroll}>
            <Table aria-label="Report" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Interval</TableHeaderCell>
                  <TableHeaderCell>{shown.kind === 'agents' ? 'Agent' : 'Call queue'}</TableHeaderCell>
                  {columns.map(([k, label]) => (
                    <TableHeaderCell key={k}>{label}</TableHeaderCell>
                  ))}
                  {shown.kind === 'callQueues' &&
                    SERVICE_LEVELS.map(([k, label, help]) => (
                      <TableHeaderCell key={k}>
                        <abbr title={help} className={styles.abbr}>
                          {label}
                        </abbr>
                      </TableHeaderCell>
                    ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.length === 0 && (
                  <TableRow>
                    <TableCell colSpan={columns.length + 7}>No calls in this range.</TableCell>
                  </TableRow>
                )}
                {rows.map((r, i) => (
                  <TableRow key={i}>
                    <TableCell>{new Date(r.intervalStart).toLocaleString()}</TableCell>
                    <TableCell>{shown.kind === 'agents' ? `${r.agentId} (${r.callQueueId})` : r.callQueueId}</TableCell>
                    {columns.map(([k]) => (
                      <TableCell key={k}>{k === 'occupancy' ? pct(r[k]) : cell(r[k])}</TableCell>
                    ))}
                    {shown.kind === 'callQueues' &&
                      SERVICE_LEVELS.map(([k]) => (
                        <TableCell key={k}>
                          {pct((r.serviceLevel as Record<string, unknown> | undefined)?.[k])}
                        </TableCell>
                      ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          {shown.kind === 'callQueues' && (
            <dl className={styles.legend} aria-label="Service level definitions">
              {SERVICE_LEVELS.map(([k, label, help]) => (
                <Fragment key={k}>
                  <dt className={styles.term}>{label}</dt>
                  <dd className={styles.def}>{help} T is the call queue&apos;s service-level threshold.</dd>
                </Fragment>
              ))}
            </dl>
          )}
        </>
      )}
    </section>
  );
}
