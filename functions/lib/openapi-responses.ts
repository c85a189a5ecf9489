/**
 * The OpenAPI document's reply bodies (issue 17 item 14): each JSON reply's schema is the zod schema its view type is
 * inferred from (shared/domain views, the call queue, menu, prompt and real-time schemas where those types live),
 * turned into JSON Schema 2020-12 by zod's own `z.toJSONSchema` — one definition. The calls and reports replies are
 * assembled in their triggers from larger internal types: their schemas (shared/reporting/report-view.ts) name the
 * fields clients rely on and let the rest through.
 */
import { z } from 'zod';
import { callQueueRecordSchema, supervisorAssignmentViewSchema } from '../../shared/callqueues';
import {
  agentViewSchema,
  bulkStatusViewSchema,
  bulkSubmitViewSchema,
  consentViewSchema,
  driftCheckRunViewSchema,
  driftReportViewSchema,
  endpointPageViewSchema,
  endpointViewSchema,
} from '../../shared/domain';
import { menuRecordSchema, promptViewSchema } from '../../shared/menus';
import {
  agentReportSchema,
  callQueueReportSchema,
  callSearchPageSchema,
  callStorySchema,
  liveCallsSchema,
  realtimeSnapshotSchema,
} from '../../shared/reporting';
import { tenantRecordSchema } from '../../shared/onboarding';

type Json = Record<string, unknown>;

/** JSON Schema of what a reply holds. */
export const outputSchema = (schema: z.ZodType): Json => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
  }) as Json;
  return json;
};

const list = (key: 'value' | 'items', item: z.ZodType, paged = false) =>
  z.object({ [key]: z.array(item), ...(paged ? { continuationToken: z.string().optional() } : {}) });

const T = '/api/tenants/{tenantId}';

/*
 * The replies of the routes added last (roles, licensing, numbers, self-services, callbacks, supervision): their
 * schemas name the fields clients rely on and let the rest through, as the reports' do, until their view types are
 * derived from zod too.
 */
const roleMember = z.looseObject({
  principalId: z.string(),
  principalType: z.string(),
  role: z.string(),
  assignmentId: z.string(),
});
const selfServiceView = z.looseObject({
  serviceId: z.string(),
  url: z.string(),
  secretSet: z.boolean(),
  collect: z.array(z.looseObject({ name: z.string() })),
});
const callbackView = z.looseObject({
  callbackId: z.string(),
  callQueueId: z.string(),
  number: z.string(),
  state: z.enum(['pending', 'dialing', 'connected', 'completed', 'failed']),
});
const supervisionReply = z.looseObject({ callId: z.string() });
const callQueueList = z.object({ value: z.array(callQueueRecordSchema), continuationToken: z.string().optional() });

