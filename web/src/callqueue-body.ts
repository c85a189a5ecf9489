// The call queue form's state (text as typed) and the PUT body it makes, and skills written as "name=level" text —
// pure, so unit tests check them against the API's own schema.
import type { ActionKind, CallQueue, CallQueueAction, RoutingMethod } from './contact-center';

/** "french=3, sales=2" → {french: 3, sales: 2}; a part that is not name=level is an error naming it. */
export function parseSkills(text: string): { ok: true; value: Record<string, number> } | { ok: false; error: string } {
  const value: Record<string, number> = {};
  for (const part of text.split(/[,;\n]/).map((p) => p.trim())) {
    if (!part) continue;
    const m = /^([^=\s]+)\s*=\s*(-?\d+)$/.exec(part);
    if (!m) return { ok: false, error: `"${part}" is not name=level (like french=3).` };
    value[m[1]] = Number(m[2]);
  }
  return { ok: true, value };
}

export function skillsText(skills: Record<string, number> | undefined): string {
  return Object.entries(skills ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** A number field's text as the API should get it: a number when it is one, else the text (the API names it). */
export function numberOrText(text: string): number | string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export const NUMBER_FIELDS = [
  'agentAlertTimeS',
  'wrapUpS',
  'maxCalls',
  'maxWaitS',
  'serviceLevelThresholdS',
  'missedOffersBeforeOptOut',
] as const;
type NumberField = (typeof NUMBER_FIELDS)[number];
export const ACTION_FIELDS = ['overflowAction', 'timeoutAction', 'noAgentAction'] as const;
type ActionField = (typeof ACTION_FIELDS)[number];

export interface CallQueueForm {
  name: string;
  routingMethod: RoutingMethod;
  presenceBasedRouting: boolean;
  numbers: Record<NumberField, string>;
  actions: Record<ActionField, { kind: ActionKind; target: string }>;
  requiredSkills: string;
  agents: { userPrincipalName: string; order: string }[];
  /** Fields the form does not edit (relaxation, later settings): sent back as they were. */
  rest: Record<string, unknown>;
}

const EDITED = new Set<string>([
  'name',
  'routingMethod',
  'presenceBasedRouting',
  ...NUMBER_FIELDS,
  ...ACTION_FIELDS,
  'requiredSkills',
  'agents',
]);
/** What GET adds that PUT does not take. */
const SERVER_ONLY = new Set(['tenantId', 'queueId', 'updatedAt', 'createdAt', 'etag', 'supervisors']);

export function formOf(q: CallQueue): CallQueueForm {
  const numbers = {} as Record<NumberField, string>;
  for (const f of NUMBER_FIELDS) numbers[f] = q[f] === undefined ? '' : String(q[f]);
  const actions = {} as CallQueueForm['actions'];
  for (const f of ACTION_FIELDS) {
    const a = (q[f] ?? { kind: 'disconnect' }) as CallQueueAction;
    actions[f] = { kind: a.kind, target: a.target ?? '' };
  }
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) if (!EDITED.has(k) && !SERVER_ONLY.has(k)) rest[k] = v;
  return {
    name: q.name ?? '',
    routingMethod: q.routingMethod ?? 'attendant',
    presenceBasedRouting: q.presenceBasedRouting !== false,
    numbers,
    actions,
    requiredSkills: skillsText(q.requiredSkills),
    agents: (q.agents ?? []).map((a) => ({
      userPrincipalName: a.userPrincipalName,
      order: a.order === undefined ? '' : String(a.order),
    })),
    rest,
  };
}

/** The PUT body, or the form's own problems by field (only what the API cannot be sent at all). */
export function bodyOf(f: CallQueueForm): { body: Record<string, unknown> } | { errors: Record<string, string> } {
  const skills = parseSkills(f.requiredSkills);
  if (!skills.ok) return { errors: { requiredSkills: skills.error } };
  const body: Record<string, unknown> = {
    ...f.rest,
    name: f.name,
    routingMethod: f.routingMethod,
    presenceBasedRouting: f.presenceBasedRouting,
  };
  for (const k of NUMBER_FIELDS) {
    const v = numberOrText(f.numbers[k]);
    if (v !== undefined) body[k] = v;
  }
  for (const k of ACTION_FIELDS) {
    const a = f.actions[k];
    body[k] = a.kind === 'disconnect' ? { kind: a.kind } : { kind: a.kind, target: a.target.trim() || undefined };
  }
  if (Object.keys(skills.value).length) body.requiredSkills = skills.value;
  body.agents = f.agents
    .filter((a) => a.userPrincipalName.trim())
    .map((a) => {
      const order = numberOrText(a.order);
      return { userPrincipalName: a.userPrincipalName.trim(), ...(order === undefined ? {} : { order }) };
    });
  return { body };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The JSON merge patch (RFC 7396) that turns `before` into `after`: changed members, `null` for removed ones, objects
 * member by member, arrays and values replaced whole; undefined when nothing changed. Hand-written, as the API's side
 * (shared/http/merge-patch.ts) is: it is the RFC's algorithm run backwards, and the portal imports no app code.
 */
export function mergePatchOf(before: unknown, after: unknown): unknown {
  if (isPlainObject(before) && isPlainObject(after)) {
    const patch: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(after)) {
      if (v === undefined) continue;
      const d = k in before ? mergePatchOf(before[k], v) : v;
      if (d !== undefined) patch[k] = d;
    }
    for (const k of Object.keys(before)) if (before[k] !== undefined && after[k] === undefined) patch[k] = null;
    return Object.keys(patch).length ? patch : undefined;
  }
  if (Array.isArray(before) && Array.isArray(after))
    return before.length === after.length && before.every((b, i) => mergePatchOf(b, after[i]) === undefined)
      ? undefined
      : after;
  return before === after ? undefined : after;
}

/**
 * A supervisor's save (`PATCH`, which they may; PUT is the admin's): only what the form changed since `stored` was
 * read, as a merge patch — compared with the body the unchanged form would send, so what GET adds (object ids, times)
 * is never sent; `{}` when nothing changed. Or the form's own problems, as {@link bodyOf}.
 */
export function patchOf(
  stored: CallQueue,
  f: CallQueueForm,
): { body: Record<string, unknown> } | { errors: Record<string, string> } {
  const out = bodyOf(f);
  if ('errors' in out) return out;
  const base = bodyOf(formOf(stored));
  const patch = mergePatchOf('body' in base ? base.body : {}, out.body);
  return { body: (patch ?? {}) as Record<string, unknown> };
}
