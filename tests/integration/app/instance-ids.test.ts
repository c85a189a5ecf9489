/**
 * Durable instance ids against the running system (issue 17, item 2): `q#1@…` and `q#2@…` are two endpoints with two
 * runs (the raw-UPN ids were cut at the `#` and collided), and the longest UPN Entra accepts provisions too.
 */
import { startSystem, type System } from '../../../scripts/lib/system';
import { provisionInstanceId } from '../../../orchestrations/provisioning/instance-ids';
import { waitForStatus as waitForInstance } from '../../support/durable-host';
import { FAST_FAULTS, FAST_WAITS, postEndpoint, state, waitForStatus } from '../../support/endpoints-api';

describe('endpoint instance ids', () => {
  let system: System;
  let admin: string;

  beforeAll(async () => {
    system = await startSystem({
      faults: FAST_FAULTS,
      env: { PROVISIONING_WAITS: FAST_WAITS, DEFAULT_USAGE_LOCATION: 'US' },
    });
    admin = await system.token(['Switchboard.Admin']);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('provisions q#1 and q#2 as two endpoints, each with its own run', async () => {
    const tag = Date.now().toString(36);
    const upns = [`q${tag}#1@${system.simulator.domain}`, `q${tag}#2@${system.simulator.domain}`];
    for (const upn of upns) {
      expect((await postEndpoint(system, admin, { userPrincipalName: upn, displayName: upn })).status).toBe(202);
    }
    for (const upn of upns) {
      const endpoint = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
      expect(endpoint.error).toBeUndefined();
      expect(endpoint.status).toBe('Provisioned');
      const run = await waitForInstance(system.origin, provisionInstanceId(system.simulator.tenantId, upn), [
        'Completed',
      ]);
      expect(JSON.stringify(run.input)).toContain(upn);
    }
    const instances = (await state(system)).applicationInstances.filter((i) => upns.includes(i.userPrincipalName));
    expect(instances).toHaveLength(2);
  });

  it('provisions the longest UPN (113 characters)', async () => {
    const domain = system.simulator.domain;
    const alias = `l${Date.now().toString(36)}`.padEnd(64, 'x');
    const upn = `${alias}@${domain}`;
    expect((await postEndpoint(system, admin, { userPrincipalName: upn, displayName: 'Long' })).status).toBe(202);
    const endpoint = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(endpoint.status).toBe('Provisioned');
    expect(provisionInstanceId(system.simulator.tenantId, upn.toLowerCase()).length).toBeLessThan(100);
  });
});
