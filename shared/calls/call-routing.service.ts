/**
 * The call router's entry (the `call-events` queue trigger): applies each notification to its call through the state
 * machine and the call repository (ETag-guarded, idempotent), carries out the machine's commands through CallControl,
 * and tells the call queue router what changed so it can make offers. An incoming call is answered into its
 * endpoint's call queue, or rejected with a reason, from the endpoint directory.
 */
import {
  KEEP_ALIVE_EVERY_MS,
  isEnding,
  keepAliveDue,
  type ArrivalRoute,
  type CallCommand,
  type CallInput,
  type CallLogEntry,
  type CallRecord,
  type RecordingActorRole,
} from './call.rules';
import { keepAliveLinkIsLive } from './call.outcome';
import { executeCallCommand } from './call-commands';
import { CALL_QUEUE_ACTION_KINDS, timerDelayMs, waitUntilDue } from './call-queue-actions';
import type { CallQueueMessage, CallTimerMessage } from './call-events.queue';
import { COMMAND_MAX_ATTEMPTS, commandNoLongerWanted, isPassingFailure, retryDelayMs } from './call-command-outbox';
import type { CallControlFactory } from './call-control.port';
import type { CallRepository, CallTransitionResult } from './call.repository';
import type { CallAgentChange, CallEndpointDirectory, CallQueueRouter } from './call-routing.port';
import { CallNotificationError, parseNotification, type IncomingCallEvent } from './notification.parser';
import type { CallMenuFlow } from './call-menu-flow';
import type { CallAnnouncer } from './call-announcements';
import type { CallCallbackFlow } from './call-callback-flow';
import type { CallbackDialer } from './call-callback-dialer';

export interface CallRoutingDeps {
  calls: Pick<CallRepository, 'apply' | 'get' | 'claimKeepAlive'>;
  directory: Pick<CallEndpointDirectory, 'findByApplicationInstance'>;
  callControl: CallControlFactory;
  router?: CallQueueRouter;
  /** Leads callers through menus (absent: an endpoint bound to a menu rejects its calls). */
  menuFlow?: Pick<CallMenuFlow, 'after' | 'timeout' | 'selfServiceDue'>;
  /** Position and wait announcements (absent: none). */
  announcer?: Pick<CallAnnouncer, 'after' | 'announce'>;
  /** The callback offer to waiting callers, and the callbacks' outbound calls (absent: no callbacks). */
  callbackFlow?: Pick<CallCallbackFlow, 'after' | 'timer'>;
  callbackDialer?: Pick<CallbackDialer, 'notification' | 'dialCheck'>;
  /** The `call-events` queue, for the command outbox's delayed retries (absent: a failed command is only logged). */
  timers?: { send(messages: readonly CallQueueMessage[], o?: { delayMs?: number }): Promise<void> };
  log?: (line: string) => void;
  now?: () => number;
  /** CALLS_KEEPALIVE_INTERVAL_S in ms (default 15 minutes, api/call-keepalive.md). */
  keepAliveEveryMs?: number;
  /** CALLS_CALLBACK_URL, for the router's inputs; absent: the last webhook URL a notification came through. */
  callbackUri?: string;
  /** A call queue's compliance recording (`recording` of its config); absent: no call is recorded. */
  recordingPolicy?: (tenantId: string, callQueueId: string) => Promise<RecordingPolicy | undefined>;
}

/** A call queue's `recording` (issue 15 item 6). */
export interface RecordingPolicy {
  mode: 'off' | 'always';
  pauseAllowedFor?: RecordingActorRole[];
}

export type HandleOutcome = { kind: 'handled'; transitions: number } | { kind: 'malformed'; reason: string };

export class CallRoutingService {
  private lastCallbackUri?: string;