/** path → method → status → the reply's zod schema (JSON). */
export const REPLY_SCHEMAS: Record<string, Record<string, Record<string, z.ZodType>>> = {
  '/api/health': { get: { '200': z.looseObject({ status: z.string() }) } },
  '/api/openapi.json': {
    get: { '200': z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) },
  },
  '/api/admin/tenants': { get: { '200': list('value', tenantRecordSchema) } },
  '/api/admin/tenants/{tenantId}': {
    put: { '200': tenantRecordSchema, '201': tenantRecordSchema },
    get: { '200': tenantRecordSchema },
  },
  [`${T}/endpoints`]: { post: { '202': endpointViewSchema }, get: { '200': endpointPageViewSchema } },
  [`${T}/endpoints/{upn}`]: {
    get: { '200': endpointViewSchema },
    patch: { '200': endpointViewSchema },
    delete: { '202': endpointViewSchema },
  },
  [`${T}/bulk`]: { post: { '202': bulkSubmitViewSchema } },
  [`${T}/bulk/{batchId}`]: { get: { '200': bulkStatusViewSchema } },
  [`${T}/bulk/{batchId}/cancel`]: { post: { '200': bulkStatusViewSchema } },
  [`${T}/consent`]: { get: { '200': consentViewSchema } },
  [`${T}/drift`]: { get: { '200': driftReportViewSchema } },
  [`${T}/drift/check`]: { post: { '202': driftCheckRunViewSchema } },
  [`${T}/callQueues`]: { get: { '200': callQueueList } },
  [`${T}/callQueues/{queueId}`]: {
    put: { '200': callQueueRecordSchema, '201': callQueueRecordSchema },
    get: { '200': callQueueRecordSchema },
    patch: { '200': callQueueRecordSchema },
  },
  [`${T}/callQueues/{queueId}/supervisors`]: { get: { '200': list('value', supervisorAssignmentViewSchema) } },
  [`${T}/callQueues/{queueId}/supervisors/{upn}`]: {
    put: { '200': supervisorAssignmentViewSchema, '201': supervisorAssignmentViewSchema },
  },
  [`${T}/callQueues/{queueId}/agents/{upn}/optIn`]: { post: { '200': agentViewSchema } },
  [`${T}/callQueues/{queueId}/agents/{upn}/optOut`]: { post: { '200': agentViewSchema } },
  [`${T}/agents`]: { get: { '200': list('items', agentViewSchema) } },
  [`${T}/agents/{upn}`]: { get: { '200': agentViewSchema }, put: { '200': agentViewSchema } },
  [`${T}/menus`]: { get: { '200': list('items', menuRecordSchema) } },
  [`${T}/menus/{menuId}`]: {
    put: { '200': menuRecordSchema, '201': menuRecordSchema },
    get: { '200': menuRecordSchema },
  },
  [`${T}/prompts`]: { get: { '200': list('items', promptViewSchema) } },
  [`${T}/prompts/{name}`]: { put: { '200': promptViewSchema, '201': promptViewSchema } },
  [`${T}/realtime`]: { get: { '200': realtimeSnapshotSchema } },
  [`${T}/reports/callQueues`]: { get: { '200': callQueueReportSchema } },
  [`${T}/reports/agents`]: { get: { '200': agentReportSchema } },
  [`${T}/calls`]: { get: { '200': z.union([liveCallsSchema, callSearchPageSchema]) } },
  [`${T}/calls/{callId}`]: { get: { '200': callStorySchema } },
  [`${T}/calls/{callId}/monitor`]: { post: { '200': supervisionReply, '202': supervisionReply } },
  [`${T}/calls/{callId}/barge`]: { post: { '200': supervisionReply, '202': supervisionReply } },
  [`${T}/calls/{callId}/recording/pause`]: { post: { '200': supervisionReply, '202': supervisionReply } },
  [`${T}/calls/{callId}/recording/resume`]: { post: { '200': supervisionReply, '202': supervisionReply } },
  [`${T}/callbacks`]: { get: { '200': list('items', callbackView, true) } },
  [`${T}/roles/{role}/members`]: { get: { '200': z.looseObject({ role: z.string(), members: z.array(roleMember) }) } },
  [`${T}/roles/{role}/members/{principalId}`]: { put: { '200': roleMember, '201': roleMember } },
  [`${T}/agents/licensing`]: {
    get: {
      '200': z.looseObject({
        model: z.literal('directRouting'),
        agents: z.array(
          z.looseObject({ userPrincipalName: z.string(), licensed: z.boolean(), skus: z.array(z.string()) }),
        ),
        unlicensed: z.number(),
      }),
    },
  },
  [`${T}/numbers`]: {
    get: { '200': list('value', z.looseObject({ telephoneNumber: z.string(), numberType: z.string() }), true) },
  },
  [`${T}/presence/connect`]: {
    get: { '200': z.looseObject({ authorizeUrl: z.string() }) },
  },
  [`${T}/presence/connection`]: {
    get: { '200': z.looseObject({ tenantId: z.string(), connected: z.boolean(), subscriptions: z.string() }) },
  },
  '/api/presence/connect/callback': {
    get: { '200': z.looseObject({ tenantId: z.string(), connected: z.literal(true) }) },
  },
  [`${T}/selfServices`]: { get: { '200': list('items', selfServiceView) } },
  [`${T}/selfServices/{serviceId}`]: {
    get: { '200': selfServiceView },
    put: { '200': selfServiceView, '201': selfServiceView },
  },
};

/** Puts each described reply's JSON schema into the document's responses (the status must be described already). */
export function withReplySchemas(paths: Record<string, Record<string, Json>>): void {
  for (const [path, methods] of Object.entries(REPLY_SCHEMAS)) {
    for (const [method, statuses] of Object.entries(methods)) {
      const responses = paths[path]?.[method]?.responses as Record<string, Json> | undefined;
      if (!responses) throw new Error(`openapi: no operation ${method.toUpperCase()} ${path} for its reply schema`);
      for (const [status, schema] of Object.entries(statuses)) {
        const response = responses[status];
        if (!response) throw new Error(`openapi: ${method.toUpperCase()} ${path} does not describe a ${status}`);
        response.content = { 'application/json': { schema: outputSchema(schema) } };
      }
    }
  }
}
