/**
 * Provisioning: the rules of endpoint requests and the endpoint service, the consent check, and the endpoint tables
 * (`endpoints`, `endpointSteps`). The Durable chain that does the tenant work lives in orchestrations/provisioning.
 */
export * from './endpoint.service';
export * from './workflows.port';
export * from './consent.service';
export * from './tenant-country';
export * from './endpoints.repository';
export * from './endpoint-steps.repository';
export * from './endpoint-binding';
export * from './free-numbers';
