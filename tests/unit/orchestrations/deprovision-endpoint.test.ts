/** `deprovisionEndpoint` replayed against scripted activity results: the chain backwards, the number first. */
import {
  deprovisionEndpoint,
  type DeprovisionEndpointInput,
} from '../../../orchestrations/provisioning/deprovision-endpoint.orchestration';
import { fail, ok, retryLater } from '../../../orchestrations/provisioning/outcome';
import type { ProgressRecord } from '../../../orchestrations/provisioning/records.activities';
import { replayOrchestration, type ActivityCall } from '../../support/orchestration-replay';

const OBJECT_ID = '11111111-2222-3333-4444-555555555555';

const input: DeprovisionEndpointInput = {
  tenantId: 'tenant-1',
  runId: 'run-2',
  upnKey: 'cc-1@contoso.example',
  userPrincipalName: 'cc-1@contoso.example',
  objectId: OBJECT_ID,
  phoneNumber: '+14255550100',
  numberType: 'callingPlan',
  queueId: 'q-1',
};

function tenant(override: (call: ActivityCall) => unknown = () => undefined) {
  return (call: ActivityCall): unknown => {
    const special = override(call);
    if (special !== undefined) return special;
    switch (call.name) {
      case 'recordProgress':
        return { current: true };
      case 'unbindFromQueue':
        return ok({});
      case 'findApplicationInstance':
        return ok({ objectId: OBJECT_ID });
      case 'ensureNumberUnassigned':
        return ok({ operationId: 'op-9' });
      case 'getNumberOperation':
        return ok({ status: 'succeeded' });
      case 'ensureLicenseRemoved':
        return ok({ removed: true });
      case 'ensureApplicationInstanceRemoved':
        return ok({ removed: true });
      default:
        throw new Error(`unexpected activity ${call.name}`);
    }
  };
}

const names = (calls: ActivityCall[]) => calls.map((c) => c.name);
const statuses = (calls: ActivityCall[]) =>
  calls.filter((c) => c.name === 'recordProgress').map((c) => (c.input as ProgressRecord).status);

describe('deprovisionEndpoint by replay', () => {
  test('success: unbind, number first (waiting for its operation), licence, account, then Deprovisioned', async () => {
    const run = await replayOrchestration(deprovisionEndpoint, input, tenant());
    expect(run.output).toEqual({ status: 'Deprovisioned', objectId: OBJECT_ID });
    expect(names(run.activities)).toEqual([
      'recordProgress',
      'unbindFromQueue',
      'findApplicationInstance',
      'ensureNumberUnassigned',
      'getNumberOperation',
      'ensureLicenseRemoved',
      'ensureApplicationInstanceRemoved',
      'recordProgress',
    ]);
    expect(statuses(run.activities)).toEqual(['Deprovisioning', 'Deprovisioned']);
    expect(run.waits.map((w) => w.delayMs)).toEqual([1_000]); // the number operation settles first
  });

  test('no number, no queue: those steps are skipped and logged as such', async () => {
    const run = await replayOrchestration(
      deprovisionEndpoint,
      { ...input, phoneNumber: undefined, numberType: undefined, queueId: undefined },
      tenant(),
    );
    expect(run.output).toMatchObject({ status: 'Deprovisioned' });
    const steps = (run.customStatus as { steps: { name: string; status: string }[] }).steps;
    expect(steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'unbindFromQueue:Skipped',
      'findApplicationInstance:Succeeded',
      'unassignNumber:Skipped',
      'removeLicense:Succeeded',
      'removeApplicationInstance:Succeeded',
    ]);
  });

  test('throttled, then a permanent failure: waits, then stops where it failed and records Failed', async () => {
    const run = await replayOrchestration(
      deprovisionEndpoint,
      input,
      tenant((c) => {
        if (c.name === 'ensureLicenseRemoved' && c.attempt === 0)
          return retryLater('throttled', { retryAfterMs: 20_000 });
        if (c.name === 'ensureLicenseRemoved') return fail('Forbidden: licence assignment denied');
        return undefined;
      }),
    );
    expect(run.output).toEqual({ status: 'Failed', error: 'Forbidden: licence assignment denied' });
    expect(run.waits.map((w) => w.delayMs)).toEqual([1_000, 20_000]);
    expect(names(run.activities).slice(-3)).toEqual(['ensureLicenseRemoved', 'ensureLicenseRemoved', 'recordProgress']);
    expect(statuses(run.activities)).toEqual(['Deprovisioning', 'Failed']);
    const last = run.activities[run.activities.length - 1].input as ProgressRecord;
    expect(last.steps.map((s) => `${s.name}:${s.status}:${s.attempts}`)).toContain('removeLicense:Failed:2');
  });
});
