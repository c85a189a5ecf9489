/**
 * Leads a caller through the menus: one event (entered, a tone, the prompt ended, the input timer) → the next step,
 * following `menu` actions into the next menu at once (so a key that opens a sub-menu plays its greeting), with the
 * prompts resolved to the URLs Graph fetches and the way out resolved to what the call machine does (a call queue
 * with the option's skills and priority, a transfer to a user's object id or a number, a hang-up). The call side
 * reaches it through its `CallMenus` port (shared/calls/call-routing.port.ts); the shapes here match that port.
 */
import type { MenuRepository, MenuRecord } from './menu.repository';
import type { MenuAction, PromptRef } from './menu.schema';
import {
  describeMenuAction,
  keyOfTone,
  menuStep,
  type MenuEvent,
  type MenuNoteKind,
  type MenuState,
} from './menu.rules';
import type { PromptService } from './prompt.service';
import { requestSelfService } from './self-service.client';
import type { LineOfBusinessPort } from './self-service.port';
import type { SelfServiceRecord, SelfServiceRepository } from './self-service.repository';
import {
  collectStep,
  collectedByName,
  describeCollected,
  redactCollect,
  startCollect,
  type CollectConfig,
} from './self-service.rules';

export type NavigatorEvent =
  | { kind: 'enter' }
  | { kind: 'tone'; tone: string }
  | { kind: 'promptDone' }
  | { kind: 'timeout' }
  /** Self-service: the digits are collected and the request is claimed — make it now. */
  | { kind: 'post' };

export type NavigatorExit =
  | { kind: 'callQueue'; callQueueId: string; requiredSkills?: Record<string, number>; priority?: number }
  | {
      kind: 'transfer';
      target: { kind: 'user'; userId: string; tenantId?: string } | { kind: 'phone'; number: string };
    }
  | { kind: 'disconnect' };

export interface NavigatorStep {
  menuId: string;
  state: MenuState;
  cancel: boolean;
  promptUris: string[];
  listen: boolean;
  waitInputS?: number;
  exit?: NavigatorExit;
  notes: { kind: MenuNoteKind; detail: string }[];
  /** Self-service: every item is collected — the call claims the request (ETag) and makes it (event `post`). */
  post?: boolean;
  /** Digits the caller typed are on the call (tones, state): redact them at the end of the call. */
  sensitive?: boolean;
  /** The request is made (or collection failed): redact the tones used so far. */
  redact?: boolean;
}

/** Menus nest without cycles (refused at write time); this bounds a chain of menus entered in one step anyway. */
const MAX_CHAIN = 16;

/** The default set's "Sorry, we can't check that right now." */
export const DEFAULT_SELF_SERVICE_FAILURE_PROMPT: PromptRef = { prompt: 'self-service-unavailable' };

type Pending = { kind: 'event'; event: MenuEvent } | { kind: 'action'; action: MenuAction };

export interface NavigatorSelfServices {
  services: Pick<SelfServiceRepository, 'get' | 'secret'>;
  lob: LineOfBusinessPort;
}

export class MenuNavigator {
  constructor(
    private readonly deps: {
      menus: Pick<MenuRepository, 'get'>;
      prompts: Pick<PromptService, 'urls'>;
      /** MENUS_CLOCK: business hours judged at this instant instead of the event's. */
      clockAt?: number;
      /** Self-services (absent: a selfService action ends the call). */
      selfServices?: NavigatorSelfServices;
    },
  ) {}

