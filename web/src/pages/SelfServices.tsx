// The tenant's self-services (line-of-business hooks menus lead callers into); admins start a new one by its id here.
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
import { enc, itemsOf } from '../contact-center';
import { TextField } from '../form';
import { collectSummary, type SelfServiceView } from '../self-service-body';

const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

const useStyles = makeStyles({
  create: { display: 'flex', gap: '8px', alignItems: 'end', margin: '12px 0 24px', maxWidth: '560px' },
  grow: { flex: 1 },
  heading: { marginTop: '16px' },
});

export function SelfServicesPage({ api, admin }: { api: Api; admin: boolean }) {
  const styles = useStyles();
  const navigate = useNavigate();
  const [newId, setNewId] = useState('');
  const [idError, setIdError] = useState<string>();
  const list = useLoad(
    async () => itemsOf<SelfServiceView>(await api.json('GET', api.tenantPath('/selfServices'))),
    [],
  );
  const start = (ev: React.FormEvent) => {
    ev.preventDefault();
    if (!ID_RE.test(newId)) {
      setIdError('1–64 lower-case letters, digits or dashes, starting with a letter or digit, like balance.');
      return;
    }
    navigate(`/selfservices/${enc(newId)}`);
  };
  const shown = list.data ?? [];
  return (
    <section aria-labelledby="selfservices-title">
      <Title2 block as="h1" id="selfservices-title">
        Self-services
      </Title2>
      {admin && (
        <form onSubmit={start} className={styles.create} aria-label="New self-service" noValidate>
          <div className={styles.grow}>
            <TextField
              label="New self-service id"
              name="newServiceId"
              value={newId}
              onChange={(v) => {
                setNewId(v);
                setIdError(undefined);
              }}
              message={idError}
            />
          </div>
          <Button type="submit" appearance="primary">
            Create self-service
          </Button>
        </form>
      )}
      <Title3 block as="h2" className={styles.heading}>
        All self-services
      </Title3>
      <ProblemBar error={list.error} />
      {list.loading && !list.data && <Spinner label="Loading self-services…" />}
      {list.data && (
        <Table aria-label="Self-services" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Id</TableHeaderCell>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>URL</TableHeaderCell>
              <TableHeaderCell>Collects</TableHeaderCell>
              <TableHeaderCell>Updated</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.length === 0 && (
              <TableRow>
                <TableCell colSpan={5}>No self-services yet.</TableCell>
              </TableRow>
            )}
            {shown.map((s) => (
              <TableRow key={s.serviceId}>
                <TableCell>
                  <PageLink to={`/selfservices/${enc(s.serviceId)}`}>{s.serviceId}</PageLink>
                </TableCell>
                <TableCell>{s.name ?? '—'}</TableCell>
                <TableCell>{s.url}</TableCell>
                <TableCell>{collectSummary(s.collect)}</TableCell>
                <TableCell>{when(s.updatedAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
