/**
 * From a validated commsNotifications envelope to typed call events. One POST may carry several notifications
 * (resources/commsnotifications.md) and one notification several events (an `updated` call may carry a state and a
 * toneInfo). Each event has a dedupe `key` derived from the notification's content: Graph notifications have no id,
 * and a redelivered one (webhook retry, storage-queue redelivery) is byte-for-byte the same.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  CALL_STATES,
  CallResource,
  CommsNotification,
  FieldError,
  GraphCallState,
  OperationResource,
  ParticipantResource,
  ResultInfo,
  Tone,
  callResourceSchema,
  commsNotificationSchema,
  commsNotificationsSchema,
  operationResourceSchema,
  parseResourcePath,
  participantsSchema,
  zodFieldErrors,
} from './notification.schema';

interface EventBase {
  /** Dedupe key: the same for a redelivered notification, different for any other. */
  key: string;
  callId: string;
  tenantId?: string;
}

export interface IncomingCallEvent extends EventBase {
  type: 'incomingCall';
  direction?: string;
  /** The resource account the caller dialled (targets[].identity.applicationInstance.id): maps to an endpoint. */
  targetApplicationInstanceId?: string;
  callerPhone?: string;
  callerUserId?: string;
  /** The caller's participant id (incomingContext.sourceParticipantId): whom to put on hold. */
  callerParticipantId?: string;
  myParticipantId?: string;
  callChainId?: string;
}

export interface CallStateChangedEvent extends EventBase {
  type: 'callStateChanged';
  state: GraphCallState;
  resultInfo?: ResultInfo;
}

export interface CallTerminatedEvent extends EventBase {
  type: 'callTerminated';
  resultInfo?: ResultInfo;
  terminationReason?: string;
}

export interface ToneReceivedEvent extends EventBase {
  type: 'toneReceived';
  tone: Tone;
  sequenceId: number;
}

export interface OperationFinishedEvent extends EventBase {
  type: 'operationFinished';
  operationId?: string;
  /** e.g. playPromptOperation, inviteParticipantsOperation (from @odata.type). */
  operationType?: string;
  status: 'completed' | 'failed';
  clientContext?: string;
  resultInfo?: ResultInfo;
}

export interface RosterParticipant {
  participantId?: string;
  userId?: string;
  phone?: string;
  applicationInstanceId?: string;
  applicationId?: string;
  isMuted?: boolean;
  isInLobby?: boolean;
}

export interface ParticipantsChangedEvent extends EventBase {
  type: 'participantsChanged';
  /** The whole roster (Graph sends all participants on every roster update). */
  participants: RosterParticipant[];
  /** A `deleted` notification on the roster or one participant. */
  removed: boolean;
}

export interface IgnoredEvent extends EventBase {
  type: 'ignored';
  reason: string;
}

export type CallEvent =
  | IncomingCallEvent
  | CallStateChangedEvent
  | CallTerminatedEvent
  | ToneReceivedEvent
  | OperationFinishedEvent
  | ParticipantsChangedEvent
  | IgnoredEvent;

