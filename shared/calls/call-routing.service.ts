/**
 * The call router's entry (the `call-events` queue trigger): applies each notification to its call through the state
 * machine and the call repository (ETag-guarded, idempotent), carries out the machine's commands through CallControl,
 * and tells the call queue router what changed so it can make offers. An incoming call is answered into its
 * endpoint's call queue, or rejected with a reason, from the endpoint directory.
 */
import type { ArrivalRoute, CallInput, CallLogEntry, CallRecord } from './call.rules';
import { executeCallCommand } from './call-commands';
import type { CallQueueMessage } from './call-events.queue';
import type { CallControlFactory } from './call-control.port';
import type { CallRepository, CallTransitionResult } from './call.repository';
import type { CallAgentChange, CallEndpointDirectory, CallQueueRouter } from './call-routing.port';
import { CallNotificationError, parseNotification, type IncomingCallEvent } from './notification.parser';
import type { CallMenuFlow } from './call-menu-flow';
import type { CallAnnouncer } from './call-announcements';

export interface CallRoutingDeps {
  calls: Pick<CallRepository, 'apply' | 'get'>;
  directory: Pick<CallEndpointDirectory, 'findByApplicationInstance'>;
  callControl: CallControlFactory;
  router?: CallQueueRouter;
  /** Leads callers through menus (absent: an endpoint bound to a menu rejects its calls). */
  menuFlow?: Pick<CallMenuFlow, 'after' | 'timeout'>;
  /** Position and wait announcements (absent: none). */
  announcer?: Pick<CallAnnouncer, 'after' | 'announce'>;
  log?: (line: string) => void;
  now?: () => number;
  /** CALLS_CALLBACK_URL, for the router's inputs; absent: the last webhook URL a notification came through. */
  callbackUri?: string;
}

export type HandleOutcome = { kind: 'handled'; transitions: number } | { kind: 'malformed'; reason: string };

export class CallRoutingService {
  private lastCallbackUri?: string;

  constructor(private readonly deps: CallRoutingDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Handles one storage-queue message: a notification, or one of the router's delayed timers. */
  async handle(message: CallQueueMessage): Promise<HandleOutcome> {
    if (message.kind === 'timer') return this.handleTimer(message);
    this.lastCallbackUri = message.callbackUri;
    let events;
    try {
      events = parseNotification(message.notification, { tenantId: message.tenantId });
    } catch (e) {
      if (e instanceof CallNotificationError) return { kind: 'malformed', reason: e.message };
      throw e;
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

  /** Applies a router input (an offer, an expiry, a call queue action) to a call and carries out its commands. */
  async applyRouterInput(tenantId: string, callId: string, input: CallInput): Promise<CallTransitionResult> {
    const callbackUri = this.deps.callbackUri ?? this.lastCallbackUri ?? '';
    const result = await this.deps.calls.apply(tenantId, callId, input, { callbackUri });
    await this.afterTransition(tenantId, result, { routeAgain: input.kind !== 'offer' });
    return result;
  }

  private async handleTimer(message: Extract<CallQueueMessage, { kind: 'timer' }>): Promise<HandleOutcome> {
    const tenantId = message.tenantId.toLowerCase();
    const [purpose, arg] = message.purpose.split(':');
    if (purpose === 'menuTimeout' && message.callId && arg && this.deps.menuFlow) {
      await this.deps.menuFlow.timeout(tenantId, message.callId, Number(arg));
      return { kind: 'handled', transitions: 0 };
    }
    if (purpose === 'announce' && message.callId && arg && this.deps.announcer) {
      await this.deps.announcer.announce(tenantId, message.callId, Number(arg));
      return { kind: 'handled', transitions: 0 };
    }
    if (purpose === 'offerExpired' && message.callId && arg) {
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
    const cc = this.deps.callControl.forTenant(tenantId);
    for (const command of result.commands) {
      try {
        await executeCallCommand(cc, command);
      } catch (e) {
        // The transition is committed; a failed command is reported, and Graph's notifications tell what followed.
        this.deps.log?.(`call ${record.callId}: ${command.op} failed: ${(e as Error).message}`);
      }
    }
    await this.deps.menuFlow?.after(tenantId, record);
    await this.deps.announcer?.after(tenantId, record, result.log);
    const router = this.deps.router;
    if (!router) return;
    for (const change of agentChanges(record, result.log)) await router.callChanged(tenantId, change);
    const enqueued = result.log.find((e) => e.kind === 'enqueued');
    if (enqueued && record.callQueueId)
      await router.callEnqueued?.(tenantId, record.callId, record.callQueueId, record.enqueuedAt ?? enqueued.at);
    if (record.callQueueId && o.routeAgain !== false) await router.route(tenantId, record.callQueueId, this.now);
  }
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
    if (entry.kind === 'ended') {
      const held = new Set<string>();
      if (record.connected) held.add(record.connected.agentId);
      for (const offer of record.offers) if (!offer.result || offer.result === 'accepted') held.add(offer.agentId);
      for (const id of held) out.push({ ...base, agentId: id, result: 'ended', at: entry.at });
    }
  }
  return out;
}
