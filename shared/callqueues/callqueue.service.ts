/**
 * Call queues: create / replace (its agents must be users of the tenant: resolved to object ids, each agent gets an
 * `agents` row), merge-patch, delete (refused while calls wait in it), read, list; and who supervises each.
 * Writes are conditional on the row's ETag — two admins editing at once never lose an edit silently, and a client's
 * `If-Match` is honoured.
 */
import { newAgentRecord, refusesArrivals } from '../domain';
import { applyMergePatch } from '../http/merge-patch';
import { forEachLimited } from '../storage';
import type { TenantUserDirectory } from './callqueue-directory.port';
import type { CallQueueCalls, CallQueueRoutingTrigger } from './callqueue-calls.port';
import { AgentsRepository, CallQueuesRepository, type CallQueueRecord } from './callqueue.repository';
import { ownIdProblems, parseCallQueueBody, type CallQueueBody, type FieldProblem } from './callqueue.schema';
import { supervisorEditProblems, type CallQueueScope } from './callqueue-scope';
import type { CallQueueSupervisorsRepository, SupervisorAssignment } from './supervisors.repository';

export type PutOutcome =
  | { kind: 'saved'; record: CallQueueRecord; created: boolean; etag: string }
  | { kind: 'invalid'; errors: FieldProblem[] }
  | { kind: 'notFound' }
  | { kind: 'preconditionFailed' };

/** A merge patch's outcome: as PUT's, or a Supervisor's change refused (each field named). */
export type PatchOutcome = PutOutcome | { kind: 'forbidden'; errors: FieldProblem[] };

export type DeleteOutcome =
  | { kind: 'deleted' }
  | { kind: 'notFound' }
  | { kind: 'preconditionFailed' }
  | { kind: 'callsWaiting'; callIds: string[] };

export type AssignOutcome =
  | { kind: 'assigned'; assignment: SupervisorAssignment; created: boolean }
  | { kind: 'noCallQueue' }
  | { kind: 'notAUser' };

/** The call queue's actions; a `user` target may be a UPN (resolved to the object id, `targetId`) or an object id. */
const ACTION_FIELDS = ['overflowAction', 'timeoutAction', 'noAgentAction'] as const;
type ActionField = (typeof ACTION_FIELDS)[number];
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Phases of a call that still waits in its call queue (waiting, or being offered to an agent). */
const WAITING_PHASES = new Set(['queued', 'offered']);
/** Agent rows made at once when a call queue is written (2,000 agents one after another would take seconds). */
const AGENT_ROW_WRITES = 16;
/** Lost ETag races retried before giving up (an admin's write, not a hot row). */
const MAX_ATTEMPTS = 8;

export class ConcurrentEditError extends Error {
  constructor(queueId: string) {
    super(`call queue ${queueId} kept changing while it was written`);
    this.name = 'ConcurrentEditError';
  }
}

/** The body of a stored call queue, as the API takes it (what a merge patch applies to). */
export function callQueueBodyOf(record: CallQueueRecord): CallQueueBody {
  const { tenantId: _t, queueId: _q, updatedAt: _u, deleting: _d, agents, ...rest } = record;
  const actions = Object.fromEntries(
    ACTION_FIELDS.map((f) => {
      const { targetId: _id, ...action } = record[f];
      return [f, action];
    }),
  ) as Pick<CallQueueBody, ActionField>;
  return {
    ...rest,
    ...actions,
    agents: agents.map((a) => ({
      userPrincipalName: a.userPrincipalName,
      ...(a.order !== undefined ? { order: a.order } : {}),
    })),
  };
}

/** `If-Match` against the row read: `*` matches any existing row; otherwise the ETag must be the same. */
function matches(ifMatch: string | undefined, etag: string | undefined): boolean {
  if (ifMatch === undefined) return true;
  if (!etag) return false;
  return ifMatch.trim() === '*' || ifMatch.split(',').some((t) => t.trim() === etag);
}

export class CallQueueService {
  constructor(
    private readonly deps: {
      callQueues: CallQueuesRepository;
      agents: AgentsRepository;
      users: TenantUserDirectory;
      calls?: CallQueueCalls;
      /** Asked for a routing pass after a change (new agents, another method): calls waiting may be offered now. */
      routing?: CallQueueRoutingTrigger;
      supervisors?: CallQueueSupervisorsRepository;
      now?: () => number;
    },
  ) {}