export class CallNotificationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`Invalid call notification: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'CallNotificationError';
  }
}

export interface ParseContext {
  /** The tenant from the callback's token (`tid`), used when the notification does not say. */
  tenantId?: string;
}

/** Validates a whole POST body; returns the notifications, or every field error (the webhook answers 400). */
export function validateCommsNotifications(
  body: unknown,
): { ok: true; notifications: CommsNotification[] } | { ok: false; errors: FieldError[] } {
  const parsed = commsNotificationsSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: zodFieldErrors('', parsed.error) };
  const errors: FieldError[] = [];
  parsed.data.value.forEach((n, i) => {
    try {
      parseNotification(n, {}, `value[${i}]`);
    } catch (e) {
      if (e instanceof CallNotificationError) errors.push(...e.errors);
      else throw e;
    }
  });
  return errors.length ? { ok: false, errors } : { ok: true, notifications: parsed.data.value };
}

/** Every event of every notification in a POST body. Throws CallNotificationError naming the field at fault. */
export function parseCommsNotifications(body: unknown, ctx: ParseContext = {}): CallEvent[] {
  const parsed = commsNotificationsSchema.safeParse(body);
  if (!parsed.success) throw new CallNotificationError(zodFieldErrors('', parsed.error));
  return parsed.data.value.flatMap((n, i) => parseNotification(n, ctx, `value[${i}]`));
}

/**
 * The events of one notification (what a storage-queue message holds). `unknown` input is validated first, so a
 * message written by an older webhook is checked again.
 */
export function parseNotification(input: unknown, ctx: ParseContext = {}, prefix = 'notification'): CallEvent[] {
  const outer = commsNotificationSchema.safeParse(input);
  if (!outer.success) throw new CallNotificationError(zodFieldErrors(prefix, outer.error));
  const n = outer.data;
  const path = (n.resourceUrl || n.resource) as string;
  const ref = parseResourcePath(path);
  const key = notificationKey(n);
  const dataPrefix = `${prefix}.resourceData`;
  const tenantFallback = ctx.tenantId?.toLowerCase();

  switch (ref.kind) {
    case 'call': {
      const data = check(callResourceSchema, n.resourceData, dataPrefix);
      return callEvents(n.changeType, ref.callId, data, key, tenantFallback);
    }
    case 'operation': {
      const data = check(operationResourceSchema, n.resourceData, dataPrefix);
      return [operationEvent(ref.callId, ref.operationId, data, key, tenantFallback)];
    }
    case 'participants': {
      const raw = Array.isArray(n.resourceData) ? n.resourceData : [n.resourceData];
      // An invite's completion may come on `…/operations/participants` as an operation (participant-invite.md).
      if (!Array.isArray(n.resourceData) && isOperationType(n.resourceData)) {
        const data = check(operationResourceSchema, n.resourceData, dataPrefix);
        return [operationEvent(ref.callId, data.id ?? undefined, data, key, tenantFallback)];
      }
      const roster = check(participantsSchema, raw, dataPrefix);
      return [
        {
          type: 'participantsChanged',
          key: `${key}:participants`,
          callId: ref.callId,
          tenantId: tenantFallback,
          participants: roster.map(rosterParticipant),
          removed: n.changeType === 'deleted',
        },
      ];
    }
    case 'other':
      return [{ type: 'ignored', key, callId: '', tenantId: tenantFallback, reason: `unhandled resource ${path}` }];
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new CallNotificationError(zodFieldErrors(prefix, r.error));
  return r.data;
}

function isOperationType(data: unknown): boolean {
  const t = (data as Record<string, unknown>)['@odata.type'];
  return typeof t === 'string' && /operation$/i.test(t);
}

function callEvents(
  changeType: CommsNotification['changeType'],
  pathCallId: string,
  data: CallResource,
  key: string,
  tenantFallback: string | undefined,
): CallEvent[] {
  const callId = data.id || pathCallId;
  const tenantId = (data.tenantId ?? undefined)?.toLowerCase() ?? tenantFallback;
  const base = { callId, tenantId };
  const resultInfo = data.resultInfo ?? undefined;
  const terminationReason = data.terminationReason ?? undefined;
  const ended = { type: 'callTerminated' as const, key: `${key}:terminated`, ...base, resultInfo, terminationReason };
  if (changeType === 'deleted') return [ended];
  const events: CallEvent[] = [];
  const state = knownState(data.state);
  if (changeType === 'created' && (data.state === 'incoming' || (!data.state && data.direction === 'incoming'))) {
    events.push(incomingEvent(`${key}:incoming`, callId, tenantId, data));
  } else if (state === 'terminated') {
    events.push(ended);
  } else if (state) {
    events.push({ type: 'callStateChanged', key: `${key}:state`, ...base, state, resultInfo });
  } else if (data.state) {
    events.push({ type: 'ignored', key: `${key}:state`, ...base, reason: `unknown call state ${data.state}` });
  }
  if (data.toneInfo) {
    events.push({
      type: 'toneReceived',
      key: `${key}:tone`,
      ...base,
      tone: data.toneInfo.tone,
      sequenceId: data.toneInfo.sequenceId,
    });
  }
  if (events.length === 0) events.push({ type: 'ignored', key, ...base, reason: 'nothing the call machine reads' });
  return events;
}

function incomingEvent(key: string, callId: string, tenantId: string | undefined, d: CallResource): IncomingCallEvent {
  const target = (d.targets ?? []).find((t) => t.identity?.applicationInstance?.id)?.identity?.applicationInstance;
  const caller = d.source?.identity;
  return {
    type: 'incomingCall',
    key,
    callId,
    tenantId: tenantId ?? (target?.tenantId ?? caller?.phone?.tenantId ?? undefined)?.toLowerCase(),
    direction: d.direction ?? undefined,
    targetApplicationInstanceId: target?.id?.toLowerCase() ?? undefined,
    callerPhone: caller?.phone?.id ?? undefined,
    callerUserId: caller?.user?.id ?? undefined,
    callerParticipantId: d.incomingContext?.sourceParticipantId ?? d.source?.participantId ?? undefined,
    myParticipantId: d.myParticipantId ?? undefined,
    callChainId: d.callChainId ?? undefined,
  };
}

function operationEvent(
  callId: string,
  pathOperationId: string | undefined,
  d: OperationResource,
  key: string,
  tenantId: string | undefined,
): CallEvent {
  const status = d.status.toLowerCase();
  const base = { key: `${key}:operation`, callId, tenantId };
  if (status !== 'completed' && status !== 'failed')
    return { type: 'ignored', ...base, reason: `operation ${pathOperationId ?? d.id ?? '?'} is ${d.status}` };
  return {
    type: 'operationFinished',
    ...base,
    operationId: d.id ?? pathOperationId,
    operationType: d['@odata.type']?.replace(/^#?microsoft\.graph\./, '') ?? undefined,
    status,
    clientContext: d.clientContext ?? undefined,
    resultInfo: d.resultInfo ?? undefined,
  };
}

function rosterParticipant(p: ParticipantResource): RosterParticipant {
  const id = p.info?.identity;
  const out: RosterParticipant = {};
  if (p.id) out.participantId = p.id;
  if (id?.user?.id) out.userId = id.user.id.toLowerCase();
  if (id?.phone?.id) out.phone = id.phone.id;
  if (id?.applicationInstance?.id) out.applicationInstanceId = id.applicationInstance.id.toLowerCase();
  if (id?.application?.id) out.applicationId = id.application.id.toLowerCase();
  if (typeof p.isMuted === 'boolean') out.isMuted = p.isMuted;
  if (typeof p.isInLobby === 'boolean') out.isInLobby = p.isInLobby;
  return out;
}

function knownState(state: string | null | undefined): GraphCallState | undefined {
  return (CALL_STATES as readonly string[]).includes(state ?? '') ? (state as GraphCallState) : undefined;
}

/** sha-256 of the notification's canonical JSON (keys sorted), first 32 hex digits. */
export function notificationKey(n: unknown): string {
  return createHash('sha256').update(canonicalJson(n)).digest('hex').slice(0, 32);
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
