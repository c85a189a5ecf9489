// The tenant's menus (what callers hear and press); admins start a new one by its id here.
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
import { hoursSummary, type MenuView } from '../menu-body';

const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

const useStyles = makeStyles({
  create: { display: 'flex', gap: '8px', alignItems: 'end', margin: '12px 0 24px', maxWidth: '560px' },
  grow: { flex: 1 },
  heading: { marginTop: '16px' },
});

export function MenusPage({ api, admin }: { api: Api; admin: boolean }) {
  const styles = useStyles();
  const navigate = useNavigate();
  const [newId, setNewId] = useState('');
  const [idError, setIdError] = useState<string>();
  const list = useLoad(async () => itemsOf<MenuView>(await api.json('GET', api.tenantPath('/menus'))), []);
  const start = (ev: React.FormEvent) => {
    ev.preventDefault();
    if (!ID_RE.test(newId)) {
      setIdError('1–64 lower-case letters, digits or dashes, starting with a letter or digit, like main-menu.');
      return;
    }
    navigate(`/menus/${enc(newId)}`);
  };
  const shown = list.data ?? [];
  return (
    <section aria-labelledby="menus-title">
      <Title2 block as="h1" id="menus-title">
        Menus
      </Title2>
      {admin && (
        <form onSubmit={start} className={styles.create} aria-label="New menu" noValidate>
          <div className={styles.grow}>
            <TextField
              label="New menu id"
              name="newMenuId"
              value={newId}
              onChange={(v) => {
                setNewId(v);
                setIdError(undefined);
              }}
              message={idError}
            />
          </div>
          <Button type="submit" appearance="primary">
            Create menu
          </Button>
        </form>
      )}
      <Title3 block as="h2" className={styles.heading}>
        All menus
      </Title3>
      <ProblemBar error={list.error} />
      {list.loading && !list.data && <Spinner label="Loading menus…" />}
      {list.data && (
        <Table aria-label="Menus" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Id</TableHeaderCell>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Options</TableHeaderCell>
              <TableHeaderCell>Business hours</TableHeaderCell>
              <TableHeaderCell>Updated</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.length === 0 && (
              <TableRow>
                <TableCell colSpan={5}>No menus yet.</TableCell>
              </TableRow>
            )}
            {shown.map((m) => (
              <TableRow key={m.menuId}>
                <TableCell>
                  <PageLink to={`/menus/${enc(m.menuId)}`}>{m.menuId}</PageLink>
                </TableCell>
                <TableCell>{m.name ?? '—'}</TableCell>
                <TableCell>{m.options.map((o) => o.key).join(' ') || 'none'}</TableCell>
                <TableCell>{hoursSummary(m)}</TableCell>
                <TableCell>{when(m.updatedAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
