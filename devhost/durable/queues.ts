/**
 * Queue plumbing shared by the orchestration and activity dispatchers: an adaptive poller (fast while busy, backing
 * off to ~1 s when idle, woken at once when this process enqueues work) and message leases (received messages stay
 * invisible while held; their visibility is extended until they are deleted or released).
 */
import type { QueueClient } from '@azure/storage-queue';
import type { Logger } from '../types';

export interface HeldMessage<T> {
  queue: QueueClient;
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  body: T;
  renewedAt: number;
  /** Visibility timeout of this message's lease, seconds. */
  leaseSeconds: number;
  /** Serialises renew/delete/release of this message (each changes or needs the pop receipt). */
  op: Promise<unknown>;
  released: boolean;
}

/**
 * Default visibility timeout of received messages, seconds. Leases are renewed while a message is held, so this only
 * bounds how long a crashed host's work stays invisible (DTFx uses 5 minutes; shorter suits local development).
 * host.json `extensions.durableTask.storageProvider.controlQueueVisibilityTimeout` / `workItemQueueVisibilityTimeout`.
 */
export const DEFAULT_LEASE_SECONDS = 30;

export class MessageLeases {
  private readonly held = new Set<HeldMessage<unknown>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly logger: Logger) {}

  start(): void {
    this.timer = setInterval(() => this.renewDue(), 1_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async receive<T>(
    queue: QueueClient,
    count: number,
    parse: (text: string) => T | undefined,
    leaseSeconds = DEFAULT_LEASE_SECONDS,
    /** Turns a stored-elsewhere reference into the message text (large messages). */
    expand: (text: string) => Promise<string> = async (text) => text,
  ): Promise<HeldMessage<T>[]> {
    const response = await queue.receiveMessages({ numberOfMessages: count, visibilityTimeout: leaseSeconds });
    const out: HeldMessage<T>[] = [];
    for (const item of response.receivedMessageItems) {
      let body: T | undefined;
      try {
        body = parse(await expand(item.messageText));
      } catch {
        body = undefined;
      }
      const held: HeldMessage<T> = {
        queue,
        messageId: item.messageId,
        popReceipt: item.popReceipt,
        dequeueCount: item.dequeueCount,
        body: body as T,
        renewedAt: Date.now(),
        leaseSeconds,
        op: Promise.resolve(),
        released: false,
      };
      if (body === undefined) {
        this.logger.warn(`Discarding unreadable message ${item.messageId} on queue ${queue.name}`);
        await this.delete(held);
        continue;
      }
      this.held.add(held as HeldMessage<unknown>);
      out.push(held);
    }
    return out;
  }

  /** Deletes a processed message (idempotent; a message already gone is fine). */
  delete(message: HeldMessage<unknown>): Promise<void> {
    return this.chain(message, async () => {
      if (message.released) return;
      message.released = true;
      this.held.delete(message);
      try {
        await message.queue.deleteMessage(message.messageId, message.popReceipt);
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status !== 404)
          this.logger.warn(`Could not delete message ${message.messageId}: ${(err as Error).message}`);
      }
    });
  }

  /** Gives a message back to the queue, visible again after `delaySeconds`. */
  release(message: HeldMessage<unknown>, delaySeconds = 0): Promise<void> {
    return this.chain(message, async () => {
      if (message.released) return;
      message.released = true;
      this.held.delete(message);
      try {
        await message.queue.updateMessage(
          message.messageId,
          message.popReceipt,
          undefined,
          Math.max(0, Math.round(delaySeconds)),
        );
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status !== 404)
          this.logger.warn(`Could not release message ${message.messageId}: ${(err as Error).message}`);
      }
    });
  }

  /** Forgets a message without touching the queue (its lease simply runs out). */
  forget(message: HeldMessage<unknown>): void {
    message.released = true;
    this.held.delete(message);
  }

  private renewDue(): void {
    const now = Date.now();
    for (const message of this.held) {
      // Renew a third of the way into the lease, leaving room for a slow storage round trip.
      if (now - message.renewedAt < (message.leaseSeconds * 1000) / 3) continue;
      message.renewedAt = now;
      void this.chain(message, async () => {
        if (message.released) return;
        try {
          const r = await message.queue.updateMessage(
            message.messageId,
            message.popReceipt,
            undefined,
            message.leaseSeconds,
          );
          if (r.popReceipt) message.popReceipt = r.popReceipt;
        } catch (err) {
          // The lease lapsed and the message went to another receiver (its copy is deduplicated there): let it go.
          this.logger.warn(`Could not extend the lease of message ${message.messageId}: ${(err as Error).message}`);
          const status = (err as { statusCode?: number }).statusCode;
          if (status === 400 || status === 404) this.forget(message);
        }
      });
    }
  }

  private chain(message: HeldMessage<unknown>, fn: () => Promise<void>): Promise<void> {
    const next = message.op.then(fn, fn);
    message.op = next.catch(() => undefined);
    return next;
  }
}

/** What one poll did: received `received` of the `asked` messages, or had no capacity to take any. */
export type PollResult = { received: number; asked: number } | 'noCapacity';

/**
 * Calls `poll` in a loop. A full batch means more may be waiting: poll again at once. A partial batch means the
 * queue was drained: wait for {@link wake} (this process enqueued work) or the backoff, instead of spending a request
 * to confirm it is empty. Empty polls back off exponentially from `minDelayMs` to `maxDelayMs`. With no capacity the
 * loop waits for {@link wakeIfBlocked}.
 */
export class Poller {
  private delay = 0;
  private running = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private loop: Promise<void> | undefined;
  /** The last poll found no capacity: the poller waits for {@link wakeIfBlocked}. */
  private blocked = false;

  constructor(
    private readonly name: string,
    private readonly poll: () => Promise<PollResult>,
    private readonly logger: Logger,
    /** Messages this process enqueues wake the poller; the backoff only finds other processes' (and released) ones. */
    private readonly minDelayMs = 50,
    private readonly maxDelayMs = 1_000,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Capacity was freed: poll again now if the poller was waiting for that. */
  wakeIfBlocked(): void {
    if (this.blocked) this.wake();
  }

  /** Poll again now (new work was enqueued by this process, or capacity was freed). */
  wake(): void {
    this.delay = 0;
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let result: PollResult = { received: 0, asked: 1 };
      try {
        result = await this.poll();
      } catch (err) {
        if (this.running) this.logger.warn(`[durable] polling ${this.name} failed: ${(err as Error).message}`);
        this.delay = Math.max(this.delay, 500);
      }
      this.blocked = result === 'noCapacity';
      if (!this.running) break;
      if (result !== 'noCapacity' && result.received > 0 && result.received >= result.asked) {
        this.delay = 0;
        continue;
      }
      if (this.woken) continue;
      let wait: number;
      if (result === 'noCapacity') wait = this.maxDelayMs;
      else if (result.received > 0) wait = this.delay = this.minDelayMs;
      else wait = this.delay = this.delay === 0 ? this.minDelayMs : Math.min(this.maxDelayMs, this.delay * 2);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, wait);
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.wakeUp = done;
      });
      this.wakeUp = undefined;
    }
  }
}
