/**
 * The bulk API's replies, as `POST /api/tenants/{tenantId}/bulk` and `GET …/bulk/{batchId}` return them: one shape for
 * the service that builds them, the CLI that prints them, the tests and benchmark that read them and the OpenAPI
 * document (the zod schemas are the definition; the types are inferred from them).
 */
import { z } from 'zod';

const fieldErrorSchema = z.object({ field: z.string(), message: z.string() });

/** A row's state; `Rejected` rows were refused up front and never run. */
export const BULK_ROW_STATUSES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Cancelled', 'Rejected'] as const;
export type BulkRowStatusView = (typeof BULK_ROW_STATUSES)[number];

export const bulkRowViewSchema = z.object({
  row: z.number(),
  line: z.number().optional(),
  userPrincipalName: z.string().optional(),
  displayName: z.string().optional(),
  phoneNumber: z.string().optional(),
  numberType: z.string().optional(),
  queueId: z.string().optional(),
  status: z.enum(BULK_ROW_STATUSES),
  error: z.string().optional(),
  errors: z.array(fieldErrorSchema).optional(),
  /** The provisioning run that worked on the row. */
  runId: z.string().optional(),
  objectId: z.string().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
});
export type BulkRowView = z.infer<typeof bulkRowViewSchema>;

export const BULK_BATCH_STATES = ['Accepted', 'Queued', 'Running', 'Completed', 'Cancelled'] as const;
export type BulkBatchStateView = (typeof BULK_BATCH_STATES)[number];

export const bulkStatusViewSchema = z.object({
  batchId: z.string(),
  total: z.number(),
  accepted: z.number(),
  pending: z.number(),
  running: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  cancelled: z.number(),
  rejected: z.number(),
  state: z.enum(BULK_BATCH_STATES),
  createdAt: z.string(),
  createdBy: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  ratePerMinute: z.number().nullable(),
  etaMs: z.number().nullable(),
  etaAt: z.string().nullable(),
  percentComplete: z.number(),
  rows: z.array(bulkRowViewSchema).optional(),
  continuationToken: z.string().optional(),
});
export type BulkStatusView = z.infer<typeof bulkStatusViewSchema>;

/** The 202 of an upload: the batch, and every refused row with its reasons. */
export const bulkSubmitViewSchema = z.object({
  batchId: z.string(),
  accepted: z.number(),
  rejected: z.array(z.object({ row: z.number(), line: z.number().optional(), errors: z.array(fieldErrorSchema) })),
  total: z.number(),
  state: z.string(),
});
/** `State`: the batch states the service knows (the schema says only "a string"). */
export type BulkSubmitView<State extends string = string> = Omit<z.infer<typeof bulkSubmitViewSchema>, 'state'> & {
  state: State;
};
