// Drift: what the tenant changed since provisioning, and (admins) a check on demand.
import {
  Button,
  Select,
  Field,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  makeStyles,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { DriftFindingView } from '../../../shared/domain/drift-view';
import type { Api } from '../api';
import { ProblemBar, StatusBadge, useLoad, when } from '../components';

interface DriftView {
  tenantId: string;
  status: string;
  check: { instanceId: string; runtimeStatus: string; scanId?: string; phase?: string } | null;
  lastScan: { scanId: string; status: string; startedAt: string; endedAt?: string; scanned: number } | null;
  findings: DriftFindingView[];
}

const useStyles = makeStyles({
  more: { marginTop: '12px' },
  cell: { overflowWrap: 'anywhere', verticalAlign: 'top', paddingTop: '6px', paddingBottom: '6px' },
  wide: { width: '24%' },
  bar: { display: 'flex', gap: '16px', alignItems: 'end', margin: '12px 0 16px', flexWrap: 'wrap' },
});

/** Findings rendered at a time: a tenant can hold thousands. */
const PAGE = 50;

const show = (v: unknown): string =>
  v === null || v === undefined ? '—' : Array.isArray(v) ? v.join(', ') : String(v);

export function DriftPage({ api, canEdit }: { api: Api; canEdit: boolean }) {
  const styles = useStyles();
  const [status, setStatus] = useState('open');
  const [scanId, setScanId] = useState<string>();
  const [checkError, setCheckError] = useState<unknown>();
  const [shown, setShown] = useState(PAGE);
  const drift = useLoad(() => api.json<DriftView>('GET', api.tenantPath(`/drift?status=${status}`)), [status, scanId], {
    everyMs: scanId ? 1500 : undefined,
    until: (d) => !scanId || (d.check?.scanId === scanId && d.check.runtimeStatus === 'Completed'),
  });
  const checking =
    !!scanId && !(drift.data?.check?.scanId === scanId && drift.data.check.runtimeStatus === 'Completed');
  const checkNow = async () => {
    setCheckError(undefined);
    try {
      const started = await api.json<{ scanId: string }>('POST', api.tenantPath('/drift/check'), { body: {} });
      setScanId(started.scanId);
    } catch (err) {
      setCheckError(err);
    }
  };
  const d = drift.data;
  return (
    <section aria-labelledby="drift-title">
      <Title2 block as="h1" id="drift-title">
        Drift
      </Title2>
      <div className={styles.bar}>
        <Field label="Findings">
          <Select value={status} onChange={(_, v) => setStatus(v.value)}>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="all">All</option>
          </Select>
        </Field>
        {canEdit && (
          <Button appearance="primary" onClick={() => void checkNow()} disabled={checking}>
            {checking ? 'Checking…' : 'Check now'}
          </Button>
        )}
        {checking && <Spinner size="tiny" label="Drift check running" />}
      </div>
      <ProblemBar error={checkError ?? drift.error} />
      {d && (
        <Text as="p">
          {d.lastScan
            ? `Last check ${when(d.lastScan.endedAt ?? d.lastScan.startedAt)}: ${d.lastScan.scanned} endpoints, ${d.lastScan.status}.`
            : 'No check has run yet.'}
        </Text>
      )}
      {d && (
        <Table aria-label="Drift findings" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={styles.wide}>Subject</TableHeaderCell>
              <TableHeaderCell>Kind</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell>Expected</TableHeaderCell>
              <TableHeaderCell>Actual</TableHeaderCell>
              <TableHeaderCell className={styles.wide}>What happened</TableHeaderCell>
              <TableHeaderCell>Last seen</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {d.findings.length === 0 && (
              <TableRow>
                <TableCell colSpan={7}>No {status === 'all' ? '' : status} findings.</TableCell>
              </TableRow>
            )}
            {d.findings.slice(0, shown).map((f) => (
              <TableRow key={`${f.subject}|${f.kind}`}>
                <TableCell className={styles.cell}>{f.subject}</TableCell>
                <TableCell className={styles.cell}>{f.kind}</TableCell>
                <TableCell className={styles.cell}>
                  <StatusBadge status={f.status} />
                </TableCell>
                <TableCell className={styles.cell}>{show(f.expected)}</TableCell>
                <TableCell className={styles.cell}>{show(f.actual)}</TableCell>
                <TableCell className={styles.cell}>{f.message}</TableCell>
                <TableCell className={styles.cell}>{when(f.lastSeen)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {d && d.findings.length > shown && (
        <Button className={styles.more} onClick={() => setShown((n) => n + PAGE)}>
          Show {Math.min(PAGE, d.findings.length - shown)} more of {d.findings.length - shown}
        </Button>
      )}
    </section>
  );
}
