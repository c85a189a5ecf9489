/**
 * Orchestration episodes (reference §2.4–§2.6, §6). Control-queue messages are gathered per instance; one episode
 * at a time per instance: load history → OrchestratorStarted + new events → run the orchestrator through the
 * worker invoker → host-side replay assigns sequence ids and finds new work → commit history (sentinel ETag) →
 * instance row → outbound messages → delete consumed messages. Every step is safe to repeat after a crash.
 */
import { InvocationError, type RpcTypedData } from '../types';
import { fromTypedData } from '../invoker';
import {
  EventType,
  OrchestrationStatus,
  newEvent,
  summarize,
  toWireEvent,
  type ExecutionSummary,
  type HistoryEvent,
  type RuntimeStatus,
} from './history';
import type { Hub } from './hub';
import { MessageLeases, Poller, type HeldMessage, type PollResult } from './queues';
import { ActionType, replay, timeSpanMs, type Decision } from './replayer';
import { ConcurrencyConflictError, type ControlMessage, type LoadedHistory, type Outbound } from './store';

/** What the SDK returns from an orchestrator invocation (reference §2.3). */
export interface OrchestratorStateWire {
  isDone: boolean;
  actions: unknown;
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

const OUT_OF_PROC_LABEL = '$OutOfProcData$:';
const MAX_PENDING_MESSAGES = 5_000;
const CACHE_LIMIT = 2_000;

interface InstanceState extends LoadedHistory {
  /** True once this process has sent the outbox of the last episode. */
  outboxSent: boolean;
  /** What this process last wrote to the instance row (to skip writes that change nothing). */
  row?: { status: RuntimeStatus; customStatus: string | null | undefined };
}

export function parseControlMessage(text: string): ControlMessage | undefined {
  const body = JSON.parse(text) as ControlMessage;
  if (!body || typeof body.instanceId !== 'string' || !body.event || typeof body.event.EventType !== 'number') {
    return undefined;
  }
  return body;
}

/** Splits an orchestrator failure message into the user's error and the state the SDK attached. */
export function parseOrchestratorFailure(message: string): { error: string; state?: OrchestratorStateWire } {
  const at = message.lastIndexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return { error: message };
  const error = message.slice(0, at).replace(/\s+$/, '');
  try {
    const state = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as OrchestratorStateWire;
    return { error: state.error ?? error, state };
  } catch {
    return { error };
  }
}

function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class OrchestrationDispatcher {
  private readonly pending = new Map<string, HeldMessage<ControlMessage>[]>();
  private pendingCount = 0;
  private readonly locked = new Set<string>();
  private active = 0;
  private readonly cache = new Map<string, InstanceState>();
  private readonly pollers: Poller[];
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxShortTimerMs: number;
  private readonly longTimerIntervalMs: number;

  constructor(
    private readonly hub: Hub,
    private readonly leases: MessageLeases,
  ) {
    this.pollers = hub.store.controlQueues.map(
      (_, partition) => new Poller(`control-${partition}`, () => this.poll(partition), hub.logger),
    );
    hub.onControlEnqueued = (partition) => this.pollers[partition]?.wake();
    this.maxShortTimerMs = timeSpanMs(hub.settings.maximumShortTimer);
    this.longTimerIntervalMs = timeSpanMs(hub.settings.longRunningTimerInterval);
  }

  start(): void {
    this.stopping = false;
    for (const p of this.pollers) p.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.pollers.map((p) => p.stop()));
    await Promise.allSettled([...this.inFlight]);
    // Messages received but not processed go back to their queues at once.
    const left = [...this.pending.values()].flat();
    this.pending.clear();
    await Promise.all(left.map((m) => this.leases.release(m, 0)));
  }

  private async poll(partition: number): Promise<PollResult> {
    if (this.pendingCount >= MAX_PENDING_MESSAGES) return 'noCapacity';
    const asked = 32;
    const messages = await this.leases.receive(
      this.hub.store.controlQueueFor(partition),
      asked,
      parseControlMessage,
      this.hub.settings.controlLeaseSeconds,
      this.hub.expand,
    );
    for (const m of messages) {
      const list = this.pending.get(m.body.instanceId);
      if (list) list.push(m);
      else this.pending.set(m.body.instanceId, [m]);
      this.pendingCount++;
    }
    if (messages.length > 0) this.dispatch();
    return { received: messages.length, asked };
  }

