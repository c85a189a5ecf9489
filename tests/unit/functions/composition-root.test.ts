/**
 * The composition root builds every service, repository, gateway and activity set from the configuration alone —
 * no I/O until something is called — and the activity sets it hands the host cover every activity orchestrators call.
 */
import { createAppRoot } from '../../../functions/composition-root';
import { driftActivities } from '../../../orchestrations/drift/drift.activities';
import { provisioningActivities } from '../../../orchestrations/provisioning/provisioning.activities';
import { recordActivities } from '../../../orchestrations/provisioning/records.activities';
import { loadConfig } from '../../../shared/config';

const config = loadConfig({
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  PROVISIONING_CLIENT_ID: '11111111-1111-1111-1111-111111111111',
  PROVISIONING_CLIENT_SECRET: 's3cret-value',
  BOT_APP_ID: '22222222-2222-2222-2222-222222222222',
  API_AUDIENCE: 'api://switchboard',
  BRIDGE_URL: 'https://localhost:7075/bridge/',
  DRIFT_AUTO_REMEDIATE: '33333333-3333-3333-3333-333333333333',
});

describe('composition root', () => {
  const root = createAppRoot(config);

  it('builds the services once, from the configuration', () => {
    expect(root.config).toBe(config);
    expect(root.bulkUpload).toBe(root.bulkUpload);
    expect(root.drift).toBe(root.drift);
    expect(root.bulkUpload.maxBytes).toBeGreaterThan(0);
    expect(root.provisionQueue.poisonQueueName).toBe('provision-requests-poison');
    expect(root.autoRemediates('33333333-3333-3333-3333-333333333333')).toBe(true);
    expect(root.autoRemediates('44444444-4444-4444-4444-444444444444')).toBe(false);
  });

  it('has a handler for every activity contract the orchestrators call', () => {
    const sets: [Record<string, unknown>, Record<string, unknown>][] = [
      [provisioningActivities, root.provisioningActivities],
      [recordActivities, root.recordActivities],
      [driftActivities, root.driftActivities],
    ];
    for (const [contracts, handlers] of sets) {
      expect(Object.keys(handlers).sort()).toEqual(Object.keys(contracts).sort());
      for (const name of Object.keys(contracts)) expect(typeof handlers[name]).toBe('function');
    }
  });
});
