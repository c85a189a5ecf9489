/**
 * Self-services: create / replace (the URL's scheme, the fallback's call queue or menu, the prompts — `{text}`
 * rendered now), read (never the secret: `secretSet`), list, delete (refused while a menu's option leads to it).
 */
import type { MenuDirectory } from './menu-directory.port';
import type { MenuRepository } from './menu.repository';
import { menuActions, type FieldProblem, type PromptRef } from './menu.schema';
import { PromptRenderError, type PromptService } from './prompt.service';
import type { SelfServiceRecord, SelfServiceRepository } from './self-service.repository';
import type { SelfServiceBody } from './self-service.schema';

export type SelfServiceView = SelfServiceRecord & { secretSet: boolean };

export type PutSelfServiceOutcome =
  { kind: 'saved'; view: SelfServiceView; created: boolean } | { kind: 'invalid'; errors: FieldProblem[] };

export type DeleteSelfServiceOutcome = { kind: 'deleted' } | { kind: 'notFound' } | { kind: 'inUse'; by: string[] };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, or http to a loopback host when allowed (SELF_SERVICE_ALLOW_HTTP_LOOPBACK: the local test server). */
export function urlProblem(url: string, allowHttpLoopback: boolean): string | undefined {
  const u = new URL(url);
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && allowHttpLoopback && LOOPBACK.has(u.hostname)) return undefined;
  return allowHttpLoopback ? 'must be https (http only to a loopback host)' : 'must be https';
}

export class SelfServiceService {
  constructor(
    private readonly deps: {
      services: SelfServiceRepository;
      menus: Pick<MenuRepository, 'get' | 'list'>;
      prompts: PromptService;
      directory: Pick<MenuDirectory, 'callQueueExists'>;
      allowHttpLoopback: boolean;
      now?: () => number;
    },
  ) {}

  async put(
    tenantId: string,
    serviceId: string,
    body: Omit<SelfServiceBody, 'secret'> & { secret?: string },
  ): Promise<PutSelfServiceOutcome> {
    const t = tenantId.toLowerCase();
    const errors: FieldProblem[] = [];
    const bad = urlProblem(body.url, this.deps.allowHttpLoopback);
    if (bad) errors.push({ field: 'url', message: bad });
    const existing = await this.deps.services.get(t, serviceId);
    const secret = body.secret ?? (existing ? await this.deps.services.secret(t, serviceId) : undefined);
    if (!secret)
      errors.push({ field: 'secret', message: 'is required (it is never returned; send it again to change it)' });
    const f = body.fallback;
    if (f?.kind === 'callQueue' && !(await this.deps.directory.callQueueExists(t, f.queueId)))
      errors.push({ field: 'fallback.queueId', message: `no call queue ${f.queueId} in this tenant` });
    if (f?.kind === 'menu' && !(await this.deps.menus.get(t, f.menuId)))
      errors.push({ field: 'fallback.menuId', message: `no menu ${f.menuId} in this tenant` });
    const refs: { field: string; ref: PromptRef }[] = [
      ...body.collect.map((c, i) => ({ field: `collect[${i}].prompt`, ref: c.prompt })),
      ...(body.failurePrompt ? [{ field: 'failurePrompt', ref: body.failurePrompt }] : []),
    ];
    for (const { field, ref } of refs) {
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
    if (errors.length || !secret) return { kind: 'invalid', errors };
    const { secret: _omit, ...rest } = body;
    const record: SelfServiceRecord = {
      ...rest,
      tenantId: t,
      serviceId,
      updatedAt: new Date((this.deps.now ?? Date.now)()).toISOString(),
    };
    await this.deps.services.put(record, secret);
    return { kind: 'saved', view: { ...record, secretSet: true }, created: !existing };
  }

  async get(tenantId: string, serviceId: string): Promise<SelfServiceView | undefined> {
    const r = await this.deps.services.get(tenantId, serviceId);
    return r ? { ...r, secretSet: true } : undefined;
  }

  async list(tenantId: string): Promise<SelfServiceView[]> {
    return (await this.deps.services.list(tenantId)).map((r) => ({ ...r, secretSet: true }));
  }

  async delete(tenantId: string, serviceId: string): Promise<DeleteSelfServiceOutcome> {
    if (!(await this.deps.services.get(tenantId, serviceId))) return { kind: 'notFound' };
    const by = (await this.deps.menus.list(tenantId))
      .filter((m) => menuActions(m).some((a) => a.action.kind === 'selfService' && a.action.serviceId === serviceId))
      .map((m) => m.menuId);
    if (by.length) return { kind: 'inUse', by };
    await this.deps.services.delete(tenantId, serviceId);
    return { kind: 'deleted' };
  }
}
