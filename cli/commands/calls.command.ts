/**
 * `switchboard calls [--state active] [--call-queue <id>] [--watch]` (live calls; `--watch` re-polls and redraws
 * until Ctrl-C) and `switchboard calls get <callId>` (a call and its story); supervision (docs/supervision.md):
 * `switchboard calls monitor|barge <callId> [--user <upn>]` and `switchboard calls recording pause|resume <callId>`.
 */
import type { Command } from 'commander';
import { table, type ApiClient } from '../api-client';
import { commandContext, out } from '../command-context';

interface LiveCall {
  callId: string;
  phase: string;
  outcome?: string;
  callQueueId?: string;
  arrivedAt?: number;
  connectedAt?: number;
  agentId?: string;
  callerPhone?: string;
  position?: number;
  waitS?: number;
}

interface CallStory extends LiveCall {
  endedAt?: number;
  events: { seq: number; kind: string; at: number; agentId?: string; callQueueId?: string; [k: string]: unknown }[];
}

const time = (ms: number | undefined) => (ms ? new Date(ms).toISOString().slice(11, 19) : '');

function callsTable(items: LiveCall[]): string {
  return table(
    items.map((c) => ({ ...c, arrived: time(c.arrivedAt), connected: time(c.connectedAt) })),
    ['callId', 'phase', 'callQueueId', 'position', 'waitS', 'agentId', 'callerPhone', 'arrived', 'connected'],
  );
}

async function liveCalls(client: ApiClient, tenant: string, state: string, callQueue?: string): Promise<LiveCall[]> {
  const q = new URLSearchParams({ state });
  if (callQueue) q.set('callQueueId', callQueue);
  return (await client.request<{ items: LiveCall[] }>('GET', `tenants/${tenant}/calls?${q}`)).items;
}

/** Polls every `intervalMs` and redraws (clears the screen on a terminal); resolves when Ctrl-C (SIGINT) stops it. */
async function watch(draw: () => Promise<string>, intervalMs: number, json: boolean): Promise<void> {
  let stopped = false;
  let wake: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopped) {
      let frame: string;
      try {
        frame = await draw();
      } catch (e) {
        // A failed poll is shown and the next one tried: a watch outlives a restart of the app.
        frame = json ? JSON.stringify({ error: (e as Error).message }) : `error: ${(e as Error).message}`;
      }
      if (stopped) break;
      if (json) out(frame);
      else if (process.stdout.isTTY) process.stdout.write(`\x1b[H\x1b[2J${frame}\n`);
      else out(`${frame}\n`);
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(r, intervalMs);
      });
    }
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

export function registerCallCommands(program: Command): void {
  const context = () => commandContext(program);
  const calls = program
    .command('calls')
    .description('live calls (waiting with position and wait so far, connected with the agent); calls get <callId>')
    .option('--state <state>', 'which calls (only active: waiting and connected)', 'active')
    .option('--call-queue <queueId>', 'only the calls of this call queue')
    .option('--watch', 're-poll and redraw until Ctrl-C')
    .option('--interval <seconds>', 'with --watch: seconds between polls', '1')
    .action(async (o: { state: string; callQueue?: string; watch?: boolean; interval: string }) => {
      const { client, tenant, json } = context();
      if (!o.watch) {
        const items = await liveCalls(client, tenant, o.state, o.callQueue);
        return out(json ? JSON.stringify(items, null, 2) : callsTable(items));
      }
      const intervalMs = Math.max(0.2, Number(o.interval) || 1) * 1000;
      await watch(
        async () => {
          const items = await liveCalls(client, tenant, o.state, o.callQueue);
          if (json) return JSON.stringify({ at: new Date().toISOString(), items });
          const scope = o.callQueue ? ` in call queue ${o.callQueue}` : '';
          return `${items.length} active call(s)${scope} at ${new Date().toISOString().slice(11, 19)} (Ctrl-C stops)\n\n${callsTable(items)}`;
        },
        intervalMs,
        json,
      );
    });

  calls
    .command('get <callId>')
    .description("a call's state and its story, in order")
    .action(async (callId: string) => {
      const { client, tenant, json } = context();
      const story = await client.request<CallStory>('GET', `tenants/${tenant}/calls/${encodeURIComponent(callId)}`);
      if (json) return out(JSON.stringify(story, null, 2));
      out(
        table(
          [
            {
              ...story,
              arrived: time(story.arrivedAt),
              connected: time(story.connectedAt),
              ended: time(story.endedAt),
            },
          ],
          ['callId', 'phase', 'outcome', 'callQueueId', 'agentId', 'callerPhone', 'arrived', 'connected', 'ended'],
        ),
      );
      out('\nStory');
      out(
        table(
          story.events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
          ['seq', 'at', 'kind', 'callQueueId', 'agentId'],
        ),
      );
    });

  const supervise = (mode: 'monitor' | 'barge', what: string) =>
    calls
      .command(`${mode} <callId>`)
      .description(what)
      .option('--user <upn>', 'who joins (an admin may send anyone; default: you)')
      .action(async (callId: string, o: { user?: string }) => {
        const { client, tenant, json } = context();
        const res = await client.request<{ callId: string; supervisor: Record<string, unknown> }>(
          'POST',
          `tenants/${tenant}/calls/${encodeURIComponent(callId)}/${mode}`,
          o.user ? { userPrincipalName: o.user } : {},
        );
        out(json ? JSON.stringify(res, null, 2) : table([res.supervisor], ['supervisorId', 'mode', 'state', 'muted']));
      });
  supervise('monitor', 'join a connected call muted (the agent and the caller are heard, you are not)');
  supervise('barge', 'join a connected call speaking (or unmute your monitoring)');

  const recording = calls.command('recording').description("pause or resume a call's compliance recording (PCI)");
  for (const action of ['pause', 'resume'] as const)
    recording
      .command(`${action} <callId>`)
      .description(action === 'pause' ? 'stop keeping the call (card details)' : 'keep the call again')
      .action(async (callId: string) => {
        const { client, tenant, json } = context();
        const res = await client.request<{
          callId: string;
          recording: { state: string; recordingSpans: { from: number; to: number | null; state: string }[] };
        }>('POST', `tenants/${tenant}/calls/${encodeURIComponent(callId)}/recording/${action}`);
        if (json) return out(JSON.stringify(res, null, 2));
        out(`recording ${res.recording.state}`);
        out(
          table(
            res.recording.recordingSpans.map((sp) => ({
              state: sp.state,
              from: new Date(sp.from).toISOString(),
              to: sp.to === null ? '' : new Date(sp.to).toISOString(),
            })),
            ['state', 'from', 'to'],
          ),
        );
      });
}
