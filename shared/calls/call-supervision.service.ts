/**
 * Supervision of a live call through the API (issue 15 items 5 and 6): monitor / barge (a supervisor invited into
 * the call, muted or speaking) and the recorder's pause / resume. The rules are pure (supervision.rules.ts,
 * call.supervision-inputs.ts); here: read the call and its story, decide, apply the input through the call router
 * (ETag-guarded, its Graph commands through CallControl and the command outbox), and answer what the call now shows.
 */
import { randomUUID } from 'node:crypto';
import type { CallInput, SupervisionMode } from './call.rules';
import type { CallRepository, CallTransitionResult } from './call.repository';
import {
  activeSession,
  isAlreadySo,
  recordingView,
  supervisionView,
  type RecordingView,
  type SupervisionView,
} from './call.supervision-inputs';
import {
  callQueuesOf,
  recordingDecision,
  superviseBodySchema,
  superviseDecision,
  SELF_ONLY_REFUSAL,
  type SupervisionCaller,
} from './supervision.rules';

export interface CallSupervisionDeps {
  calls: Pick<CallRepository, 'get' | 'listEvents'>;
  /** Applies an input to the call and carries out its commands (CallRoutingService.applyRouterInput). */
  apply(tenantId: string, callId: string, input: CallInput): Promise<CallTransitionResult>;
  /** A user of the tenant by UPN → object id (lower case), undefined when there is none. */
  resolveUser(tenantId: string, upn: string): Promise<string | undefined>;
  now?: () => number;
}

export type SupervisionOutcome<T> =
  | { kind: 'notFound'; detail: string }
  | { kind: 'forbidden'; detail: string }
  | { kind: 'conflict'; detail: string }
  | { kind: 'invalid'; errors: { field: string; message: string }[] }
  /** `changed`: the request did something (202); false: it was so already (200). */
  | { kind: 'done'; changed: boolean; view: T };

export interface SuperviseView {
  callId: string;
  supervisor: SupervisionView;
}

export interface RecordingStateView {
  callId: string;
  recording: RecordingView;
}

export class CallSupervisionService {
  constructor(private readonly deps: CallSupervisionDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Monitor (muted) or barge (speaking): the supervisor is invited into the connected call. */
  async supervise(
    tenantId: string,
    callId: string,
    caller: SupervisionCaller,
    mode: SupervisionMode,
    body: unknown,
  ): Promise<SupervisionOutcome<SuperviseView>> {
    const parsed = superviseBodySchema.safeParse(body ?? {});
    if (!parsed.success)
      return {
        kind: 'invalid',
        errors: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
      };
    const stored = await this.deps.calls.get(tenantId, callId);
    if (!stored) return { kind: 'notFound', detail: `No call ${callId}.` };
    const story = await this.deps.calls.listEvents(tenantId, callId);
    const decision = superviseDecision(caller, stored.record, callQueuesOf(stored.record, story), parsed.data);
    if (!decision.ok) return refusal(decision);
    let userId: string;
    if ('lookup' in decision) {
      const found = await this.deps.resolveUser(tenantId, decision.lookup);
      if (!found)
        return { kind: 'invalid', errors: [{ field: 'userPrincipalName', message: 'is not a user of this tenant' }] };
      userId = found.toLowerCase();
      if (decision.selfOnly && userId !== caller.oid) return refusal(SELF_ONLY_REFUSAL);
    } else userId = decision.userId;
    const result = await this.deps.apply(tenantId, callId, {
      kind: 'supervise',
      key: randomUUID(),
      at: this.now,
      mode,
      userId,
      participantId: randomUUID(),
      requestedBy: caller.oid,
    });
    const record = result.record;
    const session = record ? activeSession(record, userId) : undefined;
    if (result.refused && !isAlreadySo(result.refused)) return { kind: 'conflict', detail: `${result.refused}.` };
    if (!record || !session) return { kind: 'conflict', detail: 'The call is no longer connected to an agent.' };
    const view = supervisionView(record).find((s) => s.supervisorId === userId && s.state !== 'ended')!;
    return { kind: 'done', changed: result.changed, view: { callId, supervisor: view } };
  }

  /** Pause or resume the call's recording; pausing a paused recording changes nothing (one span). */
  async recording(
    tenantId: string,
    callId: string,
    caller: SupervisionCaller,
    action: 'pause' | 'resume',
  ): Promise<SupervisionOutcome<RecordingStateView>> {
    const stored = await this.deps.calls.get(tenantId, callId);
    if (!stored) return { kind: 'notFound', detail: `No call ${callId}.` };
    const story = await this.deps.calls.listEvents(tenantId, callId);
    const decision = recordingDecision(caller, stored.record, callQueuesOf(stored.record, story));
    if (!decision.ok) return refusal(decision);
    const result = await this.deps.apply(tenantId, callId, {
      kind: 'recording',
      key: randomUUID(),
      at: this.now,
      action,
      by: `${decision.as} ${caller.oid}`,
    });
    if (result.refused && !isAlreadySo(result.refused)) return { kind: 'conflict', detail: `${result.refused}.` };
    const view = result.record ? recordingView(result.record, this.now) : undefined;
    if (!view) return { kind: 'conflict', detail: 'The call is not recorded.' };
    return { kind: 'done', changed: result.changed, view: { callId, recording: view } };
  }
}

function refusal(d: { status: 403 | 404 | 409; detail: string }): SupervisionOutcome<never> {
  if (d.status === 404) return { kind: 'notFound', detail: d.detail };
  if (d.status === 403) return { kind: 'forbidden', detail: d.detail };
  return { kind: 'conflict', detail: d.detail };
}