  constructor(private readonly deps: CallRoutingDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Handles one storage-queue message: a notification, or one of the router's delayed timers. */
  async handle(message: CallQueueMessage, o: { dequeueCount?: number } = {}): Promise<HandleOutcome> {
    if (message.kind === 'timer') return this.handleTimer(message, o);
    this.lastCallbackUri = message.callbackUri;
    let events;
    try {
      events = parseNotification(message.notification, { tenantId: message.tenantId });
    } catch (e) {
      if (e instanceof CallNotificationError) return { kind: 'malformed', reason: e.message };
      throw e;
    }
    if (message.callbackId && this.deps.callbackDialer) {
      await this.deps.callbackDialer.notification(message.tenantId, message.callbackId, events);
      return { kind: 'handled', transitions: 0 };
    }
    let transitions = 0;
    for (const event of events) {
      if (event.type === 'ignored') continue;
      // The token's tenant is the truth; a notification naming another tenant is not believed.
      const tenantId = message.tenantId.toLowerCase();
      if (event.tenantId && event.tenantId.toLowerCase() !== tenantId) {
        this.deps.log?.(
          `call ${event.callId}: notification names tenant ${event.tenantId}, token ${tenantId}: ignored`,
        );
        continue;
      }
      const route = event.type === 'incomingCall' ? await this.arrivalRoute(tenantId, event) : undefined;
      const input: CallInput = { kind: 'graph', event, at: message.receivedAt, ...(route ? { route } : {}) };
      const result = await this.deps.calls.apply(tenantId, event.callId, input, { callbackUri: message.callbackUri });
      if (result.changed) transitions++;
      await this.afterTransition(tenantId, result);
    }
    return { kind: 'handled', transitions };
  }

  /** Our webhook as Graph reaches it: CALLS_CALLBACK_URL, else the last URL a notification came through. */
  get callbackUri(): string | undefined {
    return this.deps.callbackUri ?? this.lastCallbackUri;
  }

  /** The presence refresh timer's work for one tenant (see CallQueueRouter.presenceSweep). */
  async presenceSweep(tenantId: string): Promise<string[]> {
    return this.deps.router ? this.deps.router.presenceSweep(tenantId, this.now) : [];
  }

  /** A presence change notification's work for these agents (see CallQueueRouter.presenceChanged). */
  async presenceChanged(tenantId: string, agentIds: readonly string[], trigger: string): Promise<string[]> {
    return this.deps.router ? this.deps.router.presenceChanged(tenantId, agentIds, this.now, trigger) : [];
  }

  /** Applies a router input (an offer, an expiry, a call queue action) to a call and carries out its commands. */
  async applyRouterInput(tenantId: string, callId: string, input: CallInput): Promise<CallTransitionResult> {
    const callbackUri = this.deps.callbackUri ?? this.lastCallbackUri ?? '';
    const result = await this.deps.calls.apply(tenantId, callId, input, { callbackUri });
    await this.afterTransition(tenantId, result, { routeAgain: input.kind !== 'offer' && input.kind !== 'ringAll' });
    return result;
  }

  private async handleTimer(
    message: Extract<CallQueueMessage, { kind: 'timer' }>,
    o: { dequeueCount?: number } = {},
  ): Promise<HandleOutcome> {
    const tenantId = message.tenantId.toLowerCase();
    if (message.callbackUri) this.lastCallbackUri ??= message.callbackUri;
    const [purpose, arg] = message.purpose.split(':');
    if (purpose === 'command' && message.command) return this.retryCommand(message);
    if (purpose === 'keepAlive' && message.callId) return this.keepAlive(tenantId, message, o);
    if (purpose === 'maxWait' && this.deps.router) {
      const r = await this.deps.router.maxWaitDue(message);
      return { kind: 'handled', transitions: r === 'applied' ? 1 : 0 };
    }
    if (purpose === 'wrapUpEnd' && arg && this.deps.router) {
      // The agent is free again: every call queue they serve may have a call for them.
      await this.deps.router.routeAfterChange(tenantId, message.callQueueId, [arg], this.now);
      return { kind: 'handled', transitions: 0 };
    }
    if (purpose === 'menuTimeout' && message.callId && arg && this.deps.menuFlow) {
      await this.deps.menuFlow.timeout(tenantId, message.callId, Number(arg));
      return { kind: 'handled', transitions: 0 };
    }
    if (purpose === 'selfService' && message.callId && arg && this.deps.menuFlow) {
      await this.deps.menuFlow.selfServiceDue(tenantId, message.callId, Number(arg));
      return { kind: 'handled', transitions: 0 };
    }
    if (purpose === 'announce' && message.callId && arg && this.deps.announcer) {
      await this.deps.announcer.announce(tenantId, message.callId, Number(arg));
      return { kind: 'handled', transitions: 0 };
    }
    if (purpose === 'callbackOffer' && message.callId && arg && this.deps.callbackFlow) {
      await this.deps.callbackFlow.timer(tenantId, message.callId, Number(arg));
      return { kind: 'handled', transitions: 0 };
    }
    if (purpose === 'callbackDialCheck' && message.callId && arg && this.deps.callbackDialer) {
      await this.deps.callbackDialer.dialCheck(tenantId, message.callId, Number(arg));
      return { kind: 'handled', transitions: 0 };
    }
    if (purpose === 'offerExpired' && message.callId && arg) {
      const rearm = () => this.deps.timers?.send([message], { delayMs: timerDelayMs(message.dueAt, this.now) });
      if (
        !(await waitUntilDue(
          message.dueAt,
          () => this.now,
          async () => void (await rearm()),
        ))
      )
        return { kind: 'handled', transitions: 0 };
      const r = await this.applyRouterInput(tenantId, message.callId, {
        kind: 'offerExpired',
        key: arg,
        offerId: arg,
        at: this.now,
      });
      return { kind: 'handled', transitions: r.changed ? 1 : 0 };
    }
    if (message.callQueueId && this.deps.router) {
      await this.deps.router.route(tenantId, message.callQueueId, this.now);
      return { kind: 'handled', transitions: 0 };
    }
    return { kind: 'malformed', reason: `unknown timer ${message.purpose}` };
  }

  /**
   * Sends one command (attempt n). The transition that asked for it is saved, so a passing failure (429, 5xx,
   * timeout) goes to the outbox — a delayed message that sends it again, Retry-After honoured, while the call still
   * wants it — and any other failure is reported (Graph's notifications tell what followed).
   */
  private async runCommand(tenantId: string, command: CallCommand, attempt: number): Promise<void> {
    try {
      await executeCallCommand(this.deps.callControl.forTenant(tenantId), command);
      if (attempt > 1) this.deps.log?.(`call ${command.callId}: ${command.op} sent at attempt ${attempt}`);
    } catch (e) {
      const why = (e as Error).message;
      if (!isPassingFailure(e) || attempt >= COMMAND_MAX_ATTEMPTS || !this.deps.timers) {
        this.deps.log?.(`call ${command.callId}: ${command.op} failed (attempt ${attempt}, given up): ${why}`);
        return;
      }
      const delayMs = retryDelayMs(attempt, e.retryAfterMs);
      this.deps.log?.(
        `call ${command.callId}: ${command.op} failed (attempt ${attempt}), again in ${delayMs} ms: ${why}`,
      );
      await this.deps.timers.send(
        [
          {
            kind: 'timer',
            tenantId,
            callId: command.callId,
            purpose: `command:${attempt}`,
            dueAt: this.now + delayMs,
            command,
            attempt,
          },
        ],
        { delayMs },
      );
    }
  }

  /**
   * A transition's commands, in order — except that invitations next to each other (attendant's, one per agent)
   * go out together, so the agents' phones ring at once.
   */
  private async runCommands(tenantId: string, commands: readonly CallCommand[]): Promise<void> {
    for (let i = 0; i < commands.length;) {
      let j = i + 1;
      if (commands[i].op === 'invite') while (j < commands.length && commands[j].op === 'invite') j++;
      await Promise.all(commands.slice(i, j).map((c) => this.runCommand(tenantId, c, 1)));
      i = j;
    }
  }

  /**
   * The call reached an agent: a call queue that records `always` starts the recorder now (its first span begins at
   * the connection). A failure to read the policy is logged, not thrown: the connection has committed.
   */
  private async startRecording(tenantId: string, record: CallRecord, log: readonly CallLogEntry[]): Promise<void> {
    const connected = log.find((e) => e.kind === 'connected');
    if (!connected || !this.deps.recordingPolicy || !record.callQueueId || record.recording || isEnding(record)) return;
    try {
      const policy = await this.deps.recordingPolicy(tenantId, record.callQueueId);
      if (policy?.mode !== 'always') return;
      await this.applyRouterInput(tenantId, record.callId, {
        kind: 'recording',
        key: 'start',
        action: 'start',
        at: connected.at,
        ...(policy.pauseAllowedFor ? { pauseAllowedFor: policy.pauseAllowedFor } : {}),
      });
    } catch (e) {
      this.deps.log?.(`call ${record.callId}: the recording did not start: ${(e as Error).message}`);
    }
  }

  private get keepAliveEveryMs(): number {
    return this.deps.keepAliveEveryMs ?? KEEP_ALIVE_EVERY_MS;
  }

  private async armKeepAlive(tenantId: string, callId: string, dueAt: number): Promise<void> {
    await this.deps.timers?.send([{ kind: 'timer', tenantId, callId, purpose: 'keepAlive', dueAt }], {
      delayMs: Math.max(0, dueAt - this.now),
    });
  }

  /**
   * A call's keepAlive timer: `POST …/keepAlive` while the call lasts, then the next one an interval later. A call
   * that ended (or is gone: 404) stops the chain; a passing failure tries again soon (Retry-After honoured).
   *
   * One call has one chain (keepAliveLinkIsLive): a copy of a link already taken — the host redelivered the message,
   * or it was sent twice — sends nothing and arms nothing. The successor is due one interval after this link's due
   * time (not after `now`), so every copy of a link names the same successor, and only the copy that claims the link
   * on the call's row (ETag) arms it. A copy redelivered after its first delivery claimed the link and died before
   * arming (`dequeueCount` > 1, the row already pointing at this link's successor) arms the successor again: a
   * duplicate of one link, which the next claim collapses.
   */
  private async keepAlive(
    tenantId: string,
    message: CallTimerMessage,
    o: { dequeueCount?: number } = {},
  ): Promise<HandleOutcome> {
    const callId = message.callId as string;
    const stored = await this.deps.calls.get(tenantId, callId);
    const r = stored?.record;
    if (!r || isEnding(r)) return { kind: 'handled', transitions: 0 };
    const every = this.keepAliveEveryMs;
    const successor = message.dueAt + every;
    if (!keepAliveLinkIsLive(stored.keepAliveLink, message.dueAt)) {
      if ((o.dequeueCount ?? 1) > 1 && stored.keepAliveLink === successor)
        await this.armKeepAlive(tenantId, callId, successor);
      else this.deps.log?.(`call ${callId}: keepAlive link due ${message.dueAt} already taken: not repeated`);
      return { kind: 'handled', transitions: 0 };
    }
    const last = message.dueAt - every;
    if (!keepAliveDue(r, this.now, last, every)) {
      await this.armKeepAlive(tenantId, callId, message.dueAt); // seen early: wait for its time
      return { kind: 'handled', transitions: 0 };
    }
    try {
      const result = await this.deps.callControl.forTenant(tenantId).keepAlive(callId);
      if (result === 'gone') return { kind: 'handled', transitions: 0 };
    } catch (e) {
      const passing = isPassingFailure(e);
      this.deps.log?.(`call ${callId}: keepAlive failed${passing ? ', trying again' : ''}: ${(e as Error).message}`);
      // Still within the 45 minutes: try again soon — the same link, keeping the interval's start.
      if (passing) {
        const delayMs = retryDelayMs(message.attempt ?? 1, e.retryAfterMs);
        await this.deps.timers?.send([{ ...message, attempt: (message.attempt ?? 1) + 1, dueAt: message.dueAt }], {
          delayMs,
        });
      }
      return { kind: 'handled', transitions: 0 };
    }
    const claim = await this.deps.calls.claimKeepAlive(tenantId, callId, message.dueAt, successor);
    if (claim.kind === 'claimed') await this.armKeepAlive(tenantId, callId, successor);
    return { kind: 'handled', transitions: 0 };
  }

  /** The outbox's delayed message: the command again, if the call (read now) still wants it. */
  private async retryCommand(message: CallTimerMessage): Promise<HandleOutcome> {
    const command = message.command as CallCommand;
    const tenantId = message.tenantId.toLowerCase();
    const stored = await this.deps.calls.get(tenantId, command.callId);
    const unwanted = commandNoLongerWanted(stored?.record, command);
    if (unwanted) {
      this.deps.log?.(`call ${command.callId}: ${command.op} not sent again: ${unwanted}`);
      return { kind: 'handled', transitions: 0 };
    }
    await this.runCommand(tenantId, command, (message.attempt ?? 1) + 1);
    return { kind: 'handled', transitions: 0 };
  }

  /** Where an incoming call goes: its endpoint's call queue, or a rejection saying why. */
  private async arrivalRoute(tenantId: string, event: IncomingCallEvent): Promise<ArrivalRoute> {
    const objectId = event.targetApplicationInstanceId;
    if (!objectId) return { action: 'reject', reason: 'none', why: 'the call names no resource account' };
    const endpoint = await this.deps.directory.findByApplicationInstance(tenantId, objectId);
    if (!endpoint) return { action: 'reject', reason: 'none', why: `resource account ${objectId} is not an endpoint` };
    if (endpoint.status !== 'Provisioned')
      return { action: 'reject', reason: 'busy', why: `endpoint ${endpoint.userPrincipalName} is ${endpoint.status}` };
    if (endpoint.menuId && this.deps.menuFlow)
      return { action: 'menu', menuId: endpoint.menuId, endpoint: endpoint.userPrincipalName };
    if (!endpoint.callQueueId)
      return { action: 'reject', reason: 'none', why: `endpoint ${endpoint.userPrincipalName} has no call queue` };
    return { action: 'answer', callQueueId: endpoint.callQueueId, endpoint: endpoint.userPrincipalName };
  }

  private async afterTransition(
    tenantId: string,
    result: CallTransitionResult,
    o: { routeAgain?: boolean } = {},
  ): Promise<void> {
    const record = result.record;
    // A redelivered notification changes nothing, but a menu step it once led to may have failed: take it now.
    if (record && !result.changed && !result.refused) await this.deps.menuFlow?.after(tenantId, record);
    if (!result.changed || !record) return;
    // A call entering its call queue: its own commands (hold music) and the router's work go out side by side, so
    // an offer to a free agent does not wait on them. A transition that frees or settles an agent keeps the order
    // (its commands — a cancelled invitation, a hang-up — go out before that agent is offered anything else).
    const own = async () => {
      await this.runCommands(tenantId, result.commands);
      // Answered: the call's keepAlive timer starts (Graph ends a call after 45 minutes without one).
      const answered = result.log.find((e) => e.kind === 'answered');
      if (answered && !isEnding(record))
        await this.armKeepAlive(tenantId, record.callId, answered.at + this.keepAliveEveryMs);
      await this.startRecording(tenantId, record, result.log);
      await this.deps.menuFlow?.after(tenantId, record);
      await this.deps.announcer?.after(tenantId, record, result.log);
      await this.deps.callbackFlow?.after(tenantId, record, result.log);
    };
    if (agentChanges(record, result.log).length > 0) {
      await own();
      await this.routeAfterTransition(tenantId, record, result, o);
    } else await Promise.all([own(), this.routeAfterTransition(tenantId, record, result, o)]);
  }

  private async routeAfterTransition(
    tenantId: string,
    record: CallRecord,
    result: CallTransitionResult,
    o: { routeAgain?: boolean },
  ): Promise<void> {
    const router = this.deps.router;
    if (!router) return;
    const changes = agentChanges(record, result.log);
    for (const change of changes) await router.callChanged(tenantId, change);
    // The call entered a call queue (answered into it, or moved by an action): full, nobody to serve, or wait.
    const entered = result.log.some(
      (e) => e.kind === 'enqueued' || (CALL_QUEUE_ACTION_KINDS.has(e.kind) && !record.disposition),
    );
    if (entered && (await router.callEnqueued(tenantId, record, this.now))) return;
    if (o.routeAgain === false) return;
    const freed = changes.filter((c) => c.result !== 'connected').map((c) => c.agentId);
    // Only a call back in (or into) a call queue, or a freed agent, can make an offer possible: a hold-music
    // completion, a roster, a tone or a connection routes nothing.
    if (!worthRouting(result.log, changes)) return;
    await router.routeAfterChange(tenantId, record.callQueueId, freed, this.now);
  }
}

/** Log kinds after which a call waits for an agent again (or anew): its call queue is worth routing. */
const CALL_WAITS_AGAIN: ReadonlySet<string> = new Set([
  'enqueued',
  'offerMissed',
  'offerDeclined',
  'overflowed',
  'timedOut',
  'noAgent',
]);

/**
 * Whether a transition can make an offer possible: a call entered its call queue or is back in its place (its log),
 * or an agent was freed (its {@link agentChanges} other than a connection). Nothing else is worth a routing pass.
 */
export function worthRouting(log: readonly CallLogEntry[], changes: readonly CallAgentChange[]): boolean {
  return log.some((e) => CALL_WAITS_AGAIN.has(e.kind)) || changes.some((c) => c.result !== 'connected');
}

/** The agents a transition connected, freed or counted a miss against. */
export function agentChanges(record: CallRecord, log: readonly CallLogEntry[]): CallAgentChange[] {
  const out: CallAgentChange[] = [];
  const base = { callId: record.callId, callQueueId: record.callQueueId };
  for (const entry of log) {
    const agentId = entry.agentId ?? record.offers.find((o) => o.offerId === entry.offerId)?.agentId;
    if (entry.kind === 'connected' && agentId)
      out.push({ ...base, agentId, offerId: entry.offerId, result: 'connected', at: entry.at });
    if (entry.kind === 'offerMissed' && agentId)
      out.push({ ...base, agentId, offerId: entry.offerId, result: 'missed', at: entry.at });
    if (entry.kind === 'offerDeclined' && agentId)
      out.push({ ...base, agentId, offerId: entry.offerId, result: 'declined', at: entry.at });
    // Attendant: another agent answered first — this agent is released at once, not counted a miss.
    if (entry.kind === 'offerWithdrawn' && agentId)
      out.push({ ...base, agentId, offerId: entry.offerId, result: 'cancelled', at: entry.at });
    // A call queue action took the call away while an offer rang: that offer was cancelled (not the agent's miss).
    if (CALL_QUEUE_ACTION_KINDS.has(entry.kind))
      for (const offer of record.offers)
        if (offer.result === 'cancelled' && offer.resolvedAt === entry.at)
          out.push({ ...base, agentId: offer.agentId, offerId: offer.offerId, result: 'cancelled', at: entry.at });
    if (entry.kind === 'ended') {
      const held = new Set<string>();
      if (record.connected) held.add(record.connected.agentId);
      // Offers still ringing when the call ended are resolved `cancelled` by the end itself: their agents are freed
      // too (the agent row's own call id guards an agent who has moved on).
      for (const offer of record.offers)
        if (
          !offer.result ||
          offer.result === 'accepted' ||
          (offer.result === 'cancelled' && offer.resolvedAt === entry.at)
        )
          held.add(offer.agentId);
      for (const id of held) out.push({ ...base, agentId: id, result: 'ended', at: entry.at });
    }
  }
  return out;
}
