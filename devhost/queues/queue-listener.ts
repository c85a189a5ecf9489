/**
 * A storage-queue trigger with the host's semantics (WebJobs QueueListener / QueueProcessor):
 * - fetch up to `batchSize` messages; fetch the next batch when in-flight messages fall to `newBatchThreshold`;
 * - when the queue is empty, back off exponentially from 100 ms up to `maxPollingInterval` (reset by a message, or
 *   by this host writing to the queue);
 * - a message stays invisible while it is processed (visibility renewed while the invocation runs);
 * - success deletes it; failure makes it visible again after `visibilityTimeout`; after `maxDequeueCount` failed
 *   attempts it is moved, text intact, to `<queue>-poison` (created when missing);
 * - trigger value `{string: decoded text}`, trigger metadata DequeueCount, Id, InsertionTime, ExpirationTime,
 *   NextVisibleTime, PopReceipt, QueueTrigger.
 */
import { randomUUID } from 'node:crypto';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { Invoker, Logger, RegisteredFunction, RpcTypedData, TriggerSource } from '../types';
import type { QueueService } from './queue-service';

export interface QueueListenerOptions {
  batchSize: number;
  newBatchThreshold: number;
  maxPollingIntervalMs: number;
  visibilityTimeoutMs: number;
  maxDequeueCount: number;
  /** How long in-flight invocations may run on stop before their messages are returned (made visible). */
  drainTimeoutMs: number;
  /** Invisibility of a message being processed, renewed at half-time (devhost setting DEVHOST_QUEUE_LEASE_SECONDS). */
  leaseSeconds: number;
}

/** Default invisibility while a message is being processed; renewed at half of it while the invocation runs. */
export const DEFAULT_LEASE_SECONDS = 60;
const MIN_POLL_MS = 100;
/** How long start() waits for storage before letting the host start anyway. */
const START_WAIT_MS = 5000;

interface InFlight {
  message: DequeuedMessageItem;
  popReceipt: string;
  renew: NodeJS.Timeout;
  done: Promise<void>;
}

export class QueueListener implements TriggerSource {
  private client: QueueClient | undefined;
  private poison: QueueClient | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<InFlight>();
  private delayMs = MIN_POLL_MS;
  private wake: (() => void) | undefined;

  constructor(
    readonly fn: RegisteredFunction,
    readonly queueName: string,
    private readonly connectionString: string,
    private readonly queues: QueueService,
    private readonly invoker: Invoker,
    private readonly logger: Logger,
    private readonly options: QueueListenerOptions,
  ) {}

  /**
   * Creates the queue if missing and starts polling. When storage does not answer within a few seconds the host
   * still starts (like the Functions host, whose listeners keep retrying) and the listener retries in the background.
   */
  async start(): Promise<void> {
    const connected = this.connect();
    const ready = await Promise.race([connected, sleep(START_WAIT_MS).then(() => false)]);
    if (!ready) this.logger.warn(`Queue ${this.queueName}: storage is not answering yet; the listener keeps trying`);
    this.loop = connected.then(() => this.run());
  }

  /** Resolves true once the queue exists (retrying with back-off), or false when stopped first. */
  private async connect(): Promise<boolean> {
    let delay = 1000;
    while (!this.stopped) {
      try {
        this.client = await this.queues.queue(this.connectionString, this.queueName);
        return true;
      } catch (err) {
        this.logger.warn(`Queue ${this.queueName}: cannot reach storage: ${(err as Error).message}`);
        await this.idle(delay);
        delay = Math.min(delay * 2, this.options.maxPollingIntervalMs || 60_000);
      }
    }
    return false;
  }

  /** Something was just written to this queue: poll now instead of waiting out the back-off. */
  notify(): void {
    this.delayMs = MIN_POLL_MS;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    const pending = [...this.inFlight];
    if (pending.length === 0) return;
    const finished = await Promise.race([
      Promise.all(pending.map((p) => p.done)).then(() => true),
      sleep(this.options.drainTimeoutMs).then(() => false),
    ]);
    if (finished) return;
    // Invocations still running: give their messages back so another host instance (or the next start) gets them.
    await Promise.all(
      [...this.inFlight].map(async (p) => {
        clearInterval(p.renew);
        this.inFlight.delete(p);
        await this.client!.updateMessage(p.message.messageId, p.popReceipt, undefined, 0).catch(() => undefined);
      }),
    );
  }