  private get nowIso(): string {
    return new Date((this.deps.now ?? Date.now)()).toISOString();
  }

  /**
   * Resolves the agents' UPNs (reusing ids already known) and the UPNs of `user` action targets (stored beside them as
   * `targetId`), or names each one that is not a user of the tenant.
   */
  private async resolveAgents(
    t: string,
    body: CallQueueBody,
    known: ReadonlyMap<string, string> = new Map(),
  ): Promise<
    | { ok: true; agents: CallQueueRecord['agents']; actions: Partial<Pick<CallQueueRecord, ActionField>> }
    | { ok: false; errors: FieldProblem[] }
  > {
    const userTargets = ACTION_FIELDS.flatMap((f) => {
      const a = body[f];
      return a.kind === 'user' && a.target && !GUID_RE.test(a.target) ? [a.target.toLowerCase()] : [];
    });
    const unknown = [...body.agents.map((a) => a.userPrincipalName), ...userTargets].filter((u) => !known.has(u));
    const ids = new Map(known);
    if (unknown.length) for (const [u, id] of await this.deps.users.resolveUsers(t, unknown)) ids.set(u, id);
    const errors: FieldProblem[] = [];
    const actions: Partial<Pick<CallQueueRecord, ActionField>> = {};
    for (const f of ACTION_FIELDS) {
      const a = body[f];
      if (a.kind !== 'user' || !a.target) continue;
      const id = GUID_RE.test(a.target) ? a.target.toLowerCase() : ids.get(a.target.toLowerCase());
      if (!id) errors.push({ field: `${f}.target`, message: `${a.target} is not a user of the tenant` });
      else actions[f] = { ...a, targetId: id };
    }
    body.agents.forEach((a, i) => {
      if (!ids.has(a.userPrincipalName))
        errors.push({
          field: `agents[${i}].userPrincipalName`,
          message: `${a.userPrincipalName} is not a user of the tenant`,
        });
    });
    if (errors.length) return { ok: false, errors };
    return { ok: true, agents: body.agents.map((a) => ({ ...a, agentId: ids.get(a.userPrincipalName)! })), actions };
  }

  /**
   * The action-target problems of a body that failed its schema (so every field at fault is named in one answer):
   * a call queue sending calls back into itself, a `user` target that is not a user of the tenant.
   */
  async actionTargetProblems(tenantId: string, queueId: string, raw: unknown): Promise<FieldProblem[]> {
    if (typeof raw !== 'object' || raw === null) return [];
    const body = raw as Record<string, unknown>;
    const actions = ACTION_FIELDS.flatMap((f) => {
      const a = body[f] as { kind?: unknown; target?: unknown } | undefined;
      return a && typeof a === 'object' && typeof a.target === 'string' ? [{ f, kind: a.kind, target: a.target }] : [];
    });
    const upns = actions.filter((a) => a.kind === 'user' && !GUID_RE.test(a.target)).map((a) => a.target.toLowerCase());
    const ids = upns.length ? await this.deps.users.resolveUsers(tenantId.toLowerCase(), upns) : new Map();
    return actions.flatMap(({ f, kind, target }) => {
      if (kind === 'callQueue' && target === queueId)
        return [{ field: `${f}.target`, message: `must be another call queue than ${queueId} itself` }];
      if (kind === 'user' && !GUID_RE.test(target) && !ids.has(target.toLowerCase()))
        return [{ field: `${f}.target`, message: `${target} is not a user of the tenant` }];
      return [];
    });
  }

  /**
   * Writes the record if the row is still `etag`; makes the agents' rows first (never touching existing ones); then
   * asks for a routing pass, so calls already waiting meet the new configuration.
   */
  private async write(record: CallQueueRecord, etag: string | undefined): Promise<string | undefined> {
    await forEachLimited(record.agents, AGENT_ROW_WRITES, async (a) => {
      await this.deps.agents.update(record.tenantId, a.agentId, (cur) =>
        cur ? undefined : newAgentRecord(record.tenantId, a.agentId, a.userPrincipalName),
      );
    });
    const written = await this.deps.callQueues.putIfMatch(record, etag);
    if (written !== undefined) await this.deps.routing?.routingPass(record.tenantId, record.queueId, 'configChanged');
    return written;
  }

