/**
 * EndpointWorkflows over the Durable client: instance ids are the endpoint's (`provision:{hash}`, `deprovision:{hash}`
 * of tenant + UPN key, instance-ids.ts), so Durable itself refuses a second run while one is in flight. Whether a run is
 * in flight is also asked of the legacy id (`provision:{tenantId}:{upn}`), for instances started before the hash.
 */
import type { DurableClient } from 'durable-functions';
import type { EndpointRecord, LicenseRule } from '../../shared/domain';
import {
  WorkflowBusyError,
  type EndpointWorkflows,
  type WorkflowKind,
  type WorkflowStartOptions,
} from '../../shared/provisioning';
import { instanceStatus, isActiveStatus } from '../instance-status';
import { DEPROVISION_ENDPOINT, type DeprovisionEndpointInput } from './deprovision-endpoint.orchestration';
import { PROVISION_ENDPOINT, type ProvisionEndpointInput } from './provision-endpoint.orchestration';
import { deprovisionInstanceId, legacyInstanceId, provisionInstanceId } from './instance-ids';
import type { ProvisionTiming } from './chain-steps';

export interface WorkflowSettings {
  licenseRule: LicenseRule;
  /** Overrides of the chain's waiting policies (tests shorten them). */
  timing?: Partial<ProvisionTiming>;
  /** How often a start refused by an older run that is finishing is tried (default 20, about 15 s in all). */
  startAttempts?: number;
  /** The pause between those tries (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
}

export function durableWorkflows(client: DurableClient, settings: WorkflowSettings): EndpointWorkflows {
  const instanceId = (kind: WorkflowKind, tenantId: string, upnKey: string) =>
    kind === 'provision' ? provisionInstanceId(tenantId, upnKey) : deprovisionInstanceId(tenantId, upnKey);

  /** The run id in the input of the active instance with that id, '' when active without one, undefined when idle. */
  const activeRunId = async (id: string): Promise<string | undefined> => {
    const status = await instanceStatus(client, id, { showInput: true });
    if (!status || !isActiveStatus(status.runtimeStatus)) return undefined;
    const input = status.input as { runId?: unknown } | undefined;
    return typeof input?.runId === 'string' ? input.runId : '';
  };
  /** A legacy id the store cannot hold (a `#`, too long) never named an instance: no instance, not an error. */
  const legacyRunId = (kind: WorkflowKind, tenantId: string, upnKey: string) =>
    activeRunId(legacyInstanceId(kind, tenantId, upnKey)).catch(() => undefined);

  const runningRunId = async (kind: WorkflowKind, tenantId: string, upnKey: string) =>
    (await activeRunId(instanceId(kind, tenantId, upnKey))) ?? (await legacyRunId(kind, tenantId, upnKey));

  const isRunning = async (kind: WorkflowKind, tenantId: string, upnKey: string): Promise<boolean> =>
    (await runningRunId(kind, tenantId, upnKey)) !== undefined;

  const pause = settings.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = settings.startAttempts ?? 20;

  return {
    isRunning,
    runningRunId,
    /**
     * Starts the record's run. When Durable refuses because the instance is active, only an instance running THIS
     * run (same runId: another request started it a moment ago) counts as started; an older run finishing its last
     * beat is waited out and the start retried, and if it will not finish the start is refused
     * ({@link WorkflowBusyError}) — never reported as started, which would leave the endpoint Pending forever.
     */
    async start(kind: WorkflowKind, record: EndpointRecord, options: WorkflowStartOptions = {}): Promise<void> {
      const id = instanceId(kind, record.tenantId, record.upnKey);
      const input =
        kind === 'provision' ? provisionInput(record, settings, options) : deprovisionInput(record, settings);
      let lastError: unknown;
      for (let attempt = 0; attempt < attempts; attempt++) {
        try {
          await client.startNew(kind === 'provision' ? PROVISION_ENDPOINT : DEPROVISION_ENDPOINT, {
            instanceId: id,
            input,
          });
          return;
        } catch (err) {
          lastError = err;
          const running = await activeRunId(id);
          if (running === record.runId) return;
          if (running === undefined && attempt > 0) throw err;
          await pause(Math.min(1_000, 100 * 2 ** attempt));
        }
      }
      throw new WorkflowBusyError(
        `another ${kind} run of ${record.desired.userPrincipalName} is still finishing; try again in a moment`,
        lastError,
      );
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
