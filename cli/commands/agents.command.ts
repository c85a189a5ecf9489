/** `switchboard agents list [--call-queue]|licensing|get <upn>|set-skills <upn> name=level…|opt-in|opt-out`: agents and their live state. */
import type { Command } from 'commander';
import type { AgentView } from '../../shared/domain';
import { table } from '../api-client';
import { commandContext, out } from '../command-context';

const levels = (s: Record<string, number>): string =>
  Object.entries(s)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

function rows(agents: AgentView[]): Record<string, unknown>[] {
  return agents.map((a) => ({
    userPrincipalName: a.userPrincipalName,
    state: a.state,
    since: a.since ?? '',
    presence: a.presence,
    call: a.currentCall
      ? `${a.currentCall.callId}${a.currentCall.callQueueId ? ` (${a.currentCall.callQueueId})` : ''}`
      : '',
    skills: levels(a.skills),
    callQueues: (a.callQueues ?? []).join(' '),
    optedOut: a.optedOut.join(' '),
    missed: Object.entries(a.missedOffers)
      .filter(([, n]) => n > 0)
      .map(([q, n]) => `${q}:${n}`)
      .join(' '),
  }));
}

const COLUMNS = [
  'userPrincipalName',
  'state',
  'since',
  'presence',
  'call',
  'skills',
  'callQueues',
  'optedOut',
  'missed',
];

function printAgent(agent: AgentView, json: boolean): void {
  out(json ? JSON.stringify(agent, null, 2) : table(rows([agent]), COLUMNS));
}

/** `name=level` pairs as skills (level a whole number 1–5; the API checks the range and names each bad one). */
export function skillsFromPairs(pairs: readonly string[]): Record<string, number> {
  const skills: Record<string, number> = {};
  for (const pair of pairs) {
    const m = /^([^=]+)=(\d+)$/.exec(pair);
    if (!m) throw new Error(`'${pair}' is not name=level (a whole number 1-5)`);
    skills[m[1]] = Number(m[2]);
  }
  return skills;
}

export function registerAgentCommands(program: Command): void {
  const context = () => commandContext(program);
  const agents = program.command('agents').description('agents: skills, live state, opting in and out of call queues');

  agents
    .command('list')
    .description('agents with their live state (state, since, presence, current call)')
    .option('--call-queue <queueId>', 'only the agents of this call queue')
    .action(async (o: { callQueue?: string }) => {
      const { client, tenant, json } = context();
      const q = o.callQueue ? `?callQueueId=${encodeURIComponent(o.callQueue)}` : '';
      const { items } = await client.request<{ items: AgentView[] }>('GET', `tenants/${tenant}/agents${q}`);
      out(json ? JSON.stringify(items, null, 2) : table(rows(items), COLUMNS));
    });

  agents
    .command('licensing')
    .description('the Direct Routing model check: agents without a Teams Phone licence (alone or in E5)')
    .action(async () => {
      const { client, tenant, json } = context();
      const r = await client.request<{
        agents: { userPrincipalName: string; licensed: boolean; skus: string[] }[];
        unlicensed: number;
      }>('GET', `tenants/${tenant}/agents/licensing`);
      if (json) return out(JSON.stringify(r, null, 2));
      out(
        table(
          r.agents.map((a) => ({ ...a, skus: a.skus.join(' ') })),
          ['userPrincipalName', 'licensed', 'skus'],
        ),
      );
      out(`${r.unlicensed} agent(s) need a Teams Phone licence under Direct Routing`);
      if (r.unlicensed > 0) process.exitCode = 1;
    });

  agents
    .command('get <upn>')
    .description('one agent with live state')
    .action(async (upn: string) => {
      const { client, tenant, json } = context();
      printAgent(await client.request<AgentView>('GET', `tenants/${tenant}/agents/${encodeURIComponent(upn)}`), json);
    });

  agents
    .command('set-skills <upn> [name=level...]')
    .description("replace an agent's skills, e.g. set-skills ann@contoso.com sales=4 spanish=2 (none clears them)")
    .action(async (upn: string, pairs: string[]) => {
      const { client, tenant, json } = context();
      const agent = await client.request<AgentView>('PUT', `tenants/${tenant}/agents/${encodeURIComponent(upn)}`, {
        skills: skillsFromPairs(pairs),
      });
      printAgent(agent, json);
    });

  for (const [name, segment, what] of [
    ['opt-in', 'optIn', 'take offers from the call queue again (resets its missed offers)'],
    ['opt-out', 'optOut', 'take no more offers from the call queue'],
  ] as const) {
    agents
      .command(`${name} <upn>`)
      .description(what)
      .requiredOption('--call-queue <queueId>', 'the call queue')
      .action(async (upn: string, o: { callQueue: string }) => {
        const { client, tenant, json } = context();
        const agent = await client.request<AgentView>(
          'POST',
          `tenants/${tenant}/callQueues/${encodeURIComponent(o.callQueue)}/agents/${encodeURIComponent(upn)}/${segment}`,
        );
        printAgent(agent, json);
      });
  }
}
