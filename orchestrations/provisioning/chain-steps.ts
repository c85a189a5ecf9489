/**
 * What both endpoint orchestrations share beyond the step runner: the waiting policies, the run's result, publishing
 * the run's state, and the number steps (assign with its licence wait and operation poll; unassign).
 */
import type * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { EndpointStatus, NumberType } from '../../shared/domain';
import type { ChainRunner } from './chain-runner';
import { nextDelayMs, type WaitPolicy } from './outcome';
import { provisioningActivities as act } from './provisioning.activities';
import { recordActivities, type ProgressRecord } from './records.activities';

export interface ProvisionTiming {
  replication: WaitPolicy;
  license: WaitPolicy;
  numberOperation: WaitPolicy;
  throttle: WaitPolicy;
}

export const DEFAULT_TIMING: ProvisionTiming = {
  replication: { initialDelayMs: 2_000, maxDelayMs: 60_000, deadlineMs: 30 * 60_000 },
  license: { initialDelayMs: 5_000, maxDelayMs: 60_000, deadlineMs: 60 * 60_000 },
  numberOperation: { initialDelayMs: 1_000, maxDelayMs: 10_000, deadlineMs: 15 * 60_000 },
  throttle: { initialDelayMs: 1_000, maxDelayMs: 60_000, deadlineMs: 15 * 60_000 },
};

export interface EndpointRunResult {
  status: EndpointStatus;
  objectId?: string;
  error?: string;
}

/** Publishes the run's state: customStatus now, and the endpoint row + step log through an activity. */
export function* publish(
  context: OrchestrationContext,
  runner: ChainRunner,
  record: {
    tenantId: string;
    upnKey: string;
    runId: string;
    objectId?: string;
    bulk?: { batchId: string; row: number };
  },
  status: EndpointStatus,
  error?: string,
  /** The end of a successful run: what the tenant confirmed, written with the status in one update. */
  outcome?: Pick<ProgressRecord, 'actual' | 'queueId'>,
): Generator<df.Task, void, unknown> {
  runner.setStatus(status);
  // Only the steps that changed: the earlier ones are in the table already (a chain publishes 3 times).
  const steps = runner.log.unpublished();
  yield* recordActivities.recordProgress.call(context, { ...record, status, steps, error, ...outcome });
  runner.log.markPublished(steps);
}

/** Assigns the number: waits out licence propagation ("user not found") and polls the number operation. */
export function* assignNumber(
  runner: ChainRunner,
  timing: ProvisionTiming,
  number: { tenantId: string; objectId: string; phoneNumber: string; numberType: NumberType },
  /** This run just licensed the account: Teams does not know it yet ("user not found") until the licence propagates. */
  licenseJustAdded: boolean,
): Generator<df.Task, { requested: boolean }, unknown> {
  const step = runner.log.start('assignNumber');
  const began = runner.now().getTime();
  let requested = false;
  for (let tries = 1; ; tries++) {
    const assigned = yield* runner.untilDone(step, act.ensureNumberAssigned, number, timing.license, {
      settleFirst: licenseJustAdded && tries === 1,
    });
    requested ||= assigned.requested;
    if (!assigned.operationId) break;
    const operation = yield* runner.untilDone(
      step,
      act.getNumberOperation,
      { tenantId: number.tenantId, operationId: assigned.operationId },
      timing.numberOperation,
      { settleFirst: true },
    );
    if (operation.status === 'succeeded') break;
    const detail = operation.detail ?? 'number operation failed';
    runner.log.attempt(step, detail);
    const delay = nextDelayMs(timing.license, tries);
    runner.checkDeadline(step, timing.license, began, delay, detail);
    yield runner.wait(delay);
  }
  runner.log.end(step, 'Succeeded');
  return { requested };
}

/** Unassigns the number (if it is on this account) and waits for the operation. */
export function* unassignNumber(
  runner: ChainRunner,
  timing: ProvisionTiming,
  name: string,
  number: { tenantId: string; objectId: string; phoneNumber: string; numberType: NumberType },
): Generator<df.Task, void, unknown> {
  const step = runner.log.start(name);
  const undo = yield* runner.untilDone(step, act.ensureNumberUnassigned, number, timing.throttle);
  if (undo.operationId) {
    yield* runner.untilDone(
      step,
      act.getNumberOperation,
      { tenantId: number.tenantId, operationId: undo.operationId },
      timing.numberOperation,
      { settleFirst: true },
    );
  }
  runner.log.end(step, name.startsWith('compensate:') ? 'Compensated' : 'Succeeded');
}
