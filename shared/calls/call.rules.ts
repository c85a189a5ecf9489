/**
 * The call state machine of the contact center — pure. A call's record + one input (a Graph notification's event, or
 * a decision of the router / a timer) → the next record, the event-log entries to append (`callEvents`) and the
 * commands to send through CallControl. The rules (facts that only grow, idempotent inputs, terminal is terminal) are
 * told in call.record.ts; the transitions live in call.graph-events.ts and call.router-inputs.ts, what is derived
 * from a record in call.outcome.ts. This module is the entry point and re-exports the machine's public API.
 */
import { applyGraphEvent } from './call.graph-events';
import {
  CallCommand,
  CallEnv,
  CallInput,
  CallLogEntry,
  CallRecord,
  SEEN_LIMIT,
  Transition,
  inputKey,
  newCallRecord,
} from './call.record';
import { applyCallQueueAction, applyOffer, applyOfferExpired, applyRingAll } from './call.router-inputs';
import { applyMenuStep } from './call.menu-inputs';
import { applyAnnounce } from './call.announce-inputs';
import { applyRecording, applySupervise } from './call.supervision-inputs';
import { applyCallbackNote, applyCallbackStep } from './call.callback-inputs';
import { Step } from './call.step';

export * from './call.record';
export * from './call.outcome';

function inputCallId(input: CallInput, current: CallRecord | undefined): string {
  if (input.kind === 'graph') return input.event.callId;
  if (!current) throw new Error(`${input.kind} for a call with no record`);
  return current.callId;
}

/** Applies one input. Never mutates `current`. */
export function applyCallInput(current: CallRecord | undefined, input: CallInput, env: CallEnv): Transition {
  const key = inputKey(input);
  if (current?.seen.includes(key)) return { record: current, log: [], commands: [], changed: false };
  if (input.kind === 'graph' && input.event.type === 'ignored')
    return {
      record: current ?? newCallRecord(input.event.callId, input.event.tenantId ?? ''),
      log: [],
      commands: [],
      changed: false,
    };
  const callId = inputCallId(input, current);
  const r: CallRecord = current
    ? structuredClone(current)
    : newCallRecord(callId, (input.kind === 'graph' ? input.event.tenantId : undefined) ?? '');
  if (!r.tenantId && input.kind === 'graph' && input.event.tenantId) r.tenantId = input.event.tenantId;
  const t = new Step(r, env);
  const refused = dispatch(t, input);
  if (refused !== undefined) return { record: current ?? r, log: [], commands: [], changed: false, refused };
  t.settleOutcome();
  r.seen.push(key);
  if (r.seen.length > SEEN_LIMIT) r.seen.splice(0, r.seen.length - SEEN_LIMIT);
  return { record: r, log: t.log, commands: t.commands, changed: true };
}

/** Applies inputs in order (tests, replays). */
export function applyCallInputs(
  current: CallRecord | undefined,
  inputs: readonly CallInput[],
  env: CallEnv,
): { record: CallRecord | undefined; log: CallLogEntry[]; commands: CallCommand[] } {
  let record = current;
  const log: CallLogEntry[] = [];
  const commands: CallCommand[] = [];
  for (const input of inputs) {
    const t = applyCallInput(record, input, env);
    record = t.record;
    log.push(...t.log);
    commands.push(...t.commands);
  }
  return { record, log, commands };
}

/** Returns a reason when a router input is refused (nothing changes). */
function dispatch(t: Step, input: CallInput): string | undefined {
  switch (input.kind) {
    case 'graph':
      applyGraphEvent(t, input.event, input.at, input.route);
      return undefined;
    case 'offer':
      return applyOffer(t, input);
    case 'ringAll':
      return applyRingAll(t, input);
    case 'offerExpired':
      return applyOfferExpired(t, input.offerId, input.at);
    case 'callQueueAction':
      return applyCallQueueAction(t, input.reason, input.action, input.at, input);
    case 'menuStep':
      return applyMenuStep(t, input);
    case 'announce':
      return applyAnnounce(t, input);
    case 'supervise':
      return applySupervise(t, input);
    case 'recording':
      return applyRecording(t, input);
    case 'callbackStep':
      return applyCallbackStep(t, input);
    case 'callbackNote':
      return applyCallbackNote(t, input);
  }
}
