/**
 * The call machine's transitions on Graph's notifications (call.rules.ts dispatches here): the incoming call, state
 * changes, the end, tones, operation completions and rosters. Notifications arrive late, twice and out of order, so
 * each transition only adds facts; see call.record.ts for the rules.
 */
import type { CallEvent, RosterParticipant } from './notification.parser';
import type { GraphCallState, ResultInfo } from './notification.schema';
import { ANSWERED_STATES, ArrivalRoute, STATE_RANK } from './call.record';
import { describeAction, isHandOver, openOffer, openOffers } from './call.outcome';
import type { Step } from './call.step';
import { menuPromptFinished, redactMenuOnEnd } from './call.menu-inputs';
import {
  isSupervising,
  supervisionEnded,
  supervisionInviteFinished,
  supervisionRoster,
} from './call.supervision-inputs';
import { callbackPromptFinished } from './call.callback-inputs';

export function applyGraphEvent(t: Step, e: CallEvent, at: number, route: ArrivalRoute | undefined): void {
  switch (e.type) {
    case 'incomingCall':
      if (!route) throw new Error('an incomingCall input needs its route');
      return incoming(t, e, at, route);
    case 'callStateChanged':
      if (e.state === 'terminated') return terminated(t, at, e.resultInfo, undefined);
      return stateChanged(t, e.state, at, e.resultInfo);
    case 'callTerminated':
      return terminated(t, at, e.resultInfo, e.terminationReason);
    case 'toneReceived':
      // Notifications are reordered: a tone read after the end was pressed before it, so it is kept (the call's
      // tones do not depend on the order they were read in) — redacted when the end redacted a self-service's digits.
      if (!t.r.tones.some((x) => x.sequenceId === e.sequenceId)) {
        t.r.tones.push({ sequenceId: e.sequenceId, tone: t.r.end && t.r.tonesRedactedAtEnd ? 'redacted' : e.tone, at });
        t.r.tones.sort((a, b) => a.sequenceId - b.sequenceId);
        if (t.r.tones.length > 64) t.r.tones.splice(0, t.r.tones.length - 64);
      }
      return;
    case 'operationFinished':
      return operationFinished(t, e.clientContext, e.status, at, e.resultInfo);
    case 'participantsChanged':
      return roster(t, e.participants, at);
    case 'ignored':
      return;
  }
}

function incoming(t: Step, e: Extract<CallEvent, { type: 'incomingCall' }>, at: number, route: ArrivalRoute): void {
  const r = t.r;
  if (r.arrival) {
    if (at < r.arrival.at) r.arrival.at = at;
    return;
  }
  r.arrival = {
    at,
    route,
    targetApplicationInstanceId: e.targetApplicationInstanceId,
    callerPhone: e.callerPhone,
    callerUserId: e.callerUserId,
    callerParticipantId: e.callerParticipantId,
    callChainId: e.callChainId,
  };
  if (e.tenantId && !r.tenantId) r.tenantId = e.tenantId;
  t.entry('arrived', at, {
    callQueueId: route.action === 'answer' ? route.callQueueId : undefined,
    detail: route.action === 'reject' ? route.why : undefined,
  });
  if (route.action === 'reject') {
    t.entry('rejected', at, { detail: `${route.reason}: ${route.why}` });
    if (!r.end) t.commands.push({ op: 'reject', callId: r.callId, reason: route.reason });
    return;
  }
  if (r.end) return;
  if (r.answeredAt === undefined) {
    t.commands.push({
      op: 'answer',
      callId: r.callId,
      callbackUri: t.env.callbackUri,
      acceptedModalities: ['audio'],
    });
  } else {
    // `established` was read before `incoming`: the call is answered already.
    enqueue(t, r.answeredAt);
  }
}

function stateChanged(t: Step, state: GraphCallState, at: number, resultInfo: ResultInfo | undefined): void {
  const r = t.r;
  const failedBack = state === 'established' && resultInfo !== undefined && resultInfo.code >= 400;
  if (failedBack) {
    // A transfer that failed returns the call to `established` with the failure (api/call-transfer.md).
    const offer = openOffer(r);
    if (!r.end && offer && offer.via === 'transfer') {
      t.resolveOffer(offer, 'declined', at, resultInfo);
      r.graphState = 'established';
      t.startHoldMusic(at);
    }
  } else if (r.graphState === undefined || STATE_RANK[state] >= STATE_RANK[r.graphState]) {
    if (!r.end) r.graphState = state;
  }
  if (ANSWERED_STATES.has(state)) {
    answered(t, at);
    if (state === 'transferAccepted') transferAccepted(t, at);
  }
}

function answered(t: Step, at: number): void {
  const r = t.r;
  if (r.answeredAt !== undefined) {
    if (at < r.answeredAt) r.answeredAt = at;
    return;
  }
  r.answeredAt = at;
  t.entry('answered', at, { waitMs: t.waitMs(at) });
  if (!r.end && r.arrival?.route.action === 'answer') enqueue(t, at);
}