  async step(
    tenantId: string,
    q: {
      menuId: string;
      state: unknown;
      event: NavigatorEvent;
      at: number;
      callbackUri?: string;
      /** The call (self-service's request; `requestId`: the same for every attempt of one request). */
      call?: { callId: string; from?: string; requestId?: string };
    },
  ): Promise<NavigatorStep> {
    const now = this.deps.clockAt ?? q.at;
    let menuId = q.menuId;
    let state = q.state as MenuState | undefined;
    const out: Omit<NavigatorStep, 'menuId' | 'state' | 'promptUris'> & { play: PromptRef[] } = {
      cancel: false,
      listen: false,
      notes: [],
      play: [],
    };
    let pending: Pending | undefined;
    const event: MenuEvent | { kind: 'post' } =
      q.event.kind === 'tone' ? { kind: 'key', key: keyOfTone(q.event.tone) ?? q.event.tone } : q.event;

    if (state && (state.phase === 'collecting' || state.phase === 'posting') && state.collect) {
      const r = await this.selfServiceStep(tenantId, state, event, q, out);
      state = r.state;
      pending = r.pending;
    } else if (event.kind === 'post') {
      pending = undefined; // a request for a caller no longer posting: nothing to do
    } else pending = { kind: 'event', event };

    for (let chain = 0; pending; chain++) {
      const p: Pending = pending;
      pending = undefined;
      const menu = await this.deps.menus.get(tenantId, menuId);
      if (!menu || chain >= MAX_CHAIN) {
        out.notes.push({ kind: 'menuEntered', detail: `${menuId}: no such menu; the call is ended` });
        out.exit = { kind: 'disconnect' };
        state = { menuId, retries: 0, phase: 'left' };
        out.cancel = true;
        break;
      }
      if (p.kind === 'action') {
        const a = p.action;
        if (a.kind === 'menu') {
          menuId = a.menuId;
          state = undefined;
          pending = { kind: 'event', event: { kind: 'enter' } };
          continue;
        }
        if (a.kind === 'selfService') {
          state = await this.startSelfService(tenantId, menuId, a.serviceId, menu.invalidPrompt, out);
          if (!state) {
            state = { menuId, retries: 0, phase: 'left' };
            out.exit = { kind: 'disconnect' };
          }
          break;
        }
        state = { menuId, retries: state?.retries ?? 0, phase: 'left' };
        out.exit = exitOf(menu, a, tenantId);
        break;
      }
      const d = menuStep(menuId, menu, state, p.event, now);
      out.cancel ||= d.cancel;
      out.listen ||= d.listen;
      out.play.push(...d.play);
      out.waitInputS = d.waitInputS;
      if (d.note) out.notes.push(d.note);
      state = d.state;
      if (d.action) pending = { kind: 'action', action: d.action };
    }
    const origin = q.callbackUri ? new URL(q.callbackUri).origin : undefined;
    const { play, ...rest } = out;
    const promptUris = play.length ? await this.deps.prompts.urls(tenantId, play, origin) : [];
    return {
      ...rest,
      menuId,
      state: state!,
      promptUris,
    };
  }

  /** A selfService action: the first item's prompt; undefined when the service is gone (the call ends). */
  private async startSelfService(
    tenantId: string,
    menuId: string,
    serviceId: string,
    invalidPrompt: PromptRef | undefined,
    out: { cancel: boolean; listen: boolean; play: PromptRef[]; notes: NavigatorStep['notes']; sensitive?: boolean },
  ): Promise<MenuState | undefined> {
    const svc = await this.deps.selfServices?.services.get(tenantId, serviceId);
    if (!svc) {
      out.notes.push({ kind: 'selfService', detail: `${serviceId}: no such self-service; the call is ended` });
      out.cancel = true;
      return undefined;
    }
    const d = startCollect(serviceId, configOf(svc, invalidPrompt));
    out.cancel = true;
    out.listen = true;
    out.play.push(...d.play);
    out.sensitive = true;
    out.notes.push({
      kind: 'selfService',
      detail: `${serviceId}: collecting ${svc.collect.map((c) => c.name).join(', ')}`,
    });
    return { menuId, retries: 0, phase: 'collecting', collect: d.state };
  }

