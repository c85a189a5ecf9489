/**
 * Leads a caller through the menus: one event (entered, a tone, the prompt ended, the input timer) → the next step,
 * following `menu` actions into the next menu at once (so a key that opens a sub-menu plays its greeting), with the
 * prompts resolved to the URLs Graph fetches and the way out resolved to what the call machine does (a call queue
 * with the option's skills and priority, a transfer to a user's object id or a number, a hang-up). The call side
 * reaches it through its `CallMenus` port (shared/calls/call-routing.port.ts); the shapes here match that port.
 */
import type { MenuRepository, MenuRecord } from './menu.repository';
import type { MenuAction, PromptRef } from './menu.schema';
import { keyOfTone, menuStep, type MenuEvent, type MenuNoteKind, type MenuState } from './menu.rules';
import type { PromptService } from './prompt.service';

export type NavigatorEvent =
  { kind: 'enter' } | { kind: 'tone'; tone: string } | { kind: 'promptDone' } | { kind: 'timeout' };

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
}

/** Menus nest without cycles (refused at write time); this bounds a chain of menus entered in one step anyway. */
const MAX_CHAIN = 16;

export class MenuNavigator {
  constructor(
    private readonly deps: {
      menus: Pick<MenuRepository, 'get'>;
      prompts: Pick<PromptService, 'urls'>;
      /** MENUS_CLOCK: business hours judged at this instant instead of the event's. */
      clockAt?: number;
    },
  ) {}

  async step(
    tenantId: string,
    q: { menuId: string; state: unknown; event: NavigatorEvent; at: number; callbackUri?: string },
  ): Promise<NavigatorStep> {
    const now = this.deps.clockAt ?? q.at;
    let menuId = q.menuId;
    let state = q.state as MenuState | undefined;
    let event: MenuEvent =
      q.event.kind === 'tone' ? { kind: 'key', key: keyOfTone(q.event.tone) ?? q.event.tone } : q.event;
    const notes: NavigatorStep['notes'] = [];
    const play: PromptRef[] = [];
    let cancel = false;
    let listen = false;
    let waitInputS: number | undefined;
    let exit: NavigatorExit | undefined;
    for (let chain = 0; ; chain++) {
      const menu = await this.deps.menus.get(tenantId, menuId);
      if (!menu || chain >= MAX_CHAIN) {
        notes.push({ kind: 'menuEntered', detail: `${menuId}: no such menu; the call is ended` });
        exit = { kind: 'disconnect' };
        state = { menuId, retries: 0, phase: 'left' };
        cancel = true;
        break;
      }
      const d = menuStep(menuId, menu, state, event, now);
      cancel ||= d.cancel;
      listen ||= d.listen;
      play.push(...d.play);
      waitInputS = d.waitInputS;
      if (d.note) notes.push(d.note);
      state = d.state;
      if (d.action?.kind === 'menu') {
        menuId = d.action.menuId;
        state = undefined;
        event = { kind: 'enter' };
        continue;
      }
      if (d.action) exit = exitOf(menu, d.action, tenantId);
      break;
    }
    const origin = q.callbackUri ? new URL(q.callbackUri).origin : undefined;
    const promptUris = play.length ? await this.deps.prompts.urls(tenantId, play, origin) : [];
    return {
      menuId,
      state: state!,
      cancel,
      promptUris,
      listen,
      ...(waitInputS ? { waitInputS } : {}),
      ...(exit ? { exit } : {}),
      notes,
    };
  }
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
      // selfService is refused when a menu is saved; repeat and menu never reach here.
      return { kind: 'disconnect' };
  }
}
