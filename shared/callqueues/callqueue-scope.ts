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
