/**
 * The `call-events` storage queue (setting CALL_EVENTS_QUEUE_NAME): one message per Graph notification, written by
 * the webhook once the callback's token and envelope are checked, read by the call router. A message carries the
 * notification as Graph sent it, the tenant from the token and the receive time — never the token itself.
 * Messages are base64 text, as host.json `extensions.queues.messageEncoding` tells the Functions host to read them.
 */
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { z } from 'zod';
import type { CallCommand } from './call.record';

/** One notification on its way to the router. */
export interface CallEventMessage {
  kind: 'notification';
  /** The tenant of the callback token (`tid`). */
  tenantId: string;
  /** Epoch ms the webhook received it (the machine's `at`). */
  receivedAt: number;
  /** Where Graph should send this call's later notifications (our webhook). */
  callbackUri: string;
  notification: unknown;
  /** The callback whose outbound call this is (its callbackUri carried `?callbackId=`; call-callback-dialer.ts). */
  callbackId?: string;
}

/** A router wake-up for a call queue or a call (offer expiry, max wait, wrap-up end): a delayed message. */
export interface CallTimerMessage {
  kind: 'timer';
  tenantId: string;
  callQueueId?: string;
  callId?: string;
  /**
   * What the timer is for: `offerExpired:{offerId}`, `maxWait:{moves}`, `wrapUpEnd:{agentId}`, `keepAlive`,
   * `command:{attempt}` (the outbox: `command` is sent again).
   */
  purpose: string;
  dueAt: number;
  /** The outbox's command (a CallCommand of the call machine), and the attempts already made. */
  command?: CallCommand;
  attempt?: number;
  /** Our webhook when the timer was armed (prompt URLs need its origin when CALLS_CALLBACK_URL is unset). */
  callbackUri?: string;
}

export type CallQueueMessage = CallEventMessage | CallTimerMessage;

const messageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('notification'),
    tenantId: z.string().min(1),
    receivedAt: z.number(),
    callbackUri: z.string().url(),
    notification: z.unknown(),
    callbackId: z.string().min(1).max(256).optional(),
  }),
  z.object({
    kind: z.literal('timer'),
    tenantId: z.string().min(1),
    callQueueId: z.string().optional(),
    callId: z.string().optional(),
    purpose: z.string().min(1),
    dueAt: z.number(),
    command: z
      .object({ op: z.string().min(1), callId: z.string().min(1) })
      .passthrough()
      .optional(),
    attempt: z.number().int().min(0).optional(),
    callbackUri: z.string().url().optional(),
  }),
]);

/** The message the host handed over (JSON, already parsed or not), or why it is not one. */
export function parseCallQueueMessage(
  message: unknown,
): { ok: true; message: CallQueueMessage } | { ok: false; reason: string } {
  let value = message;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return { ok: false, reason: 'the message is not JSON' };
    }
  }
  const parsed = messageSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      reason: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(message)'} ${i.message}`).join('; '),
    };
  }
  return { ok: true, message: parsed.data as CallQueueMessage };
}

const DEV_STORAGE = /^\s*UseDevelopmentStorage=true\s*;?\s*$/i;

/** `UseDevelopmentStorage=true` spelt out for Azurite's default queue port. */
function expand(connectionString: string): string {
  if (!DEV_STORAGE.test(connectionString)) return connectionString;
  return [
    'DefaultEndpointsProtocol=http',
    'AccountName=devstoreaccount1',
    'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
    'QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1',
  ].join(';');
}

/** Longest visibility timeout a storage queue accepts (7 days less a second). */
const MAX_DELAY_S = 7 * 24 * 3600 - 1;

export class CallEventsQueue {
  private readonly client: QueueClient;
  private ensured?: Promise<unknown>;

  constructor(
    connectionString: string,
    readonly queueName: string,
  ) {
    this.client = QueueServiceClient.fromConnectionString(expand(connectionString)).getQueueClient(queueName);
  }

  private ensure(): Promise<unknown> {
    this.ensured ??= this.client.createIfNotExists().catch((e: unknown) => {
      this.ensured = undefined;
      throw e;
    });
    return this.ensured;
  }

  /** Sends messages (in parallel); `delayMs` keeps each invisible that long — the router's durable timers. */
  async send(messages: readonly CallQueueMessage[], o: { delayMs?: number } = {}): Promise<void> {
    await this.ensure();
    const delayS = o.delayMs ? Math.min(MAX_DELAY_S, Math.max(1, Math.ceil(o.delayMs / 1000))) : undefined;
    await Promise.all(
      messages.map((m) =>
        this.client.sendMessage(
          Buffer.from(JSON.stringify(m), 'utf8').toString('base64'),
          delayS ? { visibilityTimeout: delayS } : {},
        ),
      ),
    );
  }

  /** Messages waiting (approximate; tests use it to prove nothing was enqueued). */
  async approximateCount(): Promise<number> {
    await this.ensure();
    const p = await this.client.getProperties();
    return p.approximateMessagesCount ?? 0;
  }
}
