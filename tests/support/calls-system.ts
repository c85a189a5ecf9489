/**
 * Helpers for the call-routing end-to-end tests: a fresh tenant (its own id) whose seed holds numbered resource
 * accounts bound to the bot, endpoint rows for them, callback tokens signed with the simulator's key (or not), and
 * polling for what the simulator and the app say about a call.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/processes';
import type { System } from '../../scripts/lib/system';
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
  tenant: CallsTenant,
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
