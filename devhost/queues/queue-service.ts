/**
 * Storage queue access shared by queue triggers and queue output bindings: one QueueServiceClient per connection
 * string, queues created on first use, and the host's message encoding (base64 by default, `none` per host.json).
 */
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { ConfigError } from '../config/settings';
import { expandConnectionString } from '../storage/azurite';

export type MessageEncoding = 'base64' | 'none';

/** Valid queue names (Azure): 3-63 chars, lower-case letters, digits and single dashes, not starting/ending with `-`. */
export function assertQueueName(name: string, context: string): void {
  if (!/^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/.test(name)) {
    throw new ConfigError(
      `${context}: "${name}" is not a valid queue name (3-63 lower-case letters, digits and single dashes)`,
    );
  }
}

export class QueueService {
  private readonly services = new Map<string, QueueServiceClient>();
  private readonly ensured = new Map<string, Promise<unknown>>();

  constructor(readonly encoding: MessageEncoding) {}

  /** A client for `queueName` on the account of `connectionString`; the queue exists once the promise resolves. */
  async queue(connectionString: string, queueName: string): Promise<QueueClient> {
    const expanded = expandConnectionString(connectionString);
    let service = this.services.get(expanded);
    if (!service) {
      service = QueueServiceClient.fromConnectionString(expanded);
      this.services.set(expanded, service);
    }
    const client = service.getQueueClient(queueName);
    const key = `${expanded}|${queueName}`;
    let ensured = this.ensured.get(key);
    if (!ensured) {
      ensured = client.createIfNotExists().catch((err: unknown) => {
        this.ensured.delete(key);
        throw err;
      });
      this.ensured.set(key, ensured);
    }
    await ensured;
    return client;
  }

  /** Message text as stored, for a payload the app produced. */
  encode(payload: string | Buffer): string {
    if (this.encoding === 'base64') return Buffer.from(payload).toString('base64');
    return typeof payload === 'string' ? payload : payload.toString('utf8');
  }

  /** The app-facing text of a stored message; undefined when base64 is expected but the text is not base64. */
  decode(messageText: string): string | undefined {
    if (this.encoding === 'none') return messageText;
    const compact = messageText.replace(/\s+/g, '');
    if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
    return Buffer.from(compact, 'base64').toString('utf8');
  }
}

export function messageEncodingFrom(value: unknown): MessageEncoding {
  if (value === undefined || value === null || value === '') return 'base64';
  const lower = String(value).toLowerCase();
  if (lower === 'base64' || lower === 'none') return lower;
  throw new ConfigError(
    `host.json extensions.queues.messageEncoding must be "base64" or "none", not "${String(value)}"`,
  );
}
