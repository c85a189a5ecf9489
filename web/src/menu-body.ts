// The menu form's state (text as typed) and the PUT body it makes — pure, so unit tests check them against the API's
// own schema (shared/menus). Types from shared/domain/menu.ts, the ones the API's schema is checked against.
import type { MenuAction, MenuBody, MenuKey, MenuView, PromptRef, Weekday } from '../../shared/domain/menu';
import type { ListsAll } from './lists';
import { numberOrText, parseSkills, skillsText } from './callqueue-body';

export type { MenuBody, MenuView, Weekday };

export const MENU_KEYS = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '*',
  '#',
] as const satisfies readonly MenuKey[];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const satisfies readonly Weekday[];
const everyKey: ListsAll<MenuKey, typeof MENU_KEYS> = true;
const everyDay: ListsAll<Weekday, typeof WEEKDAYS> = true;
void everyKey;
void everyDay;

/** The kinds the portal offers: every kind the API accepts. */
export const ACTION_KINDS = [
  'callQueue',
  'menu',
  'transfer',
  'selfService',
  'repeat',
  'disconnect',
] as const satisfies readonly MenuAction['kind'][];
const everyKind: ListsAll<MenuAction['kind'], typeof ACTION_KINDS> = true;
void everyKind;
export type FormActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_LABELS: Record<FormActionKind, string> = {
  callQueue: 'Send to a call queue',
  menu: 'Go to another menu',
  transfer: 'Transfer to a person or number',
  selfService: 'Self-service (line of business)',
  repeat: 'Repeat the menu',
  disconnect: 'Disconnect',
};
/** `repeat` is for an option only (no input, closed). */
export const LEAVING_KINDS = ACTION_KINDS.filter((k) => k !== 'repeat');

export const WEEKDAY_LABELS: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

export interface PromptForm {
  /** none: no prompt (options, the invalid prompt: the default). */
  mode: 'none' | 'text' | 'prompt';
  text: string;
  prompt: string;
}

export interface ActionForm {
  kind: FormActionKind;
  queueId: string;
  priority: string;
  requiredSkills: string;
  menuId: string;
  transferTo: 'userPrincipalName' | 'phoneNumber';
  target: string;
  serviceId: string;
}

export interface MenuForm {
  name: string;
  greeting: PromptForm;
  options: { key: string; prompt: PromptForm; action: ActionForm }[];
  inputTimeoutS: string;
  maxRetries: string;
  invalidPrompt: PromptForm;
  noInputAction: ActionForm;
  hoursOn: boolean;
  hours: {
    timeZone: string;
    weekly: { days: Weekday[]; from: string; to: string }[];
    holidays: { date: string; name: string }[];
    closedGreeting: PromptForm;
    closedAction: ActionForm;
  };
}

export const promptForm = (ref?: PromptRef): PromptForm =>
  !ref
    ? { mode: 'none', text: '', prompt: '' }
    : 'text' in ref
      ? { mode: 'text', text: ref.text, prompt: '' }
      : { mode: 'prompt', text: '', prompt: ref.prompt };

export function actionForm(a?: MenuAction): ActionForm {
  const f: ActionForm = {
    kind: 'disconnect',
    queueId: '',
    priority: '',
    requiredSkills: '',
    menuId: '',
    transferTo: 'userPrincipalName',
    target: '',
    serviceId: '',
  };
  if (!a) return f;
  switch (a.kind) {
    case 'callQueue':
      return {
        ...f,
        kind: a.kind,
        queueId: a.queueId,
        priority: a.priority === undefined ? '' : String(a.priority),
        requiredSkills: skillsText(a.requiredSkills),
      };
    case 'menu':
      return { ...f, kind: a.kind, menuId: a.menuId };
    case 'transfer':
      return a.target.phoneNumber
        ? { ...f, kind: a.kind, transferTo: 'phoneNumber', target: a.target.phoneNumber }
        : { ...f, kind: a.kind, target: a.target.userPrincipalName ?? '' };
    case 'selfService':
      return { ...f, kind: a.kind, serviceId: a.serviceId };
    case 'repeat':
      return { ...f, kind: 'repeat' };
    default:
      return f;
  }
}

/** Monday to Friday, 09:00–17:00. */
export const defaultWeekly = (): MenuForm['hours']['weekly'] => [
  { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' },
];

/** The browser's own time zone, else UTC. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every IANA time zone the browser knows (`Intl.supportedValuesOf`), with `keep` (a stored one) and UTC in it. */
export function timeZones(keep?: string): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  const all = new Set([...zones, 'UTC', ...(keep ? [keep] : [])]);
  return [...all].sort();
}

export function newMenuForm(): MenuForm {
  return {
    name: '',
    greeting: { mode: 'text', text: '', prompt: '' },
    options: [],
    inputTimeoutS: '5',
    maxRetries: '2',
    invalidPrompt: promptForm(),
    noInputAction: actionForm(),
    hoursOn: false,
    hours: {
      timeZone: localTimeZone(),
      weekly: defaultWeekly(),
      holidays: [],
      closedGreeting: { mode: 'text', text: '', prompt: '' },
      closedAction: actionForm(),
    },
  };
}

