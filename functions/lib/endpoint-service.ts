/** The EndpointService the function layer uses: the tables, and the durable client for the workflows. */
import type * as df from 'durable-functions';
import { EndpointService } from '../../shared/provisioning';
import { appConfig, endpointStepsRepository, endpointsRepository } from '../../shared/services';
import { durableWorkflows } from './workflows';

export function endpointService(client: df.DurableClient): EndpointService {
  const config = appConfig();
  return new EndpointService(
    endpointsRepository(),
    endpointStepsRepository(),
    durableWorkflows(client, { licenseRule: config.resourceAccountLicenseRule, timing: config.provisioningWaits }),
    { applicationId: config.bot.appId, usageLocation: config.defaultUsageLocation },
  );
}
