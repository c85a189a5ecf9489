/**
 * The JSON replies of the reports, the call search and a call's story, as the OpenAPI document describes them. Their
 * rows are built from the reporting figures and the contact record (metrics.ts, contact-record.ts): these schemas
 * name the fields clients rely on and let the rest through (`looseObject`), so a figure added there needs no change
 * here; docs/metrics.md defines every figure.
 */
import { z } from 'zod';

const nullableNumber = z.number().nullable();

/** The figures every call queue row has (docs/metrics.md), beside more. */
const callQueueFiguresSchema = {
  offered: z.number(),
  answered: z.number(),
  abandoned: z.number(),
  asaS: nullableNumber,
  averageWaitS: nullableNumber,
  longestWaitS: nullableNumber,
  ahtS: nullableNumber,
  serviceLevel: z.record(z.string(), z.unknown()),
};

const reportEnvelope = (row: z.ZodType) =>
  z.object({ from: z.string(), to: z.string(), interval: z.enum(['15m', '1h', '1d']), items: z.array(row) });

/** `GET …/reports/callQueues` (JSON). */
export const callQueueReportSchema = reportEnvelope(
  z.looseObject({
    callQueueId: z.string(),
    intervalStart: z.string(),
    intervalEnd: z.string(),
    ...callQueueFiguresSchema,
  }),
);

/** `GET …/reports/agents` (JSON): `callQueueId` `*` is the agent across every call queue. */
export const agentReportSchema = reportEnvelope(
  z.looseObject({ agentId: z.string(), callQueueId: z.string(), intervalStart: z.string(), intervalEnd: z.string() }),
);

/** `GET …/calls?from&to…` (the search of ended calls): one page. */
export const callSearchPageSchema = z.object({
  items: z.array(
    z.looseObject({
      callId: z.string(),
      arrivedAt: z.string(),
      endedAt: z.string(),
      result: z.string(),
      caller: z.string().optional(),
      callQueueIds: z.array(z.string()),
      agentId: z.string().optional(),
      durationS: z.number(),
    }),
  ),
  continuationToken: z.string().optional(),
});

/** `GET …/calls[?state=active]`: the live calls (a call's summary, its position and wait while it waits). */
export const liveCallsSchema = z.object({
  items: z.array(
    z.looseObject({
      callId: z.string(),
      tenantId: z.string(),
      phase: z.string(),
      callQueueId: z.string().optional(),
      callerPhone: z.string().optional(),
      position: z.number().optional(),
      waitS: z.number().optional(),
    }),
  ),
});

/** `GET …/calls/{callId}`: the call's summary, its ordered log and, once ended, its story (the contact record). */
export const callStorySchema = z.looseObject({
  callId: z.string(),
  tenantId: z.string(),
  phase: z.string(),
  callQueueId: z.string().optional(),
  events: z.array(z.looseObject({ kind: z.string(), at: z.number(), elapsedMs: z.number().optional() })),
  story: z
    .looseObject({ callId: z.string(), callQueues: z.array(z.looseObject({ callQueueId: z.string() })) })
    .nullable(),
  storyComplete: z.boolean(),
});
