/**
 * Menus: create / replace (every reference checked: call queues, menus, users, prompts; cycles refused naming the
 * path; `{text}` prompts rendered now so a call never waits for text-to-speech), read, list, delete (refused while
 * another menu leads to it).
 */
import type { MenuDirectory } from './menu-directory.port';
import type { MenuRecord, MenuRepository } from './menu.repository';
import { menuActions, menuPrompts, type FieldProblem, type MenuBody } from './menu.schema';
import { findMenuCycle } from './menu.rules';
import { PromptRenderError, type PromptService } from './prompt.service';

export type PutMenuOutcome =
  { kind: 'saved'; record: MenuRecord; created: boolean } | { kind: 'invalid'; errors: FieldProblem[] };

export type DeleteMenuOutcome = { kind: 'deleted' } | { kind: 'notFound' } | { kind: 'inUse'; by: string[] };

export class MenuService {
  constructor(
    private readonly deps: {
      menus: MenuRepository;
      prompts: PromptService;
      directory: MenuDirectory;
      now?: () => number;
    },
  ) {}

  async put(tenantId: string, menuId: string, body: MenuBody): Promise<PutMenuOutcome> {
    const t = tenantId.toLowerCase();
    const errors: FieldProblem[] = [];
    const all = new Map((await this.deps.menus.list(t)).map((m) => [m.menuId, m]));
    const upns: string[] = [];
    for (const { field, action } of menuActions(body)) {
      if (action.kind === 'callQueue' && !(await this.deps.directory.callQueueExists(t, action.queueId)))
        errors.push({ field: `${field}.queueId`, message: `no call queue ${action.queueId} in this tenant` });
      if (action.kind === 'menu' && action.menuId !== menuId && !all.has(action.menuId))
        errors.push({ field: `${field}.menuId`, message: `no menu ${action.menuId} in this tenant (create it first)` });
      if (action.kind === 'transfer' && action.target.userPrincipalName) upns.push(action.target.userPrincipalName);
      if (action.kind === 'selfService' && !(await this.deps.directory.selfServiceExists?.(t, action.serviceId)))
        errors.push({
          field: `${field}.serviceId`,
          message: `no self-service ${action.serviceId} in this tenant (create it first)`,
        });
    }
    const userIds = upns.length ? await this.deps.directory.resolveUsers(t, upns) : new Map<string, string>();
    for (const { field, action } of menuActions(body))
      if (
        action.kind === 'transfer' &&
        action.target.userPrincipalName &&
        !userIds.has(action.target.userPrincipalName)
      )
        errors.push({
          field: `${field}.target.userPrincipalName`,
          message: `${action.target.userPrincipalName} is not a user of the tenant`,
        });
    const cycle = findMenuCycle(menuId, body, (id) => all.get(id));
    if (cycle) errors.push({ field: 'body', message: `menus would form a cycle: ${cycle.join(' → ')}` });
    for (const { field, ref } of menuPrompts(body)) {
      if ('prompt' in ref) {
        if (!(await this.deps.prompts.exists(t, ref.prompt)))
          errors.push({ field: `${field}.prompt`, message: `no prompt ${ref.prompt} (upload it, or use a default)` });
      } else if (!errors.length) {
        try {
          await this.deps.prompts.render(t, ref.text);
        } catch (e) {
          if (!(e instanceof PromptRenderError)) throw e;
          errors.push({ field: `${field}.text`, message: `cannot be spoken: ${e.message}` });
        }
      }
    }
    if (errors.length) return { kind: 'invalid', errors };
    const existing = all.get(menuId);
    const record: MenuRecord = {
      ...body,
      tenantId: t,
      menuId,
      ...(userIds.size ? { userIds: Object.fromEntries(userIds) } : {}),
      updatedAt: new Date((this.deps.now ?? Date.now)()).toISOString(),
    };
    await this.deps.menus.put(record);
    return { kind: 'saved', record, created: !existing };
  }

  get(tenantId: string, menuId: string): Promise<MenuRecord | undefined> {
    return this.deps.menus.get(tenantId, menuId);
  }

  list(tenantId: string): Promise<MenuRecord[]> {
    return this.deps.menus.list(tenantId);
  }

  async delete(tenantId: string, menuId: string): Promise<DeleteMenuOutcome> {
    const all = await this.deps.menus.list(tenantId);
    if (!all.some((m) => m.menuId === menuId)) return { kind: 'notFound' };
    const by = all
      .filter(
        (m) =>
          m.menuId !== menuId && menuActions(m).some((a) => a.action.kind === 'menu' && a.action.menuId === menuId),
      )
      .map((m) => m.menuId);
    if (by.length) return { kind: 'inUse', by };
    await this.deps.menus.delete(tenantId, menuId);
    return { kind: 'deleted' };
  }
}
