/**
 * `npm start`: the whole system on the local defaults — Azurite (started by the devhost when nothing listens), the
 * Teams tenant simulator on https://localhost:7075, and the app on the devhost at http://localhost:7071, wired to the
 * simulator's seeded tenant — then the contact center on top (scripts/lib/contact-center-setup.ts): the seeded
 * numbered resource accounts registered as endpoints bound to seeded call queues with agents and skills, so a call
 * to a printed number reaches an agent. Ctrl-C stops everything it started.
 *
 * Settings (environment): FUNCTIONS_HTTP_PORT (7071), SIMULATOR_PORT (7075), SIMULATOR_DATA_DIR (.simulator),
 * AzureWebJobsStorage (Azurite's default ports), SIMULATOR_WEBHOOK_URL (the app's calling webhook on its port).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalSettings } from '../simulator';
import { appEnvForSimulator } from './lib/app-env';
import { setUpContactCenter } from './lib/contact-center-setup';
import { DIST, REPO_ROOT, startDevhost, startNode, type Started } from './lib/processes';

const APP_PORT = Number(process.env.FUNCTIONS_HTTP_PORT ?? 7071);
const SIMULATOR_PORT = Number(process.env.SIMULATOR_PORT ?? 7075);
const SIMULATOR_DIR = path.resolve(process.env.SIMULATOR_DATA_DIR ?? path.join(REPO_ROOT, '.simulator'));
const STORAGE = process.env.AzureWebJobsStorage ?? 'UseDevelopmentStorage=true';
// The simulator's start-up setting, so `POST /_sim/reset` (knobs back to the start-up baseline) keeps it.
const WEBHOOK = process.env.SIMULATOR_WEBHOOK_URL ?? `http://localhost:${APP_PORT}/api/calls/notifications`;

async function main(): Promise<void> {
  const running: Started[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping…\n');
    for (const p of running.reverse()) await p.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const simulator = await startNode({
      args: [
        path.join(DIST, 'simulator', 'main.js'),
        '--port',
        String(SIMULATOR_PORT),
        '--data-dir',
        SIMULATOR_DIR,
        '--webhook',
        WEBHOOK,
      ],
      readyPattern: /^\s*url\s+(https:\/\/\S+)/,
      echoPrefix: '[simulator] ',
      ownProcessGroup: true,
      timeoutMs: 60_000,
    });
    running.push(simulator.started);
    const local = readSimulatorSettings();

    const { host, origin } = await startDevhost({
      appDir: REPO_ROOT,
      port: APP_PORT,
      env: {
        AzureWebJobsStorage: STORAGE,
        ...appEnvForSimulator(local),
      },
      echoPrefix: '[app] ',
      ownProcessGroup: true,
      // The simulator starts from its seed every time: so does the app's storage, or the endpoints table would
      // remember accounts the tenant no longer has (an Azurite already listening is used as it is).
      extraArgs: ['--azurite-in-memory'],
    });
    running.push(host);
    host.child.once('exit', (code) => void stopAll(code ?? 1));
    simulator.started.child.once('exit', (code) => void stopAll(code ?? 1));

    const sim = simulator.match[1];
    process.stdout.write('\nSetting up the contact center (call queues, agents, endpoints)…\n');
    const { lines } = await setUpContactCenter({
      origin,
      simulatorUrl: sim,
      ca: readFileSync(local.caPath, 'utf8'),
      tenantId: local.tenantId,
      storageConnectionString: STORAGE,
      log: (line) => process.stdout.write(`  ${line}\n`),
    });
    const first = lines[0];
    process.stdout.write(
      [
        '',
        'Switchboard is up.',
        `  portal     ${origin}/api/portal/   (sign in as admin@contoso.com, supervisor@contoso.com or agent01@contoso.com)`,
        `  API        ${origin}/api   (health: ${origin}/api/health)`,
        `  simulator  ${sim}   (state: ${sim}/_sim/state)`,
        `  tenant     ${local.tenantId}`,
        '  numbers',
        ...lines.map(
          (l) => `    ${l.phoneNumber}  call queue ${l.callQueueId.padEnd(8)} (endpoint ${l.userPrincipalName})`,
        ),
        `  token      curl -sk -X POST ${sim}/_sim/tokens -H 'content-type: application/json' \\`,
        `               -d '{"tenantId":"${local.tenantId}","roles":["Switchboard.Admin"]}'`,
        '',
        'Place a call (the answer holds its callId):',
        `  curl -sk -X POST ${sim}/_sim/calls -H 'content-type: application/json' \\`,
        `    -d '{"tenantId":"${local.tenantId}","from":"+14255550199","to":"${first.phoneNumber}"}'`,
        'Watch it reach an agent:',
        `  curl -sk ${sim}/_sim/calls/<callId>        (participants: the agent; state connectedToAgent)`,
        `  curl -s ${origin}/api/tenants/${local.tenantId}/calls/<callId> -H "authorization: Bearer <token>"`,
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    await stopAll(1);
  }
}

/** The settings the simulator wrote for its seeded tenant (apps, secrets, URLs, CA). */
function readSimulatorSettings(): LocalSettings {
  return JSON.parse(readFileSync(path.join(SIMULATOR_DIR, 'local-settings.json'), 'utf8')) as LocalSettings;
}

void main();
