/**
 * The menu API's body (issue 14 item 2): `PUT /api/tenants/{t}/menus/{menuId}`. Every field validated, every error
 * named by its path (`options[1].action.queueId`); defaults as the issue gives them (inputTimeoutS 5, maxRetries 2).
 * What needs storage (menus and call queues that exist, cycles, prompts that exist) is checked by the service.
 */
import { z } from 'zod';
import { isIanaTimeZone, isCalendarDate } from './business-hours';

export const MENU_ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const MENU_ID_RULE = 'must be 1-64 lower-case letters, digits or dashes, starting with a letter or digit';
import { MENU_KEYS, WEEKDAYS, type MenuAction as DomainMenuAction, type MenuBody as DomainMenuBody } from '../domain';
export { MENU_KEYS, WEEKDAYS, type MenuKey, type Weekday, type PromptRef } from '../domain';
import type { MenuKey, PromptRef } from '../domain';
const PROMPT_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export const promptRefSchema = z
  .object({
    text: z.string().trim().min(1, { message: 'must not be empty' }).max(1000).optional(),
    prompt: z
      .string()
      .regex(PROMPT_NAME, { message: 'must be a prompt name (lower-case letters, digits, dashes)' })
      .optional(),
  })
  .strict()
  .refine((p) => (p.text === undefined) !== (p.prompt === undefined), {
    message: 'must be {"text": "…"} or {"prompt": "name"}, exactly one of them',
  });

const skillName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be a skill name (letters, digits, _.-)' });

const callQueueAction = z
  .object({
    kind: z.literal('callQueue'),
    queueId: z.string().regex(/^[a-z0-9-]{1,64}$/, { message: 'must be a call queue id' }),
    requiredSkills: z.record(skillName, z.number().int().min(1).max(5)).optional(),
    priority: z.number().int().min(1).max(5).optional(),
  })
  .strict();
const menuAction = z
  .object({ kind: z.literal('menu'), menuId: z.string().regex(MENU_ID_RE, { message: MENU_ID_RULE }) })
  .strict();
const transferAction = z
  .object({
    kind: z.literal('transfer'),
    target: z
      .object({
        userPrincipalName: z
          .string()
          .trim()
          .toLowerCase()
          .email({ message: 'must be a user principal name' })
          .optional(),
        phoneNumber: z
          .string()
          .regex(/^\+[1-9]\d{6,14}$/, { message: 'must be an E.164 number (+ and 7-15 digits)' })
          .optional(),
      })
      .strict()
      .refine((t) => (t.userPrincipalName === undefined) !== (t.phoneNumber === undefined), {
        message: 'must be {"userPrincipalName": …} or {"phoneNumber": …}, exactly one of them',
      }),
  })
  .strict();
const selfServiceAction = z
  .object({
    kind: z.literal('selfService'),
    serviceId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'must be a self-service id' }),
  })
  .strict();
const repeatAction = z.object({ kind: z.literal('repeat') }).strict();
const disconnectAction = z.object({ kind: z.literal('disconnect') }).strict();

const ACTION_KINDS = 'callQueue, menu, transfer, selfService, repeat or disconnect';
export const menuActionSchema = z.discriminatedUnion(
  'kind',
  [callQueueAction, menuAction, transferAction, selfServiceAction, repeatAction, disconnectAction],
  { error: (iss) => (iss.code === 'invalid_union' ? `kind must be ${ACTION_KINDS}` : undefined) },
);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: 'must be HH:mm (00:00-24:00)' });

export const businessHoursSchema = z
  .object({
    timeZone: z.string().refine(isIanaTimeZone, { message: 'must be an IANA time zone, e.g. Europe/Paris' }),
    weekly: z
      .array(
        z
          .object({
            days: z
              .array(z.enum(WEEKDAYS, { message: `must be one of ${WEEKDAYS.join(', ')}` }))
              .min(1, { message: 'must name at least one day' }),
            from: hhmm,
            to: hhmm,
          })
          .strict()
          .refine((r) => !(typeof r.from === 'string' && typeof r.to === 'string') || r.from < r.to, {
            message: 'from must be before to (split a range over midnight into two)',
            path: ['to'],
            // Checked even when another field of the range is bad, so every problem is named at once.
            when: (p) => {
              const v = p.value as { from?: unknown; to?: unknown };
              return /^\d\d:\d\d$/.test(String(v?.from)) && /^\d\d:\d\d$/.test(String(v?.to));
            },
          }),
      )
      .max(50),
    holidays: z
      .array(
        z
          .object({
            date: z.string().refine(isCalendarDate, { message: 'must be a date YYYY-MM-DD' }),
            name: z.string().trim().min(1).max(128),
          })
          .strict(),
      )
      .max(500)
      .default([]),
    closedGreeting: promptRefSchema,
    closedAction: menuActionSchema,
  })
  .strict();

