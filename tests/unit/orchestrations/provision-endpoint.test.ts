/**
 * `provisionEndpoint` replayed against scripted activity results (no host, no storage): the order of the steps, the
 * durable waits, compensation in reverse, and the step log the run publishes.
 */
import {
  provisionEndpoint,
  type ProvisionEndpointInput,
} from '../../../orchestrations/provisioning/provision-endpoint.orchestration';
import { fail, ok, retryLater } from '../../../orchestrations/provisioning/outcome';
import type { ProgressRecord } from '../../../orchestrations/provisioning/records.activities';
import { ActivityFails, replayOrchestration, type ActivityCall } from '../../support/orchestration-replay';
import { FULL_CHAIN_ACTIVITIES } from '../../support/provisioning-chain';

const OBJECT_ID = '11111111-2222-3333-4444-555555555555';
const APP_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

const input = (
  over: Partial<ProvisionEndpointInput['endpoint']> = {},
  keepPartial = false,
): ProvisionEndpointInput => ({
  tenantId: 'tenant-1',
  runId: 'run-1',
  endpoint: {
    userPrincipalName: 'cc-1@contoso.example',
    upnKey: 'cc-1@contoso.example',
    displayName: 'CC 1',
    applicationId: APP_ID,
    usageLocation: 'US',
    phoneNumber: '+14255550100',
    numberType: 'callingPlan',
    queueId: 'q-1',
    ...over,
  },
  keepPartial,
  licenseRule: 'allResourceAccounts',
});

/** Every activity succeeds as on a fresh tenant; `override` answers some calls differently. */
function tenant(override: (call: ActivityCall) => unknown = () => undefined) {
  return (call: ActivityCall): unknown => {
    const special = override(call);
    if (special !== undefined) return special;
    switch (call.name) {
      case 'checkConsent':
        return ok({ cached: true });
      case 'preflight':
        return ok({});
      case 'ensureApplicationInstance':
        return ok({ created: true, objectId: OBJECT_ID });
      case 'getApplicationInstance':
        return ok({ objectId: OBJECT_ID, applicationId: APP_ID });
      case 'syncApplicationInstance':
        return ok({ alreadySynced: false });
      case 'ensureUsageLocation':
        return ok({ changed: true, licensed: false });
      case 'ensureLicense':
        return ok({ added: true });
      case 'ensureNumberAssigned':
        return ok({ requested: true, operationId: 'op-1' });
      case 'getNumberOperation':
        return ok({ status: 'succeeded' });
      case 'ensureNumberUnassigned':
        return ok({});
      case 'ensureLicenseRemoved':
        return ok({ removed: true });
      case 'ensureApplicationInstanceRemoved':
        return ok({ removed: true });
      case 'recordProgress':
        return { current: true };
      default:
        throw new Error(`unexpected activity ${call.name}`);
    }
  };
}

const names = (calls: ActivityCall[]) => calls.map((c) => c.name);
const lastRecord = (calls: ActivityCall[]) =>
  calls.filter((c) => c.name === 'recordProgress').pop()?.input as ProgressRecord;
const stepsOf = (status: unknown) =>
  (status as { steps: { name: string; status: string; attempts: number; error?: string }[] }).steps.map(
    (s) => `${s.name}:${s.status}:${s.attempts}`,
  );

