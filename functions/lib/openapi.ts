/**
 * The OpenAPI 3.1 document of the whole HTTP API (`GET /api/openapi.json`, issue 17 item 14). Request bodies come from
 * the very zod schemas that validate them, turned into JSON Schema 2020-12 (OpenAPI 3.1's dialect) by zod's own
 * `z.toJSONSchema` — no second copy. A test checks that every route the app registers is described here.
 */
import { z } from 'zod';
import { agentSkillsBodySchema, callQueueBodySchema } from '../../shared/callqueues';
import { menuBodySchema, selfServiceBodySchema } from '../../shared/menus';
import { superviseBodySchema } from '../../shared/calls';
import { endpointRequestSchema } from '../../shared/domain';
import { tenantBodySchema } from '../../shared/onboarding';
import { ACCESS_ROLES, ACCESS_TEXT, registeredRoutes } from './route-access';
import { withReplySchemas } from './openapi-responses';

type Json = Record<string, unknown>;

/** JSON Schema of what a request may send (transforms and refinements are checked by the API, not described). */
const inputSchema = (schema: z.ZodType): Json => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Json;
  return json;
};

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
  params?: Json[];
  body?: { schema: Json; example: unknown; contentType?: string; more?: Record<string, Json>; optional?: boolean };
  ok: Record<string, string>;
  extra?: Record<string, string>;
}

