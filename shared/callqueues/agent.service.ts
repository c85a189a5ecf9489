/**
 * Agents: their skills (`PUT …/agents/{upn}`), the live list (`GET …/agents`, state joined with Teams presence), and
 * opting in / out of a call queue. Every write is a read-modify-write of the agent's row under its ETag that changes
 * only its own fields — the router's state (state, since, callId, offerId) is never overwritten by a stale copy.
 */
import { newAgentRecord, shownAgentState, type AgentRecord, type AgentView } from '../domain';
import type { TenantUserDirectory } from './callqueue-directory.port';
import { maskPhone } from '../auth';
import type { AgentPresenceReader, CallerLookup, CallQueueRoutingTrigger } from './callqueue-calls.port';
import type { AgentsRepository, CallQueueRecord, CallQueuesRepository } from './callqueue.repository';
import { mayOptAgent, maySetSkills, supervises, type CallQueueScope } from './callqueue-scope';

export type AgentWriteOutcome =
  | { kind: 'saved'; agent: AgentView }
  /** Unknown — or not the caller's to see (a supervisor of other call queues): both answer 404. */
  | { kind: 'notFound'; detail: string }
  | { kind: 'forbidden'; detail: string };

const iso = (ms: number | undefined): string | undefined => (ms ? new Date(ms).toISOString() : undefined);

export function agentView(a: AgentRecord, presence: string | undefined, callQueues?: string[]): AgentView {
  const view: AgentView = {
    agentId: a.agentId,
    userPrincipalName: a.userPrincipalName,
    skills: a.skills,
    state: shownAgentState(a.state, presence),
    presence: presence ?? 'PresenceUnknown',
    missedOffers: a.missedOffers,
    optedOut: a.optedOut,
  };
  const since = iso(a.since);
  if (since) view.since = since;
  const idle = iso(a.idleSince);
  if (idle) view.idleSince = idle;
  const offered = iso(a.lastOfferedAt);
  if (offered) view.lastOfferedAt = offered;
  if (callQueues) view.callQueues = callQueues;
  if (a.callId) {
    view.currentCall = {
      callId: a.callId,
      ...(a.callQueueId ? { callQueueId: a.callQueueId } : {}),
      ...(a.offerId ? { offerId: a.offerId } : {}),
    };
    view.callId = a.callId;
    if (a.offerId) view.offerId = a.offerId;
    if (a.callQueueId) view.callQueueId = a.callQueueId;
  }
  return view;
}

export class AgentService {
  constructor(
    private readonly deps: {
      callQueues: Pick<CallQueuesRepository, 'get' | 'list'>;
      agents: AgentsRepository;
      users: TenantUserDirectory;
      presence?: AgentPresenceReader;
      routing?: CallQueueRoutingTrigger;
      /** Absent: no `currentCall.callerPhone`. */
      callers?: CallerLookup;
    },
  ) {}

  /**
   * Adds the caller's number to the rows busy with or offered a call: whole on the agent's own row and to an Admin,
   * masked (last four digits) for a Supervisor reading their agents — as shared/auth/caller-privacy.ts has it.
   */
  private async withCallers(t: string, views: AgentView[], scope: CallQueueScope): Promise<AgentView[]> {
    const callers = this.deps.callers;
    if (!callers) return views;
    await Promise.all(
      views.map(async (v) => {
        if (!v.currentCall) return;
        const phone = await callers.callerOf(t, v.currentCall.callId);
        if (!phone) return;
        const own = scope.isAgent && v.agentId.toLowerCase() === scope.oid;
        v.currentCall.callerPhone = own || scope.isAdmin ? phone : maskPhone(phone);
      }),
    );
    return views;
  }

  private async presenceOf(t: string, ids: string[]): Promise<Map<string, string>> {
    if (!this.deps.presence || ids.length === 0) return new Map();
    return this.deps.presence.presence(t, ids);
  }

  private async view(t: string, a: AgentRecord, queues?: CallQueueRecord[]): Promise<AgentView> {
    const presence = (await this.presenceOf(t, [a.agentId])).get(a.agentId);
    const serves = queues?.filter((q) => q.agents.some((x) => x.agentId === a.agentId)).map((q) => q.queueId);
    return agentView(a, presence, serves);
  }

  /**
   * The agents the caller may see, with live state: of one call queue (`callQueueId`), else of every call queue in
   * scope (all agents for an Admin); an Agent sees only their own row. `undefined` when the call queue is unknown or
   * not in scope.
   */
  async list(tenantId: string, scope: CallQueueScope, callQueueId?: string): Promise<AgentView[] | undefined> {
    const t = tenantId.toLowerCase();
    const all = await this.deps.callQueues.list(t);
    let rows = await this.deps.agents.list(t);
    if (callQueueId) {
      const q = all.find((x) => x.queueId === callQueueId);
      if (!q || (!supervises(scope, callQueueId) && !scope.isAgent)) return undefined;
      const ids = new Set(q.agents.map((a) => a.agentId));
      rows = rows.filter((a) => ids.has(a.agentId));
    }
    const visible = all.filter((q) => supervises(scope, q.queueId));
    if (!scope.all) {
      const ids = new Set(visible.flatMap((q) => q.agents.map((a) => a.agentId)));
      rows = rows.filter((a) => ids.has(a.agentId) || (scope.isAgent && a.agentId === scope.oid));
    }
    const presence = await this.presenceOf(
      t,
      rows.map((a) => a.agentId),
    );
    const views = rows.map((a) => {
      const shown = scope.all || a.agentId === scope.oid ? all : visible;
      const serves = shown.filter((q) => q.agents.some((x) => x.agentId === a.agentId)).map((q) => q.queueId);
      return agentView(a, presence.get(a.agentId), serves);
    });
    return this.withCallers(t, views, scope);
  }

