/**
 * Self-service (issue 14 item 3): the line-of-business hook's body — `PUT /api/tenants/{t}/selfServices/{serviceId}`
 * — and the answer the line-of-business system gives. Every error named by its path (`collect[1].digits.max`). The
 * URL's scheme (https; http only to a loopback host when allowed) and the prompts that need storage are checked by the
 * service; the answer is checked here, and a bad answer is a failure of the line-of-business system.
 */
import { z } from 'zod';
import {
  fieldOf,
  menuActionSchema,
  promptRefSchema,
  type FieldProblem,
  type MenuAction,
  type PromptRef,
} from './menu.schema';
import type {
  SelfServiceBody as DomainSelfServiceBody,
  SelfServiceCollectItem as DomainCollectItem,
} from '../domain/self-service';

export const SELF_SERVICE_ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const SELF_SERVICE_ID_RULE =
  'must be 1-64 lower-case letters, digits or dashes, starting with a letter or digit';

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

export const collectItemSchema = z
  .object({
    name: z.string().regex(FIELD_NAME, { message: 'must be 1-32 letters, digits or _, starting with a letter' }),
    prompt: promptRefSchema,
    digits: z
      .object({ min: z.number().int().min(1).max(32), max: z.number().int().min(1).max(32) })
      .strict()
      .refine((d) => d.min <= d.max, { message: 'min must not exceed max', path: ['max'] }),
    terminator: z.enum(['#', '*'], { message: 'must be # or *' }).default('#'),
  })
  .strict();

export const selfServiceBodySchema = z
  .object({
    name: z.string().trim().min(1).max(128).optional(),
    url: z.string().url({ message: 'must be an absolute URL' }).max(2048),
    secret: z.string().min(16, { message: 'must be at least 16 characters' }).max(256).optional(),
    collect: z.array(collectItemSchema).min(1, { message: 'must collect at least one item' }).max(8),
    fallback: menuActionSchema.optional(),
    failurePrompt: promptRefSchema.optional(),
    timeoutS: z.number().int().min(1).max(60).default(5),
    maxRetries: z.number().int().min(0).max(5).default(2),
  })
  .strict();

export interface CollectItem {
  name: string;
  prompt: PromptRef;
  digits: { min: number; max: number };
  terminator: '#' | '*';
}

export type SelfServiceBody = Omit<z.infer<typeof selfServiceBodySchema>, 'collect' | 'failurePrompt'> & {
  collect: CollectItem[];
  failurePrompt?: PromptRef;
};

// The plain types in shared/domain/self-service.ts (what the portal imports) must fit this schema: the same collect
// item, and a body the schema takes (the domain's fallback is narrowed to the kinds parseSelfServiceBody allows).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameItem: Same<CollectItem, DomainCollectItem> = true;
const bodyFits: [DomainSelfServiceBody] extends [SelfServiceBody] ? true : false = true;
void sameItem;
void bodyFits;

/** Every problem with its field, or the body with defaults. */
export function parseSelfServiceBody(
  body: unknown,
): { ok: true; value: SelfServiceBody } | { ok: false; errors: FieldProblem[] } {
  const parsed = selfServiceBodySchema.safeParse(body);
  const errors: FieldProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ field: fieldOf(i.path), message: i.message }));
  if (!parsed.success) return { ok: false, errors };
  const value = parsed.data as SelfServiceBody;
  const names = new Set<string>();
  value.collect.forEach((c, i) => {
    if (names.has(c.name)) errors.push({ field: `collect[${i}].name`, message: `${c.name} is collected twice` });
    names.add(c.name);
  });
  if (value.fallback && (value.fallback.kind === 'repeat' || value.fallback.kind === 'selfService'))
    errors.push({ field: 'fallback.kind', message: 'must be callQueue, menu, transfer or disconnect' });
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

/** Where the call goes after the answer: `repeat` = back to the menu the caller came from. */
const answerAction = menuActionSchema.refine((a) => a.kind !== 'selfService', {
  message: 'must be callQueue, menu, transfer, repeat or disconnect',
  path: ['kind'],
});

/** The line-of-business answer: what to say, then where the call goes. */
export const selfServiceAnswerSchema = z
  .object({ say: z.array(promptRefSchema).max(10).default([]), then: answerAction })
  .passthrough();

export interface SelfServiceAnswer {
  say: PromptRef[];
  then: Exclude<MenuAction, { kind: 'selfService' }>;
}

/**
 * The answer from its body text, or why it is not one — the reason names fields and rules only, never a value (the
 * line-of-business system may echo what it was sent).
 */
export function parseSelfServiceAnswer(
  text: string,
): { ok: true; value: SelfServiceAnswer } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the answer is not JSON' };
  }
  const parsed = selfServiceAnswerSchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      reason: `the answer is not {say, then}: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${fieldOf(i.path)} ${i.code}`)
        .join('; ')}`,
    };
  return { ok: true, value: parsed.data as SelfServiceAnswer };
}
