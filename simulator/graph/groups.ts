// The organization and groups: `GET /organization` (the tenant's country), `GET /groups/{id}`, its members and
// transitive members, and a user's or group's memberOf / transitiveMemberOf. Shapes and permissions as in
// microsoft-graph-docs-contrib api-reference/v1.0/api: organization-get.md, group-get.md, group-list-members.md,
// group-list-transitivemembers.md, user-list-memberof.md, user-list-transitivememberof.md.
import { SimResponse, json } from '../http';
import { Group, memberOfGroups, Tenant } from '../model';
import { userFullView } from './directory';
import { page, select } from './odata';
import { GraphCtx, GraphRoute, context, notFound } from './router';

const ORG_READ = ['Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All'];
const GROUP_READ = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Group.ReadWrite.All'];
const MEMBER_OF_READ = ['User.Read.All', 'GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'];

function organization(ctx: GraphCtx): SimResponse {
  const t = ctx.tenant;
  const full = {
    id: t.tenantId,
    displayName: t.displayName,
    countryLetterCode: t.countryLetterCode,
    preferredLanguage: 'en',
    tenantType: 'AAD',
    verifiedDomains: t.domains.map((d) => ({
      capabilities: 'Email, OfficeCommunicationsOnline',
      isDefault: d.isDefault,
      isInitial: d.id.endsWith('.onmicrosoft.com'),
      name: d.id,
      type: 'Managed',
    })),
  };
  return json(200, {
    '@odata.context': context(ctx, 'organization'),
    value: [select(full, ctx.req.query.get('$select'), 'microsoft.graph.organization')],
  });
}

export function groupView(g: Group): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.group',
    id: g.id,
    displayName: g.displayName,
    description: g.description,
    createdDateTime: g.createdDateTime,
    groupTypes: [],
    mailEnabled: false,
    mailNickname: g.displayName.replace(/[^A-Za-z0-9]/g, '').toLowerCase() || g.id.slice(0, 8),
    securityEnabled: true,
    visibility: null,
  };
}

function findGroup(ctx: GraphCtx, id: string): Group {
  const g = ctx.tenant.groups.get(id);
  if (!g) throw notFound(id);
  return g;
}

function getGroup(ctx: GraphCtx): SimResponse {
  const g = findGroup(ctx, ctx.params[0]);
  return json(200, {
    '@odata.context': context(ctx, 'groups/$entity'),
    ...select(groupView(g), ctx.req.query.get('$select'), 'microsoft.graph.group'),
  });
}

/** A directory object (user or group) as a member list shows it, with its `@odata.type`. */
function memberView(tenant: Tenant, id: string): Record<string, unknown> | undefined {
  const g = tenant.groups.get(id);
  if (g) return groupView(g);
  const u = tenant.users.get(id);
  if (!u || u.visibleAt > Date.now()) return undefined;
  const full = userFullView(tenant, u);
  return {
    '@odata.type': '#microsoft.graph.user',
    id: u.id,
    displayName: full.displayName,
    userPrincipalName: full.userPrincipalName,
    mail: full.mail,
  };
}

function memberIds(tenant: Tenant, g: Group, transitive: boolean): string[] {
  const out: string[] = [];
  const seen = new Set<string>([g.id]);
  const visit = (group: Group): void => {
    for (const id of group.members) {
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
      const nested = tenant.groups.get(id);
      if (transitive && nested) visit(nested);
    }
  };
  visit(g);
  return out;
}

function listing(ctx: GraphCtx, ids: string[], path: string): SimResponse {
  const views = ids.map((id) => memberView(ctx.tenant, id)).filter((v): v is Record<string, unknown> => !!v);
  const p = page(views, ctx.req.query, `${ctx.root}/${path}`, 100, 999, 'skiptoken');
  const body: Record<string, unknown> = { '@odata.context': context(ctx, 'directoryObjects') };
  if (p.nextLink) body['@odata.nextLink'] = p.nextLink;
  body.value = p.items;
  return json(200, body);
}

function members(ctx: GraphCtx, transitive: boolean): SimResponse {
  const g = findGroup(ctx, ctx.params[0]);
  return listing(
    ctx,
    memberIds(ctx.tenant, g, transitive),
    `groups/${g.id}/${transitive ? 'transitiveMembers' : 'members'}`,
  );
}

function memberOf(ctx: GraphCtx, kind: 'users' | 'groups', transitive: boolean): SimResponse {
  const ref = ctx.params[0];
  const id = kind === 'groups' ? findGroup(ctx, ref).id : (ctx.core.visibleUser(ctx.tenant, ref)?.id ?? '');
  if (!id) throw notFound(ref);
  const groups = memberOfGroups(ctx.tenant, id, transitive).map((g) => g.id);
  return listing(ctx, groups, `${kind}/${id}/${transitive ? 'transitiveMemberOf' : 'memberOf'}`);
}

const SEG = '([^/]+)';

export function groupRoutes(): GraphRoute[] {
  return [
    { method: 'GET', re: /^\/organization\/?$/, perms: ORG_READ, handler: organization },
    { method: 'GET', re: new RegExp(`^/groups/${SEG}$`), perms: GROUP_READ, handler: getGroup },
    { method: 'GET', re: new RegExp(`^/groups/${SEG}/members$`), perms: GROUP_READ, handler: (c) => members(c, false) },
    {
      method: 'GET',
      re: new RegExp(`^/groups/${SEG}/transitiveMembers$`),
      perms: GROUP_READ,
      handler: (c) => members(c, true),
    },
    {
      method: 'GET',
      re: new RegExp(`^/groups/${SEG}/(memberOf|transitiveMemberOf)$`),
      perms: GROUP_READ,
      handler: (c) => memberOf(c, 'groups', c.params[1] === 'transitiveMemberOf'),
    },
    {
      method: 'GET',
      re: new RegExp(`^/users/${SEG}/(memberOf|transitiveMemberOf)$`),
      perms: MEMBER_OF_READ,
      handler: (c) => memberOf(c, 'users', c.params[1] === 'transitiveMemberOf'),
    },
  ];
}
