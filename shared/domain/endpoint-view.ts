/**
 * The endpoints API's replies, as `GET /api/tenants/{tenantId}/endpoints[/{upn}]` return them: one shape for the
 * service that builds them, the CLI that prints them, the tests that read them and the OpenAPI document (the zod
 * schema is the definition; the type is inferred from it).
 */
import { z } from 'zod';
import { ENDPOINT_STATUSES } from './enums';
import { actualEndpointSchema } from './endpoint-record';

export const endpointViewSchema = z.object({
  userPrincipalName: z.string(),
  displayName: z.string(),
  applicationId: z.string(),
  objectId: z.string().optional(),
  phoneNumber: z.string().optional(),
  numberType: z.string().optional(),
  usageLocation: z.string().optional(),
  queueId: z.string().optional(),
  menuId: z.string().optional(),
  status: z.enum(ENDPOINT_STATUSES),
  error: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  actual: actualEndpointSchema.optional(),
  steps: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      attempts: z.number(),
      startedAt: z.string().optional(),
      endedAt: z.string().optional(),
      error: z.string().optional(),
    }),
  ),
});
export type EndpointView = z.infer<typeof endpointViewSchema>;

/** One page of `GET …/endpoints` (`top`, `continuationToken`). */
export const endpointPageViewSchema = z.object({
  value: z.array(endpointViewSchema),
  continuationToken: z.string().optional(),
});
export type EndpointPageView = z.infer<typeof endpointPageViewSchema>;
