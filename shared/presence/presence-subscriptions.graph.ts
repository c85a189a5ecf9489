/**
 * Graph's subscriptions API for presence (microsoftgraph/microsoft-graph-docs-contrib: api/subscription-post-
 * subscriptions.md, subscription-update.md, subscription-delete.md; concepts/changenotifications-for-presence.md):
 * create (Graph validates notificationUrl and lifecycleNotificationUrl with a `validationToken` handshake before it
 * answers), renew (PATCH expirationDateTime; also reauthorizes), delete. Basic notifications (no resource data): the
 * presence itself is read with getPresencesByUserId when a notification arrives.
 * Graph takes these subscriptions with a delegated token only (Presence.Read.All; "Application: Not supported"):
 * the token comes from the tenant's presence connection (PresenceConnectionService.accessToken), through `token`.
 */

export class PresenceSubscriptionError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'PresenceSubscriptionError';
  }
}

export interface PresenceSubscriptionsPort {
  create(
    tenantId: string,
    s: { resource: string; clientState: string; notificationUrl: string; expiresAt: number },
  ): Promise<{ id: string; expiresAt: number }>;
  /** New expiry, or `gone` when Graph no longer has it (expired or removed). */
  renew(tenantId: string, subscriptionId: string, expiresAt: number): Promise<{ expiresAt: number } | 'gone'>;
  /** Deletes it (a subscription already gone counts as deleted). */
  delete(tenantId: string, subscriptionId: string): Promise<void>;
}

export class GraphPresenceSubscriptions implements PresenceSubscriptionsPort {
  constructor(
    private readonly o: {
      graphBaseUrl: string;
      /** A delegated Graph token (Presence.Read.All) for the tenant; undefined when presence is not connected. */
      token: (tenantId: string) => Promise<string | undefined>;
      fetch?: typeof fetch;
    },
  ) {}

  private async request(tenantId: string, method: string, path: string, body?: unknown): Promise<Response> {
    const token = await this.o.token(tenantId.toLowerCase());
    if (!token) throw new PresenceSubscriptionError('presence is not connected for this tenant', 401);
    return (this.o.fetch ?? fetch)(`${this.o.graphBaseUrl}/v1.0${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  private static async fail(what: string, res: Response): Promise<never> {
    const text = await res.text().catch(() => '');
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      /* not JSON */
    }
    throw new PresenceSubscriptionError(`${what} → ${res.status}: ${message}`, res.status);
  }

  async create(
    tenantId: string,
    s: { resource: string; clientState: string; notificationUrl: string; expiresAt: number },
  ): Promise<{ id: string; expiresAt: number }> {
    const res = await this.request(tenantId, 'POST', '/subscriptions', {
      changeType: 'updated',
      notificationUrl: s.notificationUrl,
      lifecycleNotificationUrl: s.notificationUrl,
      resource: s.resource,
      expirationDateTime: new Date(s.expiresAt).toISOString(),
      clientState: s.clientState,
    });
    if (res.status !== 201 && res.status !== 200) return GraphPresenceSubscriptions.fail('create subscription', res);
    const body = (await res.json()) as { id?: string; expirationDateTime?: string };
    if (!body.id) throw new PresenceSubscriptionError('create subscription: no id in the answer', res.status);
    return { id: body.id, expiresAt: Date.parse(body.expirationDateTime ?? '') || s.expiresAt };
  }

  async renew(tenantId: string, subscriptionId: string, expiresAt: number): Promise<{ expiresAt: number } | 'gone'> {
    const res = await this.request(tenantId, 'PATCH', `/subscriptions/${encodeURIComponent(subscriptionId)}`, {
      expirationDateTime: new Date(expiresAt).toISOString(),
    });
    if (res.status === 404) return 'gone';
    if (!res.ok) return GraphPresenceSubscriptions.fail('renew subscription', res);
    const body = (await res.json()) as { expirationDateTime?: string };
    return { expiresAt: Date.parse(body.expirationDateTime ?? '') || expiresAt };
  }

  async delete(tenantId: string, subscriptionId: string): Promise<void> {
    const res = await this.request(tenantId, 'DELETE', `/subscriptions/${encodeURIComponent(subscriptionId)}`);
    if (res.status === 404 || res.ok) return;
    return GraphPresenceSubscriptions.fail('delete subscription', res);
  }
}
