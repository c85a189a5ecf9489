/**
 * Provisioning survives what Microsoft 365 does to it: heavy throttling and 503s (Retry-After honoured, nothing
 * duplicated) and a host killed in the middle of the chain (the work resumes from durable state, nothing duplicated).
 */
import { startSystem, type System } from '../../../scripts/lib/system';
import {
  FAST_FAULTS,
  FAST_WAITS,
  freeNumber,
  postEndpoint,
  postNumberedEndpoint,
  state,
  uniqueUpn,
  waitForStatus,
} from '../../support/endpoints-api';

describe('provisioning under faults', () => {
  let system: System;
  let admin: string;
  const taken = new Set<string>();

  beforeAll(async () => {
    system = await startSystem({ faults: FAST_FAULTS, env: { PROVISIONING_WAITS: FAST_WAITS } });
    admin = await system.token(['Switchboard.Admin']);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('reaches Provisioned through 30% 429 and 10% 503 with no duplicate and no Retry-After violation', async () => {
    await system.sim('POST', '/_sim/faults', { throttleProbability: 0.3, errorProbability: 0.1, retryAfterSeconds: 1 });
    try {
      const before = (await state(system)).stats;
      const upns = [uniqueUpn(system), uniqueUpn(system), uniqueUpn(system)];
      const numbers = await Promise.all(upns.map(() => freeNumber(system, 'callingPlan', taken)));
      const responses = await Promise.all(
        upns.map((upn, i) =>
          postEndpoint(system, admin, {
            userPrincipalName: upn,
            displayName: `Faulty ${i}`,
            phoneNumber: numbers[i],
            numberType: 'callingPlan',
            usageLocation: 'US',
          }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual([202, 202, 202]);
      const results = await Promise.all(
        upns.map((upn) => waitForStatus(system, admin, upn, ['Provisioned', 'Failed'], 170_000)),
      );
      expect(results.map((r) => [r.status, r.error])).toEqual(upns.map(() => ['Provisioned', undefined]));
      const after = await state(system);
      for (const [i, upn] of upns.entries()) {
        const instances = after.applicationInstances.filter((x) => x.userPrincipalName === upn);
        expect(instances).toHaveLength(1);
        expect(after.numbers.find((n) => n.telephoneNumber === numbers[i])?.assignmentTargetId).toBe(
          instances[0].objectId,
        );
      }
      expect(after.stats.throttled + after.stats.faulted).toBeGreaterThan(before.throttled + before.faulted);
      expect(after.stats.retryAfterViolations).toBe(before.retryAfterViolations);
    } finally {
      await system.sim('POST', '/_sim/faults', { throttleProbability: 0, errorProbability: 0 });
    }
  });

  it('resumes after the host is killed mid-chain, with no duplicate', async () => {
    // Slow replication keeps the chain in its wait loop while the host dies.
    await system.sim('POST', '/_sim/faults', { replicationDelayMs: 3000 });
    const { upn, phoneNumber } = await postNumberedEndpoint(system, admin, {
      displayName: 'Killed',
      numberType: 'operatorConnect',
      taken,
    });
    await waitForStatus(system, admin, upn, ['Provisioning']);
    await new Promise((r) => setTimeout(r, 800));
    await system.host.kill();
    await system.restartHost();
    const endpoint = await waitForStatus(system, admin, upn, ['Provisioned', 'Failed']);
    expect(endpoint.status).toBe('Provisioned');
    const tenant = await state(system);
    expect(tenant.applicationInstances.filter((i) => i.userPrincipalName === upn)).toHaveLength(1);
    expect(tenant.numbers.find((n) => n.telephoneNumber === phoneNumber)?.assignmentTargetId).toBe(endpoint.objectId);
    await system.sim('POST', '/_sim/faults', FAST_FAULTS);
  });
});
