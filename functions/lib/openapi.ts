/**
 * The OpenAPI 3.1 document of the whole HTTP API (`GET /api/openapi.json`, issue 17 item 14). Request bodies come from
 * the very zod schemas that validate them, turned into JSON Schema 2020-12 (OpenAPI 3.1's dialect) by zod's own
 * `z.toJSONSchema` — no second copy. A test checks that every route the app registers is described here.
 */
import { z } from 'zod';
import { agentSkillsBodySchema, callQueueBodySchema } from '../../shared/callqueues';
import { menuBodySchema } from '../../shared/menus';
import { endpointRequestSchema } from '../../shared/domain';
import { tenantBodySchema } from '../../shared/onboarding';

type Json = Record<string, unknown>;

/** JSON Schema of what a request may send (transforms and refinements are checked by the API, not described). */
const inputSchema = (schema: z.ZodType): Json =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json;

const problemSchema: Json = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json).',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const problem = (description: string): Json => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const PROBLEMS: Record<string, Json> = {
  '400': problem('The request is not valid; `errors[]` names every bad field.'),
  '401': problem('No valid access token.'),
  '403': problem('Not allowed: role, tenant (another, or not onboarded) or call queue scope.'),
  '413': problem('The body is larger than the route takes.'),
};

const tenantId: Json = {
  name: 'tenantId',
  in: 'path',
  required: true,
  description: 'The tenant id (a GUID, any case).',
  schema: { type: 'string', format: 'uuid' },
  example: '8a1c5e3b-2f4d-4c6a-9b7e-0d1f2a3b4c5d',
};
const pathParam = (name: string, description: string, example: string): Json => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
  example,
});
const query = (name: string, description: string, schema: Json): Json => ({ name, in: 'query', description, schema });
const paging = [
  query('top', 'Page size, 1–1000.', { type: 'integer', minimum: 1, maximum: 1000 }),
  query('continuationToken', 'The token of the previous page.', { type: 'string' }),
];

interface Op {
  summary: string;
  roles: string[];
  params?: Json[];
  body?: { schema: Json; example: unknown; contentType?: string; more?: Record<string, Json> };
  ok: Record<string, string>;
  extra?: Record<string, string>;
}

function operation(o: Op): Json {
  const responses: Json = {};
  for (const [status, description] of Object.entries(o.ok)) responses[status] = { description };
  for (const [status, description] of Object.entries(o.extra ?? {})) responses[status] = problem(description);
  const anonymous = o.roles.length === 0;
  Object.assign(responses, anonymous ? { '400': PROBLEMS['400'] } : PROBLEMS);
  return {
    summary: o.summary,
    description: anonymous ? 'No role needed.' : `Roles: ${o.roles.join(', ')}.`,
    ...(anonymous ? { security: [] } : {}),
    ...(o.params?.length ? { parameters: o.params } : {}),
    ...(o.body
      ? {
          requestBody: {
            required: true,
            content: {
              [o.body.contentType ?? 'application/json']: { schema: o.body.schema, example: o.body.example },
              ...o.body.more,
            },
          },
        }
      : {}),
    responses,
  };
}

