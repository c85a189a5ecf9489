/** Helpers for end-to-end tests of the endpoints API against a started {@link System}. */
import { randomBytes } from 'node:crypto';
import type { System } from '../../scripts/lib/system';
import type { SimState } from './simulator-state';

export type { SimState } from './simulator-state';

export interface EndpointBody {
  userPrincipalName: string;
  displayName: string;
  status: string;
  objectId?: string;
  error?: string;
  phoneNumber?: string;
  usageLocation?: string;
  actual?: {
    objectId?: string;
    applicationId?: string;
    synced?: boolean;
    licensed?: boolean;
    phoneNumber?: string;
    usageLocation?: string;
  };
  steps: { name: string; status: string; attempts: number; error?: string }[];
}

export const RESOURCE_ACCOUNT_SKU_ID = '440eaaa8-b3e0-484b-a8be-62870b9ba70a';

/** Fast waits for tests: the simulator's delays are short, so the chain's polling is too. */
export const FAST_WAITS = JSON.stringify({
  replication: { initialDelayMs: 200, maxDelayMs: 1000, deadlineMs: 60_000 },
  license: { initialDelayMs: 200, maxDelayMs: 1000, deadlineMs: 60_000 },
  numberOperation: { initialDelayMs: 100, maxDelayMs: 500, deadlineMs: 60_000 },
  throttle: { initialDelayMs: 200, maxDelayMs: 5000, deadlineMs: 120_000 },
});

export const FAST_FAULTS = { replicationDelayMs: 300, licensePropagationMs: 500, numberOperationMs: 200 };

export function uniqueUpn(system: System, prefix = 'cc'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@${system.simulator.domain}`;
}

export async function state(system: System): Promise<SimState['tenants'][number] & { stats: SimState['stats'] }> {
  const s = await system.sim<SimState>('GET', '/_sim/state');
  const tenant = s.tenants.find((t) => t.tenantId === system.simulator.tenantId);
  if (!tenant) throw new Error('seeded tenant missing from /_sim/state');
  return { ...tenant, stats: s.stats };
}

/** A free number of that type which can go on a resource account, not yet taken in this simulator. */
export async function freeNumber(system: System, numberType: string, taken: Set<string>): Promise<string> {
  const tenant = await state(system);
  const n = tenant.numbers.find(
    (x) =>
      x.numberType === numberType &&
      x.assignmentStatus === 'unassigned' &&
      !taken.has(x.telephoneNumber) &&
      (x.capabilities ?? []).includes('voiceApplicationAssignment'),
  );
  if (!n) throw new Error(`no free ${numberType} number left in the simulator`);
  taken.add(n.telephoneNumber);
  return n.telephoneNumber;
}

export async function getEndpoint(system: System, token: string, upn: string): Promise<EndpointBody> {
  const res = await system.api(
    'GET',
    `/api/tenants/${system.simulator.tenantId}/endpoints/${encodeURIComponent(upn)}`,
    { token },
  );
  if (res.status !== 200) throw new Error(`GET endpoint ${upn} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as EndpointBody;
}

/** Polls the endpoint until its status is one of `statuses`. */
export async function waitForStatus(
  system: System,
  token: string,
  upn: string,
  statuses: string[],
  timeoutMs = 90_000,
): Promise<EndpointBody> {
  const deadline = Date.now() + timeoutMs;
  let last: EndpointBody | undefined;
  while (Date.now() < deadline) {
    last = await getEndpoint(system, token, upn);
    if (statuses.includes(last.status)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `endpoint ${upn} did not reach ${statuses.join('|')} in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
  );
}

/**
 * Calls the simulator's Graph with a token (say one from `/_sim/tokens` with Graph's audience and the roles needed):
 * what an admin does by hand in the portal, in a test. Answers the JSON body; throws with the status and body on
 * anything but 2xx.
 */
export function graphAs(
  system: System,
  token: string,
): (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>> {
  return async (method, path, body) => {
    const res = await fetch(`${system.simulator.url}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
}

/** A Graph token from the simulator's Entra with these application permissions (what an admin tool would hold). */
export async function graphToken(system: System, roles: string[]): Promise<string> {
  const r = await system.sim<{ access_token: string }>('POST', '/_sim/tokens', {
    tenantId: system.simulator.tenantId,
    roles,
    audience: 'https://graph.microsoft.com',
  });
  return r.access_token;
}

/** The claims of a JWT (not verified: for reading what a token minted by the simulator carries). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Posts an endpoint (a fresh UPN, usage location US) with a free number of `numberType`, which joins `taken`.
 * Answers the UPN, the number and the API's reply.
 */
export async function postNumberedEndpoint(
  system: System,
  token: string,
  o: { displayName: string; numberType: string; taken: Set<string> },
): Promise<{ upn: string; phoneNumber: string; res: Response }> {
  const upn = uniqueUpn(system);
  const phoneNumber = await freeNumber(system, o.numberType, o.taken);
  const res = await postEndpoint(system, token, {
    userPrincipalName: upn,
    displayName: o.displayName,
    phoneNumber,
    numberType: o.numberType,
    usageLocation: 'US',
  });
  return { upn, phoneNumber, res };
}

export async function postEndpoint(system: System, token: string, body: unknown): Promise<Response> {
  return system.api('POST', `/api/tenants/${system.simulator.tenantId}/endpoints`, { token, body });
}
