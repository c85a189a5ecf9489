// Graph change-notification subscriptions for Teams presence (microsoftgraph/microsoft-graph-docs-contrib):
// - concepts/changenotifications-for-presence.md: resource `communications/presences/{id}` or
//   `/communications/presences?$filter=id in ('{id}', …)` with at most 650 ids; changeType `updated`; a maximum
//   expiration of one hour (renew with PATCH before it expires, or create a new one after); notifications with
//   resource data are encrypted (includeResourceData + encryptionCertificate/encryptionCertificateId) — basic ones
//   carry the user id only and the app reads the presence itself;
// - concepts/change-notifications-delivery-webhooks.md: on create (and for the lifecycleNotificationUrl too) Graph
//   POSTs `{url}?validationToken=…` (text/plain) and needs 200 with the decoded token as text/plain within 10 s, else
//   the create fails 400; notifications carry `clientState` (≤ 128 characters) for the app to check, no bearer token;
//   a notification not acknowledged with 2xx is retried (the app sees it twice);
// - concepts/change-notifications-lifecycle-events.md: `reauthorizationRequired`, `subscriptionRemoved`, `missed`
//   (notifications that were not delivered: resync) to the lifecycleNotificationUrl, `{subscriptionId,
//   subscriptionExpirationDateTime, tenantId, clientState, lifecycleEvent}`.
// Permissions (concepts/changenotifications-for-presence.md): delegated (work or school account) Presence.Read.All
// only — "Application: Not supported." An app-only token (no `scp`) is refused 403 as Graph refuses a subscription it
// is not authorized for: `ExtensionError`, "Operation: Create; Exception: [Status Code: Forbidden; Reason: The
// request is not authorized for this user or application.]" (observed: microsoftgraph/nodejs-webhooks-sample#175;
// the ExtensionError envelope: OneDrive/onedrive-api-docs#1398, microsoftgraph/msgraph-sdk-dotnet#365); renewing
// (Operation: Update) likewise.
// Fault knobs: presenceNotificationDelayMs, presenceNotificationDuplicateProbability,
// presenceNotificationLossProbability (a lost notification is followed by a `missed` lifecycle notification).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { SimCore } from '../core';
import { json, type SimResponse } from '../http';
import type { Presence, Tenant } from '../model';
import { isRecord } from '../util';
import { badRequest, GraphFailure, notFound, type GraphCtx, type GraphRoute } from './router';

export const MAX_PRESENCE_IDS = 650;
export const MAX_PRESENCE_EXPIRATION_MS = 60 * 60_000;
const VALIDATION_TIMEOUT_MS = 10_000;
const MAX_CLIENT_STATE = 128;

export interface PresenceSubscription {
  id: string;
  tenantId: string;
  appId: string;
  resource: string;
  userIds: Set<string>;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expirationDateTime: number;
  createdAt: number;
  /** Deliveries made (for the control API): kind, time, status. */
  deliveries: { at: number; kind: string; userId?: string; status?: number; error?: string; attempt: number }[];
}

const byTenant = new WeakMap<Tenant, Map<string, PresenceSubscription>>();

export function subscriptionsOf(tenant: Tenant): Map<string, PresenceSubscription> {
  let m = byTenant.get(tenant);
  if (!m) byTenant.set(tenant, (m = new Map()));
  return m;
}

