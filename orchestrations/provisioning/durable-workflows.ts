/**
 * EndpointWorkflows over the Durable client: instance ids are the endpoint's (`provision:{hash}`, `deprovision:{hash}`
 * of tenant + UPN key, instance-ids.ts), so Durable itself refuses a second run while one is in flight. Whether a run is
 * in flight is also asked of the legacy id (`provision:{tenantId}:{upn}`), for instances started before the hash.
 */
import type { DurableClient } from 'durable-functions';
import type { EndpointRecord, LicenseRule } from '../../shared/domain';
import type { EndpointWorkflows, WorkflowKind, WorkflowStartOptions } from '../../shared/provisioning';
import { instanceStatus, isActiveStatus } from '../instance-status';
import { DEPROVISION_ENDPOINT, type DeprovisionEndpointInput } from './deprovision-endpoint.orchestration';
import { PROVISION_ENDPOINT, type ProvisionEndpointInput } from './provision-endpoint.orchestration';
import { deprovisionInstanceId, legacyInstanceId, provisionInstanceId } from './instance-ids';
import type { ProvisionTiming } from './chain-steps';

export interface WorkflowSettings {
  licenseRule: LicenseRule;
  /** Overrides of the chain's waiting policies (tests shorten them). */
  timing?: Partial<ProvisionTiming>;
}

export function durableWorkflows(client: DurableClient, settings: WorkflowSettings): EndpointWorkflows {
  const instanceId = (kind: WorkflowKind, tenantId: string, upnKey: string) =>
    kind === 'provision' ? provisionInstanceId(tenantId, upnKey) : deprovisionInstanceId(tenantId, upnKey);

  const isActive = async (id: string): Promise<boolean> => {
    const status = await instanceStatus(client, id);
    return !!status && isActiveStatus(status.runtimeStatus);
  };
  /** A legacy id the store cannot hold (a `#`, too long) never named an instance: no instance, not an error. */
  const legacyActive = (kind: WorkflowKind, tenantId: string, upnKey: string) =>
    isActive(legacyInstanceId(kind, tenantId, upnKey)).catch(() => false);

  const isRunning = async (kind: WorkflowKind, tenantId: string, upnKey: string): Promise<boolean> =>
    (await isActive(instanceId(kind, tenantId, upnKey))) || (await legacyActive(kind, tenantId, upnKey));

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