export const menuBodySchema = z
  .object({
    name: z.string().trim().min(1).max(128).optional(),
    greeting: promptRefSchema,
    options: z
      .array(
        z
          .object({
            key: z.enum(MENU_KEYS, { message: 'must be one of 0-9, * or #' }),
            prompt: promptRefSchema.optional(),
            action: menuActionSchema,
          })
          .strict(),
      )
      .max(12),
    inputTimeoutS: z.number().int().min(1).max(60).default(5),
    maxRetries: z.number().int().min(0).max(5).default(2),
    invalidPrompt: promptRefSchema.optional(),
    noInputAction: menuActionSchema,
    businessHours: businessHoursSchema.optional(),
  })
  .strict();

export type MenuAction = z.infer<typeof menuActionSchema>;
export type MenuBody = Omit<
  z.infer<typeof menuBodySchema>,
  'greeting' | 'options' | 'invalidPrompt' | 'businessHours'
> & {
  greeting: PromptRef;
  options: { key: MenuKey; prompt?: PromptRef; action: MenuAction }[];
  invalidPrompt?: PromptRef;
  businessHours?: Omit<z.infer<typeof businessHoursSchema>, 'closedGreeting'> & { closedGreeting: PromptRef };
};

// The plain types in shared/domain/menu.ts (what the portal imports) and this schema must describe one body.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameAction: Same<MenuAction, DomainMenuAction> = true;
const sameBody: Same<MenuBody, DomainMenuBody> = true;
void sameAction;
void sameBody;

export interface FieldProblem {
  field: string;
  message: string;
}

export const fieldOf = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  ) || 'body';

/** The body with defaults, or every problem with its field. */
export function parseMenuBody(body: unknown): { ok: true; value: MenuBody } | { ok: false; errors: FieldProblem[] } {
  const parsed = menuBodySchema.safeParse(body);
  if (!parsed.success)
    return { ok: false, errors: parsed.error.issues.map((i) => ({ field: fieldOf(i.path), message: i.message })) };
  const value = parsed.data as MenuBody;
  const errors: FieldProblem[] = [];
  const seen = new Set<string>();
  value.options.forEach((o, i) => {
    if (seen.has(o.key)) errors.push({ field: `options[${i}].key`, message: `key ${o.key} is used twice` });
    seen.add(o.key);
  });
  const noRepeat = (a: MenuAction, field: string) => {
    if (a.kind === 'repeat') errors.push({ field, message: 'repeat is only for an option' });
  };
  noRepeat(value.noInputAction, 'noInputAction.kind');
  if (value.businessHours) noRepeat(value.businessHours.closedAction, 'businessHours.closedAction.kind');
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

/** Every action of a menu with its field path (options, no input, closed). */
export function menuActions(m: MenuBody): { field: string; action: MenuAction }[] {
  return [
    ...m.options.map((o, i) => ({ field: `options[${i}].action`, action: o.action })),
    { field: 'noInputAction', action: m.noInputAction },
    ...(m.businessHours ? [{ field: 'businessHours.closedAction', action: m.businessHours.closedAction }] : []),
  ];
}

/** Every prompt reference of a menu with its field path. */
export function menuPrompts(m: MenuBody): { field: string; ref: PromptRef }[] {
  const out: { field: string; ref: PromptRef }[] = [{ field: 'greeting', ref: m.greeting }];
  m.options.forEach((o, i) => o.prompt && out.push({ field: `options[${i}].prompt`, ref: o.prompt }));
  if (m.invalidPrompt) out.push({ field: 'invalidPrompt', ref: m.invalidPrompt });
  if (m.businessHours) out.push({ field: 'businessHours.closedGreeting', ref: m.businessHours.closedGreeting });
  return out;
}