/** Live subscriptions of a tenant (expired ones are dropped, as Graph deletes them). */
function live(tenant: Tenant, now = Date.now()): PresenceSubscription[] {
  const m = subscriptionsOf(tenant);
  for (const [id, s] of m) if (s.expirationDateTime <= now) m.delete(id);
  return [...m.values()];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user ids a presence resource names, or why it is not one. */
export function presenceResourceIds(resource: string): string[] | string {
  const r = resource.trim().replace(/^\//, '');
  const single = /^communications\/presences\/([^/?]+)$/i.exec(r);
  if (single) return GUID.test(single[1]) ? [single[1].toLowerCase()] : `'${single[1]}' is not a user id`;
  const bulk = /^communications\/presences\?\$filter=id in \((.*)\)$/i.exec(r);
  if (!bulk) return `resource '${resource}' is not supported`;
  const ids = bulk[1].split(',').map((s) => s.trim().replace(/^'(.*)'$/, '$1'));
  if (ids.length === 0 || ids.some((id) => !GUID.test(id))) return 'the $filter must list user ids in quotes';
  if (ids.length > MAX_PRESENCE_IDS)
    return `a presence subscription takes at most ${MAX_PRESENCE_IDS} user ids (${ids.length} given)`;
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

function view(s: PresenceSubscription): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.subscription',
    id: s.id,
    resource: s.resource,
    applicationId: s.appId,
    changeType: s.changeType,
    clientState: s.clientState ?? null,
    notificationUrl: s.notificationUrl,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
    expirationDateTime: new Date(s.expirationDateTime).toISOString(),
    creatorId: s.appId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    notificationUrlAppId: null,
  };
}

/** POSTs to a webhook; resolves with the status and body text (never rejects). */
function post(
  url: string,
  body: string,
  contentType: string,
  timeoutMs: number,
): Promise<{ status?: number; text: string; error?: string }> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve({ text: '', error: `bad url ${url}` });
      return;
    }
    const payload = Buffer.from(body);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      {
        method: 'POST',
        headers: { 'content-type': contentType, 'content-length': String(payload.length) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => resolve({ status: res.statusCode, text: '', error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ text: '', error: e.message }));
    req.end(payload);
  });
}

/** The validation handshake: `{url}?validationToken=…`, answered 200 text/plain with the token within 10 s. */
async function validate(url: string): Promise<string | undefined> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const u = new URL(url);
  u.searchParams.set('validationToken', token);
  const res = await post(u.toString(), '', 'text/plain; charset=utf-8', VALIDATION_TIMEOUT_MS);
  if (res.error) return `Subscription validation request failed. ${res.error}`;
  if (res.status !== 200)
    return `Subscription validation request failed. Response must exactly match validationToken query parameter. (HTTP ${res.status})`;
  if (res.text !== token)
    return 'Subscription validation request failed. Response must exactly match validationToken query parameter.';
  return undefined;
}

function webhookUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value) throw badRequest(`${field} is required.`, 'ValidationError');
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw badRequest(`${field} must be an absolute URL.`, 'ValidationError');
  }
  // Graph takes HTTPS only; a loopback http URL is allowed so a laptop's host can be reached.
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
    throw badRequest(`${field} must be an HTTPS URL.`, 'ValidationError');
  return value;
}

function expiration(value: unknown, now: number): number {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(at))
    throw badRequest('expirationDateTime is required and must be a date-time.', 'ValidationError');
  if (at <= now) throw badRequest('Subscription expiration must be in the future.', 'ValidationError');
  if (at - now > MAX_PRESENCE_EXPIRATION_MS)
    throw badRequest('Subscription expiration can only be 60 minutes in the future.', 'ValidationError');
  return at;
}