function operation(o: Op): Json {
  const responses: Json = {};
  for (const [status, description] of Object.entries(o.ok)) responses[status] = { description };
  for (const [status, description] of Object.entries(o.extra ?? {})) responses[status] = problem(description);
  return {
    summary: o.summary,
    ...(o.params?.length ? { parameters: o.params } : {}),
    ...(o.body
      ? {
          requestBody: {
            required: !o.body.optional,
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
const serviceId = pathParam('serviceId', 'The self-service id.', 'balance');
const promptName = pathParam('name', 'The prompt name.', 'welcome');
/** Where Graph fetches a prompt's audio (anonymous, content-addressed). */
const mediaParams = [
  pathParam('owner', 'Tenant id or default.', 'default'),
  pathParam('rest', 'name/sha256.wav or name.wav.', 'closed.wav'),
];
/** The query both reports take. */
const reportParams = [
  { ...query('from', 'Start (ISO 8601).', { type: 'string' }), required: true, example: '2026-12-01T00:00:00Z' },
  {
    ...query('to', 'End (ISO 8601), at most 92 days after from.', { type: 'string' }),
    required: true,
    example: '2026-12-02T00:00:00Z',
  },
  query('interval', '15m, 1h or 1d.', { type: 'string', enum: ['15m', '1h', '1d'] }),
  query('callQueueId', 'One call queue.', { type: 'string' }),
  query('format', 'json or csv.', { type: 'string', enum: ['json', 'csv'] }),
];
const callId = pathParam('callId', "Graph's call id.", '491f0b00-ffff-4bc9-a43e-b226498ec22a');

/** Monitor / barge and the recording's pause / resume of a live call (docs/supervision.md). */
function supervisionPaths(): Json {
  const paths: Json = {};
  for (const mode of ['monitor', 'barge'] as const)
    paths[`/api/tenants/{tenantId}/calls/{callId}/${mode}`] = {
      post: operation({
        summary:
          mode === 'monitor'
            ? 'A supervisor joins the connected call muted'
            : 'A supervisor joins the connected call speaking',
        params: [tenantId, callId],
        body: {
          schema: inputSchema(superviseBodySchema),
          example: { userPrincipalName: 'supervisor@contoso.com' },
          optional: true,
        },
        ok: { '202': '{callId, supervisor}: invited', '200': '{callId, supervisor}: already so' },
        extra: { '404': 'No such call (or not in your call queues)', '409': 'Not connected to an agent' },
      }),
    };
  for (const action of ['pause', 'resume'] as const)
    paths[`/api/tenants/{tenantId}/calls/{callId}/recording/${action}`] = {
      post: operation({
        summary: `${action === 'pause' ? 'Pause' : 'Resume'} the call's compliance recording (PCI)`,
        params: [tenantId, callId],
        ok: { '202': '{callId, recording}: changed', '200': '{callId, recording}: already so' },
        extra: { '404': 'No such call (or not in your call queues)', '409': 'Not recorded, or ended' },
      }),
    };
  return paths;
}

const endpointExample = {
  userPrincipalName: 'sales@contoso.com',
  displayName: 'Sales line',
  phoneNumber: '+14255550100',
  numberType: 'directRouting',
  queueId: 'sales',
};

/** A route template as registered → its OpenAPI path: constraints and catch-all stars dropped, `admin` literal. */
export function openApiPath(route: string): string {
  return `/api/${route}`
    .replace('{area:regex(^admin$)}', 'admin')
    .replace(/\{\*{1,2}([A-Za-z0-9_]+)\}/g, '{$1}')
    .replace(/\{([A-Za-z0-9_]+)(?::[^}]*)?\??\}/g, '{$1}');
}

/**
 * Each operation's access policy, from where its route was registered (functions/lib/route-access.ts): `x-access`,
 * the description, and the problems it brings (401/403/413 for token routes; no security for the anonymous ones).
 */
function withAccess(paths: Record<string, Record<string, Json>>): void {
  for (const route of registeredRoutes()) {
    for (const method of route.methods) {
      const op = paths[openApiPath(route.route)]?.[method.toLowerCase()];
      if (!op) continue;
      const token = ACCESS_ROLES[route.access].length > 0;
      op['x-access'] = route.access;
      op.description = `Access (${route.access}): ${ACCESS_TEXT[route.access]}`;
      if (!token) op.security = [];
      const responses = op.responses as Json;
      for (const [status, p] of Object.entries(PROBLEMS)) if (token || status === '400') responses[status] ??= p;
    }
  }
}

/** Every path and method the app registers, under `/api`. */
export function openApiDocument(version: string): Json {
  const paths: Record<string, Record<string, Json>> = {
    '/api/health': {
      get: operation({ summary: 'Health of storage and the tenant', ok: { '200': 'OK or degraded' } }),
    },
    '/api/openapi.json': {
      get: operation({ summary: 'This document', ok: { '200': 'The OpenAPI 3.1 document' } }),
    },
    '/api/portal/{path}': {
      get: operation({
        summary: "The portal's static files (deep links answered with the app)",
        params: [pathParam('path', 'A file of the portal, or a deep link.', 'index.html')],
        ok: { '200': 'The file' },
      }),
      head: operation({
        summary: "The portal's static files, headers only",
        params: [pathParam('path', 'A file of the portal, or a deep link.', 'index.html')],
        ok: { '200': 'The headers' },
      }),
    },
    '/api/admin/tenants': {
      get: operation({ summary: 'The onboarded tenants', ok: { '200': '{value}' } }),
    },
    '/api/admin/tenants/{tenantId}': {
      put: operation({
        summary: 'Onboard a tenant or change its quotas',
        params: [tenantId],
        body: {
          schema: inputSchema(tenantBodySchema),
          example: { displayName: 'Fabrikam', quotas: { bulkRowsPerDay: 20000, driftScansPerDay: 48 } },
        },
        ok: { '200': 'Replaced', '201': 'Onboarded' },
      }),
      get: operation({
        summary: 'One onboarded tenant',
        params: [tenantId],
        ok: { '200': 'The tenant' },
        extra: { '404': 'Not onboarded' },
      }),
    },
    '/api/tenants/{tenantId}/endpoints': {
      post: operation({
        summary: 'Provision an endpoint (resource account bound to the bot)',
        params: [tenantId],
        body: { schema: inputSchema(endpointRequestSchema), example: endpointExample },
        ok: { '202': 'Accepted; Location names the endpoint' },
        extra: { '409': 'Conflicts with work in flight' },
      }),
      get: operation({
        summary: 'List endpoints (a supervisor: those of their call queues)',
        params: [tenantId, ...paging],
        ok: { '200': '{value, continuationToken?}' },
      }),
    },
    '/api/tenants/{tenantId}/endpoints/{upn}': {
      patch: operation({
        summary: 'Bind the endpoint to a menu or a call queue (no reprovisioning)',
        params: [tenantId, upn],
        body: { schema: { type: 'object' }, example: { menuId: 'main' } },
        ok: { '200': 'The endpoint' },
        extra: { '404': 'No such endpoint' },
      }),
      get: operation({
        summary: 'One endpoint with its step log',
        params: [tenantId, upn],
        ok: { '200': 'The endpoint' },
        extra: { '404': 'No such endpoint (or outside the supervisor’s call queues)' },
      }),
      delete: operation({
        summary: 'Deprovision an endpoint',
        params: [tenantId, upn],
        ok: { '202': 'Accepted' },
        extra: { '404': 'No such endpoint', '409': 'Conflicts with work in flight' },
      }),
    },
    '/api/tenants/{tenantId}/bulk': {
      post: operation({
        summary: 'Bulk import: CSV or a JSON array of endpoint requests',
        params: [tenantId],
        body: {
          contentType: 'text/csv',
          schema: { type: 'string', description: 'CSV, header userPrincipalName,displayName,… (≤ 5,000 rows, 4 MiB)' },
          example: 'userPrincipalName,displayName,queueId\nsales@contoso.com,Sales line,sales\n',
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
        params: [tenantId, batchId],
        ok: { '200': 'The progress' },
        extra: { '404': 'Unknown batch' },
      }),
    },
    '/api/tenants/{tenantId}/numbers': {
      get: operation({
        summary: "The tenant's free phone numbers a resource account can take (Graph's unassigned number assignments)",
        params: [
          tenantId,
          {
            ...query('free', 'Must be true: only the free numbers are listed.', { type: 'string', enum: ['true'] }),
            required: true,
            example: 'true',
          },
          ...paging,
        ],
        ok: {
          '200': '{value: [{telephoneNumber, numberType, isoCountryCode?, city?, capabilities}], continuationToken?}',
        },
      }),
    },
    '/api/tenants/{tenantId}/consent': {
      get: operation({
        summary: 'What the tenant granted the contact-center bot (and the web app), with admin-consent links',
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
        params: [tenantId, role, principalId],
        ok: { '200': 'Already assigned', '201': 'Assigned' },
        extra: { '404': 'No such user or group in the tenant', '409': "No service principal of Switchboard's API app" },
      }),
      delete: operation({
        summary: "Remove that principal's assignment of that role (only that one)",
        params: [tenantId, role, principalId],
        ok: { '204': 'Removed' },
        extra: { '404': 'The principal does not hold the role, or is no user or group of the tenant' },
      }),
    },
    '/api/tenants/{tenantId}/agents/licensing': {
      get: operation({
        summary: 'Direct Routing model check: agents without a Teams Phone licence (alone or in E5)',
        params: [tenantId],
        ok: { '200': '{model: "directRouting", agents:[{userPrincipalName, licensed, skus}], unlicensed}' },
      }),
    },
    '/api/tenants/{tenantId}/drift': {
      get: operation({
        summary: 'Drift findings and the last scan (a supervisor: findings of their call queues)',
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
        params: [tenantId, query('remediate', 'Override DRIFT_AUTO_REMEDIATE for this run.', { type: 'boolean' })],
        ok: { '202': 'Started, or the running check' },
        extra: { '429': 'Daily quota of on-demand checks reached' },
      }),
    },
    '/api/calls/notifications': {
      post: operation({
        summary: "Graph's calling callbacks (the bot's token, no role)",
        body: { schema: { type: 'object' }, example: { value: [] } },
        ok: { '202': 'Queued' },
        extra: { '403': 'Bad bot token or a tenant not served' },
      }),
    },
    '/api/presence/notifications': {
      post: operation({
        summary: "Graph's presence change and lifecycle notifications (each checked by its subscription's clientState)",
        params: [query('validationToken', "Graph's validation handshake: echoed as text/plain.", { type: 'string' })],
        body: {
          schema: { type: 'object' },
          example: {
            value: [
              {
                subscriptionId: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07',
                clientState: 'the secret sent with the subscription',
                changeType: 'updated',
                resource: "communications/presences('5d6059b6-368d-45f8-91e1-8e07d485f1d0')",
                resourceData: { id: '5d6059b6-368d-45f8-91e1-8e07d485f1d0' },
              },
            ],
          },
        },
        ok: { '200': 'The validation token (handshake)', '202': 'Queued' },
        extra: { '403': 'No notification of a subscription of ours with its clientState' },
      }),
    },
    '/api/tenants/{tenantId}/presence/connect': {
      get: operation({
        summary:
          "Connect the tenant's presence (delegated Presence.Read.All: Graph takes presence subscriptions with a " +
          'delegated token only) — 302 to the tenant authorize endpoint for the bot, PKCE, state bound to the tenant; ' +
          'with Accept: application/json, 200 {authorizeUrl} (the same URL, for a single-page app to navigate to)',
        params: [tenantId],
        ok: {
          '200': '{authorizeUrl} (Accept: application/json)',
          '302': 'Location: the tenant authorize endpoint',
        },
      }),
    },
    '/api/presence/connect/callback': {
      get: operation({
        summary: "Entra's redirect back after the Admin signed in: redeems the code, stores the refresh token sealed",
        params: [
          { ...query('code', 'The authorization code.', { type: 'string' }), required: true, example: 'M.R3_BAY.c0d3' },
          {
            ...query('state', 'The state the connect route handed out ({tenantId}.{nonce}; good once).', {
              type: 'string',
            }),
            required: true,
            example: '8a1c5e3b-2f4d-4c6a-9b7e-0d1f2a3b4c5d.n0nce',
          },
        ],
        ok: { '200': '{tenantId, connected: true, connectedBy, connectedByOid, connectedAt, subscriptions, detail}' },
        extra: { '400': 'No code or state; a state unknown, used or expired; a code Entra refused; Entra error' },
      }),
    },
    '/api/tenants/{tenantId}/presence/connection': {
      get: operation({
        summary: "Whether the tenant's presence is connected, by whom, since when (never the token)",
        params: [tenantId],
        ok: {
          '200': '{tenantId, connected, connectedBy?, connectedByOid?, connectedAt?, subscriptions: on|off, detail}',
        },
      }),
      delete: operation({
        summary: "Disconnect the tenant's presence: deletes its presence subscriptions, then the connection",
        params: [tenantId],
        ok: { '204': 'Disconnected' },
        extra: { '404': 'Presence is not connected' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues/{queueId}': {
      put: operation({
        summary: 'Create or replace a call queue',
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
        params: [tenantId, queueId],
        ok: { '200': 'The call queue' },
        extra: { '404': 'No such call queue' },
      }),
      patch: operation({
        summary: 'Merge-patch a call queue (RFC 7396)',
        params: [tenantId, queueId],
        body: { schema: { type: 'object' }, example: { wrapUpS: 30 }, contentType: 'application/merge-patch+json' },
        ok: { '200': 'The call queue' },
        extra: {
          '403':
            'Not allowed: role or tenant; or a Supervisor sending calls into a call queue they do not supervise ' +
            '(`errors[]` names the action, e.g. `overflowAction.target`)',
          '404': 'No such call queue (or not one the supervisor supervises)',
          '412': 'Changed since If-Match',
        },
      }),
      delete: operation({
        summary: 'Delete a call queue',
        params: [tenantId, queueId],
        ok: { '204': 'Deleted' },
        extra: { '404': 'No such call queue', '409': 'Calls wait in it' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues': {
      get: operation({
        summary: 'Call queues, paged',
        params: [tenantId, ...paging],
        ok: { '200': '{value, continuationToken?}' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues/{queueId}/supervisors': {
      get: operation({
        summary: "A call queue's supervisors",
        params: [tenantId, queueId],
        ok: { '200': '{value}' },
        extra: { '404': 'No such call queue (or not one the supervisor supervises)' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues/{queueId}/supervisors/{upn}': {
      put: operation({
        summary: 'Make a user a supervisor of the call queue',
        params: [tenantId, queueId, agentUpn],
        ok: { '200': 'Already', '201': 'Assigned' },
        extra: { '404': 'No such call queue' },
      }),
      delete: operation({
        summary: 'Remove a supervisor assignment',
        params: [tenantId, queueId, agentUpn],
        ok: { '204': 'Removed' },
        extra: { '404': 'Not assigned' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues/{queueId}/agents/{upn}/optIn': {
      post: operation({
        summary: 'Opt an agent in (missed offers reset)',
        params: [tenantId, queueId, agentUpn],
        ok: { '200': 'The agent' },
        extra: { '404': 'No such call queue or agent (or outside the supervisor’s call queues)' },
      }),
    },
    '/api/tenants/{tenantId}/callQueues/{queueId}/agents/{upn}/optOut': {
      post: operation({
        summary: 'Opt an agent out',
        params: [tenantId, queueId, agentUpn],
        ok: { '200': 'The agent' },
        extra: { '404': 'No such call queue or agent (or outside the supervisor’s call queues)' },
      }),
    },
    '/api/tenants/{tenantId}/agents/{upn}': {
      get: operation({
        summary: 'One agent',
        params: [tenantId, agentUpn],
        ok: { '200': 'The agent' },
        extra: { '404': 'No such agent' },
      }),
      put: operation({
        summary: "Set an agent's skills",
        params: [tenantId, agentUpn],
        extra: { '404': 'No such agent (or not one of the supervisor’s call queues)' },
        body: { schema: inputSchema(agentSkillsBodySchema), example: { skills: { sales: 4, spanish: 2 } } },
        ok: { '200': 'The agent' },
      }),
    },
    '/api/tenants/{tenantId}/menus': {
      get: operation({ summary: 'Menus', params: [tenantId], ok: { '200': '{items}' } }),
    },
    '/api/tenants/{tenantId}/menus/{menuId}': {
      put: operation({
        summary: 'Create or replace a menu',
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
        params: [tenantId, menuId],
        ok: { '200': 'The menu' },
        extra: { '404': 'No such menu' },
      }),
      delete: operation({
        summary: 'Delete a menu',
        params: [tenantId, menuId],
        ok: { '204': 'Deleted' },
        extra: { '409': 'Another menu leads to it' },
      }),
    },
    '/api/tenants/{tenantId}/selfServices': {
      get: operation({
        summary: 'Self-services (never their secrets)',
        params: [tenantId],
        ok: { '200': '{items}' },
      }),
    },
    '/api/tenants/{tenantId}/selfServices/{serviceId}': {
      put: operation({
        summary: 'Create or replace a self-service (a signed line-of-business hook a menu option leads to)',
        params: [tenantId, serviceId],
        body: {
          schema: inputSchema(selfServiceBodySchema),
          example: {
            url: 'https://lob.example.com/switchboard/balance',
            secret: 'a-long-random-shared-secret',
            collect: [
              {
                name: 'account',
                prompt: { text: 'Enter your account number, then hash.' },
                digits: { min: 6, max: 10 },
              },
              { name: 'pin', prompt: { text: 'Enter your PIN, then hash.' }, digits: { min: 4, max: 4 } },
            ],
            fallback: { kind: 'callQueue', queueId: 'support' },
            timeoutS: 5,
          },
        },
        ok: { '200': 'Replaced (secretSet: true, never the secret)', '201': 'Created' },
      }),
      get: operation({
        summary: 'One self-service (secretSet: true, never the secret)',
        params: [tenantId, serviceId],
        ok: { '200': 'The self-service' },
        extra: { '404': 'No such self-service' },
      }),
      delete: operation({
        summary: 'Delete a self-service',
        params: [tenantId, serviceId],
        ok: { '204': 'Deleted' },
        extra: { '409': 'A menu leads to it' },
      }),
    },
    '/api/tenants/{tenantId}/prompts': {
      get: operation({ summary: 'Prompts', params: [tenantId], ok: { '200': '{items}' } }),
    },
    '/api/tenants/{tenantId}/prompts/{name}': {
      put: operation({
        summary: 'Upload a prompt (WAV, PCM mono 16-bit 16 kHz)',
        params: [tenantId, promptName],
        body: { schema: { type: 'string', format: 'binary' }, example: '', contentType: 'audio/wav' },
        ok: { '200': 'Replaced', '201': 'Created' },
      }),
      get: operation({
        summary: "A prompt's WAV",
        params: [tenantId, promptName],
        ok: { '200': 'audio/wav' },
        extra: { '404': 'No such prompt' },
      }),
    },
    '/api/media/prompts/{owner}/{rest}': {
      get: operation({
        summary: 'Prompt audio as Graph fetches it (content-addressed)',
        params: mediaParams,
        ok: { '200': 'audio/wav' },
      }),
      head: operation({
        summary: 'Prompt audio headers',
        params: mediaParams,
        ok: { '200': 'audio/wav' },
      }),
    },
    '/api/tenants/{tenantId}/realtime': {
      get: operation({
        summary: 'Wallboard figures now',
        params: [tenantId],
        ok: { '200': '{callQueues, agents}' },
      }),
    },
    '/api/tenants/{tenantId}/realtime/stream': {
      get: operation({
        summary: 'Wallboard figures as server-sent events',
        params: [tenantId],
        ok: { '200': 'text/event-stream' },
      }),
    },
    '/api/tenants/{tenantId}/reports/callQueues': {
      get: operation({
        summary: 'Call queue report (JSON or CSV)',
        params: [tenantId, ...reportParams],
        ok: { '200': '{items} or CSV' },
      }),
    },
    '/api/tenants/{tenantId}/reports/agents': {
      get: operation({
        summary: 'Agent report (JSON or CSV)',
        params: [tenantId, ...reportParams],
        ok: { '200': '{items} or CSV' },
      }),
    },
    '/api/tenants/{tenantId}/agents': {
      get: operation({
        summary: "Agents' skills and live state",
        params: [tenantId, query('callQueueId', 'Only the agents of this call queue.', { type: 'string' })],
        ok: { '200': '{items}' },
        extra: { '404': 'No such call queue (or not one the supervisor supervises)' },
      }),
    },
    '/api/tenants/{tenantId}/calls': {
      get: operation({
        summary: 'Live calls, or (with from/to) a search of ended calls, paged',
        params: [
          tenantId,
          query('state', 'active', { type: 'string', enum: ['active'] }),
          query('callQueueId', 'Only the calls of this call queue.', { type: 'string' }),
          query('from', 'Search: arrived at or after (ISO 8601).', { type: 'string' }),
          query('to', 'Search: arrived before (ISO 8601).', { type: 'string' }),
          query('result', 'Search: the outcome.', { type: 'string' }),
          query('agent', "Search: the agent's UPN or object id.", { type: 'string' }),
          query('caller', "Search: the caller's number.", { type: 'string' }),
          ...paging,
        ],
        ok: { '200': '{items} (live calls), or {items, continuationToken?} (search)' },
        extra: { '404': 'No such call queue (or not one the supervisor supervises)' },
      }),
    },
    '/api/tenants/{tenantId}/callbacks': {
      get: operation({
        summary: 'Callbacks callers asked for (paged)',
        params: [
          tenantId,
          query('state', 'Only callbacks in this state.', {
            type: 'string',
            enum: ['pending', 'dialing', 'connected', 'completed', 'failed'],
          }),
          query('callQueueId', 'Only the callbacks of this call queue.', { type: 'string' }),
          ...paging,
        ],
        ok: { '200': '{items, continuationToken?}' },
      }),
    },
    '/api/tenants/{tenantId}/calls/{callId}': {
      get: operation({
        summary: 'One call and its story',
        params: [tenantId, callId],
        ok: { '200': 'The call' },
        extra: { '404': 'No such call' },
      }),
    },
    ...supervisionPaths(),
  };
  withAccess(paths);
  withReplySchemas(paths);
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