  private dispatch(): void {
    if (this.stopping) return;
    for (const [instanceId, messages] of this.pending) {
      if (this.active >= this.hub.settings.maxConcurrentOrchestrations) return;
      if (this.locked.has(instanceId)) continue;
      this.pending.delete(instanceId);
      this.pendingCount -= messages.length;
      this.locked.add(instanceId);
      this.active++;
      const run = this.runEpisode(instanceId, messages)
        .catch((err: unknown) => {
          this.hub.logger.error(`[durable] episode of '${instanceId}' failed: ${(err as Error).stack ?? String(err)}`);
          this.cache.delete(instanceId);
          // The messages become visible again when their leases lapse; give them back sooner.
          return Promise.all(messages.map((m) => this.leases.release(m, 1))).then(() => undefined);
        })
        .finally(() => {
          this.locked.delete(instanceId);
          this.active--;
          this.inFlight.delete(run);
          if (this.pending.has(instanceId) || this.pendingCount > 0) this.dispatch();
          if (this.pendingCount < MAX_PENDING_MESSAGES) for (const p of this.pollers) p.wakeIfBlocked();
        });
      this.inFlight.add(run);
    }
  }

  private async loadState(instanceId: string): Promise<InstanceState> {
    const cached = this.cache.get(instanceId);
    if (cached) return cached;
    const loaded = await this.hub.store.loadHistory(instanceId);
    return { ...loaded, outboxSent: false };
  }

