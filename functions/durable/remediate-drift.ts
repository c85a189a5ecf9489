/**
 * The `remediateDrift` activity (contract in orchestrations/drift): starts a repair — a new provisioning run — of
 * each endpoint with auto-remediable findings, through EndpointService, which needs the durable client binding.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { remediateDrift, type RemediateDriftInput } from '../../orchestrations/drift/drift-check';
import { driftService } from '../../shared/services';
import { endpointService } from '../lib/endpoint-service';

df.app.activity(remediateDrift.name, {
  extraInputs: [df.input.durableClient()],
  handler: async (raw: unknown, context: InvocationContext) => {
    const input = raw as RemediateDriftInput;
    const endpoints = endpointService(df.getClient(context));
    return driftService().remediate(
      input.tenantId,
      { scanId: input.scanId, startedAt: input.startedAt },
      input.targets,
      (tenantId, upnKey) => endpoints.requestRepair(tenantId, upnKey),
    );
  },
});
