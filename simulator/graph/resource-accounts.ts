// Teams resource accounts as Microsoft Graph (beta) lists them: GET /beta/admin/teams/resourceAccounts, with $filter on
// appId / acsResourceId, $top and @odata.nextLink paging. Shape per Microsoft's Teams Phone extensibility docs:
// {id, userPrincipalName, displayName, appId, phoneNumber: "tel:+…" | null, acsResourceId}. The list sees what the
// Teams cmdlets see: an account is listed once directory replication has made it visible.
import { SimResponse, json } from '../http';
import type { Tenant } from '../model';
import { compileFilter, page } from './odata';
import { GraphCtx, GraphRoute, context } from './router';

const READ = ['TeamsResourceAccount.Read.All'];
const FILTERABLE = ['id', 'userPrincipalName', 'displayName', 'appId', 'acsResourceId', 'phoneNumber'];

export function resourceAccountViews(tenant: Tenant, now = Date.now()): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const inst of tenant.instances.values()) {
    const user = tenant.users.get(inst.objectId);
    if (!user || user.visibleAt > now) continue;
    out.push({
      id: inst.objectId,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      appId: inst.applicationId,
      phoneNumber: inst.phoneNumber ? `tel:${inst.phoneNumber.replace(/^tel:/i, '')}` : null,
      acsResourceId: null,
    });
  }
  return out.sort((a, b) => String(a.userPrincipalName).localeCompare(String(b.userPrincipalName)));
}

function listResourceAccounts(ctx: GraphCtx): SimResponse {
  let list = resourceAccountViews(ctx.tenant);
  const filter = ctx.req.query.get('$filter');
  if (filter) {
    // Graph's docs spell the property both `appId` and `appid`: compileFilter matches names case-insensitively.
    const pred = compileFilter(filter, FILTERABLE);
    list = list.filter((a) => pred(a));
  }
  const p = page(list, ctx.req.query, `${ctx.root}/admin/teams/resourceAccounts`, 100, 999, 'skiptoken');
  const body: Record<string, unknown> = { '@odata.context': context(ctx, 'admin/teams/resourceAccounts') };
  if (p.nextLink) body['@odata.nextLink'] = p.nextLink;
  body.value = p.items;
  return json(200, body);
}

export function resourceAccountRoutes(): GraphRoute[] {
  return [
    {
      method: 'GET',
      re: /^\/admin\/teams\/resourceAccounts\/?$/,
      perms: READ,
      handler: listResourceAccounts,
      betaOnly: true,
    },
  ];
}
