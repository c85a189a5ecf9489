/**
 * Presence change notifications, the production path of agents' presence (DESIGN.md "Call routing"): the
 * subscription manager keeps every call queue agent of a tenant covered by Graph subscriptions (≤ 650 ids each,
 * renewed before their one-hour expiry, replaced when the agents change; idempotent, state in `presenceSubscriptions`);
 * the webhook's intake checks each notification's `clientState` against the subscription's (constant time) and
 * queues one message per notification; the handler reads the notified agents' presence and routes every call queue
 * they serve at once (an agent who became Available takes a waiting call without waiting for the polling refresh).
 * Lifecycle notifications: `missed` → the subscription's agents are read again (getPresencesByUserId);
 * `reauthorizationRequired` → renewed; `subscriptionRemoved` → created again.
 */
import { randomBytes } from 'node:crypto';
import type { PresenceEventMessage } from './presence-events.queue';
import {
  PRESENCE_SUBSCRIPTION_LIFETIME_MS,
  changeNotificationCollection,
  chunkAgentIds,
  clientStateMatches,
  notifiedUserId,
  planSubscriptions,
  presenceResource,
} from './presence-notification.rules';
import type { PresenceSubscriptionsPort } from './presence-subscriptions.graph';
import type { PresenceSubscriptionsRepository, StoredPresenceSubscription } from './presence-subscriptions.repository';

/** What the offers a notification led to say in the call's story (`offered` entry's `detail`). */
export const PRESENCE_NOTIFICATION_TRIGGER = 'presence notification';
export const PRESENCE_RESYNC_TRIGGER = 'presence resync (missed notifications)';

export interface PresenceNotificationDeps {
  subscriptions: Pick<PresenceSubscriptionsRepository, 'list' | 'putIfMatch' | 'delete'>;
  graph: PresenceSubscriptionsPort;
  queue: { send(message: PresenceEventMessage): Promise<void> };
  /** Every call queue agent of the tenant (object ids). */
  agentIds(tenantId: string): Promise<string[]>;
  /**
   * Reads these agents' presence now and routes every call queue they serve, offers marked with `trigger`; returns
   * the agents whose availability changed (the call router's presenceChanged).
   */
  presenceChanged(tenantId: string, agentIds: readonly string[], trigger: string): Promise<string[]>;
  /** PRESENCE_NOTIFICATION_URL; absent: subscriptions are off (polling only). */
  notificationUrl?: string;
  /**
   * Whether the tenant's presence is connected (a delegated credential: Graph refuses app-only presence
   * subscriptions); not connected → no subscriptions for it (polling only). Absent: every tenant counts as connected.
   */
  connected?: (tenantId: string) => Promise<boolean>;
  now?: () => number;
  log?: (line: string) => void;
}

export type IntakeOutcome =
  | { kind: 'invalid'; errors: { field: string; message: string }[] }
  | { kind: 'accepted'; accepted: number; refused: number };

export interface ReconcileOutcome {
  created: number;
  renewed: number;
  replaced: number;
  deleted: number;
  lost: number;
}

const ROWS_FRESH_MS = 30_000;

export class PresenceNotificationService {
  /** The tenant's subscription rows as last read (the intake's clientState check), for ROWS_FRESH_MS. */
  private readonly rows = new Map<string, { at: number; rows: StoredPresenceSubscription[] }>();

  constructor(private readonly deps: PresenceNotificationDeps) {}

  get enabled(): boolean {
    return !!this.deps.notificationUrl;
  }

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private async rowsOf(tenantId: string, subscriptionId: string): Promise<StoredPresenceSubscription | undefined> {
    const t = tenantId.toLowerCase();
    const cached = this.rows.get(t);
    let found = cached && this.now - cached.at < ROWS_FRESH_MS ? cached.rows : undefined;
    if (!found?.some((r) => r.subscriptionId === subscriptionId)) {
      found = await this.deps.subscriptions.list(t);
      this.rows.set(t, { at: this.now, rows: found });
    }
    return found.find((r) => r.subscriptionId === subscriptionId);
  }

  /**
   * The webhook's work: each notification of the collection whose subscription we hold and whose `clientState`
   * matches (constant time) becomes one queue message; the others are refused (counted, never queued).
   */
  async intake(body: unknown): Promise<IntakeOutcome> {
    const parsed = changeNotificationCollection.safeParse(body);
    if (!parsed.success)
      return {
        kind: 'invalid',
        errors: parsed.error.issues.map((i) => ({
          field: ['body', ...i.path.map(String)].join('.'),
          message: i.message,
        })),
      };
    let accepted = 0;
    let refused = 0;
    const receivedAt = this.now;
    for (const n of parsed.data.value) {
      const tenantId = n.tenantId?.toLowerCase();
      const row = tenantId ? await this.rowsOf(tenantId, n.subscriptionId) : undefined;
      if (!tenantId || !row || !clientStateMatches(row.clientState, n.clientState)) {
        refused++;
        continue;
      }
      if (n.lifecycleEvent) {
        await this.deps.queue.send({
          kind: 'lifecycle',
          tenantId,
          subscriptionId: n.subscriptionId,
          lifecycleEvent: n.lifecycleEvent,
          receivedAt,
        });
        accepted++;
        continue;
      }
      const userId = notifiedUserId(n);
      if (!userId || !row.agentIds.includes(userId)) {
        refused++;
        continue;
      }
      await this.deps.queue.send({ kind: 'change', tenantId, subscriptionId: n.subscriptionId, userId, receivedAt });
      accepted++;
    }
    return { kind: 'accepted', accepted, refused };
  }

