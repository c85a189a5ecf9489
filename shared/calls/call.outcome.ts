/**
 * What is derived from a call's record (never stored as truth): the open offer, the phase, the outcome, the summary
 * the live view and reports show, whether a call was handed over, and when a keepAlive is due.
 */
import type { ResultInfo } from './notification.schema';
import {
  CallOffer,
  CallOutcome,
  CallPhase,
  CallQueueAction,
  CallRecord,
  KEEP_ALIVE_EXPIRED_SUBCODE,
  TRANSFER_COMPLETED_SUBCODE,
} from './call.record';

export function openOffer(r: CallRecord): CallOffer | undefined {
  return r.offers.find((o) => !o.result);
}

/** Every offer still ringing: one, or — attendant — one per agent rung at once, oldest first. */
export function openOffers(r: CallRecord): CallOffer[] {
  return r.offers.filter((o) => !o.result);
}

export function callPhase(r: CallRecord): CallPhase {
  if (r.end) return 'ended';
  if (r.connected) return 'connected';
  if (openOffer(r)) return 'offered';
  if (r.answeredAt !== undefined && r.callQueueId) return 'queued';
  if (r.answeredAt !== undefined) return 'answered';
  if (r.arrival) return 'arrived';
  return 'unknown';
}

/** The outcome, once the call has ended and enough is known to say. Derived from facts only. */
export function callOutcome(r: CallRecord): CallOutcome | undefined {
  if (!r.end) return undefined;
  if (r.connected) {
    const offer = r.offers.find((o) => o.offerId === r.connected?.offerId);
    return offer && offer.via !== 'invite' ? 'transferred' : 'completed';
  }
  if (r.disposition && r.disposition.action.kind !== 'callQueue') return r.disposition.reason;
  // Left the menus by transfer (handed over 0/7015) or by the menu's hang-up.
  if (r.menu?.left && !r.callQueueId) return r.hangUpAt !== undefined ? 'endedByMenu' : 'transferred';
  if (!r.arrival) return undefined;
  if (r.arrival.route.action === 'reject') return 'rejected';
  if (r.callback?.requestedAt !== undefined) return 'callback';
  const code = r.end.resultInfo?.code;
  if (r.answeredAt === undefined && code === 408) return 'unanswered';
  if (code !== undefined && code >= 500 && r.end.resultInfo?.subcode !== TRANSFER_COMPLETED_SUBCODE) return 'failed';
  // No keepAlive for 45 minutes: Graph dropped the call (408/8537, api/call-keepalive.md) — the caller did not give up.
  if (r.end.resultInfo?.subcode === KEEP_ALIVE_EXPIRED_SUBCODE) return 'failed';
  return 'abandoned';
}

/** What the live view and reports show; what converges whatever order the notifications were read in. */
export interface CallSummary {
  callId: string;
  tenantId: string;
  phase: CallPhase;
  outcome?: CallOutcome;
  callQueueId?: string;
  arrivedAt?: number;
  answeredAt?: number;
  connectedAt?: number;
  agentId?: string;
  endedAt?: number;
  resultCode?: number;
  resultSubcode?: number;
  callerPhone?: string;
  /** The call's priority in its call queue when a menu option set one (1 very high … 5 very low; absent: 3). */
  priority?: number;
}

export function callSummary(r: CallRecord): CallSummary {
  const s: CallSummary = { callId: r.callId, tenantId: r.tenantId, phase: callPhase(r) };
  const put = <K extends keyof CallSummary>(k: K, v: CallSummary[K] | undefined) => {
    if (v !== undefined) s[k] = v;
  };
  put('outcome', callOutcome(r));
  put('callQueueId', r.callQueueId ?? (r.arrival?.route.action === 'answer' ? r.arrival.route.callQueueId : undefined));
  put('arrivedAt', r.arrival?.at);
  put('answeredAt', r.answeredAt);
  put('connectedAt', r.connected?.at);
  put('agentId', r.connected?.agentId);
  put('endedAt', r.end?.at);
  put('resultCode', r.end?.resultInfo?.code);
  put('resultSubcode', r.end?.resultInfo?.subcode ?? undefined);
  put('callerPhone', r.arrival?.callerPhone);
  put('priority', r.routing?.priority);
  return s;
}

/** A transfer / redirect completed: 0/7015, or (consultative transfer) terminationReason AppTransferred. */
export function isHandOver(resultInfo: ResultInfo | undefined, terminationReason?: string): boolean {
  return resultInfo?.subcode === TRANSFER_COMPLETED_SUBCODE || /^AppTransferred$/i.test(terminationReason ?? '');
}

export function describeAction(a: CallQueueAction): string {
  switch (a.kind) {
    case 'disconnect':
      return 'disconnect';
    case 'callQueue':
      return `callQueue ${a.callQueueId}`;
    case 'user':
      return `user ${a.userId}`;
    case 'number':
      return `number ${a.number}`;
  }
}

/**
 * api/call-keepalive.md: a call with no keepAlive for 45 minutes ends; send one every 15. Due when the call is
 * answered, not ended, and 15 minutes have passed since the last keepAlive (or the answer).
 */
export const KEEP_ALIVE_EVERY_MS = 15 * 60_000;

export function keepAliveDue(
  r: CallRecord,
  now: number,
  lastKeepAliveAt?: number,
  everyMs: number = KEEP_ALIVE_EVERY_MS,
): boolean {
  if (r.end || r.answeredAt === undefined) return false;
  return now - Math.max(r.answeredAt, lastKeepAliveAt ?? 0) >= everyMs;
}

/**
 * A call has one keepAlive chain: its row keeps the due time of the chain's live link (`link`), and a link's
 * message (due at `dueAt`) may act only while it is that link — or when no link was recorded yet (the first one,
 * armed at the answer). A copy of a link already taken (a redelivered message, a duplicate) is stale: it neither
 * sends a keepAlive nor arms a successor. After its keepAlive the link is claimed (`link` → dueAt + interval, under
 * the row's ETag) and only the claimer arms the successor, so two copies handled at once still leave one chain.
 */
export function keepAliveLinkIsLive(link: number | undefined, dueAt: number): boolean {
  return link === undefined || link === dueAt;
}
