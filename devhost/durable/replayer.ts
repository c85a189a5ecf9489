/**
 * The host side of replay (reference §2.4–§3): from the execution's history and the SDK's cumulative action list,
 * works out which sequence id each action owns and which scheduling work is new in this episode.
 *
 * It is a small event-driven simulation in the manner of DTFx replaying the out-of-process shim: top-level actions
 * are awaited one after another (each yielded task completes before the next is yielded), compound actions start
 * their children depth-first, and ids are handed out in the order the orchestrator would reserve them — including
 * the ids that host-scheduled retries and long-timer segments take when a failure or a segment's TimerFired is
 * replayed. It reads only the wire protocol (actions + history), never SDK internals.
 */
import { EventType, completionId, summarize, type HistoryEvent } from './history';
import { retryDelayMs, type RetryOptionsWire } from './retry';

export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

/** One action as the SDK serialises it (OrchestratorState.actions). */
export interface WireAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptionsWire;
  instanceId?: string;
  version?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: WireAction[];
  [k: string]: unknown;
}

export type Decision =
  | { kind: 'activity'; id: number; name: string; version: string; input: string | null }
  | { kind: 'timer'; id: number; fireAt: string }
  | { kind: 'subOrchestration'; id: number; name: string; version: string; instanceId: string; input: string | null }
  | { kind: 'unsupported'; id: number; actionType: number };

export interface ReplayOptions {
  executionId: string;
  /** Timers further away than this are split into segments (6 days). */
  maximumShortTimerMs: number;
  /** Length of a long timer's segment (3 days). */
  longRunningTimerIntervalMs: number;
}

export interface ReplayResult {
  /** New scheduling work, in sequence-id order. */
  decisions: Decision[];
  /** Set when the action list ends with continueAsNew: the new execution's input (JSON text or null). */
  continueAsNew?: { input: string | null };
  /** EventRaised events no waiter consumed (carried over on continueAsNew). */
  unconsumedEvents: HistoryEvent[];
  /** Ids whose scheduling event in history disagrees with the action list. */
  nonDeterminism: string[];
  nextSequenceId: number;
}

/** Flattens V2/V3 `[[a0, a1, …]]` (and V1's one-array-per-yield) into the yield-ordered top-level list. */
export function topLevelActions(actions: unknown): WireAction[] {
  if (!Array.isArray(actions)) return [];
  const out: WireAction[] = [];
  for (const group of actions) {
    if (Array.isArray(group)) out.push(...(group as WireAction[]));
    else if (group && typeof group === 'object') out.push(group as WireAction);
  }
  return out;
}

/** JSON text of an action input as DTFx stores it (undefined → null). */
export function inputText(input: unknown): string | null {
  return input === undefined ? null : JSON.stringify(input);
}

type State = 'running' | 'completed' | 'failed';

abstract class SimNode {
  state: State = 'running';
  parent: Compound | undefined;
  constructor(protected readonly sim: Simulation) {}
  abstract start(): void;
  protected finish(success: boolean): void {
    if (this.state !== 'running') return;
    this.state = success ? 'completed' : 'failed';
    if (this.parent) this.parent.onChild(this);
    else this.sim.onTopLevelDone(this);
  }
}

/** A task that owns one sequence id and waits for its completion event. */
class Leaf extends SimNode {
  id = -1;
  constructor(
    sim: Simulation,
    private readonly makeDecision: ((id: number) => Decision) | undefined,
    private readonly expectedType: EventType | undefined,
    private readonly expectedName: string | undefined,
  ) {
    super(sim);
  }
  start(): void {
    this.id = this.sim.allocate(this, this.makeDecision, this.expectedType, this.expectedName);
  }
  deliver(success: boolean): void {
    this.finish(success);
  }
}

class WaitLeaf extends SimNode {
  constructor(
    sim: Simulation,
    readonly eventName: string,
  ) {
    super(sim);
  }
  start(): void {
    this.sim.waitFor(this);
  }
  raised(): void {
    this.finish(true);
  }
}

