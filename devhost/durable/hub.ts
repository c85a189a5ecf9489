/**
 * What the dispatchers and the HTTP API share: the store, the app's durable functions, and message sending
 * (which also wakes this process's own pollers when a message becomes visible, at once or when a near timer is due,
 * so in-process hand-offs wait for no poll interval and idle polling only has to find other processes' messages).
 */
import { randomUUID } from 'node:crypto';
import type { HostContext, Logger, RegisteredFunction } from '../types';
import { partitionOf } from './naming';
import type { Outbound, TaskHubStore } from './store';

/** Azure queues cap visibility delays at 7 days; longer timers are re-enqueued when they surface early. */
export const MAX_VISIBILITY_SECONDS = 7 * 24 * 3600;
const PRECISE_TIMER_WINDOW_MS = 120_000;
/** Messages above this size (UTF-8 bytes, before the queue's XML encoding) are stored in the history table. */
const LARGE_MESSAGE_BYTES = 45_000;

export interface DurableSettings {
  maxConcurrentActivities: number;
  maxConcurrentOrchestrations: number;
  maximumShortTimer: string;
  longRunningTimerInterval: string;
  /** Lease (visibility timeout) of received control-queue / work-item messages, seconds. */
  controlLeaseSeconds: number;
  workItemLeaseSeconds: number;
}

export class Hub {
  /** Called after a message becomes visible on a control partition / the work-item queue. */
  onControlEnqueued: (partition: number) => void = () => undefined;
  onWorkEnqueued: () => void = () => undefined;
  private readonly pendingReveals = new Set<NodeJS.Timeout>();

  constructor(
    readonly ctx: HostContext,
    readonly store: TaskHubStore,
    readonly settings: DurableSettings,
  ) {}

  get logger(): Logger {
    return this.ctx.logger;
  }

  newId(): string {
    return randomUUID().replace(/-/g, '');
  }

  partitionOf(instanceId: string): number {
    return partitionOf(instanceId, this.store.partitionCount());
  }

  /** The registered function of the given trigger type, matched case-insensitively as the host does. */
  findFunction(name: string, triggerType: 'orchestrationTrigger' | 'activityTrigger'): RegisteredFunction | undefined {
    const lower = name.toLowerCase();
    return this.ctx.functions.find(
      (f) => f.metadata.name.toLowerCase() === lower && f.trigger.type.toLowerCase() === triggerType.toLowerCase(),
    );
  }

  async send(messages: Outbound[]): Promise<void> {
    await Promise.all(messages.map((m) => this.sendOne(m)));
  }

  /**
   * Queue messages hold 64 KiB: a larger one is stored as a row of the instance's history partition (outside the
   * history proper) and the message carries a reference, as DTFx does with its large-message blobs.
   */
  private async encode(message: Outbound): Promise<string> {
    const text = JSON.stringify(message.body);
    if (Buffer.byteLength(text, 'utf8') <= LARGE_MESSAGE_BYTES) return text;
    const rowKey = `large-${message.body.mid}`;
    await this.store.putLargeMessage(message.body.instanceId, rowKey, text);
    return JSON.stringify({ largeMessage: { instanceId: message.body.instanceId, rowKey } });
  }

  /** Reverses {@link encode} for a received message text. */
  readonly expand = async (text: string): Promise<string> => {
    if (!text.startsWith('{"largeMessage":')) return text;
    const ref = (JSON.parse(text) as { largeMessage: { instanceId: string; rowKey: string } }).largeMessage;
    return this.store.getLargeMessage(ref.instanceId, ref.rowKey);
  };

  private async sendOne(message: Outbound): Promise<void> {
    const text = await this.encode(message);
    if (message.queue === 'work') {
      await this.store.workItems.sendMessage(text);
      this.onWorkEnqueued();
      return;
    }
    const partition = this.partitionOf(message.instanceId);
    const delayMs = message.visibleAt ? new Date(message.visibleAt).getTime() - Date.now() : 0;
    const delaySeconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
    const queue = this.store.controlQueueFor(partition);
    const sent = await queue.sendMessage(text, delaySeconds > 0 ? { visibilityTimeout: delaySeconds } : {});
    if (delaySeconds === 0) {
      this.onControlEnqueued(partition);
    } else if (delayMs < PRECISE_TIMER_WINDOW_MS && delayMs < delaySeconds * 1000 - 5) {
      // Queue delays have whole-second granularity: surface a near timer at its exact time from this process. Should
      // the process die first, the message still surfaces when its (rounded-up) delay ends.
      this.later(delayMs, () =>
        queue
          .updateMessage(sent.messageId, sent.popReceipt, undefined, 0)
          .then(() => this.onControlEnqueued(partition))
          .catch(() => undefined),
      );
    } else if (delayMs < PRECISE_TIMER_WINDOW_MS) {
      // Surfaces on its own at the whole second: wake the poller then, rather than leave it to the idle backoff.
      this.later(delaySeconds * 1000, () => this.onControlEnqueued(partition));
    }
  }

  /** Runs `fn` after `ms` from this process, unless {@link dispose} comes first (never keeps the process alive). */
  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.pendingReveals.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.pendingReveals.add(timer);
  }

  /** Cancels the in-process reveals and wakes of near timers (their messages surface on their own). */
  dispose(): void {
    for (const t of this.pendingReveals) clearTimeout(t);
    this.pendingReveals.clear();
  }
}
