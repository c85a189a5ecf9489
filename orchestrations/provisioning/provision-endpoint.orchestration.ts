/**
 * `provisionEndpoint` (instance id `provision:{sha256(tenant|upn)}`, instance-ids.ts): consent → preflight → application instance →
 * wait until replicated, check the app id stuck, sync → usage location → licence → number (waiting out licence
 * propagation, polling the number operation) → queue → actual state. Deterministic: all I/O is in activities, all
 * waiting is durable timers, all times come from the orchestration clock.
 *
 * A failure after side effects compensates in reverse — the number, then the licence we added, then the account we
 * created — unless the request asked to keep partial work.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { needsResourceAccountLicense, sameId, type LicenseRule, type NumberType } from '../../shared/domain';
import type { Activity } from '../activity';
import { createChainRunner, StepFailed, type ChainRunner } from './chain-runner';
import {
  DEFAULT_TIMING,
  assignNumber,
  publish,
  unassignNumber,
  type EndpointRunResult,
  type ProvisionTiming,
} from './chain-steps';
import type { Outcome } from './outcome';
import { provisioningActivities as act } from './provisioning.activities';
import type { ObservedEndpoint } from './records.activities';

export const PROVISION_ENDPOINT = 'provisionEndpoint';
export { provisionInstanceId } from './instance-ids';

export type { EndpointRunResult, ProvisionTiming } from './chain-steps';

export interface EndpointSpec {
  userPrincipalName: string;
  upnKey: string;
  displayName: string;
  applicationId: string;
  usageLocation: string;
  phoneNumber?: string;
  numberType?: NumberType;
  queueId?: string;
}

export interface ProvisionEndpointInput {
  tenantId: string;
  runId: string;
  endpoint: EndpointSpec;
  keepPartial: boolean;
  licenseRule: LicenseRule;
  timing?: Partial<ProvisionTiming>;
  /** The account this endpoint recorded in an earlier run: its own, so preflight lets this run converge it. */
  knownObjectId?: string;
  /** The bulk row this run works for: its end is recorded on the row too. */
  bulk?: { batchId: string; row: number };
}

