/**
 * `deprovisionEndpoint` (instance id `deprovision:{tenantId}:{upn}`): the provisioning chain backwards — unbind from
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
export const deprovisionInstanceId = (tenantId: string, upnKey: string) => `deprovision:${tenantId}:${upnKey}`;

export interface DeprovisionEndpointInput {
  tenantId: string;
  runId: string;
  upnKey: string;
  userPrincipalName: string;
  objectId?: string;
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
    const found = yield* runner.runStep(
      'findApplicationInstance',
      act.findApplicationInstance,
      { tenantId, identity: input.objectId ?? input.userPrincipalName },
      timing.throttle,
    );
    const objectId = found.objectId ?? input.objectId;
    if (objectId && input.phoneNumber && input.numberType) {
      const number = { tenantId, objectId, phoneNumber: input.phoneNumber, numberType: input.numberType };
      yield* unassignNumber(runner, timing, 'unassignNumber', number);
    } else {
      runner.log.skip('unassignNumber');
    }
    if (objectId) {
      yield* runner.runStep('removeLicense', act.ensureLicenseRemoved, { tenantId, objectId }, timing.throttle);
    } else {
      runner.log.skip('removeLicense');
    }
    yield* runner.runStep(
      'removeApplicationInstance',
      act.ensureApplicationInstanceRemoved,
      { tenantId, identity: objectId ?? input.userPrincipalName },
      timing.throttle,
    );
    yield* publish(context, runner, record, 'Deprovisioned');
    return { status: 'Deprovisioned', objectId } satisfies EndpointRunResult;
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
