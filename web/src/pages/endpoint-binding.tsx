// Where calls arriving on an endpoint go: a menu or a call queue (`PATCH …/endpoints/{upn}` `{menuId}|{queueId}`).
// Only Switchboard's routing changes (no reprovisioning); the other binding is cleared.
import { Button, Field, Select, Text, Title3, makeStyles } from '@fluentui/react-components';
import { useState } from 'react';
import { ApiProblem, type Api } from '../api';
import { ProblemBar, useLoad } from '../components';
import { enc, itemsOf } from '../contact-center';

const useStyles = makeStyles({
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(160px, 220px) minmax(200px, 320px) max-content',
    gap: '8px 16px',
    alignItems: 'end',
    margin: '8px 0 16px',
  },
});

export function EndpointBinding({
  api,
  upn,
  menuId,
  queueId,
  onBound,
}: {
  api: Api;
  upn: string;
  menuId?: string;
  queueId?: string;
  onBound: () => void;
}) {
  const styles = useStyles();
  const [kind, setKind] = useState<'menuId' | 'queueId'>(menuId ? 'menuId' : 'queueId');
  const [target, setTarget] = useState(menuId ?? queueId ?? '');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  const choices = useLoad(async () => {
    const [menus, queues] = await Promise.all([
      api.json('GET', api.tenantPath('/menus')),
      api.json('GET', api.tenantPath('/callQueues')),
    ]);
    return {
      menuId: itemsOf<{ menuId: string; name?: string }>(menus).map((m) => [m.menuId, m.name] as const),
      queueId: itemsOf<{ queueId: string; name?: string }>(queues).map((q) => [q.queueId, q.name] as const),
    };
  }, []);
  const options = choices.data?.[kind] ?? [];
  const problem = error instanceof ApiProblem ? error : undefined;
  const message = problem?.field(kind) || problem?.field('body') || undefined;

  const bind = async (ev: React.FormEvent) => {
    ev.preventDefault();
    setError(undefined);
    setSaved(undefined);
    setBusy(true);
    try {
      await api.request('PATCH', api.tenantPath(`/endpoints/${enc(upn)}`), { body: { [kind]: target } });
      setSaved(`Calls now go to ${kind === 'menuId' ? 'menu' : 'call queue'} ${target}.`);
      onBound();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(ev) => void bind(ev)} aria-labelledby="binding-title" noValidate>
      <Title3 block as="h2" id="binding-title">
        Where calls go
      </Title3>
      <Text>
        Now: {menuId ? `menu ${menuId}` : queueId ? `call queue ${queueId}` : 'nowhere yet (calls are not answered)'}
      </Text>
      <div className={styles.row}>
        <Field label="Send calls to">
          <Select
            name="bindingKind"
            value={kind}
            onChange={(_, d) => {
              setKind(d.value as 'menuId' | 'queueId');
              setTarget('');
            }}
          >
            <option value="menuId">A menu</option>
            <option value="queueId">A call queue</option>
          </Select>
        </Field>
        <Field
          label={kind === 'menuId' ? 'Menu' : 'Call queue'}
          validationMessage={message}
          validationState={message ? 'error' : 'none'}
        >
          <Select name={kind} value={target} onChange={(_, d) => setTarget(d.value)}>
            <option value="">Choose…</option>
            {options.map(([id, name]) => (
              <option key={id} value={id}>
                {name ? `${id} (${name})` : id}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" appearance="primary" disabled={busy || !target}>
          {busy ? 'Binding…' : 'Bind endpoint'}
        </Button>
      </div>
      {saved && (
        <Text role="status" weight="semibold">
          {saved}
        </Text>
      )}
      <ProblemBar error={choices.error ?? (message ? undefined : error)} />
    </form>
  );
}
