/**
 * Who may see and change which call queue — the one place every call queue, agent and call route asks (issue 15
 * item 4). Admin: the whole tenant. Supervisor: the call queues in their token's `queues` claim and those assigned
 * to them (`PUT …/callQueues/{id}/supervisors/{upn}`). Agent: their own agent row (token `oid` = agent object id).
 * The rules are pure (the {@link CallQueueScope} value); {@link CallQueueScopes} reads the assignments once per request.
 */
import { visibleQueues, type Principal } from '../auth';
import type { CallQueueSupervisorsRepository } from './supervisors.repository';

export interface CallQueueScope {
  /** Every call queue of the tenant (Admin). */
  all: boolean;
  /** The call queues supervised (claim ∪ assignments) when not `all`. */
  queues: ReadonlySet<string>;
  /** The caller's object id (lower-case): an Agent acts on the agent row with this id. */
  oid: string;
  isAdmin: boolean;
  isSupervisor: boolean;
  isAgent: boolean;
}

/** The scope of a caller whose assigned call queues are `assigned` (pure). */
export function scopeOf(principal: Principal, assigned: readonly string[]): CallQueueScope {
  const visible = visibleQueues(principal, assigned);
  return {
    all: visible === undefined,
    queues: new Set(visible ?? []),
    oid: principal.oid.toLowerCase(),
    isAdmin: principal.roles.includes('Switchboard.Admin'),
    isSupervisor: principal.roles.includes('Switchboard.Supervisor'),
    isAgent: principal.roles.includes('Switchboard.Agent'),
  };
}

/** May the caller see (and, if a supervisor, manage) this call queue, its agents and its calls? */
export function supervises(scope: CallQueueScope, queueId: string): boolean {
  return scope.all || scope.queues.has(queueId);
}

/** May the caller opt this agent (by object id) in or out of this call queue: Admin, its Supervisor, or the agent. */
export function mayOptAgent(scope: CallQueueScope, queueId: string, agentId: string): boolean {
  return supervises(scope, queueId) || (scope.isAgent && scope.oid === agentId.toLowerCase());
}

/** May the caller set the skills of an agent who serves `agentQueues`: Admin, or a Supervisor of one of them. */
export function maySetSkills(scope: CallQueueScope, agentQueues: readonly string[]): boolean {
  return scope.all || (scope.isSupervisor && agentQueues.some((q) => scope.queues.has(q)));
}

export class CallQueueScopes {
  constructor(private readonly supervisors: Pick<CallQueueSupervisorsRepository, 'queuesOf'>) {}

  /** The caller's scope in their (already checked) tenant; assignments are read only for supervisors. */
  async of(principal: Principal, tenantId: string): Promise<CallQueueScope> {
    const needsAssignments =
      principal.roles.includes('Switchboard.Supervisor') && !principal.roles.includes('Switchboard.Admin');
    const assigned = needsAssignments ? await this.supervisors.queuesOf(tenantId, principal.oid) : [];
    return scopeOf(principal, assigned);
  }
}

/** An overflow / timeout / no-agent action as the rule reads it (the API's body or the stored record). */
interface ActionLike {
  kind: string;
  target?: string;
}
const EDIT_ACTION_FIELDS = ['overflowAction', 'timeoutAction', 'noAgentAction'] as const;
type Actions = Record<(typeof EDIT_ACTION_FIELDS)[number], ActionLike>;

/**
 * What a Supervisor may not change in a call queue they supervise (`PATCH …/callQueues/{id}`): an overflow, timeout
 * or no-agent action that sends calls into a call queue they do not supervise — they would route calls into someone
 * else's call queue. Every other setting and the agents are theirs to change. A target the call queue already has
 * (an Admin set it) is kept, so a Supervisor can still save their other settings; pointing another action at it, or
 * a new target, is refused. An Admin is refused nothing. Pure: `before` is the stored call queue, `after` the merged
 * body; the answer names each field at fault (`overflowAction.target`).
 */
export function supervisorEditProblems(
  scope: CallQueueScope,
  before: Actions,
  after: Actions,
): { field: string; message: string }[] {
  if (scope.all) return [];
  return EDIT_ACTION_FIELDS.flatMap((f) => {
    const a = after[f];
    if (a.kind !== 'callQueue' || a.target === undefined || supervises(scope, a.target)) return [];
    const kept = before[f].kind === 'callQueue' && before[f].target === a.target;
    if (kept) return [];
    return [
      {
        field: `${f}.target`,
        message: `${a.target} is not a call queue you supervise; only an administrator may send calls there`,
      },
    ];
  });
}
