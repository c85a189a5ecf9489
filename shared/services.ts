/**
 * Process-wide services for functions and activities, built once from the validated configuration: the tenant gateway factory
 * (one credential per customer tenant) and the table repositories.
 */
import { ApiTokenValidator } from './auth';
import { loadConfig, ratesFor, type AppConfig, type TenantRates } from './config';
import { BulkBatchesRepository, BulkRowsRepository, ProvisionRequestQueue } from './bulk';
import { DriftFindingsRepository, DriftScansRepository, DriftService } from './drift';
import { EndpointStepsRepository, EndpointsRepository } from './provisioning';
import { RateBuckets } from './storage';
import { TenantGatewayFactory, type TenantGateway } from './tenant';

let config: AppConfig | undefined;
let gateways: TenantGatewayFactory | undefined;

export function appConfig(): AppConfig {
  return (config ??= loadConfig(process.env));
}

/**
 * A gateway for one tenant. Activities never sleep long inside a call: a Retry-After beyond 10 s surfaces as a
 * ThrottledError, and the orchestrator waits it out with a durable timer.
 */
export function tenantGateway(tenantId: string): TenantGateway {
  return gatewayFactory().forTenant(tenantId, { retry: { maxWaitMs: 10_000 } });
}

/** Every gateway draws from the tenant's shared request budgets (TENANT_RATES). */
function gatewayFactory(): TenantGatewayFactory {
  return (gateways ??= new TenantGatewayFactory(appConfig(), undefined, {
    reserver: rateBuckets(),
    limits: (tenant) => tenantRates(tenant),
  }));
}

let buckets: RateBuckets | undefined;

/** The request budgets every instance of the app shares (table `rateBuckets`). */
export function rateBuckets(): RateBuckets {
  return (buckets ??= RateBuckets.fromConnectionString(appConfig().storageConnectionString));
}

/** One tenant's budgets from TENANT_RATES (its own entry over `*` over the defaults). */
export function tenantRates(tenantId: string): TenantRates {
  return ratesFor(appConfig(), tenantId);
}

/**
 * A gateway for a drift scan: few, short retries — a read that keeps failing becomes an unknown fact (the next scan
 * reads it again) rather than holding the scan up. A new gateway per scan, so its request counts are the scan's.
 */
export function driftGateway(tenantId: string): TenantGateway {
  return gatewayFactory().forTenant(tenantId, { retry: { maxAttempts: 3, maxWaitMs: 5_000 } });
}

let endpoints: EndpointsRepository | undefined;
let steps: EndpointStepsRepository | undefined;

export function endpointsRepository(): EndpointsRepository {
  return (endpoints ??= new EndpointsRepository(appConfig().storageConnectionString));
}

export function endpointStepsRepository(): EndpointStepsRepository {
  return (steps ??= new EndpointStepsRepository(appConfig().storageConnectionString));
}

let apiTokens: ApiTokenValidator | undefined;

/** Validates bearer tokens for Switchboard's API (keys cached per issuer). */
export function apiTokenValidator(): ApiTokenValidator {
  return (apiTokens ??= new ApiTokenValidator(appConfig()));
}

let bulkRows: BulkRowsRepository | undefined;
let bulkBatches: BulkBatchesRepository | undefined;
let provisionQueue: ProvisionRequestQueue | undefined;

export function bulkRowsRepository(): BulkRowsRepository {
  return (bulkRows ??= new BulkRowsRepository(appConfig().storageConnectionString));
}

export function bulkBatchesRepository(): BulkBatchesRepository {
  return (bulkBatches ??= new BulkBatchesRepository(appConfig().storageConnectionString));
}

/** The bulk queue of row references (setting BULK_QUEUE_NAME) and its poison queue. */
export function provisionRequestQueue(): ProvisionRequestQueue {
  return (provisionQueue ??= new ProvisionRequestQueue(
    appConfig().storageConnectionString,
    appConfig().bulk.queueName,
  ));
}

let driftFindings: DriftFindingsRepository | undefined;
let driftScans: DriftScansRepository | undefined;

export function driftFindingsRepository(): DriftFindingsRepository {
  return (driftFindings ??= new DriftFindingsRepository(appConfig().storageConnectionString));
}

export function driftScansRepository(): DriftScansRepository {
  return (driftScans ??= new DriftScansRepository(appConfig().storageConnectionString));
}

/** Drift checks over the tables and the tenant gateway (stateless: built per call). */
export function driftService(): DriftService {
  const config = appConfig();
  return new DriftService({
    endpoints: endpointsRepository(),
    findings: driftFindingsRepository(),
    scans: driftScansRepository(),
    gateway: driftGateway,
    licenseRule: config.resourceAccountLicenseRule,
    defaultUsageLocation: config.defaultUsageLocation,
    scanRetentionDays: config.driftScanRetentionDays,
  });
}