abstract class Compound extends SimNode {
  abstract onChild(child: SimNode): void;
}

class WhenAll extends Compound {
  constructor(
    sim: Simulation,
    readonly children: SimNode[],
  ) {
    super(sim);
    children.forEach((c) => (c.parent = this));
  }
  start(): void {
    for (const c of this.children) c.start();
  }
  onChild(child: SimNode): void {
    if (this.state !== 'running') return;
    if (child.state === 'failed') this.finish(false);
    else if (this.children.every((c) => c.state === 'completed')) this.finish(true);
  }
}

class WhenAny extends Compound {
  constructor(
    sim: Simulation,
    readonly children: SimNode[],
  ) {
    super(sim);
    children.forEach((c) => (c.parent = this));
  }
  start(): void {
    for (const c of this.children) c.start();
  }
  onChild(): void {
    if (this.state === 'running') this.finish(true);
  }
}

/** CallActivityWithRetry / CallSubOrchestratorWithRetry: attempt → (failure) timer → attempt … → final dummy timer. */
class Retry extends Compound {
  private attemptNumber = 1;
  private waitingOnTimer = false;
  constructor(
    sim: Simulation,
    private readonly newAttempt: () => Leaf,
    private readonly options: RetryOptionsWire,
  ) {
    super(sim);
  }
  start(): void {
    this.startAttempt();
  }
  private startAttempt(): void {
    const leaf = this.newAttempt();
    leaf.parent = this;
    leaf.start();
  }
  onChild(child: SimNode): void {
    if (this.state !== 'running') return;
    if (this.waitingOnTimer) {
      this.waitingOnTimer = false;
      if (this.attemptNumber > this.options.maxNumberOfAttempts) this.finish(false);
      else this.startAttempt();
      return;
    }
    if (child.state === 'completed') {
      this.finish(true);
      return;
    }
    // A failed attempt: the host schedules a timer for the next attempt (or a dummy one after the last).
    const failedIndex = this.attemptNumber - 1;
    this.attemptNumber++;
    this.waitingOnTimer = true;
    const now = this.sim.now.getTime();
    const fireAt =
      this.attemptNumber > this.options.maxNumberOfAttempts ? now : now + retryDelayMs(this.options, failedIndex);
    const timer = this.sim.timerLeaf(new Date(fireAt).toISOString());
    timer.parent = this;
    timer.start();
  }
}

/** A timer further away than maximumShortTimer: segments of longRunningTimerInterval until the final fire time. */
class LongTimer extends Compound {
  constructor(
    sim: Simulation,
    private readonly finalFireAt: Date,
  ) {
    super(sim);
  }
  start(): void {
    this.startSegment();
  }
  private startSegment(): void {
    const now = this.sim.now.getTime();
    const remaining = this.finalFireAt.getTime() - now;
    const next =
      remaining > this.sim.options.maximumShortTimerMs
        ? new Date(now + this.sim.options.longRunningTimerIntervalMs)
        : this.finalFireAt;
    const leaf = this.sim.timerLeaf(next.toISOString());
    leaf.parent = this;
    leaf.start();
  }
  onChild(child: SimNode): void {
    if (this.state !== 'running') return;
    if (child.state !== 'completed') {
      this.finish(false);
      return;
    }
    if (this.finalFireAt.getTime() > this.sim.now.getTime()) this.startSegment();
    else this.finish(true);
  }
}

class Simulation {
  now: Date;
  private next = 0;
  private readonly open = new Map<number, Leaf>();
  private readonly deferred = new Map<number, boolean[]>();
  private readonly waiters = new Map<string, WaitLeaf[]>();
  private readonly buffered = new Map<string, HistoryEvent[]>();
  private readonly scheduled: Map<number, HistoryEvent>;
  readonly decisions: Decision[] = [];
  readonly nonDeterminism: string[] = [];
  continueAsNew: { input: string | null } | undefined;
  private topIndex = 0;
  private current: SimNode | undefined;
  private started = false;