  /** An event while collecting, or the request once collected. */
  private async selfServiceStep(
    tenantId: string,
    state: MenuState,
    event: MenuEvent | { kind: 'post' },
    q: { call?: { callId: string; from?: string; requestId?: string }; at: number },
    out: Omit<NavigatorStep, 'menuId' | 'state' | 'promptUris'> & { play: PromptRef[] },
  ): Promise<{ state: MenuState; pending?: Pending }> {
    const c = state.collect!;
    const back: MenuAction = { kind: 'menu', menuId: state.menuId };
    const svc = await this.deps.selfServices?.services.get(tenantId, c.serviceId);
    if (!svc) {
      out.notes.push({ kind: 'selfService', detail: `${c.serviceId}: no such self-service; back to the menu` });
      out.redact = true;
      return { state: { ...state, collect: redactCollect(c) }, pending: { kind: 'action', action: back } };
    }
    const menu = await this.deps.menus.get(tenantId, state.menuId);
    const cfg = configOf(svc, menu?.invalidPrompt);
    const fallback = svc.fallback ?? back;
    if (state.phase === 'posting') {
      if (event.kind !== 'post' || !q.call) return { state };
      const secret = await this.deps.selfServices!.services.secret(tenantId, c.serviceId);
      const result = secret
        ? await requestSelfService(this.deps.selfServices!.lob, {
            url: svc.url,
            secret,
            timeoutS: svc.timeoutS,
            body: {
              callId: q.call.callId,
              ...(q.call.from ? { from: q.call.from } : {}),
              collected: collectedByName(cfg, c),
            },
            requestId: q.call.requestId ?? `${q.call.callId}:${c.serviceId}`,
            now: q.at,
          })
        : { ok: false as const, reason: 'its secret cannot be read (SELF_SERVICE_SECRET_KEY changed?)' };
      const what = `${c.serviceId}: collected ${describeCollected(cfg, c)}`;
      out.redact = true;
      out.cancel = true;
      let then: MenuAction;
      if (result.ok) {
        then = result.answer.then.kind === 'repeat' ? back : result.answer.then;
        out.play.push(...result.answer.say);
        out.notes.push({ kind: 'selfService', detail: `${what}; ok; then ${describeMenuAction(then)}` });
      } else {
        then = fallback;
        out.play.push(svc.failurePrompt ?? DEFAULT_SELF_SERVICE_FAILURE_PROMPT);
        out.notes.push({
          kind: 'selfService',
          detail: `${what}; failed: ${result.reason}; fallback ${describeMenuAction(then)}`,
        });
      }
      const after: MenuState = { menuId: state.menuId, retries: 0, phase: 'closing', then };
      return out.play.length ? { state: after } : { state: after, pending: { kind: 'action', action: then } };
    }
    if (event.kind === 'post' || event.kind === 'enter') return { state };
    const d = collectStep(cfg, c, event);
    out.cancel ||= d.cancel;
    out.listen ||= d.listen;
    out.play.push(...d.play);
    out.waitInputS = d.waitInputS;
    out.sensitive = true;
    if (d.note) out.notes.push({ kind: 'selfService', detail: `${c.serviceId}: ${d.note}` });
    if (d.done?.ok) {
      out.post = true;
      return { state: { ...state, phase: 'posting', collect: d.state } };
    }
    if (d.done) {
      out.redact = true;
      out.notes.push({
        kind: 'selfService',
        detail: `${c.serviceId}: collected ${describeCollected(cfg, d.state)}; failed: ${d.done.reason}; fallback ${describeMenuAction(fallback)}`,
      });
      return { state: { ...state, collect: redactCollect(d.state) }, pending: { kind: 'action', action: fallback } };
    }
    return { state: { ...state, collect: d.state } };
  }
}

function configOf(svc: SelfServiceRecord, invalidPrompt: PromptRef | undefined): CollectConfig {
  return {
    collect: svc.collect,
    timeoutS: svc.timeoutS,
    maxRetries: svc.maxRetries,
    ...(invalidPrompt ? { invalidPrompt } : {}),
  };
}

function exitOf(menu: MenuRecord, a: MenuAction, tenantId: string): NavigatorExit {
  switch (a.kind) {
    case 'callQueue':
      return {
        kind: 'callQueue',
        callQueueId: a.queueId,
        ...(a.requiredSkills ? { requiredSkills: a.requiredSkills } : {}),
        ...(a.priority ? { priority: a.priority } : {}),
      };
    case 'transfer': {
      const upn = a.target.userPrincipalName;
      const userId = upn ? menu.userIds?.[upn] : undefined;
      if (userId) return { kind: 'transfer', target: { kind: 'user', userId, tenantId } };
      if (a.target.phoneNumber) return { kind: 'transfer', target: { kind: 'phone', number: a.target.phoneNumber } };
      return { kind: 'disconnect' };
    }
    default:
      // disconnect; menu, selfService and repeat never reach here.
      return { kind: 'disconnect' };
  }
}
