// Bulk import: upload a CSV, watch the batch with a progress bar, rate and ETA, see the rejected rows, download results.
import {
  Button,
  Field,
  Label,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  Title3,
  makeStyles,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { BulkStatusView, BulkSubmitView } from '../../../shared/domain/bulk-view';
import { ApiProblem, type Api, type FieldProblem } from '../api';
import { ProblemBar, StatusBadge, useLoad } from '../components';

const useStyles = makeStyles({
  upload: { display: 'flex', gap: '12px', alignItems: 'end', margin: '12px 0 24px', flexWrap: 'wrap' },
  stats: { display: 'flex', gap: '24px', flexWrap: 'wrap', margin: '8px 0 16px' },
  section: { marginTop: '24px' },
  file: { display: 'flex', flexDirection: 'column', gap: '4px' },
  narrow: { width: '96px' },
  field: { width: '180px' },
});

interface RejectedRow {
  row: number;
  line?: number;
  errors: FieldProblem[];
}

function eta(ms: number | null): string {
  if (ms === null) return '—';
  if (ms <= 0) return 'done';
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}

export function BulkPage({ api }: { api: Api }) {
  const styles = useStyles();
  const [file, setFile] = useState<File>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [batch, setBatch] = useState<BulkSubmitView>();
  const [rejected, setRejected] = useState<RejectedRow[]>([]);

  const upload = async (ev: React.FormEvent) => {
    ev.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setBatch(undefined);
    setRejected([]);
    try {
      const submitted = await api.json<BulkSubmitView>('POST', api.tenantPath('/bulk'), {
        body: await file.text(),
        contentType: 'text/csv',
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      setBatch(submitted);
      setRejected(submitted.rejected);
    } catch (err) {
      setError(err);
      // Every row refused: the problem lists them row by row.
      if (err instanceof ApiProblem && err.problem.errors?.some((e) => e.row !== undefined)) {
        const byRow = new Map<number, RejectedRow>();
        for (const e of err.problem.errors) {
          if (e.row === undefined) continue;
          const r = byRow.get(e.row) ?? { row: e.row, line: e.line, errors: [] };
          r.errors.push({ field: e.field, message: e.message });
          byRow.set(e.row, r);
        }
        setRejected([...byRow.values()]);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="bulk-title">
      <Title2 block as="h1" id="bulk-title">
        Bulk import
      </Title2>
      <Text>
        A CSV with the header <code>userPrincipalName,displayName,usageLocation,phoneNumber,numberType,queueId</code>,
        up to 5,000 rows. Every row is checked before anything starts; the rows that pass are provisioned at the
        tenant&apos;s pace.
      </Text>
      <form className={styles.upload} onSubmit={(ev) => void upload(ev)}>
        <div className={styles.file}>
          <Label htmlFor="bulk-csv">CSV file</Label>
          <input id="bulk-csv" type="file" accept=".csv,text/csv" onChange={(ev) => setFile(ev.target.files?.[0])} />
        </div>
        <Button type="submit" appearance="primary" disabled={!file || busy}>
          {busy ? 'Uploading…' : 'Upload'}
        </Button>
      </form>
      <ProblemBar error={error} />
      {batch && <Progress api={api} batchId={batch.batchId} />}
      {rejected.length > 0 && (
        <div className={styles.section}>
          <Title3 block as="h2">
            Rejected rows ({rejected.length})
          </Title3>
          <Table aria-label="Rejected rows" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.narrow}>Row</TableHeaderCell>
                <TableHeaderCell className={styles.narrow}>Line</TableHeaderCell>
                <TableHeaderCell className={styles.field}>Field</TableHeaderCell>
                <TableHeaderCell>What to fix</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rejected.flatMap((r) =>
                r.errors.map((e, i) => (
                  <TableRow key={`${r.row}-${i}`}>
                    <TableCell>{r.row}</TableCell>
                    <TableCell>{r.line ?? '—'}</TableCell>
                    <TableCell>{e.field ?? '—'}</TableCell>
                    <TableCell>{e.message}</TableCell>
                  </TableRow>
                )),
              )}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}

function Progress({ api, batchId }: { api: Api; batchId: string }) {
  const styles = useStyles();
  const [downloadError, setDownloadError] = useState<unknown>();
  const status = useLoad(
    () => api.json<BulkStatusView>('GET', api.tenantPath(`/bulk/${encodeURIComponent(batchId)}`)),
    [batchId],
    { everyMs: 1000, until: (s) => s.state === 'Completed' || s.state === 'Cancelled' },
  );
  const download = async () => {
    setDownloadError(undefined);
    try {
      const res = await api.request('GET', api.tenantPath(`/bulk/${encodeURIComponent(batchId)}?format=csv`), {
        headers: { accept: 'text/csv' },
      });
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `bulk-${batchId}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setDownloadError(err);
    }
  };
  const s = status.data;
  return (
    <div className={styles.section} aria-live="polite">
      <Title3 block as="h2">
        Batch {batchId}
      </Title3>
      <ProblemBar error={status.error} />
      {s && (
        <>
          <Field
            label={`Progress: ${s.percentComplete}%`}
            validationMessage={`${s.succeeded + s.failed} of ${s.accepted} rows finished`}
            validationState="none"
          >
            <ProgressBar value={s.percentComplete / 100} thickness="large" aria-label="Batch progress" />
          </Field>
          <div className={styles.stats}>
            <Text>
              State <StatusBadge status={s.state} />
            </Text>
            <Text>Pending {s.pending}</Text>
            <Text>Running {s.running}</Text>
            <Text>Succeeded {s.succeeded}</Text>
            <Text>Failed {s.failed}</Text>
            <Text>Rejected {s.rejected}</Text>
            <Text>Rate {s.ratePerMinute === null ? '—' : `${s.ratePerMinute.toFixed(1)}/min`}</Text>
            <Text>ETA {eta(s.etaMs)}</Text>
          </div>
          <Button onClick={() => void download()}>Download results CSV</Button>
          <ProblemBar error={downloadError} />
        </>
      )}
    </div>
  );
}
