/**
 * Helpers for the call-routing end-to-end tests: a fresh tenant (its own id) whose seed holds numbered resource
 * accounts bound to the bot, endpoint rows for them, callback tokens signed with the simulator's key (or not), and
 * polling for what the simulator and the app say about a call.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/processes';
import type { System } from '../../scripts/lib/system';
import { AgentsRepository } from '../../shared/callqueues';
import { CallRepository } from '../../shared/calls';
import { EndpointsRepository } from '../../shared/provisioning';
import { loadOrCreateKey, signJwt } from '../../simulator/jwt';
import { defaultSeedTenant, type SeedFile } from '../../simulator/seed';

export const CONNECTION = 'UseDevelopmentStorage=true';

export interface CallsTenant {
  tenantId: string;
  seed: SeedFile;
  /** number → resource account object id */
  accounts: Record<string, string>;
}

/** A fresh Contoso-like tenant with `numbers.length` numbered resource accounts synced to the bot. */
export function callsTenant(numbers: string[]): CallsTenant {
  const tenantId = randomUUID();
  const accounts: Record<string, string> = {};
  const instances = numbers.map((n, i) => {
    const objectId = randomUUID();
    accounts[n] = objectId;
    return {
      objectId,
      userPrincipalName: `cc${i}-${tenantId.slice(0, 8)}@contoso.onmicrosoft.com`,
      displayName: `Contact center ${i}`,
      synced: true,
      licensed: true,
      phoneNumber: n,
    };
  });
  return {
    tenantId,
    accounts,
    seed: {
      includeDefaultTenant: false,
      tenants: [{ ...defaultSeedTenant(), tenantId, applicationInstances: instances }],
    },
  };
}

/** Records a Provisioned endpoint for a resource account (what a finished provisioning run leaves). */
export async function provisionedEndpoint(
  tenant: Pick<CallsTenant, 'tenantId' | 'accounts'>,
  number: string,
  o: { callQueueId?: string; status?: 'Provisioned' | 'Failed' } = {},
): Promise<string> {
  const repo = new EndpointsRepository(CONNECTION);
  const objectId = tenant.accounts[number];
  const upn = `ep-${objectId.slice(0, 8)}@contoso.onmicrosoft.com`;
  await repo.putDesired(tenant.tenantId, {
    userPrincipalName: upn,
    displayName: 'Endpoint',
    applicationId: 'bot',
    phoneNumber: number,
    ...(o.callQueueId ? { queueId: o.callQueueId } : {}),
  });
  await repo.patch(tenant.tenantId, upn, {
    status: o.status ?? 'Provisioned',
    objectId,
    actual: { objectId, phoneNumber: number, ...(o.callQueueId ? { queueId: o.callQueueId } : {}) },
  });
  return upn;
}

export const calls = new CallRepository(CONNECTION);

/** A callback token: signed with the simulator's start-up key unless `forged`. */
export function callbackToken(
  system: System,
  tenantId: string,
  o: { audience?: string; expired?: boolean; forged?: boolean } = {},
): string {
  const dataDir = process.env.SIMULATOR_DATA_DIR ?? path.join(REPO_ROOT, '.simulator');
  const real = loadOrCreateKey(dataDir, 'bot-signing');
  const key = o.forged ? { ...real, privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey } : real;
  const now = Math.floor(Date.now() / 1000);
  const nbf = o.expired ? now - 1200 : now - 5;
  return signJwt(key, {
    iss: 'https://api.botframework.com',
    aud: o.audience ?? system.env.BOT_APP_ID,
    tid: tenantId,
    appid: system.env.BOT_APP_ID,
    nbf,
    iat: nbf,
    exp: nbf + 300,
  });
}

export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 200,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface SimCallView {
  id: string;
  state: string;
  agentId?: string;
  endReason?: string;
  participants: { kind: string; userId?: string }[];
  heard: { kind: string }[];
}

export const simCall = (system: System, id: string) => system.sim<SimCallView>('GET', `/_sim/calls/${id}`);

export async function placeCall(system: System, tenantId: string, to: string, extra: Record<string, unknown> = {}) {
  return system.sim<{ callId: string }>('POST', '/_sim/calls', { tenantId, from: '+15557770000', to, ...extra });
}

/** A call's story (its `callEvents`, in order) as the app stored it. */
export const story = (tenantId: string, callId: string) => calls.listEvents(tenantId, callId);

/** Waits until the app has ended the call, and returns its story. */
export async function endedStory(tenantId: string, callId: string, timeoutMs = 60_000) {
  return eventually(async () => {
    const c = await calls.get(tenantId, callId);
    if (c?.record.end === undefined) return undefined;
    const events = await story(tenantId, callId);
    return events.some((e) => e.kind === 'ended') ? events : undefined;
  }, timeoutMs);
}

/** Waits until the simulator shows an agent in the call; returns that agent's object id (lower case). */
export async function connectedAgent(system: System, callId: string, timeoutMs = 40_000): Promise<string> {
  const view = await eventually(async () => {
    const v = await simCall(system, callId);
    return v.participants.some((p) => p.kind === 'agent') ? v : undefined;
  }, timeoutMs);
  return view.participants.find((p) => p.kind === 'agent')!.userId!.toLowerCase();
}

/** The simulator's users of the tenant: UPN → object id (lower case). */
export async function userIds(system: System, tenantId: string): Promise<Map<string, string>> {
  const s = await system.sim<{ tenants: { users: { id: string; userPrincipalName: string }[] }[] }>(
    'GET',
    `/_sim/state?tenantId=${tenantId}`,
  );
  return new Map(s.tenants[0].users.map((u) => [u.userPrincipalName.toLowerCase(), u.id.toLowerCase()]));
}

/** An agent's legs as the simulator saw them (rung → joined → over). */
export interface AgentLeg {
  callId: string;
  ringingAt: number;
  joinedAt?: number;
  endedAt?: number;
  result?: string;
}
export const agentLegs = async (system: System, agent: string) =>
  (await system.sim<{ legs: AgentLeg[] }>('GET', `/_sim/agents/${encodeURIComponent(agent)}/legs`)).legs;

/** Creates (or replaces) a call queue through the API; returns nothing, fails the test on anything but 200/201. */
export async function putCallQueue(system: System, token: string, tenantId: string, id: string, body: object) {
  const res = await system.api('PUT', `/api/tenants/${tenantId}/callQueues/${id}`, { token, body });
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`PUT callQueues/${id} → ${res.status}: ${await res.text()}`);
}

export interface AgentView {
  agentId: string;
  userPrincipalName: string;
  state: string;
  missedOffers: Record<string, number>;
  optedOut: string[];
  skills: Record<string, number>;
}

/** The agents API: every agent of a call queue with its live state. */
export async function listAgents(system: System, token: string, tenantId: string, callQueueId: string) {
  const res = await system.api('GET', `/api/tenants/${tenantId}/agents?callQueueId=${callQueueId}`, { token });
  if (res.status !== 200) throw new Error(`GET agents → ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { items: AgentView[] }).items;
}

/**
 * Sets an agent's skills in the `agents` table, as the call queue service's `putSkills` does (`PUT …/agents/{upn}` is
 * not in the API yet, docs/api.md). The agent's row exists once a call queue lists them.
 */
export async function setSkills(tenantId: string, agentId: string, skills: Record<string, number>): Promise<void> {
  const saved = await new AgentsRepository(CONNECTION).update(tenantId.toLowerCase(), agentId, (cur) =>
    cur ? { ...cur, skills } : undefined,
  );
  if (!saved) throw new Error(`no agents row for ${agentId}`);
}
