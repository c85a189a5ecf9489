/**
 * What a caller in a menu hears and where they go — pure. Given a menu, the caller's state in it, one event (the
 * call entered the menu, a key, the prompt ended, the input timer fired) and the clock, it answers the prompts to play
 * (cancelling what plays first, or not), whether to listen for tones, whether to arm the input timer, and the action
 * that takes the caller out of the menu. The call machine (shared/calls) carries the answer out.
 *
 * - Entering: outside business hours (holidays first), the closed greeting plays, then the closed action; else the
 *   greeting and the options' prompts play, and keys are taken at once (a caller may type ahead during a prompt).
 * - A key with an option: its action (`repeat` plays the menu again). A key without one: the invalid prompt and the
 *   menu again, one retry used. The prompts end and no key comes within `inputTimeoutS`: the menu again, one retry
 *   used. More than `maxRetries` retries: `noInputAction`.
 * - Keys while the closed greeting plays are ignored.
 */
import { businessHoursAt } from './business-hours';
import type { MenuAction, MenuBody, MenuKey, PromptRef } from './menu.schema';
import type { CollectState } from './self-service.rules';

export type MenuEvent = { kind: 'enter' } | { kind: 'key'; key: string } | { kind: 'promptDone' } | { kind: 'timeout' };

/** `collecting` / `posting`: in a self-service (self-service.rules.ts) — collecting digits, then the request. */
export type MenuPhase = 'prompting' | 'waiting' | 'closing' | 'left' | 'collecting' | 'posting';

export interface MenuState {
  menuId: string;
  /** Invalid keys and timeouts so far in this menu. */
  retries: number;
  phase: MenuPhase;
  /** While closing: the action taken when the closed greeting ends. */
  then?: MenuAction;
  /** While collecting / posting: the self-service's own state (digits until the request is made). */
  collect?: CollectState;
}

export type MenuNoteKind = 'menuEntered' | 'menuClosed' | 'menuKey' | 'menuInvalid' | 'menuNoInput' | 'selfService';

export interface MenuDecision {
  state: MenuState;
  /** Stop the prompts playing before anything else. */
  cancel: boolean;
  play: PromptRef[];
  /** Listen for tones (subscribeToTone; the machine asks once). */
  listen: boolean;
  /** Arm the input timer for this many seconds. */
  waitInputS?: number;
  /** Leave the menu with this action (`menu`: the caller enters that menu next). */
  action?: MenuAction;
  note?: { kind: MenuNoteKind; detail: string };
}

/** The default set's "that is not a valid choice". */
export const DEFAULT_INVALID_PROMPT: PromptRef = { prompt: 'invalid-entry' };

/** Graph's tone names (`tone0`…`tone9`, `star`, `pound`) as menu keys. */
export function keyOfTone(tone: string): MenuKey | undefined {
  if (tone === 'star') return '*';
  if (tone === 'pound') return '#';
  const m = /^tone([0-9])$/.exec(tone);
  return m ? (m[1] as MenuKey) : undefined;
}

/** The greeting, then each option's prompt in the order the options are listed. */
export function menuPromptsOf(menu: MenuBody): PromptRef[] {
  return [menu.greeting, ...menu.options.flatMap((o) => (o.prompt ? [o.prompt] : []))];
}

const none = (state: MenuState): MenuDecision => ({ state, cancel: false, play: [], listen: false });

export function describeMenuAction(a: MenuAction): string {
  switch (a.kind) {
    case 'callQueue':
      return `callQueue ${a.queueId}`;
    case 'menu':
      return `menu ${a.menuId}`;
    case 'transfer':
      return `transfer ${a.target.userPrincipalName ?? a.target.phoneNumber}`;
    case 'selfService':
      return `selfService ${a.serviceId}`;
    default:
      return a.kind;
  }
}