  constructor(
    private readonly history: readonly HistoryEvent[],
    private readonly actions: WireAction[],
    readonly options: ReplayOptions,
  ) {
    this.scheduled = summarize(history).scheduled;
    const first = history.find((e) => e.EventType === EventType.OrchestratorStarted);
    this.now = first ? new Date(first.Timestamp) : new Date(0);
  }

  run(): ReplayResult {
    for (const event of this.history) this.process(event);
    const unconsumedEvents = [...this.buffered.values()].flat();
    return {
      decisions: this.decisions,
      continueAsNew: this.continueAsNew,
      unconsumedEvents,
      nonDeterminism: this.nonDeterminism,
      nextSequenceId: this.next,
    };
  }

  private process(event: HistoryEvent): void {
    switch (event.EventType) {
      case EventType.OrchestratorStarted: {
        const t = new Date(event.Timestamp);
        if (t > this.now) this.now = t;
        return;
      }
      case EventType.ExecutionStarted:
        this.started = true;
        this.pump();
        return;
      case EventType.EventRaised: {
        const name = event.Name ?? '';
        const list = this.waiters.get(name);
        const waiter = list?.pop();
        if (list && list.length === 0) this.waiters.delete(name);
        if (waiter) waiter.raised();
        else this.buffered.set(name, [...(this.buffered.get(name) ?? []), event]);
        this.pump();
        return;
      }
      default: {
        const id = completionId(event);
        if (id === undefined) return;
        const success =
          event.EventType === EventType.TaskCompleted ||
          event.EventType === EventType.TimerFired ||
          event.EventType === EventType.SubOrchestrationInstanceCompleted;
        const leaf = this.open.get(id);
        if (leaf) {
          this.open.delete(id);
          leaf.deliver(success);
        } else {
          this.deferred.set(id, [...(this.deferred.get(id) ?? []), success]);
        }
        this.pump();
      }
    }
  }

  /** Starts top-level actions while the previous one has finished. */
  private pump(): void {
    if (!this.started) return;
    while (!this.current || this.current.state !== 'running') {
      const action = this.actions[this.topIndex];
      if (!action) return;
      this.topIndex++;
      if (action.actionType === ActionType.ContinueAsNew) {
        this.continueAsNew = { input: inputText(action.input) };
        continue;
      }
      if (action.actionType === ActionType.SignalEntity || action.actionType === ActionType.ReleaseEntities) {
        // Fire-and-forget: reserves an id without being awaited.
        const leaf = this.unsupportedLeaf(action.actionType);
        leaf.start();
        continue;
      }
      const node = this.build(action);
      this.current = node;
      node.start();
    }
  }

  onTopLevelDone(node: SimNode): void {
    if (node !== this.current) return;
    // pump() (called after each event) moves on to the next action.
  }

  allocate(
    leaf: Leaf,
    makeDecision: ((id: number) => Decision) | undefined,
    expectedType: EventType | undefined,
    expectedName: string | undefined,
  ): number {
    const id = this.next++;
    this.open.set(id, leaf);
    const existing = this.scheduled.get(id);
    if (existing) {
      if (
        (expectedType !== undefined && existing.EventType !== expectedType) ||
        (expectedName !== undefined && (existing.Name ?? '').toLowerCase() !== expectedName.toLowerCase())
      ) {
        this.nonDeterminism.push(
          `Sequence id ${id}: history has ${EventType[existing.EventType]}${existing.Name ? ` '${existing.Name}'` : ''}, the orchestrator now asks for ${expectedType !== undefined ? EventType[expectedType] : 'something else'}${expectedName ? ` '${expectedName}'` : ''}.`,
        );
      }
    } else if (makeDecision) {
      this.decisions.push(makeDecision(id));
    }
    const pending = this.deferred.get(id);
    if (pending && pending.length > 0) {
      const success = pending.shift() as boolean;
      if (pending.length === 0) this.deferred.delete(id);
      this.open.delete(id);
      leaf.deliver(success);
    }
    return id;
  }

