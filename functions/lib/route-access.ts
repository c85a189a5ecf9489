/**
 * Who may call each HTTP route: the access policy, declared once where the route is registered ({@link httpRoute},
 * `durableApi`) and kept in a registry that the OpenAPI document publishes per operation (`x-access`). The handler
 * still enforces it (authorize / callQueueCaller); the generated authorization walk
 * (tests/integration/app/rbac-walk.test.ts) reads the policy from there and checks every route × caller against it,
 * and `npm run docs` prints it into docs/api.md.
 */
import { app, type HttpFunctionOptions } from '@azure/functions';

/**
 * - `anonymous`: anyone, no token (health, the OpenAPI document, the portal's files, prompt audio for Graph).
 * - `bot`: Graph's calling callbacks, the Bot Framework's token; every API token is refused (403).
 * - `operator`: `Switchboard.Operator` of Switchboard's own tenant (OPERATOR_TENANT_ID).
 * - `admin`: `Switchboard.Admin` of the route's tenant.
 * - `supervisor`: Admin, or any Supervisor of the tenant — tenant-wide settings that belong to no call queue
 *   (menus, prompts).
 * - `supervisorFiltered`: Admin, or any Supervisor, who sees only what belongs to their call queues (lists, reports,
 *   real-time figures, drift findings): 200 with the rest left out.
 * - `supervisorOfCallQueue`: Admin, or a Supervisor of the call queue the resource belongs to; another Supervisor
 *   gets 404, as for a resource that does not exist (its existence would leak).
 * - `agentSelf`: as `supervisorOfCallQueue`, and the agent themself (token `oid`); another agent gets 403.
 * - `agentSelfFiltered`: as `supervisorFiltered`, and an Agent, who sees only themself.
 * - `callAgent`: as `supervisorOfCallQueue`, and the agent connected to the call (token `oid`); any other agent gets
 *   403 (a live call's recording pause / resume).
 * - `signInRedirect`: Entra's redirect back after an Admin's sign-in: no token; the one-time `state` it carries is
 *   the proof, so a request without a state we handed out is refused (400) whoever sends it.
 * - `subscription`: Graph's change notifications: no token; each notification is checked by its subscription's
 *   `clientState`, so a body that names none of ours is refused (403) whoever sends it.
 */
export const ACCESS = [
  'anonymous',
  'bot',
  'operator',
  'admin',
  'supervisor',
  'supervisorFiltered',
  'supervisorOfCallQueue',
  'agentSelf',
  'agentSelfFiltered',
  'callAgent',
  'subscription',
  'signInRedirect',
] as const;
export type Access = (typeof ACCESS)[number];

/** Who each access lets in, as people read it (the OpenAPI descriptions and docs/api.md). */
export const ACCESS_TEXT: Record<Access, string> = {
  anonymous: 'Anyone; no token.',
  bot: "Graph's calling callbacks (the Bot Framework's token); API tokens are refused.",
  operator: "Switchboard.Operator of Switchboard's own tenant (OPERATOR_TENANT_ID).",
  admin: 'Switchboard.Admin of the tenant.',
  supervisor: 'Switchboard.Admin, or any Switchboard.Supervisor of the tenant.',
  supervisorFiltered:
    "Switchboard.Admin; a Switchboard.Supervisor sees only their call queues' items (the rest is left out).",
  supervisorOfCallQueue:
    'Switchboard.Admin, or a Switchboard.Supervisor of the call queue it belongs to (others: 404, as if it did not exist).',
  agentSelf:
    'Switchboard.Admin; a Switchboard.Supervisor of a call queue the agent serves (others: 404); the agent themself (Switchboard.Agent).',
  agentSelfFiltered:
    "Switchboard.Admin; a Switchboard.Supervisor sees their call queues' agents; a Switchboard.Agent sees themself.",
  callAgent:
    "Switchboard.Admin; a Switchboard.Supervisor of the call's call queue (others: 404); the agent connected to the call (Switchboard.Agent; other agents: 403).",
  signInRedirect: "Entra's redirect after an Admin's sign-in; no token: the one-time state it carries is the proof.",
  subscription:
    "Graph's change notifications; no token: each notification must name one of Switchboard's subscriptions with its clientState.",
};

/** The roles an access names (empty: no API role — anonymous or the bot). */
export const ACCESS_ROLES: Record<Access, string[]> = {
  anonymous: [],
  bot: [],
  operator: ['Switchboard.Operator'],
  admin: ['Switchboard.Admin'],
  supervisor: ['Switchboard.Admin', 'Switchboard.Supervisor'],
  supervisorFiltered: ['Switchboard.Admin', 'Switchboard.Supervisor'],
  supervisorOfCallQueue: ['Switchboard.Admin', 'Switchboard.Supervisor'],
  agentSelf: ['Switchboard.Admin', 'Switchboard.Supervisor', 'Switchboard.Agent'],
  agentSelfFiltered: ['Switchboard.Admin', 'Switchboard.Supervisor', 'Switchboard.Agent'],
  callAgent: ['Switchboard.Admin', 'Switchboard.Supervisor', 'Switchboard.Agent'],
  subscription: [],
  signInRedirect: [],
};

export interface RegisteredRoute {
  /** The function's name. */
  name: string;
  /** The route template as registered (under `/api`). */
  route: string;
  methods: string[];
  access: Access;
}

const registry: RegisteredRoute[] = [];

/** Records a route's access (called by {@link httpRoute} and `durableApi`). */
export function declareRoute(entry: RegisteredRoute): void {
  registry.push(entry);
}

/** Every route registered so far, with its access. */
export function registeredRoutes(): readonly RegisteredRoute[] {
  return registry;
}

/** `app.http` with the route's access declared beside it. */
export function httpRoute(name: string, options: HttpFunctionOptions & { access: Access }): void {
  const { access, ...rest } = options;
  declareRoute({ name, route: rest.route ?? name, methods: [...(rest.methods ?? ['GET', 'POST'])], access });
  app.http(name, rest);
}
