/**
 * The call queue API's body (issue 13 item 3), with Teams' defaults: every field validated, every error named.
 * `PUT /api/tenants/{t}/callQueues/{queueId}` takes it whole; `PATCH` a part of it.
 */
import { z } from 'zod';
import { CALL_QUEUE_ACTION_KINDS, ROUTING_METHODS, type CallQueueBody as DomainCallQueueBody } from '../domain';

export const CALL_QUEUE_ID_RE = /^[a-z0-9-]{1,64}$/;
export const MAX_CALL_QUEUE_AGENTS = 2000;

const E164_RE = /^\+[1-9]\d{6,14}$/;
const UPN_OR_ID_RE = /^([^@\s]+@[^@\s]+\.[^@\s]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** What `target` must be for each kind of overflow / timeout / no-agent action. */
const TARGET_RULES: Record<string, { re: RegExp; message: string }> = {
  callQueue: { re: CALL_QUEUE_ID_RE, message: 'must be a call queue id (1-64 lower-case letters, digits or dashes)' },
  user: { re: UPN_OR_ID_RE, message: "must be a user's principal name or object id" },
  number: { re: E164_RE, message: 'must be an E.164 phone number, e.g. +14255550100' },
};

const actionSchema = z
  .object({
    kind: z.enum(CALL_QUEUE_ACTION_KINDS),
    target: z.string().min(1).max(256).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.kind === 'disconnect') {
      if (a.target !== undefined)
        ctx.addIssue({ code: 'custom', path: ['target'], message: 'must be absent when kind is disconnect' });
      return;
    }
    const rule = TARGET_RULES[a.kind];
    if (a.target === undefined)
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'target is required unless kind is disconnect' });
    else if (!rule.re.test(a.target)) ctx.addIssue({ code: 'custom', path: ['target'], message: rule.message });
  });

const skillName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be a skill name (letters, digits, _.-)' });
export const skillLevels = z.record(skillName, z.number().int().min(1).max(5));

export const callQueueBodySchema = z
  .object({
    name: z.string().trim().min(1).max(128),
    routingMethod: z.enum(ROUTING_METHODS).default('attendant'),
    presenceBasedRouting: z.boolean().default(true),
    agentAlertTimeS: z.number().int().min(15).max(180).default(30),
    wrapUpS: z.number().int().min(0).max(600).default(0),
    maxCalls: z.number().int().min(0).max(1000).default(50),
    maxWaitS: z.number().int().min(0).max(2700).default(1200),
    overflowAction: actionSchema.default({ kind: 'disconnect' }),
    timeoutAction: actionSchema.default({ kind: 'disconnect' }),
    noAgentAction: actionSchema.default({ kind: 'disconnect' }),
    serviceLevelThresholdS: z.number().int().min(1).max(2700).default(20),
    requiredSkills: skillLevels.optional(),
    relaxation: z
      .array(
        z
          .object({
            afterS: z.number().int().min(0).max(2700),
            minLevelDelta: z.number().int().min(0).max(4).optional(),
            levels: z.record(skillName, z.number().int().min(0).max(5)).optional(),
          })
          .strict(),
      )
      .max(10)
      .optional(),
    missedOffersBeforeOptOut: z.number().int().min(1).max(100).optional(),
    /** Issue 14 item 4: "you are caller number 3; your expected wait is about 4 minutes", every `everyS`. */
    announcements: z
      .object({
        positionAndWait: z.boolean().default(true),
        everyS: z.number().int().min(30).max(300).default(60),
        firstAfterS: z.number().int().min(0).max(300).default(0),
      })
      .strict()
      .optional(),
    /**
     * Issue 15 item 6: compliance recording. `always`: every call that reaches an agent is recorded from the
     * connection; `pauseAllowedFor` — who may pause / resume it (PCI): the agent on the call, a supervisor of the
     * call queue, an admin. docs/supervision.md.
     */
    recording: z
      .object({
        mode: z.enum(['off', 'always']).default('off'),
        pauseAllowedFor: z
          .array(z.enum(['agent', 'supervisor', 'admin']))
          .max(3)
          .refine((roles) => new Set(roles).size === roles.length, { message: 'lists a role twice' })
          .default(['agent', 'supervisor', 'admin']),
      })
      .strict()
      .optional(),
    /**
     * Issue 14 item 5: while waiting the caller hears "press 1 to be called back and keep your place" once
     * `offerAfterS` has passed or their position is beyond `offerBeyondPosition` (neither set: offered at once).
     */
    callback: z
      .object({
        enabled: z.boolean().default(true),
        key: z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#']).default('1'),
        offerAfterS: z.number().int().min(0).max(2700).optional(),
        offerBeyondPosition: z.number().int().min(0).max(1000).optional(),
        retries: z.number().int().min(0).max(10).default(2),
        retryAfterS: z.number().int().min(10).max(3600).default(120),
        numberSource: z.enum(['callerId', 'ask']).default('callerId'),
      })
      .strict()
      .optional(),
    agents: z
      .array(
        z
          .object({
            // Entra caps a UPN at 113 characters (which also keeps 2,000 agents inside one table entity).
            userPrincipalName: z
              .string()
              .trim()
              .toLowerCase()
              .max(113)
              .email({ message: 'must be a user principal name' }),
            order: z.number().int().min(0).max(100_000).optional(),
          })
          .strict(),
      )
      .max(MAX_CALL_QUEUE_AGENTS)
      .default([]),
  })
  .strict();

export type CallQueueBody = z.infer<typeof callQueueBodySchema>;

// The plain type in shared/domain (what the routing engine and the portal read) and this schema describe one body.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameBody: Same<CallQueueBody, DomainCallQueueBody> = true;
void sameBody;

export interface FieldProblem {
  field: string;
  message: string;
}

/** The body with defaults applied, or every problem with its field (`agents[3].userPrincipalName`). */
export function parseCallQueueBody(
  body: unknown,
): { ok: true; value: CallQueueBody } | { ok: false; errors: FieldProblem[] } {
  const parsed = callQueueBodySchema.safeParse(body);
  if (parsed.success) {
    const seen = new Set<string>();
    const errors: FieldProblem[] = [];
    parsed.data.agents.forEach((a, i) => {
      if (seen.has(a.userPrincipalName))
        errors.push({ field: `agents[${i}].userPrincipalName`, message: 'is listed twice' });
      seen.add(a.userPrincipalName);
    });
    return errors.length ? { ok: false, errors } : { ok: true, value: parsed.data };
  }
  return { ok: false, errors: zodProblems(parsed.error) };
}

/** Every issue of a failed parse with its field as a path (`agents[3].userPrincipalName`, `skills.sales`). */
export function zodProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => ({
    field:
      i.path.reduce<string>(
        (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
        '',
      ) || 'body',
    message: i.message,
  }));
}

/** Rules that need the call queue's own id: an action may not send a call back into the call queue it leaves. */
export function ownIdProblems(queueId: string, body: CallQueueBody): FieldProblem[] {
  return (['overflowAction', 'timeoutAction', 'noAgentAction'] as const)
    .filter((f) => body[f].kind === 'callQueue' && body[f].target === queueId)
    .map((f) => ({ field: `${f}.target`, message: `must be another call queue than ${queueId} itself` }));
}