  private async run(): Promise<void> {
    const client = this.client;
    if (!client) return;
    while (!this.stopped) {
      if (this.inFlight.size > this.options.newBatchThreshold) {
        await this.idle(); // woken when an invocation finishes
        continue;
      }
      let messages: DequeuedMessageItem[] = [];
      try {
        const response = await client.receiveMessages({
          numberOfMessages: Math.min(32, Math.max(1, this.options.batchSize)),
          visibilityTimeout: this.options.leaseSeconds,
        });
        messages = response.receivedMessageItems;
      } catch (err) {
        this.logger.warn(`Queue ${this.queueName}: polling failed: ${(err as Error).message}`);
      }
      if (this.stopped) {
        // Fetched while stopping: return them untouched.
        await Promise.all(
          messages.map((m) => client.updateMessage(m.messageId, m.popReceipt, undefined, 0).catch(() => undefined)),
        );
        break;
      }
      if (messages.length > 0) {
        this.delayMs = MIN_POLL_MS;
        for (const message of messages) this.process(message);
        continue;
      }
      await this.idle(this.delayMs);
      this.delayMs = Math.min(this.delayMs * 2, Math.max(MIN_POLL_MS, this.options.maxPollingIntervalMs));
    }
  }

  private idle(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done(): void {
        if (timer) clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private process(message: DequeuedMessageItem): void {
    const entry = { message, popReceipt: message.popReceipt } as InFlight;
    entry.renew = setInterval(
      () => {
        this.client!.updateMessage(message.messageId, entry.popReceipt, undefined, this.options.leaseSeconds)
          .then((r) => {
            if (r.popReceipt) entry.popReceipt = r.popReceipt;
          })
          .catch((err: unknown) =>
            this.logger.warn(`Queue ${this.queueName}: could not extend visibility: ${(err as Error).message}`),
          );
      },
      (this.options.leaseSeconds * 1000) / 2,
    );
    entry.renew.unref();
    this.inFlight.add(entry);
    entry.done = this.handle(entry)
      .catch((err: unknown) =>
        this.logger.error(
          `Queue ${this.queueName}: message ${message.messageId} handling failed: ${(err as Error).message}`,
        ),
      )
      .finally(() => {
        clearInterval(entry.renew);
        this.inFlight.delete(entry);
        this.wake?.();
      });
  }

  private async handle(entry: InFlight): Promise<void> {
    const client = this.client!;
    const { message } = entry;
    if (message.dequeueCount > this.options.maxDequeueCount) {
      // Already failed often enough (e.g. a host died mid-invocation): poison without invoking, as the host does.
      await this.moveToPoison(entry);
      return;
    }
    const text = this.queues.decode(message.messageText);
    if (text === undefined) {
      this.logger.error(
        `Queue ${this.queueName}: message ${message.messageId} is not valid base64 (host.json messageEncoding is base64); moving it to ${this.queueName}-poison`,
      );
      await this.moveToPoison(entry);
      return;
    }
    let succeeded = false;
    try {
      await this.invoker.invoke(this.fn, {
        triggerData: { string: text },
        triggerMetadata: triggerMetadataOf(message, text, this.fn.metadata.name),
      });
      succeeded = true;
    } catch {
      // The invoker logged the failure (with its invocation id).
    }
    if (this.inFlight.has(entry) === false) return; // returned to the queue by stop() after the drain timeout
    clearInterval(entry.renew);
    if (succeeded) {
      await client.deleteMessage(message.messageId, entry.popReceipt);
    } else if (message.dequeueCount >= this.options.maxDequeueCount) {
      await this.moveToPoison(entry);
    } else {
      await client.updateMessage(
        message.messageId,
        entry.popReceipt,
        undefined,
        Math.ceil(this.options.visibilityTimeoutMs / 1000),
      );
    }
  }

  private async moveToPoison(entry: InFlight): Promise<void> {
    const poisonName = `${this.queueName}-poison`;
    this.poison ??= await this.queues.queue(this.connectionString, poisonName);
    await this.poison.sendMessage(entry.message.messageText);
    await this.client!.deleteMessage(entry.message.messageId, entry.popReceipt);
    this.logger.warn(
      `Message ${entry.message.messageId} on queue ${this.queueName} reached MaxDequeueCount of ${this.options.maxDequeueCount}: moved to ${poisonName}`,
    );
  }
}

/** Typed trigger metadata as the host sends it: numbers as int, dates as JSON strings, ids as strings. */
export function triggerMetadataOf(
  message: DequeuedMessageItem,
  text: string,
  functionName: string,
): Record<string, RpcTypedData> {
  const date = (d: Date | undefined): RpcTypedData => ({ json: JSON.stringify(d ? d.toISOString() : null) });
  return {
    DequeueCount: { int: message.dequeueCount },
    Id: { string: message.messageId },
    InsertionTime: date(message.insertedOn),
    ExpirationTime: date(message.expiresOn),
    NextVisibleTime: date(message.nextVisibleOn),
    PopReceipt: { string: message.popReceipt },
    QueueTrigger: { string: text },
    sys: {
      json: JSON.stringify({ MethodName: functionName, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }),
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