const upn = pathParam('upn', "The endpoint's user principal name (percent-encoded).", 'sales@contoso.com');
const batchId = pathParam('batchId', 'The batch id.', '1b4e28ba-2fa1-11d2-883f-0016d3cca427');
const queueId = pathParam('queueId', 'The call queue id (1–64 lower-case letters, digits, dashes).', 'sales');
const agentUpn = pathParam('upn', "The agent's or supervisor's user principal name.", 'agent01@contoso.com');
const menuId = pathParam('menuId', 'The menu id.', 'main');
const role: Json = {
  name: 'role',
  in: 'path',
  required: true,
  description: "One of Switchboard's API roles (any case).",
  schema: { type: 'string', enum: ['Switchboard.Admin', 'Switchboard.Supervisor', 'Switchboard.Agent'] },
  example: 'Switchboard.Supervisor',
};
const principalId = pathParam(
  'principalId',
  "A user's or group's object id (a user's UPN is accepted and resolved).",
  '5d6059b6-368d-45f8-91e1-8e07d485f1d0',
);
const promptName = pathParam('name', 'The prompt name.', 'welcome');
/** Where Graph fetches a prompt's audio (anonymous, content-addressed). */
const mediaParams = [
  pathParam('owner', 'Tenant id or default.', 'default'),
  pathParam('rest', 'name/sha256.wav or name.wav.', 'welcome.wav'),
];
/** The query both reports take. */
const reportParams = [
  query('from', 'Start (ISO 8601).', { type: 'string' }),
  query('to', 'End (ISO 8601).', { type: 'string' }),
  query('interval', '15m, 1h or 1d.', { type: 'string', enum: ['15m', '1h', '1d'] }),
  query('callQueueId', 'One call queue.', { type: 'string' }),
  query('format', 'json or csv.', { type: 'string', enum: ['json', 'csv'] }),
];
const callId = pathParam('callId', "Graph's call id.", '491f0b00-ffff-4bc9-a43e-b226498ec22a');
const ADMIN = ['Switchboard.Admin'];
const READERS = ['Switchboard.Admin', 'Switchboard.Supervisor'];

const endpointExample = {
  userPrincipalName: 'sales@contoso.com',
  displayName: 'Sales line',
  phoneNumber: '+14255550100',
  numberType: 'directRouting',
  queueId: 'sales',
};