  private remember(state: InstanceState, finished: boolean): void {
    this.cache.delete(state.instanceId);
    if (finished) return;
    this.cache.set(state.instanceId, state);
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  /** One episode for one instance: triage the messages, run the orchestrator on the new events, commit. */
  private async runEpisode(instanceId: string, received: HeldMessage<ControlMessage>[]): Promise<void> {
    const nowMs = Date.now();
    const messages = await this.deferEarlyTimers(instanceId, received, nowMs);
    if (messages.length === 0) return;

    let state = await this.loadState(instanceId);
    const redelivered = messages.some((m) => state.outboxMids.includes(m.body.mid));
    if (!state.outboxSent) {
      // Loaded from storage (a restart, or evicted from the cache): the last episode committed but may have died
      // before sending its outbound messages. Send what is still open now, whatever message woke the instance —
      // waiting for the episode's own messages to come back is not enough: another message (an event, a timer) can
      // arrive first, and its episode would replace the outbox and lose the work for good. A message that was in
      // fact sent is sent twice, and its work deduplicated by history (activities run at least once).
      await this.resendOutbox(state, messages);
    }

    let summary = summarize(state.events);
    const now = episodeTime(state.events, nowMs);
    const { kept, drop, later, reset } = this.triage(instanceId, state, summary, messages);
    for (const m of later) await this.leases.release(m, m.dequeueCount < 5 ? 0 : 1);

    if (reset) {
      // A new execution (first start, restart of a finished instance, or continue-as-new): history starts over.
      state = {
        instanceId,
        events: [],
        executionId: undefined,
        etag: state.etag,
        outbox: [],
        outboxMids: [],
        outboxSent: true,
      };
      summary = summarize([]);
    }

    const executionId = reset
      ? (reset.event.OrchestrationInstance?.ExecutionId ?? this.hub.newId())
      : (state.executionId as string);
    const previous = reset ? [] : state.events;
    const newEvents: HistoryEvent[] = [newEvent(EventType.OrchestratorStarted, now)];
    if (reset) newEvents.push({ ...reset.event, IsPlayed: false, _mid: reset.mid });
    const accepted = acceptEvents(kept, executionId, summary);
    newEvents.push(...accepted.events);
    const { terminate, suspended } = accepted;

    const started = reset ? newEvents[1] : summary.started;
    const realNews = newEvents.length > 1 || !!terminate;
    if (!started || (!realNews && !reset)) {
      // Only duplicates (or messages for a finished execution): make sure the instance row reflects history.
      if (redelivered && started) await this.writeInstanceRow(instanceId, executionId, state.events, undefined, now);
      await Promise.all(drop.map((m) => this.leases.delete(m)));
      this.remember(state, !!summary.completed);
      return;
    }

    const draft: EpisodeDraft = {
      instanceId,
      executionId,
      started,
      name: started.Name ?? '',
      now,
      newEvents,
      outbox: [],
      newId: () => this.hub.newId(),
    };
    let customStatus: string | null | undefined;
    let finalStatus: RuntimeStatus = suspended ? 'Suspended' : 'Running';
    if (terminate) {
      newEvents.push(terminate);
      completeExecution(draft, OrchestrationStatus.Terminated, terminate.Input ?? null);
      finalStatus = 'Terminated';
    } else if (!suspended) {
      ({ customStatus, finalStatus } = await this.decide(draft, previous, finalStatus));
    }
    newEvents.push(newEvent(EventType.OrchestratorCompleted, now));
    await this.commit(state, draft, { previous, drop, reset: !!reset, customStatus, finalStatus });
  }

  /** Timers that surface before their time (queue delays are capped at 7 days) go back for the rest of the wait. */
  private async deferEarlyTimers(
    instanceId: string,
    received: HeldMessage<ControlMessage>[],
    nowMs: number,
  ): Promise<HeldMessage<ControlMessage>[]> {
    const messages: HeldMessage<ControlMessage>[] = [];
    for (const m of received) {
      const fireAt = m.body.event.EventType === EventType.TimerFired ? Date.parse(String(m.body.event.FireAt)) : NaN;
      if (!Number.isNaN(fireAt) && fireAt > nowMs) {
        await this.hub.send([
          { queue: 'control', instanceId, body: m.body, visibleAt: new Date(fireAt).toISOString() },
        ]);
        await this.leases.delete(m);
      } else {
        messages.push(m);
      }
    }
    return messages;
  }

  /**
   * Sorts an episode's messages: the events to apply (`kept`), a new execution's start (`reset`), those to come back
   * later (nothing started yet), and every message this episode consumes (`drop`: applied, duplicate or refused).
   */
  private triage(
    instanceId: string,
    state: InstanceState,
    summary: ExecutionSummary,
    messages: HeldMessage<ControlMessage>[],
  ): {
    kept: ControlMessage[];
    drop: HeldMessage<ControlMessage>[];
    later: HeldMessage<ControlMessage>[];
    reset: ControlMessage | undefined;
  } {
    const hub = this.hub;
    const kept: ControlMessage[] = [];
    const drop: HeldMessage<ControlMessage>[] = [];
    const later: HeldMessage<ControlMessage>[] = [];
    let reset: ControlMessage | undefined;
    const seenMids = new Set<string>();

    // A start (new execution) is handled first, so the other messages of the batch apply to it.
    const isStart = (m: HeldMessage<ControlMessage>) => (m.body.event.EventType === EventType.ExecutionStarted ? 1 : 0);
    messages.sort((a, b) => isStart(b) - isStart(a));
    for (const m of messages) {
      const body = m.body;
      const e = body.event;
      if (summary.messageIds.has(body.mid) || seenMids.has(body.mid)) {
        drop.push(m);
        continue;
      }
      if (e.EventType === EventType.ExecutionStarted) {
        const newExecutionId = e.OrchestrationInstance?.ExecutionId;
        if (state.executionId === newExecutionId || reset) {
          drop.push(m);
        } else if (!state.executionId || summary.completed) {
          reset = body;
          seenMids.add(body.mid);
          drop.push(m);
        } else {
          hub.logger.warn(
            `[durable] ignoring a start of '${instanceId}' (execution ${newExecutionId}) while execution ${state.executionId} is running`,
          );
          drop.push(m);
        }
        continue;
      }
      const continuing =
        summary.completed?.OrchestrationStatus === OrchestrationStatus.ContinuedAsNew && !body.executionId;
      if ((!state.executionId || continuing) && !reset) {
        // Nothing started yet, or the next execution of a continue-as-new is about to: try again shortly.
        if (m.dequeueCount > 50) {
          hub.logger.warn(
            `[durable] dropping a ${EventType[e.EventType]} message for unknown instance '${instanceId}'`,
          );
          drop.push(m);
        } else later.push(m);
        continue;
      }
      kept.push(body);
      seenMids.add(body.mid);
      drop.push(m);
    }

    return { kept, drop, later, reset };
  }

  /** Runs the orchestrator over the episode's history and turns its actions into scheduled work or its end. */
  private async decide(
    draft: EpisodeDraft,
    previous: HistoryEvent[],
    running: RuntimeStatus,
  ): Promise<{ customStatus: string | null | undefined; finalStatus: RuntimeStatus }> {
    const { instanceId, executionId, started, name, now, newEvents, outbox } = draft;
    let customStatus: string | null | undefined;
    let finalStatus = running;
    const history = [...previous.map((e) => ({ ...e, IsPlayed: true })), ...newEvents];
    const outcome = await this.invokeOrchestrator(instanceId, name, started, history, previous.length > 0);
    if (outcome.kind === 'missing') {
      completeExecution(draft, OrchestrationStatus.Failed, outcome.error);
      finalStatus = 'Failed';
    } else {
      const orchestratorState = outcome.state;
      if (orchestratorState.customStatus !== undefined) customStatus = JSON.stringify(orchestratorState.customStatus);
      else customStatus = null;
      const result = replay(history, orchestratorState.actions, {
        executionId,
        maximumShortTimerMs: this.maxShortTimerMs,
        longRunningTimerIntervalMs: this.longTimerIntervalMs,
      });
      const unsupported = result.decisions.find((d) => d.kind === 'unsupported');
      const failure =
        result.nonDeterminism.length > 0
          ? `Non-deterministic workflow detected: ${result.nonDeterminism.join(' ')}`
          : unsupported
            ? `The devhost does not support ${ActionType[unsupported.actionType] ?? `action type ${unsupported.actionType}`} actions.`
            : outcome.kind === 'failed'
              ? outcome.error
              : undefined;
      for (const decision of result.decisions) {
        if (decision.kind === 'unsupported') continue;
        this.schedule(decision, instanceId, executionId, name, now, newEvents, outbox);
      }
      if (failure !== undefined) {
        completeExecution(draft, OrchestrationStatus.Failed, `Orchestrator function '${name}' failed: ${failure}`);
        finalStatus = 'Failed';
      } else if (orchestratorState.isDone) {
        if (result.continueAsNew) {
          const input = result.continueAsNew.input;
          completeExecution(draft, OrchestrationStatus.ContinuedAsNew, input);
          const nextExecution = this.hub.newId();
          const startEvent = newEvent(EventType.ExecutionStarted, now, {
            OrchestrationInstance: { InstanceId: instanceId, ExecutionId: nextExecution },
            ParentInstance: started.ParentInstance ?? null,
            Name: name,
            Version: started.Version ?? '',
            Input: input,
          });
          outbox.push({
            queue: 'control',
            instanceId,
            body: { mid: this.hub.newId(), instanceId, executionId: nextExecution, event: startEvent },
          });
          // Events nobody waited for are carried over to the new execution. Like a raised event they name no
          // execution: the queue may hand one out before the start, or after the new execution has itself
          // continued as new, and it must reach whichever execution is current then.
          for (const carried of result.unconsumedEvents) {
            outbox.push({
              queue: 'control',
              instanceId,
              body: {
                mid: this.hub.newId(),
                instanceId,
                executionId: null,
                event: newEvent(EventType.EventRaised, carried.Timestamp, {
                  Name: carried.Name,
                  Input: carried.Input,
                }),
              },
            });
          }
          finalStatus = 'Running';
        } else {
          const output = orchestratorState.output === undefined ? null : JSON.stringify(orchestratorState.output);
          completeExecution(draft, OrchestrationStatus.Completed, output);
          finalStatus = 'Completed';
        }
      }
    }
    return { customStatus, finalStatus };
  }

  /** Commit: history (guarded) → instance row → outbound messages → delete consumed messages. */
  private async commit(
    state: InstanceState,
    draft: EpisodeDraft,
    o: {
      previous: HistoryEvent[];
      drop: HeldMessage<ControlMessage>[];
      reset: boolean;
      customStatus: string | null | undefined;
      finalStatus: RuntimeStatus;
    },
  ): Promise<void> {
    const hub = this.hub;
    const { instanceId, executionId, name, now, newEvents, outbox } = draft;
    const { previous, drop, reset, customStatus, finalStatus } = o;
    const consumedMids = drop.map((m) => m.body.mid);
    let etag: string | undefined;
    try {
      etag = await hub.store.commitHistory({
        instanceId,
        executionId,
        previousEtag: state.etag,
        previousCount: previous.length,
        newEvents,
        outbox,
        outboxMids: consumedMids,
      });
      // Fault injection for the recovery tests: die between the commit and the sends, the window resendOutbox covers.
      if (process.env.DEVHOST_CRASH_AFTER_COMMIT === name && outbox.length > 0) process.kill(process.pid, 'SIGKILL');
    } catch (err) {
      if (err instanceof ConcurrencyConflictError) {
        hub.logger.warn(`[durable] ${err.message}; the episode will be retried`);
        this.cache.delete(instanceId);
        await Promise.all(drop.map((m) => this.leases.release(m, 1)));
        return;
      }
      throw err;
    }
    const allEvents = [...previous, ...newEvents].map((e) => ({ ...e, IsPlayed: true }));
    const finished = finalStatus === 'Completed' || finalStatus === 'Failed' || finalStatus === 'Terminated';
    // The row changes only with the status, the custom status or a new execution; skip rewriting an identical row.
    const rowUnchanged =
      !reset &&
      state.row !== undefined &&
      state.row.status === finalStatus &&
      (customStatus === undefined || customStatus === state.row.customStatus) &&
      !newEvents.some((e) => e.EventType === EventType.ExecutionCompleted);
    if (!rowUnchanged) await this.writeInstanceRow(instanceId, executionId, allEvents, customStatus, now, finalStatus);
    await hub.send(outbox);
    await Promise.all(drop.map((m) => this.leases.delete(m)));
    this.remember(
      {
        instanceId,
        events: allEvents,
        executionId,
        etag,
        outbox,
        outboxMids: consumedMids,
        outboxSent: true,
        row: { status: finalStatus, customStatus: customStatus === undefined ? state.row?.customStatus : customStatus },
      },
      finished || !etag,
    );
  }

  private schedule(
    decision: Exclude<Decision, { kind: 'unsupported' }>,
    instanceId: string,
    executionId: string,
    orchestratorName: string,
    now: Date,
    newEvents: HistoryEvent[],
    outbox: Outbound[],
  ): void {
    const hub = this.hub;
    switch (decision.kind) {
      case 'activity':
        newEvents.push(
          newEvent(EventType.TaskScheduled, now, {
            EventId: decision.id,
            Name: decision.name,
            Version: decision.version,
            Input: decision.input,
          }),
        );
        outbox.push({
          queue: 'work',
          instanceId,
          body: {
            mid: hub.newId(),
            instanceId,
            executionId,
            taskScheduledId: decision.id,
            name: decision.name,
            input: decision.input,
          },
        });
        return;
      case 'timer':
        newEvents.push(newEvent(EventType.TimerCreated, now, { EventId: decision.id, FireAt: decision.fireAt }));
        outbox.push({
          queue: 'control',
          instanceId,
          visibleAt: decision.fireAt,
          body: {
            mid: hub.newId(),
            instanceId,
            executionId,
            event: newEvent(EventType.TimerFired, decision.fireAt, { TimerId: decision.id, FireAt: decision.fireAt }),
          },
        });
        return;
      case 'subOrchestration': {
        newEvents.push(
          newEvent(EventType.SubOrchestrationInstanceCreated, now, {
            EventId: decision.id,
            Name: decision.name,
            Version: decision.version,
            InstanceId: decision.instanceId,
            Input: decision.input,
          }),
        );
        const childExecution = hub.newId();
        outbox.push({
          queue: 'control',
          instanceId: decision.instanceId,
          body: {
            mid: hub.newId(),
            instanceId: decision.instanceId,
            executionId: childExecution,
            event: newEvent(EventType.ExecutionStarted, now, {
              OrchestrationInstance: { InstanceId: decision.instanceId, ExecutionId: childExecution },
              ParentInstance: {
                Name: orchestratorName,
                Version: '',
                OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
                TaskScheduleId: decision.id,
              },
              Name: decision.name,
              Version: decision.version,
              Input: decision.input,
            }),
          },
        });
        return;
      }
    }
  }

  /** Re-sends the last episode's outbound messages whose work is still open (after a crash before they were sent). */
  private async resendOutbox(state: InstanceState, batch: HeldMessage<ControlMessage>[]): Promise<void> {
    const summary = summarize(state.events);
    const completing = new Set<number>();
    for (const m of batch) {
      const e = m.body.event;
      const id = e.EventType === EventType.TimerFired ? e.TimerId : e.TaskScheduledId;
      if (typeof id === 'number' && m.body.instanceId === state.instanceId) completing.add(id);
    }
    const open = state.outbox.filter((o) => {
      if (o.body.instanceId !== state.instanceId) return true;
      const id = 'taskScheduledId' in o.body ? o.body.taskScheduledId : o.body.event.TimerId;
      return typeof id !== 'number' || (!summary.completedIds.has(id) && !completing.has(id));
    });
    if (open.length > 0) {
      this.hub.logger.warn(
        `[durable] re-sending ${open.length} outbound message(s) of '${state.instanceId}' after a restart`,
      );
      await this.hub.send(open);
    }
    state.outboxSent = true;
  }

  private async invokeOrchestrator(
    instanceId: string,
    name: string,
    started: HistoryEvent,
    history: HistoryEvent[],
    isReplaying: boolean,
  ): Promise<
    | { kind: 'ok'; state: OrchestratorStateWire }
    | { kind: 'failed'; state: OrchestratorStateWire; error: string }
    | { kind: 'missing'; error: string }
  > {
    const fn = this.hub.findFunction(name, 'orchestrationTrigger');
    if (!fn) {
      return {
        kind: 'missing',
        error: `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      };
    }
    const payload = {
      history: history.map(toWireEvent),
      input: parseJson(started.Input),
      instanceId,
      isReplaying,
      parentInstanceId: started.ParentInstance?.OrchestrationInstance.InstanceId ?? null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: this.hub.settings.longRunningTimerInterval,
      maximumShortTimerDuration: this.hub.settings.maximumShortTimer,
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    try {
      const result = await this.hub.ctx.invoker.invoke(fn, { triggerData: { string: JSON.stringify(payload) } });
      const state = fromTypedData(result.returnValue as RpcTypedData | null | undefined) as
        OrchestratorStateWire | undefined;
      if (!state || typeof state !== 'object') {
        return { kind: 'missing', error: `Orchestrator function '${name}' returned no orchestration state.` };
      }
      return { kind: 'ok', state };
    } catch (err) {
      const message = err instanceof InvocationError || err instanceof Error ? err.message : String(err);
      const parsed = parseOrchestratorFailure(message);
      if (parsed.state) return { kind: 'failed', state: parsed.state, error: parsed.error };
      return { kind: 'failed', state: { isDone: false, actions: [] }, error: parsed.error };
    }
  }

  private async writeInstanceRow(
    instanceId: string,
    executionId: string,
    events: HistoryEvent[],
    customStatus: string | null | undefined,
    now: Date,
    statusOverride?: RuntimeStatus,
  ): Promise<void> {
    const summary = summarize(events);
    const started = summary.started;
    if (!started) return;
    let status: RuntimeStatus = statusOverride ?? (summary.suspended ? 'Suspended' : 'Running');
    let output: string | null | undefined;
    let completedTime: Date | null | undefined;
    const completed = summary.completed;
    if (completed && completed.OrchestrationStatus !== OrchestrationStatus.ContinuedAsNew) {
      status = OrchestrationStatus[completed.OrchestrationStatus ?? OrchestrationStatus.Completed] as RuntimeStatus;
      output = completed.Result ?? null;
      completedTime = new Date(completed.Timestamp);
    } else if (completed) {
      status = 'Running';
    }
    await this.hub.store.mergeInstance(instanceId, {
      name: started.Name ?? '',
      version: started.Version ?? '',
      input:
        completed?.OrchestrationStatus === OrchestrationStatus.ContinuedAsNew
          ? (completed.Result ?? null)
          : (started.Input ?? null),
      output: output ?? null,
      customStatus,
      runtimeStatus: status,
      createdTime: new Date(started.Timestamp),
      lastUpdatedTime: now,
      completedTime: completedTime ?? null,
      executionId,
    });
  }
}

/** The episode being written: its new history events and the messages it will send once committed. */
interface EpisodeDraft {
  instanceId: string;
  executionId: string;
  started: HistoryEvent;
  name: string;
  now: Date;
  newEvents: HistoryEvent[];
  outbox: Outbound[];
  newId: () => string;
}

/** Ends the execution: ExecutionCompleted, and a sub-orchestration's result for its parent. */
function completeExecution(
  draft: EpisodeDraft,
  status: OrchestrationStatus,
  result: string | null,
  extra: Partial<HistoryEvent> = {},
): void {
  const { now, newEvents, outbox, started } = draft;
  newEvents.push(
    newEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: status, Result: result, ...extra }),
  );
  const parent = started.ParentInstance;
  if (parent && status !== OrchestrationStatus.ContinuedAsNew) {
    const parentEvent =
      status === OrchestrationStatus.Completed
        ? newEvent(EventType.SubOrchestrationInstanceCompleted, now, {
            TaskScheduledId: parent.TaskScheduleId,
            Result: result,
          })
        : newEvent(EventType.SubOrchestrationInstanceFailed, now, {
            TaskScheduledId: parent.TaskScheduleId,
            Reason: result ?? '',
            Details: '',
            FailureDetails: null,
          });
    outbox.push({
      queue: 'control',
      instanceId: parent.OrchestrationInstance.InstanceId,
      body: {
        mid: draft.newId(),
        instanceId: parent.OrchestrationInstance.InstanceId,
        executionId: parent.OrchestrationInstance.ExecutionId,
        event: parentEvent,
      },
    });
  }
}

/**
 * The control messages' events that apply to this execution: completions of scheduled work not completed yet (once
 * each), raised events, suspend/resume that change something; a termination is returned apart.
 */
function acceptEvents(
  kept: readonly ControlMessage[],
  executionId: string,
  summary: ExecutionSummary,
): { events: HistoryEvent[]; terminate: HistoryEvent | undefined; suspended: boolean } {
  const events: HistoryEvent[] = [];
  const completedIds = new Set(summary.completedIds);
  const seenIds = new Set<number>();
  let terminate: HistoryEvent | undefined;
  let suspended = summary.suspended;
  for (const body of kept) {
    const e = body.event;
    if (body.executionId && body.executionId !== executionId) continue; // for an earlier execution
    if (summary.completed) continue; // the execution has finished: nothing more can happen to it
    const id =
      e.EventType === EventType.TimerFired
        ? e.TimerId
        : e.EventType === EventType.TaskCompleted ||
            e.EventType === EventType.TaskFailed ||
            e.EventType === EventType.SubOrchestrationInstanceCompleted ||
            e.EventType === EventType.SubOrchestrationInstanceFailed
          ? e.TaskScheduledId
          : undefined;
    if (id !== undefined) {
      if (completedIds.has(id) || seenIds.has(id) || !summary.scheduled.has(id)) continue;
      seenIds.add(id);
    }
    if (e.EventType === EventType.ExecutionTerminated) {
      terminate ??= { ...e, IsPlayed: false, _mid: body.mid };
      continue;
    }
    if (e.EventType === EventType.ExecutionSuspended) {
      if (suspended) continue;
      suspended = true;
    }
    if (e.EventType === EventType.ExecutionResumed) {
      if (!suspended) continue;
      suspended = false;
    }
    events.push({ ...e, IsPlayed: false, _mid: body.mid });
  }
  return { events, terminate, suspended };
}

/** The episode's clock: now, but never before the previous episode (the SDK's currentUtcDateTime must not go back). */
function episodeTime(events: HistoryEvent[], nowMs: number): Date {
  let last = 0;
  for (const e of events) {
    if (e.EventType === EventType.OrchestratorStarted) last = Math.max(last, Date.parse(e.Timestamp));
  }
  return new Date(Math.max(nowMs, last + 1));
}
