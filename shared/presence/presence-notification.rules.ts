/**
 * Pure rules of Graph presence change notifications (microsoftgraph/microsoft-graph-docs-contrib,
 * concepts/changenotifications-for-presence.md, change-notifications-delivery-webhooks.md,
 * change-notifications-lifecycle-events.md): how a tenant's agents are split into subscriptions (≤ 650 ids each,
 * `/communications/presences?$filter=id in ('…')`), when a subscription is renewed or replaced, the notification
 * envelope's schema, and the constant-time `clientState` check.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** At most 650 user ids per presence subscription (Graph). */
export const PRESENCE_SUBSCRIPTION_MAX_IDS = 650;
/** A presence subscription lives at most one hour (Graph). We ask for 55 minutes (clock skew) … */
export const PRESENCE_SUBSCRIPTION_LIFETIME_MS = 55 * 60_000;
/** … and renew it once less than this is left (the manager runs every 5 minutes by default). */
export const PRESENCE_SUBSCRIPTION_RENEW_BEFORE_MS = 20 * 60_000;

/** The tenant's agent ids, de-duplicated, lower-cased and sorted, in chunks of ≤ 650 (one subscription each). */
export function chunkAgentIds(agentIds: readonly string[], size = PRESENCE_SUBSCRIPTION_MAX_IDS): string[][] {
  const ids = [...new Set(agentIds.map((id) => id.trim().toLowerCase()).filter(Boolean))].sort();
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** The bulk presence resource for these user ids. */
export function presenceResource(ids: readonly string[]): string {
  return `/communications/presences?$filter=id in (${ids.map((id) => `'${id}'`).join(',')})`;
}

/** One stored subscription (a chunk of a tenant's agents). */
export interface PresenceSubscriptionState {
  chunk: number;
  subscriptionId: string;
  agentIds: string[];
  expiresAt: number;
}

export type SubscriptionStep =
  | { kind: 'create'; chunk: number; agentIds: string[] }
  | { kind: 'renew'; chunk: number; subscriptionId: string }
  | { kind: 'replace'; chunk: number; agentIds: string[]; oldSubscriptionId: string }
  | { kind: 'delete'; chunk: number; subscriptionId: string };

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/**
 * What to do so that the tenant's stored subscriptions cover exactly `chunks` and none expires before the next run:
 * a missing chunk is created, a chunk whose ids changed is replaced (new subscription, then the old one deleted), one
 * expiring within `renewBeforeMs` (or already expired: Graph deleted it) is renewed or recreated, one beyond the
 * chunks is deleted. Idempotent: applied to its own result it asks for nothing.
 */
export function planSubscriptions(
  stored: readonly PresenceSubscriptionState[],
  chunks: readonly string[][],
  now: number,
  renewBeforeMs = PRESENCE_SUBSCRIPTION_RENEW_BEFORE_MS,
): SubscriptionStep[] {
  const steps: SubscriptionStep[] = [];
  const byChunk = new Map(stored.map((s) => [s.chunk, s]));
  chunks.forEach((agentIds, chunk) => {
    const s = byChunk.get(chunk);
    if (!s) steps.push({ kind: 'create', chunk, agentIds });
    else if (!sameIds(s.agentIds, agentIds) || s.expiresAt <= now)
      steps.push({ kind: 'replace', chunk, agentIds, oldSubscriptionId: s.subscriptionId });
    else if (s.expiresAt - now < renewBeforeMs) steps.push({ kind: 'renew', chunk, subscriptionId: s.subscriptionId });
  });
  for (const s of stored)
    if (s.chunk >= chunks.length) steps.push({ kind: 'delete', chunk: s.chunk, subscriptionId: s.subscriptionId });
  return steps;
}

/** `clientState` as we sent it and as a notification carries it, compared in constant time (hashes: equal length). */
export function clientStateMatches(expected: string, received: unknown): boolean {
  if (typeof received !== 'string') return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(received, 'utf8').digest();
  return timingSafeEqual(a, b);
}

const changeNotification = z
  .object({
    subscriptionId: z.string().min(1).max(128),
    clientState: z.string().max(256).optional(),
    tenantId: z.string().min(1).max(128).optional(),
    changeType: z.string().max(64).optional(),
    resource: z.string().max(512).optional(),
    resourceData: z
      .object({ id: z.string().max(128).optional() })
      .passthrough()
      .optional(),
    lifecycleEvent: z.enum(['missed', 'reauthorizationRequired', 'subscriptionRemoved']).optional(),
    subscriptionExpirationDateTime: z.string().max(64).optional(),
  })
  .passthrough();

export const changeNotificationCollection = z
  .object({ value: z.array(changeNotification).min(1).max(1000) })
  .passthrough();

export type ChangeNotification = z.infer<typeof changeNotification>;

/** The user id a presence change notification names (`resourceData.id`, else the resource's last segment). */
export function notifiedUserId(n: ChangeNotification): string | undefined {
  const id = n.resourceData?.id ?? /communications\/presences\/([^/?]+)$/i.exec(n.resource ?? '')?.[1];
  return id ? id.toLowerCase() : undefined;
}
