/**
 * EndpointWorkflows over the Durable client: instance ids are the endpoint's (`provision:{tenantId}:{upn}`,
 * `deprovision:{tenantId}:{upn}`), so Durable itself refuses a second run while one is in flight.
 */
import type { DurableClient } from 'durable-functions';
import type { EndpointRecord, LicenseRule } from '../../shared/domain';
import type { EndpointWorkflows, WorkflowKind, WorkflowStartOptions } from '../../shared/provisioning';
import { instanceStatus, isActiveStatus } from '../instance-status';
import {
  DEPROVISION_ENDPOINT,
  deprovisionInstanceId,
  type DeprovisionEndpointInput,
} from './deprovision-endpoint.orchestration';
import {
  PROVISION_ENDPOINT,
  provisionInstanceId,
  type ProvisionEndpointInput,
} from './provision-endpoint.orchestration';
import type { ProvisionTiming } from './chain-steps';

export interface WorkflowSettings {
  licenseRule: LicenseRule;
  /** Overrides of the chain's waiting policies (tests shorten them). */
  timing?: Partial<ProvisionTiming>;
}

export function durableWorkflows(client: DurableClient, settings: WorkflowSettings): EndpointWorkflows {
  const instanceId = (kind: WorkflowKind, tenantId: string, upnKey: string) =>
    kind === 'provision' ? provisionInstanceId(tenantId, upnKey) : deprovisionInstanceId(tenantId, upnKey);

  const isRunning = async (kind: WorkflowKind, tenantId: string, upnKey: string): Promise<boolean> => {
    const status = await instanceStatus(client, instanceId(kind, tenantId, upnKey));
    return !!status && isActiveStatus(status.runtimeStatus);
  };

  return {
    isRunning,
    async start(kind: WorkflowKind, record: EndpointRecord, options: WorkflowStartOptions = {}): Promise<void> {
      const id = instanceId(kind, record.tenantId, record.upnKey);
      const input =
        kind === 'provision' ? provisionInput(record, settings, options) : deprovisionInput(record, settings);
      try {
        await client.startNew(kind === 'provision' ? PROVISION_ENDPOINT : DEPROVISION_ENDPOINT, {
          instanceId: id,
          input,
        });
      } catch (err) {
        // Another request started it a moment ago: the run is in flight, which is what was asked.
        if (await isRunning(kind, record.tenantId, record.upnKey)) return;
        throw err;
      }
    },
  };
}

function provisionInput(
  record: EndpointRecord,
  settings: WorkflowSettings,
  options: WorkflowStartOptions = {},
): ProvisionEndpointInput {
  const d = record.desired;
  if (!record.runId) throw new Error(`endpoint ${record.upnKey} has no run id`);
  // EndpointService fills the usage location (request, number's country, or DEFAULT_USAGE_LOCATION).
  if (!d.usageLocation) throw new Error(`endpoint ${record.upnKey} has no usage location`);
  return {
    tenantId: record.tenantId,
    runId: record.runId,
    endpoint: {
      userPrincipalName: d.userPrincipalName,
      upnKey: record.upnKey,
      displayName: d.displayName,
      applicationId: d.applicationId,
      usageLocation: d.usageLocation,
      phoneNumber: d.phoneNumber,
      numberType: d.numberType,
      queueId: d.queueId,
    },
    keepPartial: !!d.keepPartial,
    knownObjectId: record.objectId ?? record.actual?.objectId,
    licenseRule: settings.licenseRule,
    timing: settings.timing,
    ...(options.bulk ? { bulk: { batchId: options.bulk.batchId, row: options.bulk.row } } : {}),
  };
}

function deprovisionInput(record: EndpointRecord, settings: WorkflowSettings): DeprovisionEndpointInput {
  const d = record.desired;
  if (!record.runId) throw new Error(`endpoint ${record.upnKey} has no run id`);
  return {
    tenantId: record.tenantId,
    runId: record.runId,
    upnKey: record.upnKey,
    userPrincipalName: d.userPrincipalName,
    objectId: record.objectId ?? record.actual?.objectId,
    applicationId: record.actual?.applicationId ?? d.applicationId,
    phoneNumber: record.actual?.phoneNumber ?? d.phoneNumber,
    numberType: record.actual?.numberType ?? d.numberType,
    queueId: record.actual?.queueId ?? d.queueId,
    timing: settings.timing,
  };
}
