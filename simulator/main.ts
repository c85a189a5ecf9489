// `npm run simulator`: flags and env → startSimulator, a banner with what a local app needs, clean shutdown.
import { parseArgs } from 'node:util';
import { startSimulator, StartOptions } from './index';
import { defaultFaults, Faults } from './settings';

const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (k: string): string => `SIMULATOR_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

function usage(): string {
  const knobs = Object.keys(defaultFaults())
    .map((k) => `  --${kebab(k)} <value>   (env ${envName(k)})`)
    .join('\n');
  return `Usage: node dist/simulator/main.js [options]
  --port <n>            HTTPS port (env SIMULATOR_PORT, default 7075)
  --host <address>      interface (env SIMULATOR_HOST, default 127.0.0.1 — loopback only; * = every interface)
  --data-dir <dir>      CA, keys, local-settings.json (env SIMULATOR_DATA_DIR, default .simulator)
  --seed <file>         JSON seed file (env SIMULATOR_SEED)
  --webhook <url>       bot calling webhook (env SIMULATOR_WEBHOOK_URL)
  --api-audience <aud>  Switchboard API token audience (env SIMULATOR_API_AUDIENCE, default api://switchboard)
  --quiet               no request logging
Realism knobs:
${knobs}`;
}

function parseKnob(name: string, raw: string, sample: unknown): unknown {
  if (typeof sample === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error(`${name}: '${raw}' is not a number`);
    return n;
  }
  if (typeof sample === 'boolean') return raw === 'true' || raw === '1';
  return raw;
}

async function main(): Promise<void> {
  const defaults = defaultFaults();
  const knobOptions = Object.fromEntries(Object.keys(defaults).map((k) => [kebab(k), { type: 'string' as const }]));
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      seed: { type: 'string' },
      webhook: { type: 'string' },
      'api-audience': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...knobOptions,
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(usage());
    return;
  }
  const env = process.env;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const faults: Partial<Faults> = {};
  for (const [k, sample] of Object.entries(defaults)) {
    const raw = str((values as Record<string, unknown>)[kebab(k)]) ?? env[envName(k)];
    if (raw !== undefined) (faults as Record<string, unknown>)[k] = parseKnob(k, raw, sample);
  }
  const portRaw = str(values.port) ?? env.SIMULATOR_PORT;
  const opts: StartOptions = {
    port: portRaw !== undefined ? Number(portRaw) : 7075,
    host: str(values.host) ?? env.SIMULATOR_HOST,
    dataDir: str(values['data-dir']) ?? env.SIMULATOR_DATA_DIR,
    seedFile: str(values.seed) ?? env.SIMULATOR_SEED,
    webhookUrl: str(values.webhook) ?? env.SIMULATOR_WEBHOOK_URL,
    apiAudience: str(values['api-audience']) ?? env.SIMULATOR_API_AUDIENCE,
    faults,
    quiet: values.quiet === true,
  };
  const sim = await startSimulator(opts);
  const s = sim.settings;
  console.log(`Switchboard Teams tenant simulator
  url            ${sim.url}
  tenant         ${s.tenantId}
  domains        ${s.verifiedDomains.join(', ')}
  provisioning   appId ${s.provisioningApp.appId}  secret ${s.provisioningApp.clientSecret}
  bot            appId ${s.botApp.appId}  secret ${s.botApp.clientSecret}
  web app        appId ${s.webApp.appId || '(none)'}
  authorityHost  ${s.authorityHost}   (ClientSecretCredential, disableInstanceDiscovery: true)
  graph          ${s.graphBaseUrl}
  bridge         ${s.bridgeUrl}   (scope ${s.bridgeScope})
  API tokens     POST ${s.controlUrl}/tokens  (aud ${s.api.audience}, iss ${s.api.issuer})
  webhook        ${s.webhookUrl}
  CA             ${sim.caPath}   (export NODE_EXTRA_CA_CERTS=${sim.caPath})
  settings       ${s.controlUrl}/settings, and local-settings.json beside the CA`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping simulator`);
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(`simulator failed to start: ${(e as Error).message}`);
  process.exit(1);
});