  waitFor(waiter: WaitLeaf): void {
    const buffered = this.buffered.get(waiter.eventName);
    if (buffered && buffered.length > 0) {
      buffered.shift();
      if (buffered.length === 0) this.buffered.delete(waiter.eventName);
      waiter.raised();
      return;
    }
    this.waiters.set(waiter.eventName, [...(this.waiters.get(waiter.eventName) ?? []), waiter]);
  }

  timerLeaf(fireAt: string): Leaf {
    return new Leaf(this, (id) => ({ kind: 'timer', id, fireAt }), EventType.TimerCreated, undefined);
  }

  unsupportedLeaf(actionType: number): Leaf {
    return new Leaf(this, (id) => ({ kind: 'unsupported', id, actionType }), undefined, undefined);
  }

  private activityLeaf(action: WireAction): Leaf {
    const name = action.functionName ?? '';
    return new Leaf(
      this,
      (id) => ({ kind: 'activity', id, name, version: action.version ?? '', input: inputText(action.input) }),
      EventType.TaskScheduled,
      name,
    );
  }

  private subOrchestrationLeaf(action: WireAction): Leaf {
    const name = action.functionName ?? '';
    return new Leaf(
      this,
      (id) => ({
        kind: 'subOrchestration',
        id,
        name,
        version: action.version ?? '',
        instanceId: action.instanceId || `${this.options.executionId}:${id}`,
        input: inputText(action.input),
      }),
      EventType.SubOrchestrationInstanceCreated,
      name,
    );
  }

  private build(action: WireAction): SimNode {
    switch (action.actionType as ActionType) {
      case ActionType.CallActivity:
        return this.activityLeaf(action);
      case ActionType.CallActivityWithRetry:
        return new Retry(this, () => this.activityLeaf(action), normaliseRetry(action.retryOptions));
      case ActionType.CallSubOrchestrator:
        return this.subOrchestrationLeaf(action);
      case ActionType.CallSubOrchestratorWithRetry:
        return new Retry(this, () => this.subOrchestrationLeaf(action), normaliseRetry(action.retryOptions));
      case ActionType.CreateTimer: {
        const fireAt = new Date(String(action.fireAt));
        if (fireAt.getTime() - this.now.getTime() > this.options.maximumShortTimerMs)
          return new LongTimer(this, fireAt);
        return this.timerLeaf(fireAt.toISOString());
      }
      case ActionType.WaitForExternalEvent:
        return new WaitLeaf(this, action.externalEventName ?? '');
      case ActionType.WhenAll:
        return new WhenAll(
          this,
          (action.compoundActions ?? []).map((a) => this.build(a)),
        );
      case ActionType.WhenAny:
        return new WhenAny(
          this,
          (action.compoundActions ?? []).map((a) => this.build(a)),
        );
      default:
        return this.unsupportedLeaf(action.actionType);
    }
  }
}

function normaliseRetry(options: RetryOptionsWire | undefined): RetryOptionsWire {
  return {
    firstRetryIntervalInMilliseconds: Number(options?.firstRetryIntervalInMilliseconds ?? 1000),
    maxNumberOfAttempts: Number(options?.maxNumberOfAttempts ?? 1),
    backoffCoefficient: options?.backoffCoefficient,
    maxRetryIntervalInMilliseconds: options?.maxRetryIntervalInMilliseconds,
    retryTimeoutInMilliseconds: options?.retryTimeoutInMilliseconds,
  };
}

/** Runs the replay of one episode. `history` is the whole execution including this episode's new events. */
export function replay(history: readonly HistoryEvent[], actions: unknown, options: ReplayOptions): ReplayResult {
  return new Simulation(history, topLevelActions(actions), options).run();
}

/** Parses a .NET TimeSpan string ("d.hh:mm:ss" or "hh:mm:ss") into milliseconds. */
export function timeSpanMs(text: string): number {
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) throw new Error(`Invalid TimeSpan "${text}"`);
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(min)) * 60_000 + Math.round(Number(s) * 1000);
}
