/**
 * Call queues and agents: create / replace a call queue (its agents must be users of the tenant: resolved to object
 * ids, each agent gets an `agents` row), read them, set an agent's skills, opt in / out.
 */
import { newAgentRecord, type AgentRecord } from '../domain';
import type { TenantUserDirectory } from './callqueue-directory.port';
import { AgentsRepository, CallQueuesRepository, type CallQueueRecord } from './callqueue.repository';
import type { CallQueueBody, FieldProblem } from './callqueue.schema';

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
    const ids = await this.deps.users.resolveUsers(
      t,
      body.agents.map((a) => a.userPrincipalName),
    );
    const errors: FieldProblem[] = [];
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
