/**
 * `switchboard callqueues list|get|put --file|patch|delete` and `supervisors|add-supervisor|remove-supervisor`: call
 * queues (routing configuration) and who supervises them.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { table } from '../api-client';
import { commandContext, out } from '../command-context';

interface CallQueue {
  queueId: string;
  name: string;
  routingMethod: string;
  presenceBasedRouting: boolean;
  agentAlertTimeS: number;
  wrapUpS: number;
  maxCalls: number;
  maxWaitS: number;
  requiredSkills?: Record<string, number>;
  agents: { userPrincipalName: string; order?: number; agentId: string }[];
  updatedAt: string;
  [field: string]: unknown;
}

interface Supervisor {
  queueId: string;
  userPrincipalName: string;
  supervisorId: string;
  assignedAt: string;
}

const levels = (s: Record<string, number> | undefined): string =>
  Object.entries(s ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

function printCallQueue(q: CallQueue, json: boolean): void {
  if (json) return out(JSON.stringify(q, null, 2));
  const action = (a: unknown) => {
    const x = a as { kind?: string; target?: string } | undefined;
    return x?.kind ? `${x.kind}${x.target ? ` ${x.target}` : ''}` : '';
  };
  out(
    table(
      [
        {
          ...q,
          agents: q.agents.length,
          requiredSkills: levels(q.requiredSkills),
          overflow: action(q.overflowAction),
          timeout: action(q.timeoutAction),
          noAgent: action(q.noAgentAction),
        },
      ],
      [
        'queueId',
        'name',
        'routingMethod',
        'presenceBasedRouting',
        'agentAlertTimeS',
        'wrapUpS',
        'maxCalls',
        'maxWaitS',
        'overflow',
        'timeout',
        'noAgent',
        'requiredSkills',
      ],
    ),
  );
  if (q.agents.length) {
    out('\nAgents');
    out(table(q.agents as unknown as Record<string, unknown>[], ['userPrincipalName', 'order', 'agentId']));
  }
}

/** A JSON body from a file (`-` = stdin). */
function readJsonFile(file: string): unknown {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** `field=value` pairs as a merge patch: the value as JSON when it parses (30, true, null, {…}), else a string. */
export function patchFromPairs(pairs: readonly string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`'${pair}' is not field=value`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      // a bare string
    }
    patch[pair.slice(0, eq)] = value;
  }
  return patch;
}

export function registerCallQueueCommands(program: Command): void {
  const context = () => commandContext(program);
  const callqueues = program.command('callqueues').description('call queues: routing configuration and supervisors');
  const path = (tenant: string, queueId = '') =>
    `tenants/${tenant}/callQueues${queueId ? `/${encodeURIComponent(queueId)}` : ''}`;

  callqueues
    .command('list')
    .description('list call queues (a supervisor sees the ones they supervise)')
    .option('--top <n>', 'page size', '100')
    .option('--all', 'follow continuation tokens to the end')
    .action(async (o: { top: string; all?: boolean }) => {
      const { client, tenant, json } = context();
      const items: CallQueue[] = [];
      let continuation: string | undefined;
      do {
        const q = new URLSearchParams({ top: o.top });
        if (continuation) q.set('continuationToken', continuation);
        const page = await client.request<{ value: CallQueue[]; continuationToken?: string }>(
          'GET',
          `${path(tenant)}?${q}`,
        );
        items.push(...page.value);
        continuation = o.all ? page.continuationToken : undefined;
      } while (continuation);
      if (json) return out(JSON.stringify(items, null, 2));
      out(
        table(
          items.map((q) => ({ ...q, agents: q.agents.length })),
          ['queueId', 'name', 'routingMethod', 'agents', 'agentAlertTimeS', 'maxCalls', 'maxWaitS', 'updatedAt'],
        ),
      );
    });

  callqueues
    .command('get <queueId>')
    .description('show a call queue and its agents')
    .action(async (queueId: string) => {
      const { client, tenant, json } = context();
      printCallQueue(await client.request<CallQueue>('GET', path(tenant, queueId)), json);
    });

  callqueues
    .command('put <queueId>')
    .description('create or replace a call queue from a JSON file (Admin)')
    .requiredOption('--file <path>', "the call queue's JSON body ('-' reads stdin)")
    .action(async (queueId: string, o: { file: string }) => {
      const { client, tenant, json } = context();
      const saved = await client.send<CallQueue>('PUT', path(tenant, queueId), { body: readJsonFile(o.file) });
      if (!json) out(saved.status === 201 ? `Created call queue ${queueId}` : `Replaced call queue ${queueId}`);
      printCallQueue(saved.body, json);
    });

  callqueues
    .command('patch <queueId> [field=value...]')
    .description(
      'change some fields of a call queue (Admin): field=value pairs (JSON values) or --file (a merge patch)',
    )
    .option('--file <path>', "a JSON merge patch ('-' reads stdin); null removes a field")
    .action(async (queueId: string, pairs: string[], o: { file?: string }) => {
      const { client, tenant, json } = context();
      const patch = { ...(o.file ? (readJsonFile(o.file) as object) : {}), ...patchFromPairs(pairs) };
      if (Object.keys(patch).length === 0) throw new Error('nothing to change: give field=value pairs or --file');
      const saved = await client.request<CallQueue>(
        'PATCH',
        path(tenant, queueId),
        patch,
        'application/merge-patch+json',
      );
      printCallQueue(saved, json);
    });

  callqueues
    .command('delete <queueId>')
    .description('delete a call queue (Admin; refused while calls wait in it)')
    .action(async (queueId: string) => {
      const { client, tenant, json } = context();
      await client.request('DELETE', path(tenant, queueId));
      out(json ? JSON.stringify({ queueId, deleted: true }) : `Deleted call queue ${queueId}`);
    });

  callqueues
    .command('supervisors <queueId>')
    .description("list a call queue's supervisors")
    .action(async (queueId: string) => {
      const { client, tenant, json } = context();
      const { value } = await client.request<{ value: Supervisor[] }>('GET', `${path(tenant, queueId)}/supervisors`);
      if (json) return out(JSON.stringify(value, null, 2));
      out(table(value as unknown as Record<string, unknown>[], ['userPrincipalName', 'supervisorId', 'assignedAt']));
    });

  callqueues
    .command('add-supervisor <queueId> <upn>')
    .description('make a user a supervisor of the call queue (Admin)')
    .action(async (queueId: string, upn: string) => {
      const { client, tenant, json } = context();
      const a = await client.request<Supervisor>(
        'PUT',
        `${path(tenant, queueId)}/supervisors/${encodeURIComponent(upn)}`,
      );
      out(json ? JSON.stringify(a, null, 2) : `${a.userPrincipalName} supervises call queue ${queueId}`);
    });

  callqueues
    .command('remove-supervisor <queueId> <upn>')
    .description('end a supervisor assignment (Admin)')
    .action(async (queueId: string, upn: string) => {
      const { client, tenant, json } = context();
      await client.request('DELETE', `${path(tenant, queueId)}/supervisors/${encodeURIComponent(upn)}`);
      out(
        json
          ? JSON.stringify({ queueId, userPrincipalName: upn, removed: true })
          : `${upn} no longer supervises ${queueId}`,
      );
    });
}
