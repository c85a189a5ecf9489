// The call queue form's parts: an overflow / timeout / no-agent action, the agents in routing order.
import {
  Button,
  Field,
  Input,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
} from '@fluentui/react-components';
import { ACTION_KINDS, ACTION_LABELS, type ActionKind } from '../contact-center';
import { fieldMessage } from '../form';
import type { ACTION_FIELDS, CallQueueForm } from '../callqueue-body';

type ActionField = (typeof ACTION_FIELDS)[number];

const useStyles = makeStyles({
  action: { display: 'grid', gridTemplateColumns: 'minmax(160px, 1fr) minmax(160px, 1.4fr)', gap: '8px' },
  agentActions: { display: 'flex', gap: '4px' },
  upn: { width: '50%' },
  order: { width: '140px' },
  input: { width: '100%', minWidth: 0 },
});

const TARGET_HINTS: Record<ActionKind, string> = {
  disconnect: '',
  callQueue: 'Call queue id',
  user: 'user@contoso.com',
  number: '+14255550100',
};

export function ActionInput({
  field,
  label,
  value,
  onChange,
  error,
}: {
  field: ActionField;
  label: string;
  value: { kind: ActionKind; target: string };
  onChange: (v: { kind: ActionKind; target: string }) => void;
  error: unknown;
}) {
  const styles = useStyles();
  const message = fieldMessage(error, field);
  return (
    <Field label={label} validationMessage={message} validationState={message ? 'error' : 'none'}>
      <div className={styles.action} role="group" aria-label={label}>
        <Select
          aria-label={`${label}: action`}
          name={`${field}.kind`}
          value={value.kind}
          onChange={(_, d) => onChange({ ...value, kind: d.value as ActionKind })}
        >
          {ACTION_KINDS.map((k) => (
            <option key={k} value={k}>
              {ACTION_LABELS[k]}
            </option>
          ))}
        </Select>
        {value.kind !== 'disconnect' && (
          <Input
            aria-label={`${label}: target`}
            name={`${field}.target`}
            value={value.target}
            placeholder={TARGET_HINTS[value.kind]}
            onChange={(_, d) => onChange({ ...value, target: d.value })}
          />
        )}
      </div>
    </Field>
  );
}

/** The call queue's agents in order (serial routing rings them top to bottom); `order` overrides the position. */
export function AgentsEditor({
  agents,
  onChange,
  error,
}: {
  agents: CallQueueForm['agents'];
  onChange: (a: CallQueueForm['agents']) => void;
  error: unknown;
}) {
  const styles = useStyles();
  const set = (i: number, patch: Partial<CallQueueForm['agents'][number]>) =>
    onChange(agents.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const move = (i: number, by: number) => {
    const next = [...agents];
    const [a] = next.splice(i, 1);
    next.splice(i + by, 0, a);
    onChange(next);
  };
  return (
    <>
      <Table aria-label="Agents in routing order" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell className={styles.upn}>Agent (user principal name)</TableHeaderCell>
            <TableHeaderCell className={styles.order}>Order</TableHeaderCell>
            <TableHeaderCell>Move / remove</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {agents.length === 0 && (
            <TableRow>
              <TableCell colSpan={3}>No agents yet.</TableCell>
            </TableRow>
          )}
          {agents.map((a, i) => {
            const upnMessage = fieldMessage(error, `agents[${i}].userPrincipalName`);
            const orderMessage = fieldMessage(error, `agents[${i}].order`);
            return (
              <TableRow key={i}>
                <TableCell>
                  <Field validationMessage={upnMessage} validationState={upnMessage ? 'error' : 'none'}>
                    <Input
                      className={styles.input}
                      aria-label={`Agent ${i + 1}`}
                      name={`agents[${i}].userPrincipalName`}
                      value={a.userPrincipalName}
                      onChange={(_, d) => set(i, { userPrincipalName: d.value })}
                    />
                  </Field>
                </TableCell>
                <TableCell>
                  <Field validationMessage={orderMessage} validationState={orderMessage ? 'error' : 'none'}>
                    <Input
                      className={styles.input}
                      aria-label={`Agent ${i + 1} order`}
                      name={`agents[${i}].order`}
                      value={a.order}
                      onChange={(_, d) => set(i, { order: d.value })}
                    />
                  </Field>
                </TableCell>
                <TableCell>
                  <div className={styles.agentActions}>
                    <Button
                      size="small"
                      disabled={i === 0}
                      onClick={() => move(i, -1)}
                      aria-label={`Move agent ${i + 1} up`}
                    >
                      ↑
                    </Button>
                    <Button
                      size="small"
                      disabled={i === agents.length - 1}
                      onClick={() => move(i, 1)}
                      aria-label={`Move agent ${i + 1} down`}
                    >
                      ↓
                    </Button>
                    <Button
                      size="small"
                      onClick={() => onChange(agents.filter((_, j) => j !== i))}
                      aria-label={`Remove agent ${i + 1}`}
                    >
                      Remove
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <Button onClick={() => onChange([...agents, { userPrincipalName: '', order: '' }])}>Add agent</Button>
    </>
  );
}
