// The tenant's call queues (a supervisor's own only); admins start a new one by its id here.
import {
  Button,
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
import { useNavigate } from 'react-router';
import type { Api } from '../api';
import { PageLink, ProblemBar, useLoad, when } from '../components';
import { ROUTING_LABELS, enc, itemsOf, type CallQueue } from '../contact-center';
import { TextField } from '../form';

const ID_RE = /^[a-z0-9-]{1,64}$/;

const useStyles = makeStyles({
  create: { display: 'flex', gap: '8px', alignItems: 'end', margin: '12px 0 24px', maxWidth: '560px' },
  grow: { flex: 1 },
  heading: { marginTop: '16px' },
});

export function CallQueuesPage({ api, admin }: { api: Api; admin: boolean }) {
  const styles = useStyles();
  const navigate = useNavigate();
  const [newId, setNewId] = useState('');
  const [idError, setIdError] = useState<string>();
  const list = useLoad(async () => itemsOf<CallQueue>(await api.json('GET', api.tenantPath('/callQueues'))), []);
  // The API lists a supervisor's own call queues only.
  const shown = list.data ?? [];
  const start = (ev: React.FormEvent) => {
    ev.preventDefault();
    if (!ID_RE.test(newId)) {
      setIdError('1–64 lower-case letters, digits or dashes, like sales-emea.');
      return;
    }
    navigate(`/callqueues/${enc(newId)}`);
  };
  return (
    <section aria-labelledby="cqs-title">
      <Title2 block as="h1" id="cqs-title">
        Call queues
      </Title2>
      {admin && (
        <form onSubmit={start} className={styles.create} aria-label="New call queue" noValidate>
          <div className={styles.grow}>
            <TextField
              label="New call queue id"
              name="newQueueId"
              value={newId}
              onChange={(v) => {
                setNewId(v);
                setIdError(undefined);
              }}
              message={idError}
            />
          </div>
          <Button type="submit" appearance="primary">
            Create call queue
          </Button>
        </form>
      )}
      <Title3 block as="h2" className={styles.heading}>
        {admin ? 'All call queues' : 'The call queues you supervise'}
      </Title3>
      <ProblemBar error={list.error} />
      {list.loading && !list.data && <Spinner label="Loading call queues…" />}
      {list.data && (
        <Table aria-label="Call queues" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Id</TableHeaderCell>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Routing</TableHeaderCell>
              <TableHeaderCell>Agents</TableHeaderCell>
              <TableHeaderCell>Alert / max wait</TableHeaderCell>
              <TableHeaderCell>Updated</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.length === 0 && (
              <TableRow>
                <TableCell colSpan={6}>No call queues yet.</TableCell>
              </TableRow>
            )}
            {shown.map((q) => (
              <TableRow key={q.queueId}>
                <TableCell>
                  <PageLink to={`/callqueues/${enc(q.queueId ?? '')}`}>{q.queueId}</PageLink>
                </TableCell>
                <TableCell>{q.name}</TableCell>
                <TableCell>{ROUTING_LABELS[q.routingMethod] ?? q.routingMethod}</TableCell>
                <TableCell>{q.agents?.length ?? 0}</TableCell>
                <TableCell>
                  {q.agentAlertTimeS} s / {q.maxWaitS} s
                </TableCell>
                <TableCell>{when(q.updatedAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
