/**
 * `deprovisionEndpoint` (instance id `deprovision:{sha256(tenant|upn)}`, instance-ids.ts): the provisioning chain backwards — unbind from
 * the queue, unassign the number FIRST (a number left on a deleted account is stuck "pending"), remove the licence,
 * delete the resource account (a directory user), mark the endpoint Deprovisioned. Every step converges, so running
 * it again after a failure finishes the job.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { NumberType } from '../../shared/domain';
import { provisioningActivities as act } from './provisioning.activities';
import { DEFAULT_TIMING, publish, unassignNumber, type EndpointRunResult, type ProvisionTiming } from './chain-steps';
import { recordActivities } from './records.activities';
import { createChainRunner, StepFailed } from './chain-runner';

export const DEPROVISION_ENDPOINT = 'deprovisionEndpoint';
export { deprovisionInstanceId } from './instance-ids';

export interface DeprovisionEndpointInput {
  tenantId: string;
  runId: string;
  upnKey: string;
  userPrincipalName: string;
  /** The account this endpoint recorded: the only one deprovisioning touches. */
  objectId?: string;
  /** The app the account was bound to (absent in runs started before it was recorded: then nothing is deleted). */
  applicationId?: string;
  phoneNumber?: string;
  numberType?: NumberType;
  queueId?: string;
  timing?: Partial<ProvisionTiming>;
}

/** The orchestrator (exported for replay tests; registered below). */
export function* deprovisionEndpoint(context: OrchestrationContext): Generator<df.Task, EndpointRunResult, unknown> {
  const input = context.df.getInput<DeprovisionEndpointInput>();
  const timing: ProvisionTiming = { ...DEFAULT_TIMING, ...input.timing };
  const { tenantId, upnKey } = input;
  const runner = createChainRunner(context);
  const record = { tenantId, upnKey, runId: input.runId, objectId: input.objectId };
  try {
    yield* publish(context, runner, record, 'Deprovisioning');
    if (input.queueId) {
      yield* runner.runStep(
        'unbindFromQueue',
        recordActivities.unbindFromQueue,
        { tenantId, upnKey, queueId: input.queueId },
        timing.throttle,
      );
    } else {
      runner.log.skip('unbindFromQueue');
    }
    // Only the object id this endpoint recorded, and only while it is an application instance of its app: never a
    // lookup by UPN (that finds whatever holds the name now — a user, another app's account).
    const found = input.objectId
      ? yield* runner.runStep(
          'findApplicationInstance',
          act.findApplicationInstance,
          { tenantId, identity: input.objectId, applicationId: input.applicationId },
          timing.throttle,
        )
      : (runner.log.skip('findApplicationInstance'), {});
    const foreign = 'foreign' in found && !!found.foreign;
    const ours = 'objectId' in found ? found.objectId : undefined;
    // A number still on the recorded account is unassigned even when the account is gone (it would stay "pending").
    const objectId = foreign ? undefined : (ours ?? input.objectId);
    if (objectId && input.phoneNumber && input.numberType) {
      const number = { tenantId, objectId, phoneNumber: input.phoneNumber, numberType: input.numberType };
      yield* unassignNumber(runner, timing, 'unassignNumber', number);
    } else {
      runner.log.skip('unassignNumber');
    }
    if (ours) {
      yield* runner.runStep('removeLicense', act.ensureLicenseRemoved, { tenantId, objectId: ours }, timing.throttle);
      yield* runner.runStep(
        'removeApplicationInstance',
        act.ensureApplicationInstanceRemoved,
        { tenantId, identity: ours, applicationId: input.applicationId },
        timing.throttle,
      );
    } else {
      runner.log.skip('removeLicense');
      runner.log.skip('removeApplicationInstance');
    }
    yield* publish(context, runner, record, 'Deprovisioned');
    return { status: 'Deprovisioned', objectId: ours ?? input.objectId } satisfies EndpointRunResult;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const failing = runner.log.current;
    if (failing?.status === 'Running') runner.log.end(failing, 'Failed', message);
    if (!(err instanceof StepFailed)) context.log(`deprovisionEndpoint ${upnKey}: ${message}`);
    yield* publish(context, runner, record, 'Failed', message);
    return { status: 'Failed', error: message } satisfies EndpointRunResult;
  }
}

df.app.orchestration(DEPROVISION_ENDPOINT, deprovisionEndpoint);
