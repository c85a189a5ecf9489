// Programmatic entry: start the simulated Teams tenant in-process (tests use port 0).
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { CallEngine } from './calls/engine';
import { SimCore } from './core';
import { callRoutes } from './graph/calls';
import { directoryRoutes } from './graph/directory';
import { groupRoutes } from './graph/groups';
import { presenceChanged, subscriptionRoutes } from './graph/subscriptions';
import { ensureAppCertificate } from './app-certificate';
import { MANAGED_IDENTITY_HEADER } from './entra';
import { PORTAL_CLIENT_ID } from './signin';
import { numberRoutes } from './graph/numbers';
import { resourceAccountRoutes } from './graph/resource-accounts';
import { GraphRouter } from './graph/router';
import { loadOrCreateKey } from './jwt';
import { LoadGenerator } from './load';
import { BOT_ISSUER, BRIDGE_AUDIENCE, GRAPH_AUDIENCE } from './model';
import { loadSeedFile, SeedFile, seedTenants } from './seed';
import { createServer } from './server';
import { defaultFaults, Faults, mergeFaults } from './settings';
import { ensureTls } from './tls';
import { withDirLock, writeFileAtomic } from './util';

export type { Faults } from './settings';
export type { SeedFile, SeedTenant, SeedApp, SeedUser, SeedNumber, SeedInstance } from './seed';
export { DEFAULT_TENANT_ID, DEFAULT_USER_ONLY_NUMBERS } from './seed';

export interface StartOptions {
  /** HTTPS port; 0 = ephemeral. Default 7075. */
  port?: number;
  /** where the CA, server certificate, signing keys and local-settings.json live. Default ./.simulator */
  dataDir?: string;
  /** JSON seed file (docs/simulator.md) */
  seedFile?: string;
  /** inline seed (same shape as the file); wins over seedFile */
  seed?: SeedFile;
  /** the bot's calling webhook for incoming-call notifications */
  webhookUrl?: string;
  /** baseline realism knobs (reset returns to these) */
  faults?: Partial<Faults>;
  /** audience of Switchboard API tokens minted by /_sim/tokens. Default api://switchboard */
  apiAudience?: string;
  /** write <dataDir>/local-settings.json for this instance (default true; the last started instance wins) */
  writeSettings?: boolean;
  /**
   * Interface to bind; default: loopback (127.0.0.1; clients of `localhost` fall back to it from ::1), or the
   * SIMULATOR_HOST environment setting. `*` binds every interface — only on a machine no one else can reach: the
   * simulator mints tokens for anyone who asks.
   */
  host?: string;
  quiet?: boolean;
}

export interface LocalSettings {
  simulatorUrl: string;
  caPath: string;
  tenantId: string;
  domain: string;
  verifiedDomains: string[];
  authorityHost: string;
  /** Graph root without version: the Graph JS client's `baseUrl` (it appends /v1.0 itself) */
  graphRootUrl: string;
  /** Graph root with version, for adapters that build URLs themselves */
  graphBaseUrl: string;
  graphBetaBaseUrl: string;
  graphScope: string;
  bridgeUrl: string;
  bridgeScope: string;
  /** certificatePath: key + certificate (PEM) registered on the app, for PROVISIONING_CREDENTIAL=certificate */
  provisioningApp: { appId: string; clientSecret: string; certificatePath: string };
  /** App Service managed identity (IDENTITY_ENDPOINT / IDENTITY_HEADER) standing for the provisioning app */
  managedIdentity: { endpoint: string; header: string };
  botApp: { appId: string; clientSecret: string };
  /** The vendor's web app ('' appId when the seed has none). */
  webApp: { appId: string; clientSecret: string };
  botOpenIdConfigurationUrl: string;
  botIssuer: string;
  api: { audience: string; issuer: string; openIdConfigurationUrl: string; jwksUri: string };
  /** the portal's SPA app registration: MSAL.js signs in at `authority` with this client id */
  portal: { clientId: string; authority: string };
  webhookUrl: string;
  controlUrl: string;
}

export interface RunningSimulator {
  /** https://localhost:<port> */
  url: string;
  port: number;
  caPath: string;
  /** the CA certificate (PEM), for clients in the same process */
  ca: string;
  tenantId: string;
  domain: string;
  settings: LocalSettings;
  stop(): Promise<void>;
}