function enqueue(t: Step, at: number): void {
  const r = t.r;
  if (r.enqueuedAt !== undefined || r.arrival?.route.action !== 'answer') return;
  r.enqueuedAt = at;
  r.callQueueId = r.arrival.route.callQueueId;
  t.entry('enqueued', at, { callQueueId: r.callQueueId });
  t.startHoldMusic(at);
}

function transferAccepted(t: Step, at: number): void {
  const r = t.r;
  const offer = r.end
    ? r.offers.find((o) => o.offerId === r.connected?.offerId)
    : r.offers.find((o) => !o.result && o.via !== 'invite');
  if (offer) t.connect(offer, at);
}

function terminated(
  t: Step,
  at: number,
  resultInfo: ResultInfo | undefined,
  terminationReason: string | undefined,
): void {
  const r = t.r;
  if (r.end) {
    if (at < r.end.at) r.end.at = at;
    if (!r.end.resultInfo && resultInfo) r.end.resultInfo = resultInfo;
    return;
  }
  // A transfer / redirect that completed takes the call out of the bot's hands (api/call-transfer.md: 0/7015).
  const handedOver = isHandOver(resultInfo, terminationReason);
  const open = openOffer(r);
  if (handedOver && open && open.via !== 'invite') t.connect(open, at);
  const via = r.offers.find((o) => o.offerId === r.connected?.offerId)?.via;
  if (handedOver && r.connected && via !== 'invite')
    t.entry('transferred', at, { agentId: r.connected.agentId, offerId: r.connected.offerId });
  else if (handedOver && r.disposition) t.entry('transferred', at, { detail: describeAction(r.disposition.action) });
  for (const o of r.offers) if (!o.result) t.resolveOffer(o, 'cancelled', at);
  r.end = { at, resultInfo };
  r.graphState = 'terminated';
  r.pendingOps = {};
  supervisionEnded(t, at);
  redactMenuOnEnd(r);
  t.entry('ended', at, { resultInfo });
}

function operationFinished(
  t: Step,
  clientContext: string | undefined,
  status: 'completed' | 'failed',
  at: number,
  resultInfo: ResultInfo | undefined,
): void {
  const r = t.r;
  const pending = clientContext ? r.pendingOps[clientContext] : undefined;
  if (!pending || r.end || !clientContext) return; // unknown or finished operation: ignored
  delete r.pendingOps[clientContext];
  if (pending.purpose === 'holdMusic') return t.holdMusicFinished(pending.hold, status);
  if (pending.purpose === 'menuPrompt') return menuPromptFinished(t, clientContext);
  if (pending.purpose === 'supervise')
    return supervisionInviteFinished(t, pending.participantId, status, at, resultInfo?.code);
  if (pending.purpose === 'callbackPrompt') return callbackPromptFinished(t, clientContext, at);
  if (pending.purpose !== 'offer') return;
  const offer = r.offers.find((o) => o.offerId === pending.offerId);
  if (!offer || offer.result) return;
  if (status === 'completed') {
    if (offer.via === 'invite') t.connect(offer, at);
  } else {
    t.resolveOffer(offer, 'declined', at, resultInfo);
  }
}

function roster(t: Step, participants: RosterParticipant[], at: number): void {
  const r = t.r;
  if (r.end) return;
  // The first open invitation whose agent the roster lists wins (attendant: several may ring; the others are
  // withdrawn by the connection).
  const joined = openOffers(r).find(
    (o) => o.via === 'invite' && participants.some((p) => p.userId === o.userId.toLowerCase()),
  );
  if (joined) t.connect(joined, at);
  supervisionRoster(t, participants, at);
  // An agent whose invitation no longer stood (missed, cancelled) joined anyway — the answer crossed our cancel:
  // they are taken out again, once, so they never talk to a caller the call queue has moved on with.
  for (const o of r.offers)
    if (
      o.via === 'invite' &&
      o.result &&
      o.result !== 'accepted' &&
      !o.removed &&
      !isSupervising(r, o.userId) &&
      participants.some((p) => p.userId === o.userId.toLowerCase())
    ) {
      o.removed = true;
      t.cancelInvite(o, { evenIfConnected: true });
    }
  // Invite model: the caller left while the agent and the bot stay (issue 12 §7) → the bot ends the call. Only
  // once a roster has shown the caller: some rosters list only who was added (participant-invite.md example 1).
  const phone = r.arrival?.callerPhone;
  const callerIn = !!phone && participants.some((p) => p.phone === phone);
  if (callerIn) r.rosterHadCaller = true;
  else if (r.connected && r.rosterHadCaller) t.hangUp(at); // every roster is whole: the next one says it again
}
