/**
 * Process-wide services for functions and activities, built once from the validated configuration: the tenant gateway factory
 * (one credential per customer tenant) and the table repositories.
 */
import { ApiTokenValidator } from './auth';
import { loadConfig, type AppConfig } from './config';
import { EndpointStepsRepository, EndpointsRepository } from './storage';
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
  gateways ??= new TenantGatewayFactory(appConfig());
  return gateways.forTenant(tenantId, { retry: { maxWaitMs: 10_000 } });
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
