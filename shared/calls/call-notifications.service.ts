/**
 * The webhook's work (`POST /api/calls/notifications`): prove the callback came from Microsoft for a tenant we serve,
 * validate the envelope, put one message per notification on the `call-events` storage queue. Nothing here logs or
 * stores the token; a refusal says why without quoting it.
 */
import { AuthError, type BotNotificationTokenValidator } from '../auth';
import type { CallEventsQueue } from './call-events.queue';
import type { CallEndpointDirectory } from './call-routing.port';
import { validateCommsNotifications } from './notification.parser';

export type IntakeOutcome =
  { kind: 'accepted'; count: number } | { kind: 'invalid'; errors: { field: string; message: string }[] };

export class CallNotificationIntake {
  constructor(
    private readonly deps: {
      tokens: Pick<BotNotificationTokenValidator, 'validate'>;
      directory: Pick<CallEndpointDirectory, 'servesTenant'>;
      queue: Pick<CallEventsQueue, 'send'>;
      /** CALLS_CALLBACK_URL; absent: the URL the notification came to. */
      callbackUrl?: string;
      now?: () => number;
    },
  ) {}

  /** The tenant of a valid callback token of a tenant we serve; throws AuthError(403) otherwise. */
  async checkToken(authorization: string | null): Promise<string> {
    const claims = await this.deps.tokens.validate(authorization);
    const tenantId = claims.tenantId?.toLowerCase();
    if (!tenantId) throw new AuthError(403, 'invalid_token', 'The callback token has no tenant (tid).');
    if (!(await this.deps.directory.servesTenant(tenantId)))
      throw new AuthError(403, 'invalid_token', `Tenant ${tenantId} is not served here.`);
    return tenantId;
  }

  /** Enqueues the notifications of a body from `tenantId` (as {@link checkToken} proved); 'invalid' when malformed. */
  async accept(tenantId: string, body: unknown, requestUrl: string): Promise<IntakeOutcome> {
    const checked = validateCommsNotifications(body);
    if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
    const receivedAt = (this.deps.now ?? Date.now)();
    const callbackUri = this.deps.callbackUrl ?? stripQuery(requestUrl);
    // A callback's outbound call was placed with `?callbackId=` on its callbackUri (call-callback-dialer.ts).
    const callbackId = new URL(requestUrl).searchParams.get('callbackId') || undefined;
    await this.deps.queue.send(
      checked.notifications.map((notification) => ({
        kind: 'notification' as const,
        tenantId,
        receivedAt,
        callbackUri,
        notification,
        ...(callbackId ? { callbackId } : {}),
      })),
    );
    return { kind: 'accepted', count: checked.notifications.length };
  }
}

function stripQuery(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