async function create(ctx: GraphCtx): Promise<SimResponse> {
  const b = ctx.req.body;
  if (!isRecord(b)) throw badRequest('The request body must be a subscription.', 'ValidationError');
  const now = Date.now();
  if (b.changeType !== 'updated')
    throw badRequest("changeType must be 'updated' for a presence resource.", 'ValidationError');
  if (typeof b.resource !== 'string') throw badRequest('resource is required.', 'ValidationError');
  const ids = presenceResourceIds(b.resource);
  if (typeof ids === 'string') throw badRequest(ids, 'ValidationError');
  requireDelegatedPresence(ctx, 'Create');
  const unknown = ids.filter((id) => !ctx.tenant.users.has(id));
  if (unknown.length) throw notFound(unknown[0]);
  const notificationUrl = webhookUrl(b.notificationUrl, 'notificationUrl');
  const lifecycleNotificationUrl =
    b.lifecycleNotificationUrl === undefined || b.lifecycleNotificationUrl === null
      ? undefined
      : webhookUrl(b.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
  const expirationDateTime = expiration(b.expirationDateTime, now);
  if (b.clientState !== undefined && b.clientState !== null) {
    if (typeof b.clientState !== 'string' || b.clientState.length > MAX_CLIENT_STATE)
      throw badRequest(`clientState must be a string of at most ${MAX_CLIENT_STATE} characters.`, 'ValidationError');
  }
  if (b.includeResourceData === true) {
    if (typeof b.encryptionCertificate !== 'string' || typeof b.encryptionCertificateId !== 'string')
      throw badRequest(
        'encryptionCertificate and encryptionCertificateId are required when includeResourceData is true.',
        'ValidationError',
      );
    // Encrypted resource data is not simulated: say so rather than send basic notifications silently.
    throw new GraphFailure(501, 'NotImplemented', 'The simulator sends basic presence notifications only.');
  }
  for (const url of new Set([notificationUrl, lifecycleNotificationUrl].filter((u): u is string => !!u))) {
    const failed = await validate(url);
    if (failed) throw badRequest(failed, 'ValidationError');
  }
  const s: PresenceSubscription = {
    id: randomUUID(),
    tenantId: ctx.tenant.tenantId,
    appId: ctx.appId,
    resource: b.resource,
    userIds: new Set(ids),
    changeType: 'updated',
    notificationUrl,
    ...(lifecycleNotificationUrl ? { lifecycleNotificationUrl } : {}),
    ...(typeof b.clientState === 'string' ? { clientState: b.clientState } : {}),
    expirationDateTime,
    createdAt: now,
    deliveries: [],
  };
  subscriptionsOf(ctx.tenant).set(s.id, s);
  ctx.core.log(`presence subscription ${s.id}: ${ids.length} users → ${notificationUrl}`);
  return json(201, { '@odata.context': `${ctx.root}/$metadata#subscriptions/$entity`, ...view(s) });
}

function find(ctx: GraphCtx): PresenceSubscription {
  const s = live(ctx.tenant).find((x) => x.id === ctx.params[0]);
  // Another app's subscription is not visible to this one.
  if (!s || s.appId !== ctx.appId) throw notFound(ctx.params[0]);
  return s;
}

const PRESENCE_DELEGATED = ['Presence.Read.All', 'Presence.ReadWrite.All'];

/** Presence subscriptions take a delegated token with Presence.Read.All; anything else is Graph's 403. */
function requireDelegatedPresence(ctx: GraphCtx, operation: 'Create' | 'Update'): void {
  const scp = typeof ctx.claims.scp === 'string' ? ctx.claims.scp.split(' ') : [];
  if (scp.some((s) => PRESENCE_DELEGATED.includes(s))) return;
  throw new GraphFailure(
    403,
    'ExtensionError',
    `Operation: ${operation}; Exception: [Status Code: Forbidden; Reason: The request is not authorized for this user or application.]`,
  );
}

function update(ctx: GraphCtx): SimResponse {
  const s = find(ctx);
  requireDelegatedPresence(ctx, 'Update');
  const b = isRecord(ctx.req.body) ? ctx.req.body : {};
  s.expirationDateTime = expiration(b.expirationDateTime, Date.now());
  return json(200, { '@odata.context': `${ctx.root}/$metadata#subscriptions/$entity`, ...view(s) });
}

function remove(ctx: GraphCtx): SimResponse {
  const s = find(ctx);
  subscriptionsOf(ctx.tenant).delete(s.id);
  return { status: 204 };
}

export function subscriptionRoutes(): GraphRoute[] {
  const ONE = /^\/subscriptions\/([^/]+)$/;
  return [
    {
      method: 'POST',
      re: /^\/subscriptions\/?$/,
      perms: [],
      handler: create,
    },
    {
      method: 'GET',
      re: /^\/subscriptions\/?$/,
      perms: [],
      handler: (ctx) =>
        json(200, {
          '@odata.context': `${ctx.root}/$metadata#subscriptions`,
          value: live(ctx.tenant)
            .filter((s) => s.appId === ctx.appId)
            .map(view),
        }),
    },
    { method: 'GET', re: ONE, perms: [], handler: (ctx) => json(200, view(find(ctx))) },
    { method: 'PATCH', re: ONE, perms: [], handler: update },
    { method: 'DELETE', re: ONE, perms: [], handler: remove },
  ];
}

type Delivery = { kind: string; userId?: string; body: Record<string, unknown> };

/** Sends one notification body to a subscription's URL: retried on failure as Graph does; faults applied. */
function deliver(core: SimCore, s: PresenceSubscription, url: string, d: Delivery, attempt = 1): void {
  const f = core.faults;
  const send = async () => {
    const at = Date.now();
    const res = await post(url, JSON.stringify(d.body), 'application/json; charset=utf-8', VALIDATION_TIMEOUT_MS);
    const ok = res.status !== undefined && res.status >= 200 && res.status < 300;
    s.deliveries.push({
      at,
      kind: d.kind,
      attempt,
      ...(d.userId ? { userId: d.userId } : {}),
      ...(res.status !== undefined ? { status: res.status } : {}),
      ...(res.error ? { error: res.error } : {}),
    });
    if (s.deliveries.length > 500) s.deliveries.splice(0, s.deliveries.length - 500);
    if (ok || attempt >= f.notificationMaxAttempts) return;
    const delay = f.notificationRetryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
    core.timers.after(delay, () => deliver(core, s, url, d, attempt + 1));
  };
  const delay = attempt === 1 ? f.presenceNotificationDelayMs : 0;
  if (delay > 0) core.timers.after(delay, () => void send());
  else void send();
}

function changeNotification(s: PresenceSubscription, userId: string): Record<string, unknown> {
  return {
    subscriptionId: s.id,
    ...(s.clientState !== undefined ? { clientState: s.clientState } : {}),
    changeType: 'updated',
    tenantId: s.tenantId,
    resource: `communications/presences/${userId}`,
    subscriptionExpirationDateTime: new Date(s.expirationDateTime).toISOString(),
    resourceData: {
      '@odata.id': `users/${userId}/presence`,
      '@odata.type': '#microsoft.graph.presence',
      id: userId,
    },
    organizationId: s.tenantId,
  };
}

/** A lifecycle notification to the subscription's lifecycleNotificationUrl (none without one, as Graph). */
export function sendLifecycle(core: SimCore, s: PresenceSubscription, lifecycleEvent: string): boolean {
  if (!s.lifecycleNotificationUrl) return false;
  const body = {
    value: [
      {
        subscriptionId: s.id,
        subscriptionExpirationDateTime: new Date(s.expirationDateTime).toISOString(),
        tenantId: s.tenantId,
        ...(s.clientState !== undefined ? { clientState: s.clientState } : {}),
        lifecycleEvent,
      },
    ],
  };
  deliver(core, s, s.lifecycleNotificationUrl, { kind: lifecycleEvent, body });
  return true;
}

/**
 * A user's presence changed: every live subscription naming them gets a basic change notification — delayed
 * (presenceNotificationDelayMs), sometimes twice (presenceNotificationDuplicateProbability), or lost
 * (presenceNotificationLossProbability), a loss followed by a `missed` lifecycle notification.
 */
export function presenceChanged(core: SimCore, tenant: Tenant, userId: string, before?: Presence, after?: Presence) {
  if (before && after && before.availability === after.availability && before.activity === after.activity) return;
  const f = core.faults;
  const id = userId.toLowerCase();
  for (const s of live(tenant)) {
    if (!s.userIds.has(id)) continue;
    if (Math.random() < f.presenceNotificationLossProbability) {
      s.deliveries.push({ at: Date.now(), kind: 'lost', userId: id, attempt: 0 });
      core.timers.after(Math.max(50, f.presenceNotificationDelayMs), () => void sendLifecycle(core, s, 'missed'));
      continue;
    }
    const d: Delivery = { kind: 'updated', userId: id, body: { value: [changeNotification(s, id)] } };
    deliver(core, s, s.notificationUrl, d);
    if (Math.random() < f.presenceNotificationDuplicateProbability) deliver(core, s, s.notificationUrl, d);
  }
}

/** The control API's view of a tenant's subscriptions. */
export function subscriptionsView(tenant: Tenant): Record<string, unknown>[] {
  return live(tenant).map((s) => ({
    ...view(s),
    userIds: [...s.userIds],
    createdDateTime: new Date(s.createdAt).toISOString(),
    deliveries: s.deliveries,
  }));
}
