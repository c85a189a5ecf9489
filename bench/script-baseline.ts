/**
 * The baseline every provisioning benchmark compares against: the same tenant changes made one endpoint after the
 * other by a plain script straight through the TenantGateway — what an admin's PowerShell script does (no
 * durability, no step log, no consent or pool checks). It polls eagerly (50 ms), which flatters it.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../shared/config';
import { RESOURCE_ACCOUNT_SKU, type NumberType } from '../shared/domain';
import { TenantGatewayFactory } from '../shared/tenant';
import { appEnvForSimulator } from '../scripts/lib/app-env';
import type { System } from '../scripts/lib/system';
import type { SimState } from '../tests/integration/simulator/helpers';
import { percentile } from './stats';

export interface ScriptBaseline {
  endpoints: number;
  /** Wall time for all of them, ms. */
  totalMs: number;
  p50Ms: number;
  requestsPerEndpoint: number;
  endpointsPerSecond: number;
}

export const benchUpn = (system: System, prefix = 'bench') =>
  `${prefix}-${randomBytes(4).toString('hex')}@${system.simulator.domain}`;

export async function scriptBaseline(
  system: System,
  numbers: readonly string[],
  numberType: NumberType,
): Promise<ScriptBaseline> {
  const config = loadConfig({
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    ...appEnvForSimulator(system.simulator.settings),
  });
  const gateway = new TenantGatewayFactory(config).forTenant(system.simulator.tenantId);
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const latencies: number[] = [];
  const before = (await system.sim<SimState>('GET', '/_sim/state')).stats.requests;
  const started = performance.now();
  for (const telephoneNumber of numbers) {
    const t0 = performance.now();
    const created = await gateway.createApplicationInstance({
      userPrincipalName: benchUpn(system, 'script'),
      displayName: 'Script line',
      applicationId: config.bot.appId,
    });
    while (!(await gateway.getApplicationInstance(created.objectId))) await pause(50);
    await gateway.syncApplicationInstance(created.objectId, config.bot.appId);
    await gateway.updateUsageLocation(created.objectId, 'US');
    await gateway.assignLicense(created.objectId, RESOURCE_ACCOUNT_SKU.skuId);
    // Until the licence is effective the assignment fails with "user not found": a script retries it.
    for (;;) {
      const { operationId } = await gateway.assignNumber({
        telephoneNumber,
        assignmentTargetId: created.objectId,
        numberType,
      });
      let status = 'running';
      let detail = '';
      while (status !== 'succeeded' && status !== 'failed') {
        const op = await gateway.getNumberOperation(operationId);
        status = op.status;
        detail = JSON.stringify(op.numbers ?? []);
        if (status !== 'succeeded' && status !== 'failed') await pause(50);
      }
      if (status === 'succeeded') break;
      if (!/not found/i.test(detail)) throw new Error(`script baseline: number operation failed: ${detail}`);
      await pause(50);
    }
    latencies.push(performance.now() - t0);
  }
  const totalMs = performance.now() - started;
  const requests = (await system.sim<SimState>('GET', '/_sim/state')).stats.requests - before;
  return {
    endpoints: numbers.length,
    totalMs,
    p50Ms: percentile(latencies, 50),
    requestsPerEndpoint: requests / numbers.length,
    endpointsPerSecond: numbers.length / (totalMs / 1000),
  };
}
