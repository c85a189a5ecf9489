/**
 * Who may monitor, barge into, pause or resume the recording of a call (issue 15 items 5 and 6) — pure. The caller's
 * scope is the one every call queue route computes (shared/callqueues CallQueueScope, filled by the trigger); this
 * capability only sees its shape. The order of the checks is the contract: a call outside a supervisor's call queues
 * is 404 before anything else (its existence would leak), then the role, then the call's state (409).
 */
import { z } from 'zod';
import type { CallRecord, RecordingActorRole } from './call.record';
import { callPhase } from './call.outcome';

/** The caller as the call queue routes see them (structurally shared/callqueues' CallQueueScope). */
export interface SupervisionCaller {
  /** Every call queue of the tenant (Admin). */
  all: boolean;
  queues: ReadonlySet<string>;
  /** The token's `oid`, lower case: the caller's Entra object id, whom Graph invites. */
  oid: string;
  isAdmin: boolean;
  isSupervisor: boolean;
  isAgent: boolean;
  /** The token's user name (`preferred_username` / upn), when it has one. */
  upn?: string;
}

export type Refusal = { ok: false; status: 403 | 404 | 409; detail: string };

/** May the caller see this call (calls-get's rule): Admin, or a Supervisor of one of the call queues it was in. */
export function seesCall(caller: SupervisionCaller, callQueues: readonly string[]): boolean {
  return caller.all || (caller.isSupervisor && callQueues.some((q) => caller.queues.has(q)));
}

/** The call queues a call has been in: where it waits now and those its story names. */
export function callQueuesOf(r: CallRecord, story: readonly { callQueueId?: string }[]): string[] {
  const set = new Set<string>();
  for (const e of story) if (e.callQueueId) set.add(e.callQueueId);
  if (r.callQueueId) set.add(r.callQueueId);
  if (r.arrival?.route.action === 'answer') set.add(r.arrival.route.callQueueId);
  return [...set];
}

export const superviseBodySchema = z
  .object({
    userPrincipalName: z.string().trim().toLowerCase().max(113).email({ message: 'must be a user principal name' }),
  })
  .partial()
  .strict();

export type SuperviseBody = z.infer<typeof superviseBodySchema>;

/** A Supervisor who named someone else (their UPN resolved to another object id than the token's `oid`). */
export const SELF_ONLY_REFUSAL: Refusal = {
  ok: false,
  status: 403,
  detail: 'A supervisor may only monitor or barge in themselves; leave userPrincipalName out or give your own.',
};

/**
 * Monitor / barge: who goes into the call. Absent `userPrincipalName`: the caller themselves (their token's `oid`).
 * A Supervisor may only send themselves (a UPN other than their own is 403: they would put someone else on the line);
 * an Admin may send anyone of the tenant (`lookup`: the UPN is resolved to an object id).
 */
export function superviseDecision(
  caller: SupervisionCaller,
  r: CallRecord,
  callQueues: readonly string[],
  body: SuperviseBody,
): Refusal | { ok: true; userId: string } | { ok: true; lookup: string; selfOnly?: true } {
  if (!seesCall(caller, callQueues)) return { ok: false, status: 404, detail: `No call ${r.callId}.` };
  const upn = body.userPrincipalName;
  let target: { userId: string } | { lookup: string; selfOnly?: true } = { userId: caller.oid };
  // A UPN that is not the token's own name: an Admin's is looked up; a Supervisor's too (a token need not carry
  // preferred_username), and it must turn out to be their own object id ({@link SELF_ONLY_REFUSAL} otherwise).
  if (upn && upn !== caller.upn?.toLowerCase())
    target = caller.isAdmin ? { lookup: upn } : { lookup: upn, selfOnly: true };
  const phase = callPhase(r);
  if (phase !== 'connected' || r.end || r.hangUpAt !== undefined)
    return { ok: false, status: 409, detail: `The call is ${phase}, not connected to an agent.` };
  return { ok: true, ...target };
}

/**
 * Pause / resume: the agent on the call (token `oid` = the connected agent), a Supervisor of the call's call queue,
 * an Admin — each only when the call queue's `pauseAllowedFor` names their role (as it was when the recording
 * started). A supervisor of another call queue (or an admin-less caller) who cannot see the call: 404; an agent
 * not on the call, or a role not allowed: 403; a call not recorded or ended: 409.
 */
export function recordingDecision(
  caller: SupervisionCaller,
  r: CallRecord,
  callQueues: readonly string[],
): Refusal | { ok: true; as: RecordingActorRole } {
  const roles: RecordingActorRole[] = [];
  const sees = seesCall(caller, callQueues);
  if (caller.isAdmin && sees) roles.push('admin');
  if (caller.isSupervisor && sees) roles.push('supervisor');
  const onCall = !!r.connected && r.connected.userId.toLowerCase() === caller.oid;
  if (caller.isAgent && onCall) roles.push('agent');
  if (roles.length === 0) {
    if (caller.isAgent)
      return { ok: false, status: 403, detail: 'Only the agent on the call may pause its recording.' };
    return { ok: false, status: 404, detail: `No call ${r.callId}.` };
  }
  const rec = r.recording;
  const allowed = rec?.pauseAllowedFor;
  const as = allowed ? roles.find((role) => allowed.includes(role)) : roles[0];
  if (!as)
    return {
      ok: false,
      status: 403,
      detail: `The call queue lets only ${allowed!.join(', ') || 'no one'} pause or resume its recordings.`,
    };
  if (!rec) return { ok: false, status: 409, detail: 'The call is not recorded (its call queue records off).' };
  if (r.end || rec.state === 'stopped' || r.hangUpAt !== undefined)
    return { ok: false, status: 409, detail: 'The call has ended; its recording is stopped.' };
  return { ok: true, as };
}
