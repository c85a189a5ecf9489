// A call queue's supervisors (`GET …/callQueues/{id}/supervisors`); an admin assigns (`PUT …/supervisors/{upn}`) and
// removes (`DELETE`) them. A supervisor sees the list.
import {
  Button,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title3,
  makeStyles,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { Api } from '../api';
import { ProblemBar, useLoad, when } from '../components';
import { enc, itemsOf } from '../contact-center';
import { allShown, fieldMessage, TextField } from '../form';

interface Assignment {
  userPrincipalName: string;
  supervisorId?: string;
  assignedAt?: string;
}

const useStyles = makeStyles({
  add: { display: 'flex', gap: '8px', alignItems: 'end', margin: '8px 0 16px', maxWidth: '560px' },
  grow: { flex: 1 },
  section: { marginTop: '24px' },
});

export function CallQueueSupervisors({ api, queueId, admin }: { api: Api; queueId: string; admin: boolean }) {
  const styles = useStyles();
  const list = useLoad(
    async () => itemsOf<Assignment>(await api.json('GET', api.tenantPath(`/callQueues/${enc(queueId)}/supervisors`))),
    [queueId],
  );
  const [upn, setUpn] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const change = async (method: 'PUT' | 'DELETE', who: string) => {
    setError(undefined);
    setBusy(true);
    try {
      await api.request(method, api.tenantPath(`/callQueues/${enc(queueId)}/supervisors/${enc(who)}`));
      if (method === 'PUT') setUpn('');
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="supervisors-title" className={styles.section}>
      <Title3 block as="h2" id="supervisors-title">
        Supervisors
      </Title3>
      <ProblemBar error={list.error} />
      {admin && (
        <form
          className={styles.add}
          aria-label="Assign a supervisor"
          noValidate
          onSubmit={(ev) => {
            ev.preventDefault();
            void change('PUT', upn.trim());
          }}
        >
          <div className={styles.grow}>
            <TextField
              label="Supervisor (user principal name)"
              name="supervisor"
              value={upn}
              onChange={setUpn}
              message={fieldMessage(error, 'upn')}
            />
          </div>
          <Button type="submit" disabled={busy || !upn.trim()}>
            Assign supervisor
          </Button>
        </form>
      )}
      <ProblemBar error={allShown(error, ['upn']) ? undefined : error} />
      {list.data && (
        <Table aria-label="Supervisors" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Supervisor</TableHeaderCell>
              <TableHeaderCell>Assigned</TableHeaderCell>
              {admin && <TableHeaderCell>Remove</TableHeaderCell>}
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data.length === 0 && (
              <TableRow>
                <TableCell colSpan={admin ? 3 : 2}>
                  None assigned here (supervisors named in their sign-in token&apos;s call queues see it too).
                </TableCell>
              </TableRow>
            )}
            {list.data.map((a) => (
              <TableRow key={a.userPrincipalName}>
                <TableCell>{a.userPrincipalName}</TableCell>
                <TableCell>{when(a.assignedAt)}</TableCell>
                {admin && (
                  <TableCell>
                    <Button
                      size="small"
                      disabled={busy}
                      onClick={() => void change('DELETE', a.userPrincipalName)}
                      aria-label={`Remove supervisor ${a.userPrincipalName}`}
                    >
                      Remove
                    </Button>
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