export function menuStep(
  menuId: string,
  menu: MenuBody,
  state: MenuState | undefined,
  event: MenuEvent,
  now: number,
): MenuDecision {
  if (event.kind === 'enter' || !state || state.menuId !== menuId) return enter(menuId, menu, now);
  const s = state;
  switch (event.kind) {
    case 'key': {
      if (s.phase !== 'prompting' && s.phase !== 'waiting') return none(s);
      const option = menu.options.find((o) => o.key === event.key);
      if (!option) return retry(menu, s, true, `key ${event.key} has no option`);
      if (option.action.kind === 'repeat')
        return {
          state: { ...s, phase: 'prompting' },
          cancel: true,
          play: menuPromptsOf(menu),
          listen: true,
          note: { kind: 'menuKey', detail: `key ${event.key}: repeat` },
        };
      return leave(s, option.action, true, {
        kind: 'menuKey',
        detail: `key ${event.key}: ${describeMenuAction(option.action)}`,
      });
    }
    case 'promptDone':
      if (s.phase === 'prompting')
        return {
          state: { ...s, phase: 'waiting' },
          cancel: false,
          play: [],
          listen: true,
          waitInputS: menu.inputTimeoutS,
        };
      if (s.phase === 'closing' && s.then) return leave(s, s.then, false);
      return none(s);
    case 'timeout':
      if (s.phase !== 'waiting') return none(s);
      return retry(menu, s, false, `no key within ${menu.inputTimeoutS} s`);
  }
}

function enter(menuId: string, menu: MenuBody, now: number): MenuDecision {
  const hours = menu.businessHours;
  if (hours) {
    const at = businessHoursAt(hours, now);
    if (!at.open)
      return {
        state: { menuId, retries: 0, phase: 'closing', then: hours.closedAction },
        cancel: true,
        play: [hours.closedGreeting],
        listen: false,
        note: { kind: 'menuClosed', detail: `${menuId}: ${at.why}; then ${describeMenuAction(hours.closedAction)}` },
      };
  }
  return {
    state: { menuId, retries: 0, phase: 'prompting' },
    cancel: true,
    play: menuPromptsOf(menu),
    listen: true,
    note: { kind: 'menuEntered', detail: menuId },
  };
}

function retry(menu: MenuBody, s: MenuState, invalid: boolean, why: string): MenuDecision {
  const retries = s.retries + 1;
  const kind = invalid ? 'menuInvalid' : 'menuNoInput';
  if (retries > menu.maxRetries)
    return leave({ ...s, retries }, menu.noInputAction, invalid, {
      kind,
      detail: `${why}; retries used up (${menu.maxRetries}): ${describeMenuAction(menu.noInputAction)}`,
    });
  return {
    state: { ...s, retries, phase: 'prompting' },
    cancel: invalid,
    play: [...(invalid ? [menu.invalidPrompt ?? DEFAULT_INVALID_PROMPT] : []), ...menuPromptsOf(menu)],
    listen: true,
    note: { kind, detail: `${why}; retry ${retries} of ${menu.maxRetries}` },
  };
}

function leave(s: MenuState, action: MenuAction, cancel: boolean, note?: MenuDecision['note']): MenuDecision {
  return {
    state: { ...s, phase: 'left', then: undefined },
    cancel,
    play: [],
    listen: false,
    action,
    ...(note ? { note } : {}),
  };
}

/**
 * The cycle a menu would close, as a path (`a → b → a`), given the other menus: followed through `menu` actions.
 * `lookup` answers the stored menus (the one being written is `menu`).
 */
export function findMenuCycle(
  menuId: string,
  menu: MenuBody,
  lookup: (id: string) => MenuBody | undefined,
): string[] | undefined {
  const next = (m: MenuBody) =>
    [
      ...m.options.map((o) => o.action),
      m.noInputAction,
      ...(m.businessHours ? [m.businessHours.closedAction] : []),
    ].flatMap((a) => (a.kind === 'menu' ? [a.menuId] : []));
  const onPath: string[] = [];
  const done = new Set<string>();
  const visit = (id: string, m: MenuBody | undefined): string[] | undefined => {
    if (onPath.includes(id)) return [...onPath.slice(onPath.indexOf(id)), id];
    if (done.has(id) || !m) return undefined;
    onPath.push(id);
    for (const n of next(m)) {
      const found = visit(n, n === menuId ? menu : lookup(n));
      if (found) return found;
    }
    onPath.pop();
    done.add(id);
    return undefined;
  };
  return visit(menuId, menu);
}
