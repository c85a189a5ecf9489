/**
 * `PUT /api/tenants/{tenantId}/agents/{upn}` (Admin; Supervisor of a call queue the agent serves): `{skills: {name:
 * level 1–5}}` replaces the agent's skills → 200 the agent. The row's live state is kept (ETag-guarded update).
 * 404 when not a user of the tenant, or (for a Supervisor) not an agent of theirs.
 */
import { parseAgentSkillsBody } from '../../shared/callqueues';
import { forbidden, notFound } from '../../shared/http/problem';
import { HttpProblem, api, json, jsonBody, pathParam, validationProblem } from '../lib/api-handler';
import { callQueueCaller } from '../lib/callqueue-access';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('agentPut', {
  access: 'supervisorOfCallQueue',
  route: 'tenants/{tenantId}/agents/{upn}',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId, scope } = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const upn = pathParam(request, 'upn');
    const parsed = parseAgentSkillsBody(await jsonBody(request));
    if (!parsed.ok) throw validationProblem(parsed.errors);
    const outcome = await appRoot().agents.putSkills(tenantId, upn, parsed.value.skills, scope);
    if (outcome.kind === 'notFound') throw new HttpProblem(notFound(outcome.detail));
    if (outcome.kind === 'forbidden') throw new HttpProblem(forbidden(outcome.detail));
    return json(200, outcome.agent);
  }),
});
