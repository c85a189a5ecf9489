// The callbacks callers asked for (`GET …/callbacks?state=`, docs/api.md), by state, refreshed every 5 s; numbers come
// as the API gives them (masked for supervisors). Each links to the story of the call that asked.
import {
  Field,
  Select,
  Spinner,
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
import { PageLink, ProblemBar, StatusBadge, useLoad, when } from '../components';
import { enc, itemsOf } from '../contact-center';

export const CALLBACK_STATES = ['pending', 'dialing', 'connected', 'completed', 'failed'] as const;
export type CallbackState = (typeof CALLBACK_STATES)[number];

export interface CallbackItem {
  callbackId: string;
  callId: string;
  callQueueId: string;
  number: string;
  state: CallbackState;
  requestedAt?: string;
  attempts?: { n: number; at: string; agentId?: string; result?: string }[];
  maxAttempts?: number;
  notBefore?: string;
  agentId?: string;
}

const useStyles = makeStyles({
  heading: { marginTop: '24px' },
  filter: { maxWidth: '240px', margin: '8px 0' },
});

export function CallbacksList({ api, agentName }: { api: Api; agentName: (id?: string) => string }) {
  const styles = useStyles();
  const [state, setState] = useState<CallbackState>('pending');
  const list = useLoad(
    async () => itemsOf<CallbackItem>(await api.json('GET', api.tenantPath(`/callbacks?state=${state}`))),
    [state],
    { everyMs: 5000 },
  );
  return (
    <>
      <Title3 block as="h2" className={styles.heading} id="callbacks-title">
        Callbacks
      </Title3>
      <Field label="Callback state" className={styles.filter}>
        <Select name="callbackState" value={state} onChange={(_, d) => setState(d.value as CallbackState)}>
          {CALLBACK_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </Field>
      <ProblemBar error={list.error} />
      {list.loading && !list.data && <Spinner label="Loading callbacks…" />}
      {list.data && (
        <Table aria-label="Callbacks" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Call</TableHeaderCell>
              <TableHeaderCell>Call queue</TableHeaderCell>
              <TableHeaderCell>Number</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
              <TableHeaderCell>Requested</TableHeaderCell>
              <TableHeaderCell>Attempts</TableHeaderCell>
              <TableHeaderCell>Agent</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data.length === 0 && (
              <TableRow>
                <TableCell colSpan={7}>No {state} callbacks.</TableCell>
              </TableRow>
            )}
            {list.data.map((c) => (
              <TableRow key={c.callbackId}>
                <TableCell>
                  <PageLink to={`/calls/${enc(c.callId)}`}>{c.callId.slice(0, 8)}…</PageLink>
                </TableCell>
                <TableCell>{c.callQueueId}</TableCell>
                <TableCell>{c.number}</TableCell>
                <TableCell>
                  <StatusBadge status={c.state} />
                </TableCell>
                <TableCell>{when(c.requestedAt)}</TableCell>
                <TableCell>
                  {c.attempts?.length ?? 0}
                  {c.maxAttempts ? ` of ${c.maxAttempts}` : ''}
                  {c.notBefore ? ` · next ${when(c.notBefore)}` : ''}
                </TableCell>
                <TableCell>{agentName(c.agentId ?? c.attempts?.at(-1)?.agentId)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
