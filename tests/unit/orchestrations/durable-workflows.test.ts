/**
 * Starting an endpoint's run while an older run of it is finishing (issue 17, item 3): only an instance running the
 * record's runId counts as started; an older one is waited out and the start retried, or the start is refused —
 * never reported as started (the endpoint would stay Pending with a runId no orchestration runs).
 */
import type { DurableClient } from 'durable-functions';
import { durableWorkflows } from '../../../orchestrations/provisioning/durable-workflows';
import { provisionInstanceId } from '../../../orchestrations/provisioning/instance-ids';
import type { EndpointRecord } from '../../../shared/domain';
import { WorkflowBusyError } from '../../../shared/provisioning';

const TENANT = '7f3c2a10-5b6d-4e8f-9a01-23456789abcd';
const record = (runId: string): EndpointRecord => ({
  tenantId: TENANT,
  upnKey: 'cc-1@contoso.example',
  desired: {
    userPrincipalName: 'cc-1@contoso.example',
    displayName: 'CC 1',
    applicationId: '11111111-1111-1111-1111-111111111111',
    usageLocation: 'US',
  },
  status: 'Pending',
  runId,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

/** A durable client whose instance (one id) runs `running` (a runId) for `finishAfter` more status reads. */
function fakeClient(o: { running?: string; finishAfter: number }) {
  let running = o.running;
  let reads = 0;
  const started: { instanceId: string; runId: string }[] = [];
  const client = {
    startNew: async (_name: string, opts: { instanceId: string; input: { runId: string } }) => {
      if (running !== undefined) throw new Error(`409 instance ${opts.instanceId} is Running`);
      started.push({ instanceId: opts.instanceId, runId: opts.input.runId });
      running = opts.input.runId;
      o.finishAfter = Number.POSITIVE_INFINITY;
      return opts.instanceId;
    },
    getStatus: async (instanceId: string) => {
      if (!instanceId.startsWith('provision:') || instanceId.includes(TENANT)) throw new Error('404 not found');
      if (running === undefined) throw new Error('404 not found');
      const status = { instanceId, runtimeStatus: 'Running', input: { runId: running } };
      if (++reads >= o.finishAfter) running = undefined;
      return status;
    },
  };
  return { client: client as unknown as DurableClient, started };
}

const settings = { licenseRule: 'allResourceAccounts' as const, sleep: async () => undefined };

describe('durableWorkflows.start racing a finishing run', () => {
  test('an older run finishing is waited out; the new run is then started', async () => {
    const { client, started } = fakeClient({ running: 'run-1', finishAfter: 3 });
    await durableWorkflows(client, settings).start('provision', record('run-2'));
    expect(started).toEqual([{ instanceId: provisionInstanceId(TENANT, 'cc-1@contoso.example'), runId: 'run-2' }]);
  });

  test('an older run that does not finish: refused (WorkflowBusyError), not reported as started', async () => {
    const { client, started } = fakeClient({ running: 'run-1', finishAfter: Number.POSITIVE_INFINITY });
    await expect(
      durableWorkflows(client, { ...settings, startAttempts: 4 }).start('provision', record('run-2')),
    ).rejects.toBeInstanceOf(WorkflowBusyError);
    expect(started).toEqual([]);
  });

  test('the same run already started by another request counts as started', async () => {
    const { client, started } = fakeClient({ running: 'run-2', finishAfter: Number.POSITIVE_INFINITY });
    const workflows = durableWorkflows(client, settings);
    await workflows.start('provision', record('run-2'));
    expect(started).toEqual([]);
    expect(await workflows.runningRunId('provision', TENANT, 'cc-1@contoso.example')).toBe('run-2');
  });
});