  /** One queued message (idempotent: a duplicate reads a presence again and routes nothing new). */
  async handle(message: PresenceEventMessage): Promise<void> {
    const t = message.tenantId.toLowerCase();
    if (message.kind === 'reconcile') {
      await this.reconcile(t);
      return;
    }
    if (message.kind === 'change') {
      const changed = await this.deps.presenceChanged(t, [message.userId], PRESENCE_NOTIFICATION_TRIGGER);
      if (changed.length) this.deps.log?.(`presence of ${message.userId} (tenant ${t}) changed: notification`);
      return;
    }
    const row = (await this.deps.subscriptions.list(t)).find((r) => r.subscriptionId === message.subscriptionId);
    if (!row) return; // replaced or deleted since: nothing of ours
    if (message.lifecycleEvent === 'missed') {
      const changed = await this.deps.presenceChanged(t, row.agentIds, PRESENCE_RESYNC_TRIGGER);
      this.deps.log?.(`presence subscription ${row.subscriptionId}: missed notifications, ${changed.length} changed`);
      return;
    }
    if (message.lifecycleEvent === 'reauthorizationRequired') {
      const renewed = await this.deps.graph.renew(t, row.subscriptionId, this.now + PRESENCE_SUBSCRIPTION_LIFETIME_MS);
      if (renewed !== 'gone') {
        await this.deps.subscriptions.putIfMatch({ ...row, expiresAt: renewed.expiresAt }, row.etag);
        return;
      }
    }
    // Removed (or gone when renewed): mark it expired so the plan replaces it, and bring the tenant in line now.
    await this.deps.subscriptions.putIfMatch({ ...row, expiresAt: 0 }, row.etag);
    await this.reconcile(t);
  }

  /**
   * Brings a tenant's subscriptions in line with its call queue agents (planSubscriptions); idempotent. Off without
   * PRESENCE_NOTIFICATION_URL.
   */
  async reconcile(tenantId: string): Promise<ReconcileOutcome> {
    const out: ReconcileOutcome = { created: 0, renewed: 0, replaced: 0, deleted: 0, lost: 0 };
    const url = this.deps.notificationUrl;
    if (!url) return out;
    const t = tenantId.toLowerCase();
    if (this.deps.connected && !(await this.deps.connected(t))) return out;
    const chunks = chunkAgentIds(await this.deps.agentIds(t));
    const stored = await this.deps.subscriptions.list(t);
    const byChunk = new Map(stored.map((s) => [s.chunk, s]));
    const create = async (agentIds: string[]) => {
      const clientState = randomBytes(32).toString('base64url');
      const made = await this.deps.graph.create(t, {
        resource: presenceResource(agentIds),
        clientState,
        notificationUrl: url,
        expiresAt: this.now + PRESENCE_SUBSCRIPTION_LIFETIME_MS,
      });
      return { subscriptionId: made.id, expiresAt: made.expiresAt, clientState };
    };
    for (const step of planSubscriptions(stored, chunks, this.now)) {
      const row = byChunk.get(step.chunk);
      if (step.kind === 'delete') {
        await this.deps.graph.delete(t, step.subscriptionId);
        await this.deps.subscriptions.delete(t, step.chunk);
        out.deleted++;
        continue;
      }
      if (step.kind === 'renew' && row) {
        const renewed = await this.deps.graph.renew(
          t,
          step.subscriptionId,
          this.now + PRESENCE_SUBSCRIPTION_LIFETIME_MS,
        );
        if (renewed !== 'gone') {
          await this.deps.subscriptions.putIfMatch({ ...row, expiresAt: renewed.expiresAt }, row.etag);
          out.renewed++;
          continue;
        }
      }
      const agentIds = step.kind === 'renew' ? (row?.agentIds ?? []) : step.agentIds;
      const made = await create(agentIds);
      const saved = await this.deps.subscriptions.putIfMatch(
        { tenantId: t, chunk: step.chunk, agentIds, ...made },
        row?.etag,
      );
      if (!saved) {
        // Another manager wrote this chunk first: ours is surplus.
        await this.deps.graph.delete(t, made.subscriptionId).catch(() => undefined);
        out.lost++;
        continue;
      }
      if (row) await this.deps.graph.delete(t, row.subscriptionId).catch(() => undefined);
      if (step.kind === 'create') out.created++;
      else out.replaced++;
    }
    this.rows.delete(t);
    return out;
  }

  /** Deletes every subscription of the tenant (at Graph, then its row): presence is being disconnected. */
  async unsubscribeAll(tenantId: string): Promise<number> {
    const t = tenantId.toLowerCase();
    let deleted = 0;
    for (const row of await this.deps.subscriptions.list(t)) {
      await this.deps.graph.delete(t, row.subscriptionId).catch((e: unknown) => {
        this.deps.log?.(`presence subscription ${row.subscriptionId}: delete failed (${(e as Error).message})`);
      });
      await this.deps.subscriptions.delete(t, row.chunk);
      deleted++;
    }
    this.rows.delete(t);
    return deleted;
  }
}