describe('provisionEndpoint by replay', () => {
  test('success: every step in order, the settling waits, one publish per long wait and the end', async () => {
    const run = await replayOrchestration(provisionEndpoint, input(), tenant());
    expect(run.output).toEqual({ status: 'Provisioned', objectId: OBJECT_ID });
    expect(names(run.activities)).toEqual(FULL_CHAIN_ACTIVITIES);
    // Settle before the first look at a write this run made: replication, licence, number operation.
    expect(run.waits.map((w) => w.delayMs)).toEqual([2_000, 5_000, 1_000]);
    expect(stepsOf(run.customStatus)).toEqual([
      'checkConsent:Succeeded:1',
      'preflight:Succeeded:1',
      'ensureApplicationInstance:Succeeded:1',
      'waitForReplication:Succeeded:1',
      'ensureApplicationId:Succeeded:1',
      'syncApplicationInstance:Succeeded:1',
      'ensureUsageLocation:Succeeded:1',
      'ensureLicense:Succeeded:1',
      'assignNumber:Succeeded:2',
      'bindToQueue:Succeeded:1',
      'recordActualState:Succeeded:1',
    ]);
    const end = lastRecord(run.activities);
    expect(end).toMatchObject({
      status: 'Provisioned',
      queueId: 'q-1',
      actual: { objectId: OBJECT_ID, licensed: true },
    });
    // Only what changed since the last publish.
    expect(end.steps.map((s) => s.name)).toEqual(['assignNumber', 'bindToQueue', 'recordActualState']);
  });

  test('retryLater: waits with capped exponential backoff on the orchestration clock, then goes on', async () => {
    const run = await replayOrchestration(
      provisionEndpoint,
      input({ phoneNumber: undefined, numberType: undefined }),
      tenant((c) =>
        c.name === 'getApplicationInstance' && c.attempt < 3
          ? retryLater('not visible yet', { code: 'NotReplicated' })
          : undefined,
      ),
    );
    expect(run.output).toMatchObject({ status: 'Provisioned' });
    // settle 2 s, then 4 s, 8 s, 16 s between the looks (replication policy: 2 s doubling, 60 s cap).
    expect(run.waits.map((w) => w.delayMs)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(stepsOf(run.customStatus)).toContain('waitForReplication:Succeeded:4');
    expect(stepsOf(run.customStatus)).toContain('assignNumber:Skipped:0');
  });

  test('throttled: the Retry-After the service asked for is waited out with a durable timer', async () => {
    const run = await replayOrchestration(
      provisionEndpoint,
      input({ phoneNumber: undefined, numberType: undefined }),
      tenant((c) =>
        c.name === 'checkConsent' && c.attempt === 0
          ? retryLater('graph: throttled', { code: 'TooManyRequests', retryAfterMs: 45_000 })
          : undefined,
      ),
    );
    expect(run.output).toMatchObject({ status: 'Provisioned' });
    expect(run.waits[0].delayMs).toBe(45_000);
    expect(names(run.activities).slice(0, 2)).toEqual(['checkConsent', 'checkConsent']);
  });

  test('a retryable step past its deadline fails the run and compensates', async () => {
    const run = await replayOrchestration(
      provisionEndpoint,
      { ...input(), timing: { replication: { initialDelayMs: 1_000, maxDelayMs: 1_000, deadlineMs: 5_000 } } },
      tenant((c) => (c.name === 'getApplicationInstance' ? retryLater('not visible yet') : undefined)),
    );
    expect(run.output).toMatchObject({ status: 'Failed' });
    expect((run.output as { error: string }).error).toMatch(/waitForReplication did not succeed within 5 s/);
    expect(names(run.activities).slice(-2)).toEqual(['ensureApplicationInstanceRemoved', 'recordProgress']);
  });

  test('fail after side effects: compensation in reverse — number, licence, account — then Failed', async () => {
    const run = await replayOrchestration(
      provisionEndpoint,
      input(),
      tenant((c) =>
        c.name === 'recordProgress' && (c.input as ProgressRecord).status === 'Provisioned'
          ? new ActivityFails('storage unavailable')
          : undefined,
      ),
    );
    expect(run.output).toMatchObject({ status: 'Failed', objectId: OBJECT_ID });
    const after = names(run.activities).slice(names(run.activities).lastIndexOf('getNumberOperation') + 1);
    expect(after).toEqual([
      'recordProgress', // the Provisioned record that failed
      'ensureNumberUnassigned',
      'ensureLicenseRemoved',
      'ensureApplicationInstanceRemoved',
      'recordProgress', // Failed
    ]);
    expect(stepsOf(run.customStatus).slice(-3)).toEqual([
      'compensate:unassignNumber:Compensated:1',
      'compensate:removeLicense:Compensated:1',
      'compensate:removeApplicationInstance:Compensated:1',
    ]);
    expect(lastRecord(run.activities)).toMatchObject({ status: 'Failed' });
  });

  test('a permanent failure compensates only what this run did, and keepPartial keeps it all', async () => {
    const poolEmpty = (c: ActivityCall) =>
      c.name === 'ensureLicense'
        ? fail('No Teams Phone Resource Account licence is free.', { code: 'LicensePoolEmpty' })
        : undefined;
    const undone = await replayOrchestration(provisionEndpoint, input(), tenant(poolEmpty));
    expect(undone.output).toMatchObject({
      status: 'Failed',
      error: 'No Teams Phone Resource Account licence is free.',
    });
    expect(names(undone.activities).slice(-2)).toEqual(['ensureApplicationInstanceRemoved', 'recordProgress']);
    expect(stepsOf(undone.customStatus)).toContain('ensureLicense:Failed:1');

    const kept = await replayOrchestration(provisionEndpoint, input({}, true), tenant(poolEmpty));
    expect(kept.output).toMatchObject({ status: 'Failed' });
    expect(names(kept.activities).filter((n) => n.startsWith('ensure') && n.endsWith('Removed'))).toEqual([]);
  });
});