  /**
   * One agent with live state: an Admin any agent row, a Supervisor an agent of their call queues (else "not found"),
   * an Agent their own row (else forbidden, whoever it is).
   */
  async get(tenantId: string, upn: string, scope: CallQueueScope): Promise<AgentWriteOutcome> {
    const t = tenantId.toLowerCase();
    const u = upn.toLowerCase();
    const row = (await this.deps.agents.list(t)).find((a) => a.userPrincipalName === u);
    const queues = await this.deps.callQueues.list(t);
    const serving = queues.filter((q) => q.agents.some((a) => a.userPrincipalName === u)).map((q) => q.queueId);
    const self = row !== undefined && scope.isAgent && row.agentId === scope.oid;
    if (!scope.all && !self && !serving.some((q) => scope.queues.has(q))) {
      if (scope.isAgent && !scope.isSupervisor)
        return { kind: 'forbidden', detail: 'An agent may only read their own state.' };
      return { kind: 'notFound', detail: `No agent ${upn} in the call queues you supervise.` };
    }
    if (!row) return { kind: 'notFound', detail: `No agent ${upn} in tenant ${tenantId}.` };
    const shown = scope.all || self ? queues : queues.filter((q) => scope.queues.has(q.queueId));
    const [agent] = await this.withCallers(t, [await this.view(t, row, shown)], scope);
    return { kind: 'saved', agent };
  }

  /**
   * Sets an agent's skills (replacing them): an Admin for any user of the tenant, a Supervisor for an agent of a
   * call queue they supervise.
   */
  async putSkills(
    tenantId: string,
    upn: string,
    skills: Record<string, number>,
    scope: CallQueueScope,
  ): Promise<AgentWriteOutcome> {
    const t = tenantId.toLowerCase();
    const u = upn.toLowerCase();
    const queues = await this.deps.callQueues.list(t);
    const serving = queues.filter((q) => q.agents.some((a) => a.userPrincipalName === u));
    if (
      !maySetSkills(
        scope,
        serving.map((q) => q.queueId),
      )
    )
      return { kind: 'notFound', detail: `No agent ${upn} in the call queues you supervise.` };
    let agentId = serving[0]?.agents.find((a) => a.userPrincipalName === u)?.agentId;
    agentId ??= (await this.deps.users.resolveUsers(t, [u])).get(u);
    if (!agentId) return { kind: 'notFound', detail: `${upn} is not a user of the tenant.` };
    const id = agentId;
    const saved =
      (await this.deps.agents.update(t, id, (cur) => {
        const base = cur ?? newAgentRecord(t, id, u);
        return sameSkills(base.skills, skills) && cur ? undefined : { ...base, skills };
      })) ?? (await this.deps.agents.get(t, id));
    return {
      kind: 'saved',
      agent: await this.view(
        t,
        saved!,
        queues.filter((q) => supervises(scope, q.queueId)),
      ),
    };
  }

  /**
   * Opts an agent of a call queue out (no more offers from it) or in (offers again; the missed-offer count for that
   * call queue starts over, and the call queue gets a routing pass so a waiting call can reach the agent at once).
   * Allowed to the agent themself (token `oid` = the agent's object id), an Admin, or the call queue's Supervisor.
   */
  async setOptIn(
    tenantId: string,
    queueId: string,
    upn: string,
    optIn: boolean,
    scope: CallQueueScope,
  ): Promise<AgentWriteOutcome> {
    const t = tenantId.toLowerCase();
    const u = upn.toLowerCase();
    const queue = await this.deps.callQueues.get(t, queueId);
    const member = queue?.agents.find((a) => a.userPrincipalName === u);
    if (!mayOptAgent(scope, queueId, member?.agentId ?? '')) {
      // An agent learns nothing about other agents (403 whoever it is); a supervisor of other call queues, nothing
      // about this one (404, as if it did not exist).
      if (scope.isAgent) return { kind: 'forbidden', detail: 'An agent may only opt themself in or out.' };
      return { kind: 'notFound', detail: `No agent ${upn} in call queue ${queueId}.` };
    }
    if (!queue || !member) return { kind: 'notFound', detail: `No agent ${upn} in call queue ${queueId}.` };
    const id = member.agentId;
    const saved =
      (await this.deps.agents.update(t, id, (cur) => {
        const base = cur ?? newAgentRecord(t, id, u);
        const out = base.optedOut.includes(queueId);
        if (!optIn)
          return out && cur
            ? undefined
            : { ...base, optedOut: [...base.optedOut.filter((q) => q !== queueId), queueId] };
        if (!out && !(base.missedOffers[queueId] ?? 0) && cur) return undefined;
        return {
          ...base,
          optedOut: base.optedOut.filter((q) => q !== queueId),
          missedOffers: { ...base.missedOffers, [queueId]: 0 },
        };
      })) ?? (await this.deps.agents.get(t, id));
    // Every opt-in asks for a pass (a repeated request too: the first may have died before sending it).
    if (optIn) await this.deps.routing?.routingPass(t, queueId, `optIn:${id}`);
    return { kind: 'saved', agent: await this.view(t, saved!, [queue]) };
  }
}

function sameSkills(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
