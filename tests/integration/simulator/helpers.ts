// Shared setup for the simulator contract tests: start it in-process on port 0 in a temp dir, and make the real
// SDKs trust its local CA.
//
// NODE_EXTRA_CA_CERTS is read only at process start, and the CA is created when the simulator first starts, so:
// - @azure/identity (core-rest-pipeline → node:https with its own agents): a per-call pipeline policy sets
//   request.tlsSettings = { ca }.
// - global fetch (undici, used by the Graph client and plain fetch): undici ignores https.globalAgent, and Jest runs
//   tests in a vm context, so the global dispatcher cannot be swapped from here. We build an undici Agent with the CA
//   (its class taken from Node's own global dispatcher) and pass it per request as `dispatcher` (Graph client:
//   fetchOptions.dispatcher).
// - jose's createRemoteJWKSet (node:https): its `agent` option.
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningSimulator, startSimulator, StartOptions } from '../../../simulator';
import type { SimState, SimStateApp } from '../../support/simulator-state';

export type { SimState, SimStateApp } from '../../support/simulator-state';

export interface TestSim {
  sim: RunningSimulator;
  dispatcher: object;
  httpsAgent: https.Agent;
  stop(): Promise<void>;
}

const DISPATCHER = Symbol.for('undici.globalDispatcher.1');

async function undiciAgentWithCa(probeUrl: string, ca: string): Promise<object> {
  // Node loads its bundled undici lazily on the first fetch; the probe fails (untrusted CA) but loads it.
  await fetch(probeUrl).catch(() => undefined);
  // fetch comes from the outer realm; its Function constructor reaches that realm's globalThis.
  const outer = (fetch as unknown as { constructor: FunctionConstructor }).constructor('return globalThis')() as Record<
    symbol,
    unknown
  >;
  const current = outer[DISPATCHER] as { constructor: new (opts: unknown) => object } | undefined;
  if (!current) throw new Error('cannot find undici global dispatcher');
  return new current.constructor({ connect: { ca } });
}

export async function startTestSimulator(opts: StartOptions = {}): Promise<TestSim> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sim-test-'));
  const sim = await startSimulator({ port: 0, dataDir, quiet: true, ...opts });
  const dispatcher = await undiciAgentWithCa(`${sim.url}/_sim/health`, sim.ca);
  const httpsAgent = new https.Agent({ ca: sim.ca });
  return {
    sim,
    dispatcher,
    httpsAgent,
    stop: async () => {
      await sim.stop();
      httpsAgent.destroy();
      await (dispatcher as { close?: () => Promise<void> }).close?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function credential(
  t: TestSim,
  appId: string,
  secret: string,
  tenantId = t.sim.tenantId,
): ClientSecretCredential {
  return new ClientSecretCredential(tenantId, appId, secret, {
    authorityHost: t.sim.url,
    disableInstanceDiscovery: true,
    additionalPolicies: [
      {
        position: 'perCall',
        policy: {
          name: 'simulatorCa',
          sendRequest: (request, next) => {
            request.tlsSettings = { ca: t.sim.ca };
            return next(request);
          },
        },
      },
    ],
  });
}

export function graphClient(t: TestSim, cred: ClientSecretCredential): Client {
  return Client.initWithMiddleware({
    authProvider: {
      getAccessToken: async () => (await cred.getToken('https://graph.microsoft.com/.default')).token,
    },
    baseUrl: t.sim.url,
    customHosts: new Set(['localhost']),
    fetchOptions: { dispatcher: t.dispatcher } as unknown as RequestInit,
  });
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Plain fetch against the simulator (control API, bridge, raw Graph). */
export async function call<T = Record<string, unknown>>(
  t: TestSim,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${t.sim.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: t.dispatcher,
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function tokenFor(t: TestSim, appId: string, secret: string, scope: string): Promise<string> {
  return (await credential(t, appId, secret).getToken(scope)).token;
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10000,
  stepMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(stepMs);
  }
}

export async function state(t: TestSim): Promise<SimState> {
  return (await call<SimState>(t, 'GET', '/_sim/state')).body;
}

export async function apps(t: TestSim): Promise<{ provisioning: SimStateApp; bot: SimStateApp; partial: SimStateApp }> {
  const s = await state(t);
  const tenant = s.tenants.find((x) => x.tenantId === t.sim.tenantId)!;
  const find = (pred: (a: SimStateApp) => boolean): SimStateApp => tenant.apps.find(pred)!;
  return {
    provisioning: find((a) => a.appId === t.sim.settings.provisioningApp.appId),
    bot: find((a) => a.appId === tenant.botAppId),
    partial: find((a) => a.displayName.includes('partially')),
  };
}
