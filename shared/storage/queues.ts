/** Storage queues: a client from the app's connection string (Azurite's shorthand spelt out for its queue port). */
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';

const DEV_STORAGE = /^\s*UseDevelopmentStorage=true\s*;?\s*$/i;

/** `UseDevelopmentStorage=true` spelt out for Azurite's default queue port; any other string as it is. */
export function queueConnectionString(connectionString: string): string {
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

/**
 * A queue of JSON messages, base64 text as host.json `extensions.queues.messageEncoding` makes the Functions host
 * read them; created on first send.
 */
export class JsonQueue<T> {
  readonly client: QueueClient;
  private ensured?: Promise<unknown>;

  constructor(
    connectionString: string,
    readonly queueName: string,
  ) {
    this.client = QueueServiceClient.fromConnectionString(queueConnectionString(connectionString)).getQueueClient(
      queueName,
    );
  }

  private ensure(): Promise<unknown> {
    this.ensured ??= this.client.createIfNotExists().catch((e: unknown) => {
      this.ensured = undefined;
      throw e;
    });
    return this.ensured;
  }

  /** Sends one message; `delayMs` keeps it invisible that long (a durable timer). */
  async send(message: T, o: { delayMs?: number } = {}): Promise<void> {
    await this.ensure();
    const delayS = o.delayMs ? Math.min(MAX_DELAY_S, Math.max(1, Math.ceil(o.delayMs / 1000))) : undefined;
    await this.client.sendMessage(
      Buffer.from(JSON.stringify(message), 'utf8').toString('base64'),
      delayS ? { visibilityTimeout: delayS } : {},
    );
  }
}
