/**
 * `POST /api/tenants/{tenantId}/calls/{callId}/monitor` (Admin, or a Supervisor of the call's call queue; 404 for a call
 * outside their scope): the supervisor is invited into the connected call and muted once in it (Graph invites no one muted).
 * Body `{userPrincipalName?}`: absent = the caller (token `oid`). 202 invited, 200 already so, 409 when the call
 * is not connected to an agent. docs/supervision.md.
 */
import { api, optionalJsonBody } from '../lib/api-handler';
import { supervisionCaller, supervisionResponse } from '../lib/call-supervision';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callMonitor', {
  access: 'supervisorOfCallQueue',
  route: 'tenants/{tenantId}/calls/{callId}/monitor',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: api(async (request, context) => {
    const { tenantId, callId, caller } = await supervisionCaller(
      request,
      'Switchboard.Admin',
      'Switchboard.Supervisor',
    );
    const body = await optionalJsonBody(request);
    const outcome = await appRoot()
      .callSupervision((line) => context.log(line))
      .supervise(tenantId, callId, caller, 'monitor', body);
    return supervisionResponse(tenantId, callId, outcome);
  }),
});
