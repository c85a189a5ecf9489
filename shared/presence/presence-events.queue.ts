/**
 * The presence events storage queue (PRESENCE_EVENTS_QUEUE_NAME, default `<CALL_EVENTS_QUEUE_NAME>-presence`): one
 * message per accepted change or lifecycle notification, written by the presence webhook once its `clientState` is
 * checked, and `reconcile` requests (a call queue's agents changed: the tenant's subscriptions are brought in line).
 */
import { z } from 'zod';

export type PresenceEventMessage =
  | { kind: 'change'; tenantId: string; subscriptionId: string; userId: string; receivedAt: number }
  | {
      kind: 'lifecycle';
      tenantId: string;
      subscriptionId: string;
      lifecycleEvent: 'missed' | 'reauthorizationRequired' | 'subscriptionRemoved';
      receivedAt: number;
    }
  | { kind: 'reconcile'; tenantId: string; receivedAt: number };

const schema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('change'),
    tenantId: z.string().min(1),
    subscriptionId: z.string().min(1),
    userId: z.string().min(1),
    receivedAt: z.number(),
  }),
  z.object({
    kind: z.literal('lifecycle'),
    tenantId: z.string().min(1),
    subscriptionId: z.string().min(1),
    lifecycleEvent: z.enum(['missed', 'reauthorizationRequired', 'subscriptionRemoved']),
    receivedAt: z.number(),
  }),
  z.object({ kind: z.literal('reconcile'), tenantId: z.string().min(1), receivedAt: z.number() }),
]);

/** The message the host handed over (JSON, parsed or not), or why it is not one. */
export function parsePresenceEventMessage(
  message: unknown,
): { ok: true; message: PresenceEventMessage } | { ok: false; reason: string } {
  let value = message;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return { ok: false, reason: 'the message is not JSON' };
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      reason: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(message)'} ${i.message}`).join('; '),
    };
  return { ok: true, message: parsed.data };
}
