/**
 * Call queues and agents: create / replace a call queue (its agents must be users of the tenant: resolved to object
 * ids, each agent gets an `agents` row), read them, set an agent's skills, opt in / out.
 */
import { newAgentRecord, type AgentRecord } from '../domain';
import type { TenantUserDirectory } from './callqueue-directory.port';
import { AgentsRepository, CallQueuesRepository, type CallQueueRecord } from './callqueue.repository';
import { CALL_QUEUE_ID_RE, type CallQueueBody, type FieldProblem } from './callqueue.schema';

/** The call queue's actions; a `user` target may be a UPN (resolved here to the object id) or an object id. */
const ACTION_FIELDS = ['overflowAction', 'timeoutAction', 'noAgentAction'] as const;
type ActionField = (typeof ACTION_FIELDS)[number];
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const E164_RE = /^\+[1-9]\d{6,14}$/;

export type PutOutcome =
  { kind: 'saved'; record: CallQueueRecord; created: boolean } | { kind: 'invalid'; errors: FieldProblem[] };

export class CallQueueService {
  constructor(
    private readonly deps: {
      callQueues: CallQueuesRepository;
      agents: AgentsRepository;
      users: TenantUserDirectory;
      now?: () => number;
    },
  ) {}

  async put(tenantId: string, queueId: string, body: CallQueueBody): Promise<PutOutcome> {
    const t = tenantId.toLowerCase();
    const userTargets = ACTION_FIELDS.flatMap((f) => {
      const a = body[f];
      return a.kind === 'user' && a.target && !GUID_RE.test(a.target) ? [a.target.toLowerCase()] : [];
    });
    const ids = await this.deps.users.resolveUsers(t, [...body.agents.map((a) => a.userPrincipalName), ...userTargets]);
    const errors: FieldProblem[] = [];
    const actions: Partial<Pick<CallQueueRecord, ActionField>> = {};
    for (const f of ACTION_FIELDS) {
      const a = body[f];
      const field = `${f}.target`;
      if (a.kind === 'user' && a.target) {
        const id = GUID_RE.test(a.target) ? a.target.toLowerCase() : ids.get(a.target.toLowerCase());
        if (!id) errors.push({ field, message: `${a.target} is not a user of the tenant` });
        else actions[f] = { ...a, targetId: id };
      } else if (a.kind === 'number' && a.target && !E164_RE.test(a.target))
        errors.push({ field, message: 'must be a phone number in E.164 form (+ and 7 to 15 digits)' });
      else if (a.kind === 'callQueue' && a.target && (!CALL_QUEUE_ID_RE.test(a.target) || a.target === queueId))
        errors.push({ field, message: 'must be the id of another call queue ([a-z0-9-]{1,64})' });
    }
    body.agents.forEach((a, i) => {
      if (!ids.has(a.userPrincipalName))
        errors.push({
          field: `agents[${i}].userPrincipalName`,
          message: `${a.userPrincipalName} is not a user of the tenant`,
        });
    });
    if (errors.length) return { kind: 'invalid', errors };
    const existing = await this.deps.callQueues.get(t, queueId);
    const record: CallQueueRecord = {
      ...body,
      tenantId: t,
      queueId,
      ...actions,
      agents: body.agents.map((a) => ({ ...a, agentId: ids.get(a.userPrincipalName)! })),
      updatedAt: new Date((this.deps.now ?? Date.now)()).toISOString(),
    };
    for (const a of record.agents) {
      await this.deps.agents.update(t, a.agentId, (cur) =>
        cur ? undefined : newAgentRecord(t, a.agentId, a.userPrincipalName),
      );
    }
    await this.deps.callQueues.put(record);
    return { kind: 'saved', record, created: !existing };
  }

  get(tenantId: string, queueId: string): Promise<CallQueueRecord | undefined> {
    return this.deps.callQueues.get(tenantId, queueId);
  }

  list(tenantId: string): Promise<CallQueueRecord[]> {
    return this.deps.callQueues.list(tenantId);
  }

  /** Sets an agent's skills (the agent must be a user of the tenant); undefined when not a user. */
  async putSkills(tenantId: string, upn: string, skills: Record<string, number>): Promise<AgentRecord | undefined> {
    const t = tenantId.toLowerCase();
    const ids = await this.deps.users.resolveUsers(t, [upn.toLowerCase()]);
    const agentId = ids.get(upn.toLowerCase());
    if (!agentId) return undefined;
    return this.deps.agents.update(t, agentId, (cur) => ({
      ...(cur ?? newAgentRecord(t, agentId, upn)),
      skills,
    }));
  }

  /** Agents of the tenant (of one call queue when named), with their live state. */
  async listAgents(tenantId: string, callQueueId?: string): Promise<AgentRecord[]> {
    const all = await this.deps.agents.list(tenantId);
    if (!callQueueId) return all;
    const q = await this.deps.callQueues.get(tenantId, callQueueId);
    const ids = new Set(q?.agents.map((a) => a.agentId) ?? []);
    return all.filter((a) => ids.has(a.agentId));
  }
}