  /** Creates or replaces a call queue (`ifMatch`: only if the row is still that one). */
  async put(tenantId: string, queueId: string, body: CallQueueBody, o: { ifMatch?: string } = {}): Promise<PutOutcome> {
    const t = tenantId.toLowerCase();
    const own = ownIdProblems(queueId, body);
    if (own.length) return { kind: 'invalid', errors: own };
    const resolved = await this.resolveAgents(t, body);
    if (!resolved.ok) return { kind: 'invalid', errors: resolved.errors };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.deps.callQueues.read(t, queueId);
      if (!matches(o.ifMatch, existing?.etag)) return { kind: 'preconditionFailed' };
      const record: CallQueueRecord = {
        ...body,
        tenantId: t,
        queueId,
        ...resolved.actions,
        agents: resolved.agents,
        updatedAt: this.nowIso,
      };
      const etag = await this.write(record, existing?.etag);
      if (etag !== undefined) return { kind: 'saved', record, created: !existing, etag };
      if (o.ifMatch !== undefined) return { kind: 'preconditionFailed' };
    }
    throw new ConcurrentEditError(queueId);
  }

  /**
   * Applies a JSON merge patch (RFC 7396) to the call queue's body and validates the result as a whole, as PUT
   * does: errors name the fields of the merged body. Agents already resolved keep their object ids. `scope`: the
   * caller's (a Supervisor may not send calls into a call queue they do not supervise: `forbidden`).
   */
  async patch(
    tenantId: string,
    queueId: string,
    patch: unknown,
    o: { ifMatch?: string; scope?: CallQueueScope } = {},
  ): Promise<PatchOutcome> {
    const t = tenantId.toLowerCase();
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
      return { kind: 'invalid', errors: [{ field: 'body', message: 'must be a JSON object (a merge patch)' }] };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.deps.callQueues.read(t, queueId);
      if (!existing) return { kind: 'notFound' };
      if (!matches(o.ifMatch, existing.etag)) return { kind: 'preconditionFailed' };
      const parsed = parseCallQueueBody(applyMergePatch(callQueueBodyOf(existing.record), patch));
      if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
      const own = ownIdProblems(queueId, parsed.value);
      if (own.length) return { kind: 'invalid', errors: own };
      const refused = o.scope ? supervisorEditProblems(o.scope, existing.record, parsed.value) : [];
      if (refused.length) return { kind: 'forbidden', errors: refused };
      const known = new Map(existing.record.agents.map((a) => [a.userPrincipalName, a.agentId]));
      const resolved = await this.resolveAgents(t, parsed.value, known);
      if (!resolved.ok) return { kind: 'invalid', errors: resolved.errors };
      const record: CallQueueRecord = {
        ...parsed.value,
        tenantId: t,
        queueId,
        ...resolved.actions,
        agents: resolved.agents,
        updatedAt: this.nowIso,
      };
      const etag = await this.write(record, existing.etag);
      if (etag !== undefined) return { kind: 'saved', record, created: false, etag };
      if (o.ifMatch !== undefined) return { kind: 'preconditionFailed' };
    }
    throw new ConcurrentEditError(queueId);
  }

  /**
   * Deletes a call queue — refused while calls wait or are being offered in it (they would be stranded). Its
   * supervisor assignments go with it; agents' rows stay (they may serve other call queues).
   *
   * Not check-then-delete: a call could arrive between the two. The call queue is first marked `deleting` (under
   * its ETag), so from then on the router sends any call entering it to its no-agent action; a call that entered
   * before the mark is written to its call row before the router reads the call queue, so the check that follows
   * sees it. Calls found: the mark is taken off and the answer is 409. None: the delete, under the mark's ETag (a PUT
   * or PATCH in between wins, and the delete starts over).
   */
  async delete(tenantId: string, queueId: string, o: { ifMatch?: string } = {}): Promise<DeleteOutcome> {
    const t = tenantId.toLowerCase();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.deps.callQueues.read(t, queueId);
      if (!existing) return { kind: 'notFound' };
      if (!matches(o.ifMatch, existing.etag)) return { kind: 'preconditionFailed' };
      const markedAt = (this.deps.now ?? Date.now)();
      const marked = { ...existing.record, deleting: new Date(markedAt).toISOString() };
      const etag = await this.deps.callQueues.putIfMatch(marked, existing.etag);
      if (etag === undefined) {
        if (o.ifMatch !== undefined) return { kind: 'preconditionFailed' };
        continue;
      }
      const waiting = ((await this.deps.calls?.activeCalls(t, queueId)) ?? []).filter((c) =>
        WAITING_PHASES.has(c.phase),
      );
      if (waiting.length) {
        const { deleting: _d, ...unmarked } = marked;
        // Only if still ours: a PUT or PATCH since has replaced the record (and the mark) anyway.
        await this.deps.callQueues.putIfMatch(unmarked, etag);
        return { kind: 'callsWaiting', callIds: waiting.map((c) => c.callId) };
      }
      // The mark is a lease (refusesArrivals): past it, a call may have entered unseen — check again.
      if (!refusesArrivals(marked.deleting, (this.deps.now ?? Date.now)())) continue;
      if (await this.deps.callQueues.deleteIfMatch(t, queueId, etag)) {
        for (const s of (await this.deps.supervisors?.ofQueue(t, queueId)) ?? [])
          await this.deps.supervisors?.delete(t, queueId, s.supervisorId);
        return { kind: 'deleted' };
      }
      if (o.ifMatch !== undefined) return { kind: 'preconditionFailed' };
    }
    throw new ConcurrentEditError(queueId);
  }

  get(tenantId: string, queueId: string): Promise<CallQueueRecord | undefined> {
    return this.deps.callQueues.get(tenantId, queueId);
  }

  read(tenantId: string, queueId: string): Promise<{ record: CallQueueRecord; etag: string } | undefined> {
    return this.deps.callQueues.read(tenantId, queueId);
  }

  list(tenantId: string): Promise<CallQueueRecord[]> {
    return this.deps.callQueues.list(tenantId);
  }

  /**
   * One page of call queues. `only` (a supervisor's scope) reads just those call queues, in id order, as one page.
   */
  async listPage(
    tenantId: string,
    o: { top?: number; continuationToken?: string; only?: ReadonlySet<string> } = {},
  ): Promise<{ items: CallQueueRecord[]; continuationToken?: string }> {
    if (!o.only) return this.deps.callQueues.listPage(tenantId, o);
    const found = await Promise.all([...o.only].sort().map((q) => this.deps.callQueues.get(tenantId, q)));
    return { items: found.filter((r): r is CallQueueRecord => r !== undefined) };
  }

  /** Assigns a supervisor (a user of the tenant, by UPN) to an existing call queue. */
  async assignSupervisor(tenantId: string, queueId: string, upn: string): Promise<AssignOutcome> {
    const t = tenantId.toLowerCase();
    if (!(await this.deps.callQueues.get(t, queueId))) return { kind: 'noCallQueue' };
    const u = upn.toLowerCase();
    const id = (await this.deps.users.resolveUsers(t, [u])).get(u);
    if (!id) return { kind: 'notAUser' };
    const assignment: SupervisorAssignment = {
      tenantId: t,
      queueId,
      supervisorId: id,
      userPrincipalName: u,
      assignedAt: this.nowIso,
    };
    const created = await this.supervisors().put(assignment);
    return { kind: 'assigned', assignment, created };
  }

  /** Removes an assignment (by the supervisor's UPN as recorded); false when there was none. */
  async unassignSupervisor(tenantId: string, queueId: string, upn: string): Promise<boolean> {
    const t = tenantId.toLowerCase();
    const u = upn.toLowerCase();
    const found = (await this.supervisors().ofQueue(t, queueId)).filter((s) => s.userPrincipalName === u);
    for (const s of found) await this.supervisors().delete(t, queueId, s.supervisorId);
    return found.length > 0;
  }

  listSupervisors(tenantId: string, queueId: string): Promise<SupervisorAssignment[]> {
    return this.supervisors().ofQueue(tenantId, queueId);
  }

  private supervisors(): CallQueueSupervisorsRepository {
    if (!this.deps.supervisors) throw new Error('CallQueueService was built without supervisor assignments');
    return this.deps.supervisors;
  }
}
