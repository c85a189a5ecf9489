/** Tenant onboarding: the allow-list of tenants Switchboard serves (table `tenants`) and their daily quotas. */
export * from './tenant.schema';
export * from './tenants.repository';
export * from './onboarding.service';
export * from './role-assignments.service';
