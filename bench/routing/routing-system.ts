/**
 * The running system for the routing benchmark's end-to-end sections: its own in-memory Azurite (so nothing else
 * that ran before is measured), the simulator in this process and the app on the devhost, as `npm start` wires them.
 * The default tenant with 140 agents: each section PUTs its own call queue through the API and binds one of the
 * seeded contact-center lines to it through the endpoints API (the provisioning chain adopts the account).
 */
import { privateAzurite, type PrivateAzurite } from '../../scripts/lib/private-azurite';
import { startSystem, type System } from '../../scripts/lib/system';
import { DEFAULT_CONTACT_CENTER_LINES, defaultSeedTenant } from '../../simulator/seed';

export interface RoutingSystem {
  system: System;
  tenantId: string;
  /** PUT a call queue (through the API) and bind a seeded line to it; resolves with the line's number. */
  callQueueOnLine(queueId: string, line: number, body: Record<string, unknown>): Promise<string>;
  /** The app's GET under /api/tenants/{t}. */
  get<T>(pathname: string): Promise<T>;
  stop(): Promise<void>;
}

/** One call as the simulator saw it (GET /_sim/calls). */
export interface SimCallRecord {
  id: string;
  endReason?: string;
  agentId?: string;
  createdAt: number;
  answeredAt?: number;
  connectedAt?: number;
  callerLeftAt?: number;
  endedAt?: number;
  requests: { at: number; method: string; path: string }[];
  deliveries: { at: number; ackMs: number; status?: number; notifications: number }[];
  participants: { kind: string; userId?: string }[];
}

/** One call as the app tells it (GET …/calls/{callId}). */
export interface AppCallStory {
  phase: string;
  events: { kind: string; at: number | string; agentId?: string }[];
}

export const AGENTS = 140;
export const agentUpn = (i: number) => `agent${String(i).padStart(2, '0')}@contoso.com`;

export async function startRoutingSystem(): Promise<RoutingSystem> {
  const storage: PrivateAzurite = await privateAzurite();
  const base = defaultSeedTenant();
  let system: System;
  try {
    system = await startSystem({
      seed: {
        tenants: [
          {
            ...base,
            skus: { ...base.skus, MCOEV: AGENTS + 10 },
            generateAgents: { count: AGENTS, domain: 'contoso.com', usageLocation: 'US' },
          },
        ],
      },
      // The seeded lines exist already: the chain adopts them (no replication or licence waits worth modelling).
      faults: { replicationDelayMs: 0, licensePropagationMs: 0, numberOperationMs: 100 },
      env: {
        AzureWebJobsStorage: storage.connectionString,
        PROVISIONING_WAITS: JSON.stringify({
          replication: { initialDelayMs: 100, maxDelayMs: 500, deadlineMs: 60_000 },
          license: { initialDelayMs: 100, maxDelayMs: 500, deadlineMs: 60_000 },
          numberOperation: { initialDelayMs: 100, maxDelayMs: 500, deadlineMs: 60_000 },
        }),
      },
    });
  } catch (e) {
    await storage.stop();
    throw e;
  }
  const tenantId = system.simulator.tenantId;
  const admin = await system.token(['Switchboard.Admin']);
  const call = async (method: string, pathname: string, body?: unknown) => {
    const res = await system.api(method, `/api/tenants/${tenantId}${pathname}`, { token: admin, body });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${pathname} → ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  return {
    system,
    tenantId,
    get: async <T>(pathname: string) => (await call('GET', pathname)) as T,
    callQueueOnLine: async (queueId, line, body) => {
      await call('PUT', `/callQueues/${queueId}`, body);
      const l = DEFAULT_CONTACT_CENTER_LINES[line];
      await call('POST', '/endpoints', {
        userPrincipalName: l.userPrincipalName,
        displayName: l.displayName,
        phoneNumber: l.phoneNumber,
        numberType: 'callingPlan',
        usageLocation: 'US',
        queueId,
      });
      const until = Date.now() + 120_000;
      for (;;) {
        const ep = (await call('GET', `/endpoints/${encodeURIComponent(l.userPrincipalName)}`)) as {
          status: string;
          error?: string;
        };
        if (ep.status === 'Provisioned') return l.phoneNumber;
        if (ep.status === 'Failed' || Date.now() > until)
          throw new Error(`endpoint ${l.userPrincipalName}: ${ep.status} ${ep.error ?? ''}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    stop: async () => {
      await system.stop();
      await storage.stop();
    },
  };
}

/** Runs the simulator's load generator and waits until every call it placed has ended. */
export async function runLoad(
  rs: RoutingSystem,
  o: { to: string; arrivalsPerMinute: number; durationS: number; handleTimeMeanS: number; seed: number },
): Promise<SimCallRecord[]> {
  const { loadId } = await rs.system.sim<{ loadId: string }>('POST', '/_sim/load', {
    tenantId: rs.tenantId,
    to: o.to,
    arrivalsPerMinute: o.arrivalsPerMinute,
    durationS: o.durationS,
    // Erlang C has no abandonment: callers wait as long as it takes.
    patienceMeanS: 1e7,
    handleTimeMeanS: o.handleTimeMeanS,
    seed: o.seed,
  });
  const until = Date.now() + (o.durationS + 600) * 1000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const p = await rs.system.sim<{ done: boolean; placeErrors: number; lastError?: string }>(
      'GET',
      `/_sim/load/${loadId}`,
    );
    if (p.placeErrors) throw new Error(`the load generator could not place calls: ${p.lastError}`);
    if (p.done) break;
    if (Date.now() > until) throw new Error('the load did not finish');
  }
  return (await rs.system.sim<{ calls: SimCallRecord[] }>('GET', `/_sim/calls?loadId=${loadId}`)).calls;
}

export const atMs = (at: number | string) => (typeof at === 'number' ? at : Date.parse(at));