export async function startSimulator(opts: StartOptions = {}): Promise<RunningSimulator> {
  const dataDir = resolve(opts.dataDir ?? '.simulator');
  mkdirSync(dataDir, { recursive: true });
  const { tls, entraKey, botKey, provisioningCertificate } = await withDirLock(dataDir, async () => ({
    tls: await ensureTls(dataDir),
    entraKey: loadOrCreateKey(dataDir, 'entra-signing'),
    botKey: loadOrCreateKey(dataDir, 'bot-signing'),
    provisioningCertificate: await ensureAppCertificate(dataDir, 'provisioning-app'),
  }));
  const seedFile = opts.seed ?? (opts.seedFile ? loadSeedFile(opts.seedFile) : undefined);
  const seeds = seedTenants(seedFile);
  if (seeds.length === 0) throw new Error('the seed has no tenants');
  let faults = defaultFaults();
  if (opts.webhookUrl) faults.webhookUrl = opts.webhookUrl;
  if (opts.faults) faults = mergeFaults(faults, opts.faults);
  const apiAudience = opts.apiAudience ?? 'api://switchboard';
  const core = new SimCore({
    seeds,
    baselineFaults: faults,
    apiAudience,
    entraKey,
    botKey,
    quiet: opts.quiet ?? false,
    provisioningCertificate: provisioningCertificate.certificate,
  });
  core.calls = new CallEngine(core, tls.ca);
  core.loads = new LoadGenerator(core, core.calls);
  const graph = new GraphRouter(core);
  graph.add(directoryRoutes());
  graph.add(groupRoutes());
  graph.add(groupRoutes());
  graph.add(numberRoutes());
  graph.add(resourceAccountRoutes());
  graph.add(callRoutes());
  graph.add(subscriptionRoutes());
  core.onPresenceChanged = (tenant, userId, before, after) => presenceChanged(core, tenant, userId, before, after);

  const primary = seeds[0].tenantId;
  const settings = (): LocalSettings => {
    const t = core.tenants.get(primary)!;
    const app = (id: string): { appId: string; clientSecret: string } => ({
      appId: id,
      clientSecret: t.apps.get(id)?.clientSecret ?? '',
    });
    return {
      simulatorUrl: core.baseUrl,
      caPath: tls.caPath,
      tenantId: t.tenantId,
      domain: t.domains[0].id,
      verifiedDomains: t.domains.filter((d) => d.isVerified).map((d) => d.id),
      authorityHost: core.baseUrl,
      graphRootUrl: core.baseUrl,
      graphBaseUrl: `${core.baseUrl}/v1.0`,
      graphBetaBaseUrl: `${core.baseUrl}/beta`,
      graphScope: `${GRAPH_AUDIENCE}/.default`,
      bridgeUrl: `${core.baseUrl}/bridge`,
      bridgeScope: `${BRIDGE_AUDIENCE}/.default`,
      provisioningApp: { ...app(t.provisioningAppId), certificatePath: provisioningCertificate.path },
      managedIdentity: { endpoint: `${core.baseUrl}/msi/token`, header: MANAGED_IDENTITY_HEADER },
      botApp: app(t.botAppId),
      webApp: app(t.webAppId),
      botOpenIdConfigurationUrl: `${core.baseUrl}/botframework/v1/.well-known/OpenIdConfiguration`,
      botIssuer: BOT_ISSUER,
      api: {
        audience: apiAudience,
        issuer: core.issuer(t.tenantId),
        openIdConfigurationUrl: `${core.baseUrl}/${t.tenantId}/v2.0/.well-known/openid-configuration`,
        jwksUri: `${core.baseUrl}/${t.tenantId}/discovery/v2.0/keys`,
      },
      portal: { clientId: PORTAL_CLIENT_ID, authority: `${core.baseUrl}/${t.tenantId}` },
      webhookUrl: core.faults.webhookUrl,
      controlUrl: `${core.baseUrl}/_sim`,
    };
  };

  const server = createServer(tls, { core, graph, settings });
  const port = await new Promise<number>((res, rej) => {
    server.once('error', rej);
    const onListen = (): void => {
      server.off('error', rej);
      res((server.address() as AddressInfo).port);
    };
    const host = opts.host ?? process.env.SIMULATOR_HOST ?? '127.0.0.1';
    if (host === '*') server.listen(opts.port ?? 7075, onListen);
    else server.listen(opts.port ?? 7075, host, onListen);
  });
  core.port = port;
  core.baseUrl = `https://localhost:${port}`;
  if (opts.writeSettings !== false)
    writeFileAtomic(join(dataDir, 'local-settings.json'), JSON.stringify(settings(), null, 2) + '\n');

  const t = core.tenants.get(primary)!;
  return {
    url: core.baseUrl,
    port,
    caPath: tls.caPath,
    ca: tls.ca,
    tenantId: t.tenantId,
    domain: t.domains[0].id,
    settings: settings(),
    stop: async () => {
      core.timers.clearAll();
      core.calls.reset();
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      });
    },
  };
}
