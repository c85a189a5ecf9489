/**
 * Activity work items (reference §5): dequeue, run the activity function through the worker invoker, report
 * TaskCompleted / TaskFailed to the instance's control queue, then delete the work item. A crash after the activity
 * ran but before its result was enqueued runs it again (at-least-once): activities must be idempotent.
 */
import { InvocationError, type RpcTypedData } from '../types';
import { EventType, newEvent, type FailureDetailsPayload, type HistoryEvent } from './history';
import type { Hub } from './hub';
import { MessageLeases, Poller, type HeldMessage, type PollResult } from './queues';
import type { WorkItemMessage } from './store';

export function parseWorkItem(text: string): WorkItemMessage | undefined {
  const body = JSON.parse(text) as WorkItemMessage;
  if (!body || typeof body.instanceId !== 'string' || typeof body.taskScheduledId !== 'number') return undefined;
  return body;
}

/**
 * The activity trigger's data for a TaskScheduled input. The SDK JSON-encodes string inputs once more than other
 * values (reference §2.3 quirk); handing the decoded string to the library (which JSON-parses `string` data) gives the
 * handler exactly the value passed to callActivity.
 */
export function activityTriggerData(input: string | null): RpcTypedData {
  if (input === null || input === undefined) return {};
  const value: unknown = JSON.parse(input);
  if (typeof value === 'string') return { string: value };
  return { string: input };
}