export function formOfMenu(m: MenuView): MenuForm {
  const blank = newMenuForm();
  return {
    name: m.name ?? '',
    greeting: promptForm(m.greeting),
    options: (m.options ?? []).map((o) => ({ key: o.key, prompt: promptForm(o.prompt), action: actionForm(o.action) })),
    inputTimeoutS: m.inputTimeoutS === undefined ? '' : String(m.inputTimeoutS),
    maxRetries: m.maxRetries === undefined ? '' : String(m.maxRetries),
    invalidPrompt: promptForm(m.invalidPrompt),
    noInputAction: actionForm(m.noInputAction),
    hoursOn: !!m.businessHours,
    hours: m.businessHours
      ? {
          timeZone: m.businessHours.timeZone,
          weekly: m.businessHours.weekly.map((r) => ({ days: [...r.days], from: r.from, to: r.to })),
          holidays: (m.businessHours.holidays ?? []).map((h) => ({ ...h })),
          closedGreeting: promptForm(m.businessHours.closedGreeting),
          closedAction: actionForm(m.businessHours.closedAction),
        }
      : blank.hours,
  };
}

/** A prompt as the API takes it (the text / name as typed: the API names what is wrong with it). */
export function promptRefOf(p: PromptForm): PromptRef | undefined {
  if (p.mode === 'none') return undefined;
  return p.mode === 'text' ? { text: p.text } : { prompt: p.prompt };
}

/** An action as the API takes it, or the form's own problem (skills that are not name=level) by field. */
export function actionOf(a: ActionForm, field: string): { action: MenuAction } | { errors: Record<string, string> } {
  switch (a.kind) {
    case 'callQueue': {
      const skills = parseSkills(a.requiredSkills);
      if (!skills.ok) return { errors: { [`${field}.requiredSkills`]: skills.error } };
      const priority = numberOrText(a.priority);
      return {
        action: {
          kind: 'callQueue',
          queueId: a.queueId.trim(),
          ...(Object.keys(skills.value).length ? { requiredSkills: skills.value } : {}),
          ...(priority === undefined ? {} : { priority: priority as number }),
        },
      };
    }
    case 'menu':
      return { action: { kind: 'menu', menuId: a.menuId.trim() } };
    case 'transfer':
      return { action: { kind: 'transfer', target: { [a.transferTo]: a.target.trim() } } };
    case 'selfService':
      return { action: { kind: 'selfService', serviceId: a.serviceId.trim() } };
    case 'repeat':
      return { action: { kind: 'repeat' } };
    default:
      return { action: { kind: 'disconnect' } };
  }
}

/** The PUT body, or the form's own problems by field (only what cannot be sent at all). */
export function bodyOfMenu(f: MenuForm): { body: Record<string, unknown> } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const action = (a: ActionForm, field: string): MenuAction | undefined => {
    const out = actionOf(a, field);
    if ('errors' in out) {
      Object.assign(errors, out.errors);
      return undefined;
    }
    return out.action;
  };
  const body: Record<string, unknown> = {
    ...(f.name.trim() ? { name: f.name } : {}),
    greeting: promptRefOf(f.greeting) ?? { text: '' },
    options: f.options.map((o, i) => {
      const prompt = promptRefOf(o.prompt);
      return { key: o.key, ...(prompt ? { prompt } : {}), action: action(o.action, `options[${i}].action`) };
    }),
    noInputAction: action(f.noInputAction, 'noInputAction'),
  };
  const timeout = numberOrText(f.inputTimeoutS);
  if (timeout !== undefined) body.inputTimeoutS = timeout;
  const retries = numberOrText(f.maxRetries);
  if (retries !== undefined) body.maxRetries = retries;
  const invalid = promptRefOf(f.invalidPrompt);
  if (invalid) body.invalidPrompt = invalid;
  if (f.hoursOn) {
    body.businessHours = {
      timeZone: f.hours.timeZone,
      weekly: f.hours.weekly.map((r) => ({ days: r.days, from: r.from.trim(), to: r.to.trim() })),
      holidays: f.hours.holidays.map((h) => ({ date: h.date, name: h.name })),
      closedGreeting: promptRefOf(f.hours.closedGreeting) ?? { text: '' },
      closedAction: action(f.hours.closedAction, 'businessHours.closedAction'),
    };
  }
  return Object.keys(errors).length ? { errors } : { body };
}

/** The first key no option uses yet (for "Add option"). */
export function nextKey(options: { key: string }[]): string {
  return MENU_KEYS.find((k) => !options.some((o) => o.key === k)) ?? '0';
}

/**
 * The API refuses a menu that would close a cycle with one error on `body` ("menus would form a cycle: a → b → a").
 * The action fields of this form that lead into it (`menu` actions to the menu after this one on the path), so the
 * page can mark them where they are.
 */
export function cycleFields(f: MenuForm, menuId: string, message: string): string[] {
  const m = /cycle: (.+)$/.exec(message);
  if (!m) return [];
  const path = m[1].split(' → ').map((s) => s.trim());
  const at = path.indexOf(menuId);
  const next = at >= 0 ? path[at + 1] : undefined;
  if (!next) return [];
  const fields: string[] = [];
  f.options.forEach((o, i) => {
    if (o.action.kind === 'menu' && o.action.menuId.trim() === next) fields.push(`options[${i}].action`);
  });
  if (f.noInputAction.kind === 'menu' && f.noInputAction.menuId.trim() === next) fields.push('noInputAction');
  if (f.hoursOn && f.hours.closedAction.kind === 'menu' && f.hours.closedAction.menuId.trim() === next)
    fields.push('businessHours.closedAction');
  return fields;
}

/** "Mon–Fri 09:00–17:00" for a list. */
export function hoursSummary(m: Pick<MenuBody, 'businessHours'>): string {
  const h = m.businessHours;
  if (!h) return 'Always open';
  const ranges = h.weekly.map((r) => `${r.days.map((d) => WEEKDAY_LABELS[d]).join(' ')} ${r.from}–${r.to}`);
  return `${ranges.join('; ') || 'Closed every day'} (${h.timeZone})`;
}
