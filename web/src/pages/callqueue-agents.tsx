// A call queue's agents as they are now (`GET …/agents?callQueueId=`): state, skills (editable), missed offers, and
// opting each in or out of this call queue — what an admin and the call queue's supervisors may change.
import {
  Button,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title3,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { Api } from '../api';
import { ProblemBar } from '../components';
import { STATE_LABELS, enc, type AgentView } from '../contact-center';
import { AgentSkills } from './agent-skills';

export function CallQueueAgents({
  api,
  queueId,
  agents,
  error,
  reload,
}: {
  api: Api;
  queueId: string;
  agents: AgentView[] | undefined;
  error: unknown;
  reload: () => void;
}) {
  const [optError, setOptError] = useState<unknown>();
  const [pending, setPending] = useState<string>();
  const opt = async (upn: string, action: 'optIn' | 'optOut') => {
    setOptError(undefined);
    setPending(upn);
    try {
      await api.request('POST', api.tenantPath(`/callQueues/${enc(queueId)}/agents/${enc(upn)}/${action}`));
      reload();
    } catch (err) {
      setOptError(err);
    } finally {
      setPending(undefined);
    }
  };
  return (
    <section aria-labelledby="agents-now">
      <Title3 block as="h2" id="agents-now">
        Agents now
      </Title3>
      <ProblemBar error={error} />
      <ProblemBar error={optError} />
      {agents && (
        <Table aria-label="Agents now" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Agent</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
              <TableHeaderCell>Skills</TableHeaderCell>
              <TableHeaderCell>Missed offers</TableHeaderCell>
              <TableHeaderCell>Taking calls here</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {agents.length === 0 && (
              <TableRow>
                <TableCell colSpan={5}>No agents.</TableCell>
              </TableRow>
            )}
            {agents.map((a) => {
              const optedIn = !a.optedOut.includes(queueId);
              return (
                <TableRow key={a.agentId}>
                  <TableCell>{a.userPrincipalName}</TableCell>
                  <TableCell>
                    {STATE_LABELS[a.state] ?? a.state} ({a.presence})
                  </TableCell>
                  <TableCell>
                    <AgentSkills api={api} agent={a} onSaved={reload} />
                  </TableCell>
                  <TableCell>{a.missedOffers[queueId] ?? 0}</TableCell>
                  <TableCell>
                    {optedIn ? 'Yes ' : 'No (opted out) '}
                    <Button
                      size="small"
                      disabled={pending === a.userPrincipalName}
                      onClick={() => void opt(a.userPrincipalName, optedIn ? 'optOut' : 'optIn')}
                      aria-label={`${optedIn ? 'Opt out' : 'Opt in'} ${a.userPrincipalName}`}
                    >
                      {optedIn ? 'Opt out' : 'Opt in'}
                    </Button>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
