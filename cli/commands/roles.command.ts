/**
 * `switchboard roles list|add|remove --role <role> [--user <upn|id> | --group <id>]`: who holds Switchboard's API
 * roles in the tenant (app role assignments on the API app's service principal). A user may be named by UPN: the API
 * resolves it to the object id.
 */
import type { Command } from 'commander';
import { table } from '../api-client';
import { commandContext, out } from '../command-context';

interface RoleMember {
  principalId: string;
  principalType: string;
  displayName?: string;
  userPrincipalName?: string;
  role: string;
  assignmentId: string;
  createdDateTime?: string;
}

/** `Admin` or `Switchboard.Admin` (any case) → `Switchboard.Admin`; the API names a bad one. */
export function roleName(raw: string): string {
  return raw.includes('.') ? raw : `Switchboard.${raw[0]?.toUpperCase() ?? ''}${raw.slice(1)}`;
}

/** The principal of `--user` / `--group`: exactly one of them. */
export function principalOf(o: { user?: string; group?: string }): string {
  if (!!o.user === !!o.group) throw new Error('name exactly one of --user <upn|id> or --group <id>');
  return (o.user ?? o.group) as string;
}

const COLUMNS = ['principalType', 'displayName', 'principalId', 'role', 'assignmentId', 'createdDateTime'];

export function registerRoleCommands(program: Command): void {
  const context = () => commandContext(program);
  const roles = program
    .command('roles')
    .description("who holds Switchboard's API roles (Admin, Supervisor, Agent): users and groups of the tenant");
  const path = (tenant: string, role: string, principal?: string) =>
    `tenants/${tenant}/roles/${encodeURIComponent(roleName(role))}/members` +
    (principal ? `/${encodeURIComponent(principal)}` : '');

  roles
    .command('list')
    .description('the users, groups and apps holding a role')
    .requiredOption('--role <role>', 'Admin, Supervisor or Agent')
    .action(async (o: { role: string }) => {
      const { client, tenant, json } = context();
      const { members } = await client.request<{ members: RoleMember[] }>('GET', path(tenant, o.role));
      out(json ? JSON.stringify(members, null, 2) : table(members as unknown as Record<string, unknown>[], COLUMNS));
    });

  roles
    .command('add')
    .description('assign a role to a user or a group (its direct members get it)')
    .requiredOption('--role <role>', 'Admin, Supervisor or Agent')
    .option('--user <upn|id>', "the user's UPN or object id")
    .option('--group <id>', "the group's object id")
    .action(async (o: { role: string; user?: string; group?: string }) => {
      const { client, tenant, json } = context();
      const r = await client.send<RoleMember>('PUT', path(tenant, o.role, principalOf(o)));
      if (json) return out(JSON.stringify(r.body, null, 2));
      out(
        `${r.status === 201 ? 'assigned' : 'already assigned'}: ${r.body.displayName ?? r.body.principalId} ${r.body.role}`,
      );
    });

  roles
    .command('remove')
    .description("remove a user's or group's assignment of a role (only that one)")
    .requiredOption('--role <role>', 'Admin, Supervisor or Agent')
    .option('--user <upn|id>', "the user's UPN or object id")
    .option('--group <id>', "the group's object id")
    .action(async (o: { role: string; user?: string; group?: string }) => {
      const { client, tenant } = context();
      const principal = principalOf(o);
      await client.send('DELETE', path(tenant, o.role, principal));
      out(`removed: ${principal} ${roleName(o.role)}`);
    });
}
