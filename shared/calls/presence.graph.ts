/**
 * Agents' Teams presence for routing: `POST /communications/getPresencesByUserId` with the bot's credential, in
 * batches of ≤ 650 ids (Graph's limit), cached per agent for a freshness window — an offer is decided on presence no
 * older than that (stale entries are read again first). A failed read keeps the last known presence; an agent never
 * read is `PresenceUnknown` (not routed under presence-based routing).
 */
import type { TokenCredential } from '@azure/core-auth';
import type { AppConfig } from '../config';
import { graphScope } from '../tenant';
import { createBotCredential } from './call-control.graph';

export const PRESENCE_BATCH = 650;

export interface PresenceCacheOptions {
  /** How long a read presence is believed (default 5 s). */
  freshMs?: number;
  credential?: (tenantId: string) => TokenCredential;
  fetch?: typeof fetch;
  now?: () => number;
  log?: (line: string) => void;
}

export class GraphPresenceCache {
  private readonly cache = new Map<string, { availability: string; at: number }>();
  private readonly credentials = new Map<string, TokenCredential>();

  constructor(
    private readonly config: Pick<AppConfig, 'graphBaseUrl' | 'authorityHost' | 'bot'>,
    private readonly o: PresenceCacheOptions = {},
  ) {}

  private get now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Availability by agent id (lower-cased), refreshing the stale ones. */
  async presence(tenantId: string, agentIds: readonly string[]): Promise<Map<string, string>> {
    const t = tenantId.toLowerCase();
    const fresh = this.o.freshMs ?? 5000;
    const stale = agentIds.filter((id) => {
      const c = this.cache.get(`${t}|${id}`);
      return !c || this.now - c.at > fresh;
    });
    for (let i = 0; i < stale.length; i += PRESENCE_BATCH) {
      try {
        await this.read(t, stale.slice(i, i + PRESENCE_BATCH));
      } catch (e) {
        this.o.log?.(`presence of tenant ${t}: ${(e as Error).message} (keeping the last known)`);
      }
    }
    return new Map(agentIds.map((id) => [id, this.cache.get(`${t}|${id}`)?.availability ?? 'PresenceUnknown']));
  }

  /**
   * Drops what is known of these agents' presence: read again before their next offer. For agents we just freed —
   * the Busy (InACall) we read during their call is stale the moment the call ends.
   */
  forget(tenantId: string, agentIds: readonly string[]): void {
    const t = tenantId.toLowerCase();
    for (const id of agentIds) this.cache.delete(`${t}|${id.toLowerCase()}`);
  }

  /**
   * Reads every given agent's presence now (the refresh timer), in batches of ≤ 650, and returns the agents whose
   * availability changed from the last known (an agent read for the first time counts as changed).
   */
  async refresh(tenantId: string, agentIds: readonly string[]): Promise<string[]> {
    const t = tenantId.toLowerCase();
    const before = new Map(agentIds.map((id) => [id, this.cache.get(`${t}|${id}`)?.availability]));
    for (let i = 0; i < agentIds.length; i += PRESENCE_BATCH) {
      try {
        await this.read(t, agentIds.slice(i, i + PRESENCE_BATCH));
      } catch (e) {
        this.o.log?.(`presence of tenant ${t}: ${(e as Error).message} (keeping the last known)`);
      }
    }
    return agentIds.filter((id) => this.cache.get(`${t}|${id}`)?.availability !== before.get(id));
  }

  private async read(tenantId: string, ids: string[]): Promise<void> {
    let credential = this.credentials.get(tenantId);
    if (!credential) {
      credential = this.o.credential?.(tenantId) ?? createBotCredential(this.config, tenantId);
      this.credentials.set(tenantId, credential);
    }
    const token = await credential.getToken(graphScope(this.config.graphBaseUrl));
    if (!token) throw new Error('no token for the bot');
    const res = await (this.o.fetch ?? fetch)(`${this.config.graphBaseUrl}/v1.0/communications/getPresencesByUserId`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids }),
    });
    if (!res.ok) throw new Error(`getPresencesByUserId → ${res.status}`);
    const body = (await res.json()) as { value?: { id?: string; availability?: string }[] };
    const at = this.now;
    for (const p of body.value ?? [])
      if (p.id)
        this.cache.set(`${tenantId}|${p.id.toLowerCase()}`, { availability: p.availability ?? 'PresenceUnknown', at });
  }
}
