/**
 * `POST /api/tenants/{tenantId}/calls/{callId}/recording/pause` (the agent on the call, or a Supervisor of its call
 * queue, or an Admin — as the call queue's `recording.pauseAllowedFor` allows): the recorder stops keeping the call (PCI) and Teams is told `notRecording`.
 * 202 when it changed, 200 when it was so already (one span); 404 for a call a supervisor cannot see, 403 for an agent
 * not on the call or a role not allowed, 409 when the call is not recorded or has ended. docs/supervision.md.
 */
import { api } from '../lib/api-handler';
import { supervisionCaller, supervisionResponse } from '../lib/call-supervision';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('callRecordingPause', {
  access: 'callAgent',
  route: 'tenants/{tenantId}/calls/{callId}/recording/pause',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: api(async (request, context) => {
    const { tenantId, callId, caller } = await supervisionCaller(
      request,
      'Switchboard.Admin',
      'Switchboard.Supervisor',
      'Switchboard.Agent',
    );
    const outcome = await appRoot()
      .callSupervision((line) => context.log(line))
      .recording(tenantId, callId, caller, 'pause');
    return supervisionResponse(tenantId, callId, outcome);
  }),
});
