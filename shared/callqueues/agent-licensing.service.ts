/**
 * The Direct Routing model check (issue 17 item 12): which of the tenant's agents — everyone on a call queue's agents
 * list, and everyone in the `agents` table — would need a Teams Phone licence to take calls under Direct Routing and
 * do not have one. Users are read in `$batch` requests (`userPrincipalName in (…15)` × 20 per request, through the
 * TenantGateway) with their `assignedLicenses` and `assignedPlans`; SKU names from `GET /subscribedSkus`. A supervisor
 * sees the agents of their own call queues only.
 */
import { hasTeamsPhone, TEAMS_PHONE_SKUS } from '../domain';
import type { TenantGateway } from '../tenant';
import type { AgentsRepository, CallQueuesRepository } from './callqueue.repository';
import type { CallQueueScope } from './callqueue-scope';

export interface AgentLicence {
  userPrincipalName: string;
  licensed: boolean;
  /** The user's licences by skuPartNumber (skuId when the tenant's subscriptions do not name it). */
  skus: string[];
  /** Set when the UPN is no user of the tenant (any more). */
  notAUser?: true;
}

export interface AgentLicensingReport {
  model: 'directRouting';
  agents: AgentLicence[];
  unlicensed: number;
}

export interface AgentLicensingDeps {
  callQueues: Pick<CallQueuesRepository, 'list'>;
  agents: Pick<AgentsRepository, 'list'>;
  gateway: (tenantId: string) => Pick<TenantGateway, 'findUsersByUpns' | 'listSubscribedSkus'>;
}

export class AgentLicensingService {
  constructor(private readonly d: AgentLicensingDeps) {}

  async report(tenantId: string, scope: CallQueueScope): Promise<AgentLicensingReport> {
    const queues = (await this.d.callQueues.list(tenantId)).filter((q) => scope.all || scope.queues.has(q.queueId));
    const upns = new Set<string>();
    for (const q of queues) for (const a of q.agents) upns.add(a.userPrincipalName.toLowerCase());
    // The agents table holds every agent who ever was on a call queue (skills, state): an Admin sees them all.
    if (scope.all) for (const a of await this.d.agents.list(tenantId)) upns.add(a.userPrincipalName.toLowerCase());
    const wanted = [...upns].sort();
    if (wanted.length === 0) return { model: 'directRouting', agents: [], unlicensed: 0 };

    const gateway = this.d.gateway(tenantId);
    const [found, skus] = await Promise.all([
      gateway.findUsersByUpns(wanted, ['id', 'userPrincipalName', 'assignedLicenses', 'assignedPlans']),
      gateway.listSubscribedSkus(),
    ]);
    // A read that failed is not a verdict on those agents: fail the request (the caller asks again).
    if (found.failed.length) throw found.failed[0].error;
    const names = new Map<string, string>(Object.entries(TEAMS_PHONE_SKUS));
    for (const s of skus) names.set(s.skuId.toLowerCase(), s.skuPartNumber);
    const byUpn = new Map(found.users.map((u) => [u.userPrincipalName.toLowerCase(), u]));
    const agents = wanted.map((upn): AgentLicence => {
      const user = byUpn.get(upn);
      if (!user) return { userPrincipalName: upn, licensed: false, skus: [], notAUser: true };
      return {
        userPrincipalName: upn,
        licensed: hasTeamsPhone(user),
        skus: (user.assignedLicenses ?? []).map((l) => names.get(l.skuId.toLowerCase()) ?? l.skuId),
      };
    });
    return { model: 'directRouting', agents, unlicensed: agents.filter((a) => !a.licensed).length };
  }
}