/** The activity's return value as TaskCompleted.Result (JSON text, or null for undefined/null). */
export function activityResult(data: RpcTypedData | null | undefined): string | null {
  if (!data) return null;
  let value: unknown;
  if (data.string !== undefined && data.string !== null) value = data.string;
  else if (data.json !== undefined && data.json !== null) value = JSON.parse(data.json);
  else if (data.int !== undefined && data.int !== null) value = Number(data.int);
  else if (data.double !== undefined && data.double !== null) value = data.double;
  else if (data.bytes) value = Buffer.from(data.bytes).toString('base64');
  else if (data.collectionString?.string) value = data.collectionString.string;
  else if (data.collectionDouble?.double) value = data.collectionDouble.double;
  else if (data.collectionSint64?.sint64) value = data.collectionSint64.sint64.map(Number);
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/** TaskFailed fields for an activity error (reference §5), with FailureDetails when the app registered a provider. */
export function activityFailure(
  name: string,
  message: string,
  stack: string | undefined,
): Pick<HistoryEvent, 'Reason' | 'Details' | 'FailureDetails'> {
  let details: FailureDetailsPayload | null = null;
  let text = message;
  try {
    const parsed = JSON.parse(message) as Record<string, unknown>;
    if (
      parsed &&
      typeof parsed.errorType === 'string' &&
      typeof parsed.errorMessage === 'string' &&
      'properties' in parsed
    ) {
      details = {
        ErrorType: parsed.errorType,
        ErrorMessage: parsed.errorMessage,
        StackTrace: typeof parsed.stackTrace === 'string' ? parsed.stackTrace : null,
        IsNonRetriable: parsed.isNonRetriable === true,
        Properties: (parsed.properties as Record<string, unknown>) ?? null,
      };
      text = parsed.errorMessage;
    }
  } catch {
    // a plain message
  }
  return { Reason: `Activity function '${name}' failed: ${text}`, Details: stack ?? '', FailureDetails: details };
}

/** How many finished work items this process remembers to drop their duplicates. */
const RECENT_LIMIT = 10_000;

export class ActivityDispatcher {
  private readonly poller: Poller;
  private active = 0;
  /** Work items (instance|execution|task id) running now or finished recently in this process. */
  private readonly running = new Set<string>();
  private readonly recent = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly hub: Hub,
    private readonly leases: MessageLeases,
  ) {
    this.poller = new Poller('workitems', () => this.poll(), hub.logger);
    hub.onWorkEnqueued = () => this.poller.wake();
  }

  start(): void {
    this.stopping = false;
    this.poller.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.poller.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  private async poll(): Promise<PollResult> {
    const free = this.hub.settings.maxConcurrentActivities - this.active;
    if (free <= 0) return 'noCapacity';
    const asked = Math.min(32, free);
    const messages = await this.leases.receive(
      this.hub.store.workItems,
      asked,
      parseWorkItem,
      this.hub.settings.workItemLeaseSeconds,
      this.hub.expand,
    );
    for (const m of messages) {
      this.active++;
      const run = this.execute(m)
        .catch((err: unknown) => {
          this.hub.logger.error(`[durable] work item ${m.messageId} failed: ${(err as Error).stack ?? String(err)}`);
          return this.leases.release(m, 1);
        })
        .finally(() => {
          this.active--;
          this.inFlight.delete(run);
          if (!this.stopping) this.poller.wakeIfBlocked();
        });
      this.inFlight.add(run);
    }
    return { received: messages.length, asked };
  }

  /**
   * After a crash an episode may re-send work items whose originals were already sent (it cannot tell), and the
   * originals come back when their leases lapse. Drop a work item this process is running or has just finished, and
   * check history for redelivered ones (dequeueCount > 1) whose task is already complete.
   */
  private async alreadyDone(message: HeldMessage<WorkItemMessage>): Promise<boolean> {
    if (message.dequeueCount <= 1) return false;
    const item = message.body;
    const history = await this.hub.store.loadHistory(item.instanceId);
    if (history.executionId !== item.executionId) return true;
    return history.events.some(
      (e) =>
        (e.EventType === EventType.TaskCompleted || e.EventType === EventType.TaskFailed) &&
        e.TaskScheduledId === item.taskScheduledId,
    );
  }

  private async execute(message: HeldMessage<WorkItemMessage>): Promise<void> {
    const item = message.body;
    const key = `${item.instanceId}|${item.executionId}|${item.taskScheduledId}`;
    const drop = async () => {
      this.hub.logger.log(
        'debug',
        `[durable] dropping duplicate work item for '${item.instanceId}' task ${item.taskScheduledId}`,
      );
      await this.leases.delete(message);
    };
    if (this.running.has(key) || this.recent.has(key)) return drop();
    // Claim the task before any await, so a copy in the same batch sees it.
    this.running.add(key);
    try {
      if (await this.alreadyDone(message)) return await drop();
      await this.run(message);
      // Only a work item whose result was enqueued counts as done (a failed one is released and runs again).
      this.recent.add(key);
      if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.values().next().value as string);
    } finally {
      this.running.delete(key);
    }
  }

  private async run(message: HeldMessage<WorkItemMessage>): Promise<void> {
    const item = message.body;
    const fn = this.hub.findFunction(item.name, 'activityTrigger');
    let event: HistoryEvent;
    if (!fn) {
      event = newEvent(EventType.TaskFailed, new Date(), {
        TaskScheduledId: item.taskScheduledId,
        Reason: `Activity function '${item.name}' failed: The function '${item.name}' doesn't exist, is disabled, or is not an activity function.`,
        Details: '',
        FailureDetails: null,
      });
    } else {
      try {
        const result = await this.hub.ctx.invoker.invoke(fn, { triggerData: activityTriggerData(item.input) });
        event = newEvent(EventType.TaskCompleted, new Date(), {
          TaskScheduledId: item.taskScheduledId,
          Result: activityResult(result.returnValue),
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const stack = err instanceof InvocationError ? err.stackTrace : err instanceof Error ? err.stack : undefined;
        event = newEvent(EventType.TaskFailed, new Date(), {
          TaskScheduledId: item.taskScheduledId,
          ...activityFailure(fn.metadata.name, message, stack),
        });
      }
    }
    await this.hub.send([
      {
        queue: 'control',
        instanceId: item.instanceId,
        body: { mid: this.hub.newId(), instanceId: item.instanceId, executionId: item.executionId, event },
      },
    ]);
    await this.leases.delete(message);
  }
}