/** The orchestrator (exported for replay tests; registered below). */
export function* provisionEndpoint(context: OrchestrationContext): Generator<df.Task, EndpointRunResult, unknown> {
  const input = context.df.getInput<ProvisionEndpointInput>();
  const timing: ProvisionTiming = { ...DEFAULT_TIMING, ...input.timing };
  const { tenantId, endpoint } = input;
  const runner = createChainRunner(context);
  const { log } = runner;
  const record = {
    tenantId,
    upnKey: endpoint.upnKey,
    runId: input.runId,
    objectId: undefined as string | undefined,
    ...(input.bulk ? { bulk: input.bulk } : {}),
  };
  const created = { instance: false, license: false, number: false };
  const wantsNumber = !!endpoint.phoneNumber && !!endpoint.numberType;

  try {
    // The first publish waits for the account to exist (the row says Pending until then): one activity less per
    // endpoint, and customStatus shows every step from the start.
    runner.setStatus('Provisioning');
    const needsLicense = needsResourceAccountLicense(input.licenseRule, wantsNumber);

    yield* runner.runStep(
      'checkConsent',
      act.checkConsent,
      { tenantId, appId: endpoint.applicationId },
      timing.throttle,
    );
    yield* runner.runStep(
      'preflight',
      act.preflight,
      {
        tenantId,
        userPrincipalName: endpoint.userPrincipalName,
        applicationId: endpoint.applicationId,
        knownObjectId: input.knownObjectId,
        needsLicense,
        phoneNumber: endpoint.phoneNumber,
        numberType: endpoint.numberType,
      },
      timing.throttle,
    );

    const instance = yield* runner.runStep(
      'ensureApplicationInstance',
      act.ensureApplicationInstance,
      {
        tenantId,
        userPrincipalName: endpoint.userPrincipalName,
        displayName: endpoint.displayName,
        applicationId: endpoint.applicationId,
        knownObjectId: input.knownObjectId,
      },
      timing.throttle,
    );
    created.instance = instance.created;
    yield* publish(context, runner, record, 'Provisioning');

    const visible = yield* runner.runStep(
      'waitForReplication',
      act.getApplicationInstance,
      { tenantId, identity: endpoint.userPrincipalName },
      timing.replication,
      { settleFirst: instance.created },
    );
    const objectId = visible.objectId;
    record.objectId = objectId;
    if (sameId(visible.applicationId, endpoint.applicationId)) {
      // The replication read already confirmed the app id: nothing to correct, no activity to run.
      log.done('ensureApplicationId');
    } else {
      yield* runner.runStep(
        'ensureApplicationId',
        act.ensureApplicationId,
        { tenantId, objectId, applicationId: endpoint.applicationId, observedApplicationId: visible.applicationId },
        timing.replication,
      );
    }
    yield* runner.runStep(
      'syncApplicationInstance',
      act.syncApplicationInstance,
      { tenantId, objectId, applicationId: endpoint.applicationId },
      timing.replication,
    );

    const located = yield* runner.runStep(
      'ensureUsageLocation',
      act.ensureUsageLocation,
      { tenantId, objectId, usageLocation: endpoint.usageLocation },
      timing.replication,
    );
    let licensed = located.licensed;
    if (needsLicense) {
      const license = yield* runner.runStep(
        'ensureLicense',
        act.ensureLicense,
        { tenantId, objectId, licensed: located.licensed },
        timing.throttle,
      );
      created.license = license.added;
      licensed = true;
    } else {
      log.skip('ensureLicense');
    }

    if (wantsNumber) {
      // Progress is published where a wait may be long (replication before, licence propagation here) and at the
      // end: each publish is an activity, and a bulk import runs thousands of chains.
      yield* publish(context, runner, record, 'Provisioning');
      const number = { tenantId, objectId, phoneNumber: endpoint.phoneNumber!, numberType: endpoint.numberType! };
      created.number = (yield* assignNumber(runner, timing, number, created.license)).requested;
    } else {
      log.skip('assignNumber');
    }

    // The queue binding and the actual state are Switchboard's own records: written with the final status in one
    // update of the endpoint row (no activity of their own), their steps logged here.
    if (endpoint.queueId) log.done('bindToQueue');
    else log.skip('bindToQueue');
    log.done('recordActualState');
    const actual: ObservedEndpoint = {
      objectId,
      applicationId: endpoint.applicationId,
      synced: true,
      usageLocation: endpoint.usageLocation,
      licensed,
      phoneNumber: wantsNumber ? endpoint.phoneNumber : undefined,
      numberType: wantsNumber ? endpoint.numberType : undefined,
    };
    yield* publish(context, runner, record, 'Provisioned', undefined, { actual, queueId: endpoint.queueId });
    return { status: 'Provisioned', objectId } satisfies EndpointRunResult;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const failing = log.current;
    if (failing?.status === 'Running') log.end(failing, 'Failed', message);
    if (!(err instanceof StepFailed)) context.log(`provisionEndpoint ${endpoint.upnKey}: ${message}`);
    if (!input.keepPartial) {
      // Undo, in reverse, what this run did: the number, the licence we added, the account we created.
      const objectId = record.objectId;
      if (created.number && objectId) {
        const number = { tenantId, objectId, phoneNumber: endpoint.phoneNumber!, numberType: endpoint.numberType! };
        try {
          yield* unassignNumber(runner, timing, 'compensate:unassignNumber', number);
        } catch (undoErr) {
          const step = log.current;
          if (step?.status === 'Running')
            log.end(step, 'Failed', undoErr instanceof Error ? undoErr.message : String(undoErr));
        }
      }
      if (created.license && objectId) {
        yield* compensation(
          runner,
          'compensate:removeLicense',
          act.ensureLicenseRemoved,
          { tenantId, objectId },
          timing,
        );
      }
      if (created.instance) {
        yield* compensation(
          runner,
          'compensate:removeApplicationInstance',
          act.ensureApplicationInstanceRemoved,
          { tenantId, identity: objectId ?? endpoint.userPrincipalName, applicationId: endpoint.applicationId },
          timing,
        );
      }
    }
    yield* publish(context, runner, record, 'Failed', message);
    return { status: 'Failed', objectId: record.objectId, error: message } satisfies EndpointRunResult;
  }
}

df.app.orchestration(PROVISION_ENDPOINT, provisionEndpoint);

/** A compensating step: its failure is recorded and the rest of the compensation goes on. */
function* compensation<I extends object, O>(
  runner: ChainRunner,
  name: string,
  activity: Activity<I, Outcome<O>>,
  activityInput: I,
  timing: ProvisionTiming,
): Generator<df.Task, void, unknown> {
  const step = runner.log.start(name);
  try {
    yield* runner.untilDone(step, activity, activityInput, timing.replication);
    runner.log.end(step, 'Compensated');
  } catch (err) {
    runner.log.end(step, 'Failed', err instanceof Error ? err.message : String(err));
  }
}
