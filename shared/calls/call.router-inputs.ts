/**
 * The call machine's transitions on the router's decisions and timers (call.rules.ts dispatches here): an offer to an
 * agent (transfer, invite or redirect; attendant: several ring-all invites open at once, one per agent), an offer that
 * expired, and a call queue's overflow / timeout / no-agent action.
 * Each returns a reason when the input is refused (nothing changes; the router frees the agent it meant to offer).
 */
import {
  AGENT_REDIRECT_POLICIES,
  CallInput,
  CallQueueAction,
  CallTarget,
  MAX_CALL_QUEUE_MOVES,
  isEnding,
} from './call.record';
import { callPhase, describeAction, openOffers } from './call.outcome';
import type { Step } from './call.step';

export function applyOffer(t: Step, i: Extract<CallInput, { kind: 'offer' }>): string | undefined {
  const r = t.r;
  const phase = callPhase(r);
  if (r.offers.some((o) => o.offerId === i.offerId)) return `offer ${i.offerId} exists`;
  if (isEnding(r) && !r.end) return 'the call is ending';
  if (r.disposition) return `the call is leaving its call queue (${r.disposition.reason})`;
  if (r.callback?.requestedAt !== undefined) return 'the caller asked for a callback';
  const open = openOffers(r);
  if (open.some((o) => o.agentId === i.agentId)) return `agent ${i.agentId} is offered this call already`;
  // Attendant: a ring-all invite rings alongside the call's other ring-all invites; otherwise one offer at a time.
  const alongside = i.ringAll === true && i.via === 'invite' && phase === 'offered' && open.every((o) => o.ringAll);
  if (!alongside && (i.via === 'redirect' ? phase !== 'arrived' : phase !== 'queued'))
    return `a call ${phase} cannot take a ${i.via} offer`;
  const clientContext = t.clientContext(`offer:${i.offerId}`);
  r.offers.push({
    offerId: i.offerId,
    agentId: i.agentId,
    userId: i.userId,
    via: i.via,
    offeredAt: i.at,
    clientContext,
    ...(i.via === 'invite' ? { participantId: i.offerId } : {}),
    ...(i.ringAll && i.via === 'invite' ? { ringAll: true } : {}),
  });
  r.pendingOps[clientContext] = { purpose: 'offer', offerId: i.offerId };
  t.entry('offered', i.at, {
    agentId: i.agentId,
    offerId: i.offerId,
    callQueueId: r.callQueueId,
    ...(i.trigger ? { detail: i.trigger } : {}),
  });
  const target: CallTarget = { kind: 'user', userId: i.userId, tenantId: r.tenantId || undefined };
  if (i.via === 'transfer')
    t.commands.push({ op: 'transfer', callId: r.callId, target, clientContext, ...t.transferee() });
  else if (i.via === 'invite')
    t.commands.push({ op: 'invite', callId: r.callId, targets: [target], clientContext, participantId: i.offerId });
  else
    t.commands.push({
      op: 'redirect',
      callId: r.callId,
      targets: [target],
      timeoutS: i.timeoutS,
      callbackUri: t.env.callbackUri,
      routingPolicies: [...AGENT_REDIRECT_POLICIES],
    });
  return undefined;
}

/** Attendant's invitations of one routing pass, together; refused only when not one of them could be made. */
export function applyRingAll(t: Step, i: Extract<CallInput, { kind: 'ringAll' }>): string | undefined {
  const why: string[] = [];
  let made = 0;
  for (const inv of i.invites) {
    const refused = applyOffer(t, {
      kind: 'offer',
      key: inv.offerId,
      at: i.at,
      via: 'invite',
      ringAll: true,
      ...(i.trigger ? { trigger: i.trigger } : {}),
      ...inv,
    });
    if (refused) why.push(`${inv.agentId}: ${refused}`);
    else made++;
  }
  return made > 0 ? undefined : why.join('; ') || 'no invitation';
}

export function applyOfferExpired(t: Step, offerId: string, at: number): string | undefined {
  const offer = t.r.offers.find((o) => o.offerId === offerId);
  if (!offer) return `no offer ${offerId}`;
  if (offer.result || t.r.end) return `offer ${offerId} is ${offer.result ?? 'over'}`;
  t.resolveOffer(offer, 'missed', at);
  t.cancelInvite(offer);
  return undefined;
}

export function applyCallQueueAction(
  t: Step,
  reason: 'overflowed' | 'timedOut' | 'noAgent',
  action: CallQueueAction,
  at: number,
  expect: { fromCallQueueId?: string; moves?: number } = {},
): string | undefined {
  const r = t.r;
  const phase = callPhase(r);
  if (expect.fromCallQueueId !== undefined && r.callQueueId !== expect.fromCallQueueId)
    return `the call is no longer in call queue ${expect.fromCallQueueId}`;
  if (expect.moves !== undefined && (r.moves ?? 0) !== expect.moves) return 'the call has moved since';
  if (phase === 'ended' || phase === 'connected' || phase === 'unknown') return `the call is ${phase}`;
  if (r.disposition) return `the call is leaving already (${r.disposition.reason})`;
  if (r.callback?.requestedAt !== undefined) return 'the caller asked for a callback';
  if (isEnding(r)) return 'the call is ending';
  // Every invitation still ringing (several, attendant) stops: the call leaves the call queue.
  for (const offer of openOffers(r)) {
    t.resolveOffer(offer, 'cancelled', at);
    t.cancelInvite(offer);
  }
  if (action.kind === 'callQueue' && (r.moves ?? 0) >= MAX_CALL_QUEUE_MOVES) action = { kind: 'disconnect' };
  t.entry(reason, at, { callQueueId: r.callQueueId, waitMs: t.waitMs(at), detail: describeAction(action) });
  const answered = r.answeredAt !== undefined;
  switch (action.kind) {
    case 'callQueue':
      // The call keeps its arrival time (its place by time); its wait in the new call queue starts now.
      r.callQueueId = action.callQueueId;
      r.enqueuedAt = at;
      r.moves = (r.moves ?? 0) + 1;
      return undefined;
    case 'disconnect':
      r.disposition = { reason, at, action };
      if (answered) t.hangUp(at);
      else t.commands.push({ op: 'reject', callId: r.callId, reason: 'busy' });
      return undefined;
    case 'user':
    case 'number': {
      r.disposition = { reason, at, action };
      const target: CallTarget =
        action.kind === 'user'
          ? { kind: 'user', userId: action.userId, tenantId: r.tenantId || undefined }
          : { kind: 'phone', number: action.number };
      if (answered) {
        const clientContext = t.clientContext(reason);
        r.pendingOps[clientContext] = { purpose: 'action' };
        t.commands.push({ op: 'transfer', callId: r.callId, target, clientContext, ...t.transferee() });
      } else {
        t.commands.push({
          op: 'redirect',
          callId: r.callId,
          targets: [target],
          callbackUri: t.env.callbackUri,
        });
      }
      return undefined;
    }
  }
}
