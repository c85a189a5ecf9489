// The agent's own view: state and time in state, opt in / out per call queue, and the call being offered or connected
// with the caller's number. Reads `GET …/agents` (for an Agent: their own row only) every 2 s.
import {
  Badge,
  Button,
  Spinner,
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
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { Api } from '../api';
import type { Auth } from '../auth';
import { ProblemBar, useLoad } from '../components';
import { STATE_LABELS, duration, enc, epochMs, itemsOf, type AgentView } from '../contact-center';

const useStyles = makeStyles({
  state: { display: 'flex', gap: '16px', alignItems: 'center', margin: '12px 0 24px' },
  call: {
    border: `2px solid ${tokens.colorBrandStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
    padding: '12px 16px',
    margin: '0 0 24px',
    maxWidth: '560px',
  },
  number: { fontSize: '28px', lineHeight: '36px', fontWeight: tokens.fontWeightBold, display: 'block' },
});

interface Membership {
  callQueueId: string;
  optedIn: boolean;
}

/** The call queues the agent serves (the API lists them on the agent's own row) and whether they take its calls. */
export function memberships(a: AgentView): Membership[] {
  const ids = new Set([...(a.callQueues ?? []), ...a.optedOut]);
  return [...ids].sort().map((id) => ({ callQueueId: id, optedIn: !a.optedOut.includes(id) }));
}

export function AgentPage({ api, auth }: { api: Api; auth: Auth }) {
  const styles = useStyles();
  const upn = auth.person?.username ?? '';
  const me = useLoad(
    async () => {
      const rows = itemsOf<AgentView>(await api.json('GET', api.tenantPath('/agents')));
      const own = rows.find((r) => r.userPrincipalName.toLowerCase() === upn.toLowerCase()) ?? rows[0];
      if (!own) throw new Error(`Switchboard has no agent ${upn}: an administrator adds you to a call queue.`);
      return own;
    },
    [upn],
    { everyMs: 2000 },
  );
  const a = me.data;
  const callId = a?.currentCall?.callId ?? a?.callId;
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState<string>();
  const opt = async (callQueueId: string, action: 'optIn' | 'optOut') => {
    setError(undefined);
    setPending(callQueueId);
    try {
      await api.request('POST', api.tenantPath(`/callQueues/${enc(callQueueId)}/agents/${enc(upn)}/${action}`));
      me.reload();
    } catch (err) {
      setError(err);
    } finally {
      setPending(undefined);
    }
  };
  const since = epochMs(a?.since);
  // The API puts the caller's number on the agent's own row (currentCall.callerPhone).
  const caller = a?.currentCall?.callerPhone;
  const onCall = a && (a.state === 'offered' || a.state === 'busy') && callId;
  const callQueueId = a?.currentCall?.callQueueId ?? a?.callQueueId;
  return (
    <section aria-labelledby="agent-title">
      <Title2 block as="h1" id="agent-title">
        Agent view
      </Title2>
      <ProblemBar error={me.error} />
      {!a && me.loading && <Spinner label="Loading your state…" />}
      {a && (
        <>
          <div className={styles.state} role="status" aria-label="Your state">
            <Text size={500} weight="semibold">
              {auth.person?.name || a.userPrincipalName}
            </Text>
            <Badge appearance="filled" size="extra-large" color={a.state === 'available' ? 'success' : 'informative'}>
              {STATE_LABELS[a.state] ?? a.state}
            </Badge>
            {since && since > Date.UTC(2000, 0, 1) && <Text>for {duration((Date.now() - since) / 1000)}</Text>}
          </div>
          {onCall && (
            <section className={styles.call} aria-label="Your call" aria-live="polite">
              <Text weight="semibold" block>
                {a.state === 'offered' ? 'Ringing — answer it in Teams' : 'Connected'}
                {callQueueId ? ` · call queue ${callQueueId}` : ''}
              </Text>
              <Text className={styles.number}>{caller ?? 'Caller number withheld'}</Text>
            </section>
          )}
          <Title3 block as="h2">
            Your call queues
          </Title3>
          <ProblemBar error={error} />
          <Table aria-label="Your call queues" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Call queue</TableHeaderCell>
                <TableHeaderCell>Taking calls</TableHeaderCell>
                <TableHeaderCell>Missed offers</TableHeaderCell>
                <TableHeaderCell>Opt in / out</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {memberships(a).length === 0 && (
                <TableRow>
                  <TableCell colSpan={4}>You are not an agent of any call queue.</TableCell>
                </TableRow>
              )}
              {memberships(a).map((m) => (
                <TableRow key={m.callQueueId}>
                  <TableCell>{m.callQueueId}</TableCell>
                  <TableCell>{m.optedIn ? 'Yes (opted in)' : 'No (opted out)'}</TableCell>
                  <TableCell>{a.missedOffers?.[m.callQueueId] ?? 0}</TableCell>
                  <TableCell>
                    <Button
                      disabled={pending === m.callQueueId}
                      onClick={() => void opt(m.callQueueId, m.optedIn ? 'optOut' : 'optIn')}
                      aria-label={`${m.optedIn ? 'Opt out of' : 'Opt in to'} ${m.callQueueId}`}
                    >
                      {m.optedIn ? 'Opt out' : 'Opt in'}
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </section>
  );
}
