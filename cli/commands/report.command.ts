/**
 * `switchboard report callqueues|agents --from <t> --to <t> [--interval 15m|1h|1d] [--call-queue <id>] [--csv]`:
 * the historical reports (GET …/reports/callQueues, …/reports/agents) as a table, JSON (`--json`) or the API's CSV.
 */
import type { Command } from 'commander';
import { table } from '../api-client';
import { commandContext, out } from '../command-context';

type Row = Record<string, unknown> & { serviceLevel?: Record<string, number | null> };

const CALL_QUEUE_COLUMNS = [
  'callQueueId',
  'intervalStart',
  'offered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'missedOffers',
  'asaS',
  'p90WaitS',
  'longestWaitS',
  'ahtS',
  'slTeams1',
  'slTeams2',
  'slTeams3',
  'slTeams4',
  'slConnect',
];
const AGENT_COLUMNS = [
  'agentId',
  'callQueueId',
  'intervalStart',
  'offers',
  'answered',
  'missedOffers',
  'handled',
  'ahtS',
  'staffedS',
  'busyS',
  'occupancy',
];

const show = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** The table's short names for the five service levels (the JSON and CSV spell them out). */
function flatten(row: Row): Record<string, string> {
  const sl = row.serviceLevel ?? {};
  const flat: Record<string, unknown> = {
    ...row,
    slTeams1: sl.teamsAnsweredOverAnswered,
    slTeams2: sl.teamsAnsweredOverOfferedLessAbandonedWithinT,
    slTeams3: sl.teamsAnsweredOrAbandonedWithinTOverOffered,
    slTeams4: sl.teamsAnsweredOverOffered,
    slConnect: sl.connectRemovedWithinTOverQueued,
  };
  return Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, show(v)]));
}

export function registerReportCommand(program: Command): void {
  program
    .command('report <kind>')
    .description('historical figures per call queue (callqueues) or per agent (agents), by interval')
    .requiredOption('--from <time>', 'start, ISO 8601 (e.g. 2026-12-01 or 2026-12-01T08:00:00Z)')
    .requiredOption('--to <time>', 'end (exclusive), ISO 8601')
    .option('--interval <interval>', '15m, 1h or 1d', '1d')
    .option('--call-queue <id>', 'one call queue')
    .option('--csv', "print the API's CSV (every figure, the five service levels as named columns)")
    .action(
      async (kind: string, o: { from: string; to: string; interval: string; callQueue?: string; csv?: boolean }) => {
        const path = { callqueues: 'callQueues', agents: 'agents' }[kind.toLowerCase()];
        if (!path) throw new Error(`report ${kind}: say callqueues or agents`);
        const { client, tenant, json } = commandContext(program);
        const q = new URLSearchParams({ from: o.from, to: o.to, interval: o.interval });
        if (o.callQueue) q.set('callQueueId', o.callQueue);
        if (o.csv) q.set('format', 'csv');
        const url = `tenants/${tenant}/reports/${path}?${q.toString()}`;
        if (o.csv) {
          process.stdout.write((await client.send<string>('GET', url, { accept: 'text/csv' })).body);
          return;
        }
        const body = await client.request<{ items: Row[] }>('GET', url);
        if (json) return out(JSON.stringify(body, null, 2));
        if (body.items.length === 0) return out('No calls in that range.');
        out(table(body.items.map(flatten), path === 'agents' ? AGENT_COLUMNS : CALL_QUEUE_COLUMNS));
      },
    );
}