/** Every path and method the app registers, under `/api`. */
export function openApiDocument(version: string): Json {
  const paths: Record<string, Record<string, Json>> = {
    '/api/health': {
      get: operation({ summary: 'Health of storage and the tenant', roles: [], ok: { '200': 'OK or degraded' } }),
    },
    '/api/openapi.json': {
      get: operation({ summary: 'This document', roles: [], ok: { '200': 'The OpenAPI 3.1 document' } }),
    },
    '/api/portal/{path}': {
      get: operation({
        summary: "The portal's static files (deep links answered with the app)",
        roles: [],
        params: [pathParam('path', 'A file of the portal, or a deep link.', 'index.html')],
        ok: { '200': 'The file' },
      }),
      head: operation({
        summary: "The portal's static files, headers only",
        roles: [],
        params: [pathParam('path', 'A file of the portal, or a deep link.', 'index.html')],
        ok: { '200': 'The headers' },
      }),
    },
    '/api/admin/tenants': {
      get: operation({ summary: 'The onboarded tenants', roles: ['Switchboard.Operator'], ok: { '200': '{value}' } }),
    },
    '/api/admin/tenants/{tenantId}': {
      put: operation({
        summary: 'Onboard a tenant or change its quotas',
        roles: ['Switchboard.Operator'],
        params: [tenantId],
        body: {
          schema: inputSchema(tenantBodySchema),
          example: { displayName: 'Fabrikam', quotas: { bulkRowsPerDay: 20000, driftScansPerDay: 48 } },
        },
        ok: { '200': 'Replaced', '201': 'Onboarded' },
      }),
      get: operation({
        summary: 'One onboarded tenant',
        roles: ['Switchboard.Operator'],
        params: [tenantId],
        ok: { '200': 'The tenant' },
        extra: { '404': 'Not onboarded' },
      }),
    },
    '/api/tenants/{tenantId}/endpoints': {
      post: operation({
        summary: 'Provision an endpoint (resource account bound to the bot)',
        roles: ADMIN,
        params: [tenantId],
        body: { schema: inputSchema(endpointRequestSchema), example: endpointExample },
        ok: { '202': 'Accepted; Location names the endpoint' },
        extra: { '409': 'Conflicts with work in flight' },
      }),
      get: operation({
        summary: 'List endpoints (a supervisor: those of their call queues)',
        roles: READERS,
        params: [tenantId, ...paging],
        ok: { '200': '{value, continuationToken?}' },
      }),
    },
    '/api/tenants/{tenantId}/endpoints/{upn}': {
      patch: operation({
        summary: 'Bind the endpoint to a menu or a call queue (no reprovisioning)',
        roles: ADMIN,
        params: [tenantId, upn],
        body: { schema: { type: 'object' }, example: { menuId: 'main' } },
        ok: { '200': 'The endpoint' },
        extra: { '404': 'No such endpoint' },
      }),
      get: operation({
        summary: 'One endpoint with its step log',
        roles: READERS,
        params: [tenantId, upn],
        ok: { '200': 'The endpoint' },
        extra: { '404': 'No such endpoint (or outside the supervisor’s call queues)' },
      }),
      delete: operation({
        summary: 'Deprovision an endpoint',
        roles: ADMIN,
        params: [tenantId, upn],
        ok: { '202': 'Accepted' },
        extra: { '404': 'No such endpoint', '409': 'Conflicts with work in flight' },
      }),
    },
    '/api/tenants/{tenantId}/bulk': {
      post: operation({
        summary: 'Bulk import: CSV or a JSON array of endpoint requests',
        roles: ADMIN,
        params: [tenantId],
        body: {
          contentType: 'text/csv',
          schema: { type: 'string', description: 'CSV, header userPrincipalName,displayName,… (≤ 5,000 rows, 4 MiB)' },
          example:
            'userPrincipalName,displayName,phoneNumber,numberType\nsales@contoso.com,Sales,+14255550100,directRouting\n',
          more: {
            'application/json': {
              schema: { type: 'array', maxItems: 5000, items: inputSchema(endpointRequestSchema) },
              example: [endpointExample],
            },
          },
        },
        ok: { '202': 'Accepted: {batchId, accepted, rejected, total, state}' },
        extra: { '415': 'Another content type', '422': 'Idempotency-Key reused', '429': 'Daily quota reached' },
      }),
    },
    '/api/tenants/{tenantId}/bulk/{batchId}': {
      get: operation({
        summary: "A batch's progress, rows or CSV results (a supervisor: rows of their call queues)",
        roles: READERS,
        params: [
          tenantId,
          batchId,
          query('rows', 'Add every row.', { type: 'boolean' }),
          query('format', 'json (default) or csv.', { type: 'string', enum: ['json', 'csv'] }),
          ...paging,
        ],
        ok: { '200': 'Progress (JSON) or results (text/csv)' },
        extra: { '404': 'Unknown batch' },
      }),
    },
    '/api/tenants/{tenantId}/bulk/{batchId}/cancel': {
      post: operation({
        summary: 'Start no further rows of a batch',
        roles: ADMIN,
        params: [tenantId, batchId],
        ok: { '200': 'The progress' },
        extra: { '404': 'Unknown batch' },
      }),
    },
    '/api/tenants/{tenantId}/consent': {
      get: operation({
        summary: 'What the tenant granted the contact-center bot (and the web app), with admin-consent links',
        roles: ADMIN,
        params: [tenantId],
        ok: {
          '200':
            '{appId, adminConsentUrl, legacyAdminConsentUrl, granted, missing, excess} of the bot, and apps: [{appId, ' +
            'name: bot|webApp, adminConsentUrl (/common form), adminConsentUrlV2, granted, missing, excess}]',
        },
      }),
    },
    '/api/tenants/{tenantId}/roles/{role}/members': {
      get: operation({
        summary: "Who holds one of Switchboard's API roles (appRoleAssignedTo on the API app's service principal)",
        roles: ADMIN,
        params: [tenantId, role],
        ok: {
          '200': '{role, members:[{principalId, principalType, displayName?, role, assignmentId, createdDateTime?}]}',
        },
        extra: { '409': "The tenant has no service principal of Switchboard's API app" },
      }),
    },
    '/api/tenants/{tenantId}/roles/{role}/members/{principalId}': {
      put: operation({
        summary: 'Assign the role to a user or group of the tenant',
        roles: ADMIN,
        params: [tenantId, role, principalId],
        ok: { '200': 'Already assigned', '201': 'Assigned' },
        extra: { '404': 'No such user or group in the tenant', '409': "No service principal of Switchboard's API app" },
      }),
      delete: operation({
        summary: "Remove that principal's assignment of that role (only that one)",
        roles: ADMIN,
        params: [tenantId, role, principalId],
        ok: { '204': 'Removed' },
        extra: { '404': 'The principal does not hold the role, or is no user or group of the tenant' },
      }),
    },
    '/api/tenants/{tenantId}/agents/licensing': {
      get: operation({
        summary: 'Direct Routing model check: agents without a Teams Phone licence (alone or in E5)',
        roles: READERS,
        params: [tenantId],
        ok: { '200': '{model: "directRouting", agents:[{userPrincipalName, licensed, skus}], unlicensed}' },
      }),
    },
    '/api/tenants/{tenantId}/drift': {
      get: operation({
        summary: 'Drift findings and the last scan (a supervisor: findings of their call queues)',
        roles: READERS,
        params: [
          tenantId,
          query('status', 'open (default), resolved or all.', { type: 'string', enum: ['open', 'resolved', 'all'] }),
        ],
        ok: { '200': '{tenantId, status, check, lastScan, findings}' },
      }),
    },
    '/api/tenants/{tenantId}/drift/check': {
      post: operation({
        summary: 'Run a drift check now',
        roles: ADMIN,
        params: [tenantId, query('remediate', 'Override DRIFT_AUTO_REMEDIATE for this run.', { type: 'boolean' })],
        ok: { '202': 'Started, or the running check' },
        extra: { '429': 'Daily quota of on-demand checks reached' },
      }),
    },
    '/api/calls/notifications': {
      post: operation({
        summary: "Graph's calling callbacks (the bot's token, no role)",
        roles: [],
        body: { schema: { type: 'object' }, example: { value: [] } },
        ok: { '202': 'Queued' },
        extra: { '403': 'Bad bot token or a tenant not served' },
      }),
    },
    '/api/presence/notifications': {
      post: operation({
        summary: "Graph's presence change and lifecycle notifications (each checked by its subscription's clientState)",
        roles: [],
        params: [query('validationToken', "Graph's validation handshake: echoed as text/plain.", { type: 'string' })],
        body: { schema: { type: 'object' }, example: { value: [] } },
        ok: { '200': 'The validation token (handshake)', '202': 'Queued' },
        extra: { '403': 'No notification of a subscription of ours with its clientState' },
      }),
    },
    '/api/tenants/{tenantId}/presence/connect': {
      get: operation({
        summary:
          "Connect the tenant's presence (delegated Presence.Read.All: Graph takes presence subscriptions with a " +
          'delegated token only) — 302 to the tenant authorize endpoint for the bot, PKCE, state bound to the tenant',
        roles: ADMIN,
        params: [tenantId],
        ok: { '302': 'Location: the tenant authorize endpoint' },
      }),
    },
    '/api/presence/connect/callback': {
      get: operation({
        summary: "Entra's redirect back after the Admin signed in: redeems the code, stores the refresh token sealed",
        roles: [],
        params: [
          query('code', 'The authorization code.', { type: 'string' }),
          query('state', 'The state the connect route handed out ({tenantId}.{nonce}; good once).', { type: 'string' }),
        ],
        ok: { '200': '{tenantId, connected: true, connectedBy, connectedByOid, connectedAt, subscriptions, detail}' },
        extra: { '400': 'No code or state; a state unknown, used or expired; a code Entra refused; Entra error' },
      }),
    },
    '/api/tenants/{tenantId}/presence/connection': {
      get: operation({
        summary: "Whether the tenant's presence is connected, by whom, since when (never the token)",
        roles: ADMIN,
        params: [tenantId],
        ok: {
          '200': '{tenantId, connected, connectedBy?, connectedByOid?, connectedAt?, subscriptions: on|off, detail}',
        },
      }),
      delete: operation({
        summary: "Disconnect the tenant's presence: deletes its presence subscriptions, then the connection",
        roles: ADMIN,
        params: [tenantId],
        ok: { '204': 'Disconnected' },
        extra: { '404': 'Presence is not connected' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues/{queueId}': {
      put: operation({
        summary: 'Create or replace a call queue',
        roles: ADMIN,
        params: [tenantId, queueId],
        body: {
          schema: inputSchema(callQueueBodySchema),
          example: {
            name: 'Sales',
            routingMethod: 'longestIdle',
            agents: [{ userPrincipalName: 'agent01@contoso.com' }],
          },
        },
        ok: { '200': 'Replaced', '201': 'Created' },
      }),
      get: operation({
        summary: 'One call queue',
        roles: READERS,
        params: [tenantId, queueId],
        ok: { '200': 'The call queue' },
        extra: { '404': 'No such call queue' },
      }),
      patch: operation({
        summary: 'Merge-patch a call queue (RFC 7396)',
        roles: ADMIN,
        params: [tenantId, queueId],
        body: { schema: { type: 'object' }, example: { wrapUpS: 30 }, contentType: 'application/merge-patch+json' },
        ok: { '200': 'The call queue' },
        extra: { '404': 'No such call queue', '412': 'Changed since If-Match' },
      }),
      delete: operation({
        summary: 'Delete a call queue',
        roles: ADMIN,
        params: [tenantId, queueId],
        ok: { '204': 'Deleted' },
        extra: { '404': 'No such call queue', '409': 'Calls wait in it' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues': {
      get: operation({
        summary: 'Call queues, paged',
        roles: READERS,
        params: [tenantId, ...paging],
        ok: { '200': '{value, continuationToken?}' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues/{queueId}/supervisors': {
      get: operation({
        summary: "A call queue's supervisors",
        roles: READERS,
        params: [tenantId, queueId],
        ok: { '200': '{value}' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues/{queueId}/supervisors/{upn}': {
      put: operation({
        summary: 'Make a user a supervisor of the call queue',
        roles: ADMIN,
        params: [tenantId, queueId, agentUpn],
        ok: { '200': 'Already', '201': 'Assigned' },
        extra: { '404': 'No such call queue' },
      }),
      delete: operation({
        summary: 'Remove a supervisor assignment',
        roles: ADMIN,
        params: [tenantId, queueId, agentUpn],
        ok: { '204': 'Removed' },
        extra: { '404': 'Not assigned' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues/{queueId}/agents/{upn}/optIn': {
      post: operation({
        summary: 'Opt an agent in (missed offers reset)',
        roles: [...READERS, 'Switchboard.Agent'],
        params: [tenantId, queueId, agentUpn],
        ok: { '200': 'The agent' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues/{queueId}/agents/{upn}/optOut': {
      post: operation({
        summary: 'Opt an agent out',
        roles: [...READERS, 'Switchboard.Agent'],
        params: [tenantId, queueId, agentUpn],
        ok: { '200': 'The agent' },
      }),
    },
    '/api/tenants/{tenantId}/agents/{upn}': {
      get: operation({
        summary: 'One agent',
        roles: [...READERS, 'Switchboard.Agent'],
        params: [tenantId, agentUpn],
        ok: { '200': 'The agent' },
        extra: { '404': 'No such agent' },
      }),
      put: operation({
        summary: "Set an agent's skills",
        roles: READERS,
        params: [tenantId, agentUpn],
        body: { schema: inputSchema(agentSkillsBodySchema), example: { skills: { sales: 4, spanish: 2 } } },
        ok: { '200': 'The agent' },
      }),
    },
    '/api/tenants/{tenantId}/menus': {
      get: operation({ summary: 'Menus', roles: READERS, params: [tenantId], ok: { '200': '{items}' } }),
    },
    '/api/tenants/{tenantId}/menus/{menuId}': {
      put: operation({
        summary: 'Create or replace a menu',
        roles: ADMIN,
        params: [tenantId, menuId],
        body: {
          schema: inputSchema(menuBodySchema),
          example: {
            greeting: { text: 'Welcome' },
            options: [{ key: '1', action: { kind: 'callQueue', queueId: 'sales' } }],
            noInputAction: { kind: 'disconnect' },
          },
        },
        ok: { '200': 'Replaced', '201': 'Created' },
      }),
      get: operation({
        summary: 'One menu',
        roles: READERS,
        params: [tenantId, menuId],
        ok: { '200': 'The menu' },
        extra: { '404': 'No such menu' },
      }),
      delete: operation({
        summary: 'Delete a menu',
        roles: ADMIN,
        params: [tenantId, menuId],
        ok: { '204': 'Deleted' },
        extra: { '409': 'Another menu leads to it' },
      }),
    },
    '/api/tenants/{tenantId}/prompts': {
      get: operation({ summary: 'Prompts', roles: READERS, params: [tenantId], ok: { '200': '{items}' } }),
    },
    '/api/tenants/{tenantId}/prompts/{name}': {
      put: operation({
        summary: 'Upload a prompt (WAV, PCM mono 16-bit 16 kHz)',
        roles: ADMIN,
        params: [tenantId, promptName],
        body: { schema: { type: 'string', format: 'binary' }, example: '', contentType: 'audio/wav' },
        ok: { '200': 'Replaced', '201': 'Created' },
      }),
      get: operation({
        summary: "A prompt's WAV",
        roles: READERS,
        params: [tenantId, promptName],
        ok: { '200': 'audio/wav' },
        extra: { '404': 'No such prompt' },
      }),
    },
    '/api/media/prompts/{owner}/{rest}': {
      get: operation({
        summary: 'Prompt audio as Graph fetches it (content-addressed)',
        roles: [],
        params: mediaParams,
        ok: { '200': 'audio/wav' },
      }),
      head: operation({
        summary: 'Prompt audio headers',
        roles: [],
        params: mediaParams,
        ok: { '200': 'audio/wav' },
      }),
    },
    '/api/tenants/{tenantId}/realtime': {
      get: operation({
        summary: 'Wallboard figures now',
        roles: READERS,
        params: [tenantId],
        ok: { '200': '{callQueues, agents}' },
      }),
    },
    '/api/tenants/{tenantId}/realtime/stream': {
      get: operation({
        summary: 'Wallboard figures as server-sent events',
        roles: READERS,
        params: [tenantId],
        ok: { '200': 'text/event-stream' },
      }),
    },
    '/api/tenants/{tenantId}/reports/callQueues': {
      get: operation({
        summary: 'Call queue report (JSON or CSV)',
        roles: READERS,
        params: [tenantId, ...reportParams],
        ok: { '200': '{items} or CSV' },
      }),
    },
    '/api/tenants/{tenantId}/reports/agents': {
      get: operation({
        summary: 'Agent report (JSON or CSV)',
        roles: READERS,
        params: [tenantId, ...reportParams],
        ok: { '200': '{items} or CSV' },
      }),
    },
    '/api/tenants/{tenantId}/agents': {
      get: operation({
        summary: "Agents' skills and live state",
        roles: READERS,
        params: [tenantId, query('callQueueId', 'Only the agents of this call queue.', { type: 'string' })],
        ok: { '200': '{value}' },
      }),
    },
    '/api/tenants/{tenantId}/calls': {
      get: operation({
        summary: 'Live calls',
        roles: READERS,
        params: [
          tenantId,
          query('state', 'active', { type: 'string', enum: ['active'] }),
          query('callQueueId', 'Only the calls of this call queue.', { type: 'string' }),
        ],
        ok: { '200': '{value}' },
      }),
    },
    '/api/tenants/{tenantId}/calls/{callId}': {
      get: operation({
        summary: 'One call and its story',
        roles: READERS,
        params: [tenantId, callId],
        ok: { '200': 'The call' },
        extra: { '404': 'No such call' },
      }),
    },
  };
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Switchboard API',
      version,
      description:
        'Provision Teams resource accounts and run a contact center. Errors are RFC 9457 problem+json. ' +
        'Bearer tokens: Entra ID access tokens for the API (RS256), from an onboarded tenant.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: problemSchema },
    },
    paths,
  };
}
